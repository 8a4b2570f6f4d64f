import {Box, Text} from 'ink';
import {formatClock, minuteOf} from '../../common/duration.js';
import type {NamespaceRow, NamespaceState} from '../../state/namespace-state.js';
import {phaseCounts, sortLabels, tableWindow, type TableView} from './namespace-view.js';
import {LinkStatusLine} from '../kit/link-status.js';
import {JobsTable, longestName, planJobColumns} from './jobs-table.js';
import {NamespaceHelp} from './namespace-help.js';
import {useTheme} from '../kit/theme.js';
import {KeyHints} from '../kit/key-hints.js';
import {hintsFor} from '../key-lookup.js';
import {filterKeys, tableKeys} from '../keys.js';

/** Header, two status lines, the filter line, the table's heading, the rows line, key hints, one spare. */
export const namespaceChromeLines = 8;

/** Job rows that fit under the chrome: a frame never taller than the terminal. */
export function jobsTableHeight(rows: number, notices = 0): number {
	return Math.max(1, rows - namespaceChromeLines - notices);
}

type Props = {
	readonly state: NamespaceState;
	/** The rows that pass the filter, in order (visibleRows). */
	readonly list: readonly NamespaceRow[];
	/** longestName(list), when the caller keeps it. */
	readonly longestName?: number;
	readonly view: TableView;
	readonly columns: number;
	readonly rows: number;
	readonly intervalMs: number;
	readonly help?: boolean;
	/** False when keys cannot be read (no TTY on stdin): no key hints, no selection. */
	readonly keys?: boolean;
	readonly source?: string | undefined;
	readonly notices?: readonly string[];
	/** Every row, however tall (a --once frame for the scrollback). */
	readonly all?: boolean;
};

/** One line: which namespace (and selector), how many jobs and when one last changed, then how many in each phase, trouble first; a narrow terminal cuts the end. */
function Header({state}: {readonly state: NamespaceState}) {
	const theme = useTheme();
	const counts = phaseCounts(state.rows, state.version);
	const total = counts.reduce((sum, entry) => sum + entry.count, 0);
	return (
		<Text wrap="truncate-end">
			<Text {...theme.title}>{state.namespace}</Text>
			{state.selector && <Text {...theme.label}> -l {state.selector}</Text>}
			{state.listed && (
				<>
					<Text>
						{' '}
						{total} {total === 1 ? 'job' : 'jobs'}
					</Text>
					{state.lastChangeAt !== undefined && <Text {...theme.label}> changed {formatClock(state.lastChangeAt)}</Text>}
					<Text {...theme.label}>:</Text>
					{counts.map(entry => (
						<Text key={entry.phase}>
							{' '}
							{entry.count} <Text {...theme.phase[entry.kind]}>{entry.phase}</Text>
						</Text>
					))}
				</>
			)}
		</Text>
	);
}

const tableHints = hintsFor(tableKeys, 'table');
/** While a filter is typed: `Enter keeps · Esc clears`. */
const filterHints = hintsFor(filterKeys, 'filter')
	.map(({key, text}) => `${key} ${text}`)
	.join(' · ');

function FilterLine({view, keys}: {readonly view: TableView; readonly keys: boolean}) {
	const theme = useTheme();
	const sort = (
		<Text {...theme.muted}>
			sort: {sortLabels[view.sort]}
			{keys ? ' (s)' : ''}
		</Text>
	);
	if (view.editing) {
		return (
			<Text wrap="truncate-end">
				<Text {...theme.key}>/</Text>
				{view.filter}
				<Text {...theme.key}>▏</Text>
				<Text {...theme.muted}> {filterHints}</Text>
			</Text>
		);
	}

	return (
		<Text wrap="truncate-end">
			{view.filter === '' ? (
				sort
			) : (
				<>
					<Text {...theme.label}>filter </Text>
					<Text {...theme.key}>{view.filter}</Text>
					<Text {...theme.muted}>{keys ? ' (Esc clears) · ' : ' · '}</Text>
					{sort}
				</>
			)}
		</Text>
	);
}

function rowsLine(start: number, end: number, shown: number, total: number, filter: string): string {
	if (shown === 0) return filter === '' ? 'no jobs' : `no job name holds "${filter}" (${total} ${total === 1 ? 'job' : 'jobs'})`;
	const range = `rows ${start + 1}–${end} of ${shown}`;
	return filter === '' ? range : `${range} matching "${filter}" (${total} in all)`;
}

/**
 * The namespace at a glance, from props alone: the rows that fit (never the whole namespace), the one
 * selected, a line saying which rows these are. Never taller than `rows`.
 */
export function NamespaceScreen({state, list, longestName: longest, view, columns, rows, intervalMs, help = false, keys = true, source, notices = [], all = false}: Props) {
	const theme = useTheme();
	// Ages count in whole minutes from one minute: an idle table redraws at most once a minute.
	const now = minuteOf(state.now);
	const height = all ? Math.max(1, list.length) : jobsTableHeight(rows, notices.length);
	const window = tableWindow(view, list, height);
	const shown = list.slice(window.start, window.end);
	const total = state.rows.size;
	let body;
	if (help) {
		body = <NamespaceHelp maxRows={height + 3} />;
	} else if (state.listed) {
		body = (
			<>
				<JobsTable
					rows={shown}
					selected={keys && !all ? window.selected - window.start : -1}
					columns={planJobColumns(columns, longest ?? longestName(list))}
					width={columns}
					now={now}
				/>
				<Text {...theme.muted} wrap="truncate-end">
					{rowsLine(window.start, window.end, list.length, total, view.filter)}
				</Text>
			</>
		);
	} else {
		body = <Text {...theme.muted}>listing the jobs…</Text>;
	}

	return (
		<Box flexDirection="column" width={columns}>
			<Header state={state} />
			{notices.map(notice => (
				<Text key={notice} wrap="truncate-end" {...theme.error}>
					⚠ {notice}
				</Text>
			))}
			<LinkStatusLine
				connection={state.connection}
				namespace={state.namespace}
				name=""
				staleSince={state.staleSince}
				paused={state.paused}
				fetchingSlowly={state.fetchingSlowly}
				deletedAt={undefined}
				intervalMs={intervalMs}
				source={source}
				transport={state.transport}
				now={state.now}
			/>
			{!help && <FilterLine view={view} keys={keys} />}
			{body}
			{keys && !all && <KeyHints hints={tableHints} />}
		</Box>
	);
}
