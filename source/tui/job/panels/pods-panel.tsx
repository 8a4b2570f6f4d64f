import {Box, Text} from 'ink';
import type {PodInfo} from '../../../model/cluster.js';
import {detailPaths, type DetailView} from '../../../state/details-state.js';
import {formatSpan} from '../../../common/duration.js';
import type {Highlight} from '../../../state/job-view.js';
import {DetailNotice} from './detail-notice.js';
import {type Cell, type Column, Table} from '../../kit/table.js';
import {wrapCells} from '../../kit/text-width.js';
import {type Theme, useTheme} from '../../kit/theme.js';

type Props = {
	readonly view: DetailView<readonly PodInfo[]>;
	readonly highlights: Readonly<Record<string, Highlight>>;
	readonly namespace: string;
	readonly width: number;
	/** Rows for pods, the "+N more" line included. */
	readonly maxRows: number;
	readonly now: number;
	/** Full screen: below the table, each troubled pod's reason in full, wrapped. */
	readonly full?: boolean;
	/** The selected pod's name (its log opens with `l`): every row gets a marker cell; undefined for none. */
	readonly selected?: string | undefined;
	/** Failure records kept per pod name: a column when any. */
	readonly failed?: ReadonlyMap<string, number>;
};

function phaseStyle(pod: PodInfo, theme: Theme) {
	if (pod.rank === 0) return theme.phase.failure;
	if (pod.deleting) return theme.phase.transitional;
	if (pod.phase === 'Running') return theme.phase.running;
	if (pod.phase === 'Succeeded') return theme.phase.success;
	return theme.phase.waiting;
}

function why(pod: PodInfo): string {
	const {problem} = pod;
	if (!problem) return pod.deleting ? 'being deleted' : '';
	const exit = problem.exitCode === undefined ? '' : ` (exit ${problem.exitCode})`;
	return `${problem.reason}${exit}${problem.message ? `: ${problem.message}` : ''}`;
}

/** Which pod is selected: the one named, else the first; -1 without a selection. */
export function selectedIndex(pods: readonly PodInfo[], selected: string | undefined): number {
	if (selected === undefined) return -1;
	return Math.max(0, pods.findIndex(pod => pod.name === selected));
}

/** The job's pods, trouble first, with the reason a failing container gives. */
export function PodsPanel({view, highlights, namespace, width, maxRows, now, full = false, selected, failed}: Props) {
	const theme = useTheme();
	const pods = view.status === 'ok' || view.status === 'error' ? view.value : undefined;
	const title = (
		<Text {...theme.title}>
			Pods{pods ? <Text {...theme.muted}> {pods.length}</Text> : null}
		</Text>
	);
	if (!pods || pods.length === 0) {
		return (
			<Text wrap="truncate-end">
				{title}
				<Text> </Text>
				{pods ? (
					<Text {...theme.muted}>none yet (pods are created once the PodGroup is admitted)</Text>
				) : (
					<DetailNotice view={view} verb="list" resource="pods" namespace={namespace} />
				)}
			</Text>
		);
	}

	// Narrow terminals drop the node and the age before the reason, which is the point of the panel.
	const wide = width >= 110;
	const columns: Column[] = [
		{title: 'POD'},
		{title: 'TASK'},
		{title: 'PHASE'},
		{title: 'READY', align: 'right'},
		{title: 'RST', align: 'right'},
		...(failed && failed.size > 0 ? [{title: 'FAILED', align: 'right' as const}] : []),
		...(wide ? [{title: 'NODE'}, {title: 'AGE', align: 'right' as const}] : []),
		{title: 'WHY'},
	];
	const rows = pods.map((pod): Cell[] => {
		const highlight = highlights[detailPaths.pod(pod.name)];
		const created = pod.createdAt === undefined ? Number.NaN : Date.parse(pod.createdAt);
		return [
			{text: pod.name, highlight},
			{text: pod.task ?? '—', style: theme.muted},
			{text: pod.deleting ? `${pod.phase}↘` : pod.phase || '—', style: phaseStyle(pod, theme)},
			{text: `${pod.ready}/${pod.containers}`},
			{text: String(pod.restarts), ...(pod.restarts > 0 ? {style: theme.warning} : {style: theme.muted})},
			...(failed && failed.size > 0 ? [{text: String(failed.get(pod.name) ?? 0), style: failed.has(pod.name) ? theme.error : theme.muted}] : []),
			...(wide
				? [{text: pod.node ?? '—', style: theme.muted}, {text: Number.isNaN(created) ? '—' : formatSpan(now - created), style: theme.muted}]
				: []),
			{text: why(pod), style: pod.rank === 0 ? theme.error : theme.muted},
		];
	});
	// The table cuts the reason to its column; the full view gives it room, half the screen at most.
	const reasons = full
		? pods.filter(pod => pod.problem).flatMap(pod => wrapCells(`${pod.name}: ${why(pod)}`, width, 3))
		: [];
	const reasonRows = Math.min(reasons.length, Math.floor(maxRows / 2));
	const tableRows = reasonRows > 0 ? maxRows - reasonRows - 1 : maxRows;
	// The window of rows keeps the selection on screen (the "+N more" line below it).
	const chosen = selectedIndex(pods, selected);
	const start = chosen < 0 || tableRows <= 1 || pods.length <= tableRows ? 0 : Math.min(Math.max(0, chosen - tableRows + 2), pods.length - tableRows);
	return (
		<Box flexDirection="column">
			<Text wrap="truncate-end">
				{title}
				{start > 0 && <Text {...theme.muted}> · from row {start + 1}</Text>}
				{view.status === 'error' && (
					<>
						<Text> </Text>
						<DetailNotice view={view} verb="list" resource="pods" namespace={namespace} />
					</>
				)}
			</Text>
			<Table columns={columns} rows={rows.slice(start)} maxRows={tableRows} width={width} {...(chosen < 0 ? {} : {selected: chosen - start})} />
			{reasonRows > 0 && <Text {...theme.label}>Why</Text>}
			{reasons.slice(0, reasonRows).map((line, index) => (
				// eslint-disable-next-line react/no-array-index-key
				<Text key={index} wrap="truncate-end" {...theme.error}>
					{line}
				</Text>
			))}
		</Box>
	);
}
