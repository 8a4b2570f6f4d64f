import {Box, Text} from 'ink';
import type {PodGroupInfo} from '../../../model/cluster.js';
import {detailPaths, type DetailView} from '../../../state/details-state.js';
import {formatClock} from '../../../common/duration.js';
import type {PhaseKind} from '../../../model/job.js';
import type {Highlight} from '../../../state/job-view.js';
import {DetailNotice} from './detail-notice.js';
import {changeMarker} from '../../kit/changed-value.js';
import {cellWidth, wrapCells} from '../../kit/text-width.js';
import {useTheme} from '../../kit/theme.js';

type Props = {
	readonly view: DetailView<PodGroupInfo>;
	readonly highlights: Readonly<Record<string, Highlight>>;
	readonly namespace: string;
	readonly width: number;
	/** Lines to use; the full view lists every condition. */
	readonly maxRows: number;
	readonly full?: boolean;
};

const kinds: Readonly<Record<string, PhaseKind>> = {Pending: 'waiting', Inqueue: 'waiting', Running: 'running', Completed: 'success', Unknown: 'unknown'};

const label = 'PodGroup ';

/** Scheduling's side of the story: the PodGroup's phase and the message of its telling condition. */
export function PodGroupPanel({view, highlights, namespace, width, maxRows, full = false}: Props) {
	const theme = useTheme();
	const group = view.status === 'ok' || view.status === 'error' ? view.value : undefined;
	if (!group) {
		return (
			<Text wrap="truncate-end">
				<Text {...theme.title}>{label}</Text>
				{view.status === 'absent' ? (
					<Text {...theme.muted}>none found (Volcano creates it with the job; it is re-created on a restart)</Text>
				) : (
					<DetailNotice view={view} verb="get" resource="podgroups" namespace={namespace} />
				)}
			</Text>
		);
	}

	const phaseHighlight = highlights[detailPaths.podGroupPhase];
	const messageHighlight = highlights[detailPaths.podGroupMessage];
	const phase = group.phase || 'no phase yet';
	const explanation = [group.reason, group.message].filter(Boolean).join(': ');
	if (!full) {
		// The label and phase on the first line, the explanation after them and on the lines below.
		const head = `${label}${phase}${changeMarker(phaseHighlight)}`;
		const lines = wrapCells(`${' '.repeat(cellWidth(head))}${explanation ? ` ${explanation}${changeMarker(messageHighlight)}` : ''}`, width, Math.max(1, maxRows));
		return (
			<Box flexDirection="column">
				{lines.map((line, index) => (
					// eslint-disable-next-line react/no-array-index-key
					<Text key={index} wrap="truncate-end">
						{index === 0 ? (
							<>
								<Text {...theme.title}>{label}</Text>
								<Text {...(phaseHighlight ? theme.changed : theme.phase[kinds[group.phase] ?? 'unknown'])}>
									{phase}
									{changeMarker(phaseHighlight)}
								</Text>
								<Text {...(messageHighlight ? theme.changed : {})}>{line.slice(cellWidth(head))}</Text>
							</>
						) : (
							<Text {...(messageHighlight ? theme.changed : {})}>{line}</Text>
						)}
					</Text>
				))}
			</Box>
		);
	}

	const facts = [
		group.minMember === undefined ? undefined : `minMember ${group.minMember}`,
		group.queue === undefined ? undefined : `queue ${group.queue}`,
	].filter(Boolean);
	const conditionLines = group.conditions
		.toReversed()
		.flatMap(condition =>
			wrapCells(
				`${condition.at ? formatClock(Date.parse(condition.at)) : '--:--:--'} ${condition.type}=${condition.status}${condition.reason ? ` ${condition.reason}` : ''}${condition.message ? `: ${condition.message}` : ''}`,
				width,
				4,
			),
		);
	const room = Math.max(0, maxRows - 2);
	return (
		<Box flexDirection="column">
			<Text wrap="truncate-end">
				<Text {...theme.title}>{label}</Text>
				<Text>{group.name} </Text>
				<Text {...(phaseHighlight ? theme.changed : theme.phase[kinds[group.phase] ?? 'unknown'])}>
					{phase}
					{changeMarker(phaseHighlight)}
				</Text>
				{facts.length > 0 && <Text {...theme.muted}> · {facts.join(' · ')}</Text>}
			</Text>
			{view.status === 'error' && <DetailNotice view={view} verb="get" resource="podgroups" namespace={namespace} />}
			<Text {...theme.label}>Conditions, newest first</Text>
			{conditionLines.length === 0 && <Text {...theme.muted}>none</Text>}
			{conditionLines.slice(0, room).map((line, index) => (
				// eslint-disable-next-line react/no-array-index-key
				<Text key={index} wrap="truncate-end">
					{line}
				</Text>
			))}
		</Box>
	);
}
