import {jobPaths} from '../../model/diff-job.js';
import {formatSpan} from '../../common/duration.js';
import {exitLabel} from '../../model/exit-label.js';
import {hasFailures, lastExitPath, type NamespaceRow} from '../../state/namespace-state.js';
import type {CounterName} from '../../model/job.js';
import {type Cell, type Column, Table} from '../kit/table.js';
import {type Theme, useTheme} from '../kit/theme.js';

type ColumnKey = 'name' | 'mark' | 'phase' | 'pending' | 'running' | 'succeeded' | 'failed' | 'min' | 'retries' | 'exit' | 'age' | 'queue';

const titles: Readonly<Record<ColumnKey, string>> = {
	name: 'NAME',
	mark: '',
	phase: 'PHASE',
	pending: 'PEND',
	running: 'RUN',
	succeeded: 'SUCC',
	failed: 'FAIL',
	min: 'MIN',
	retries: 'RETRY',
	exit: 'LAST EXIT',
	age: 'AGE',
	queue: 'QUEUE',
};

// Text cells of the fixed columns: the mark, "Completing", counts up to 9999, "10/10", "OOMKilled", "23h59m".
const fixedWidths: Readonly<Record<Exclude<ColumnKey, 'name' | 'queue'>, number>> = {
	mark: 1,
	phase: 10,
	pending: 4,
	running: 4,
	succeeded: 4,
	failed: 4,
	min: 3,
	retries: 5,
	exit: 9,
	age: 6,
};

const order: readonly ColumnKey[] = ['name', 'mark', 'phase', 'pending', 'running', 'succeeded', 'failed', 'min', 'retries', 'exit', 'age', 'queue'];
// What goes first when the terminal is narrow: the name, the failure mark and the phase stay, then the counts that
// say most. The last exit goes first: it needs the pods, and the mark already says there was a failure.
const keepFirst: readonly ColumnKey[] = ['running', 'pending', 'failed', 'succeeded', 'min', 'retries', 'age', 'queue', 'exit'];
const minNameCells = 12;
const maxNameCells = 48;
const maxQueueCells = 16;
const selectionCells = 2;

export type JobColumns = {readonly keys: readonly ColumnKey[]; readonly nameCells: number; readonly queueCells: number};

/** Which columns fit in `width`, and how wide the name is (up to the longest name, `longestName`). */
export function planJobColumns(width: number, longestName: number): JobColumns {
	const wantName = Math.min(maxNameCells, Math.max(4, longestName));
	// Each column: its text, one cell for the change marker, one for the gap.
	const cost = (key: ColumnKey, name: number) => (key === 'name' ? name : key === 'queue' ? titles.queue.length : fixedWidths[key]) + 2;
	const name = Math.min(wantName, minNameCells);
	let used = selectionCells + cost('name', name) + cost('mark', name) + cost('phase', name);
	const chosen = new Set<ColumnKey>(['name', 'mark', 'phase']);
	for (const key of keepFirst) {
		// In order: a narrower column further down the list does not take the place of one that did not fit.
		if (used + cost(key, name) > width) break;
		chosen.add(key);
		used += cost(key, name);
	}

	const nameCells = name + Math.max(0, Math.min(wantName - name, width - used));
	used += nameCells - name;
	const queueCells = chosen.has('queue') ? Math.min(maxQueueCells, titles.queue.length + Math.max(0, width - used)) : 0;
	return {keys: order.filter(key => chosen.has(key)), nameCells, queueCells};
}

/** The longest name among the rows, for a name column that stays put while the table scrolls. */
export function longestName(rows: readonly NamespaceRow[]): number {
	let longest = 0;
	for (const row of rows) longest = Math.max(longest, row.job.name.length);
	return longest;
}

function cellFor(key: ColumnKey, row: NamespaceRow, theme: Theme, now: number): Cell {
	const {job, highlights, deletedAt} = row;
	const gone = deletedAt !== undefined;
	const counter = (name: CounterName, style?: Theme['ok']): Cell => {
		const value = job.counters[name];
		return {text: String(value), highlight: highlights[jobPaths.counter(name)], style: value === 0 ? theme.muted : style};
	};

	switch (key) {
		case 'name': {
			return {text: job.name, highlight: highlights[jobPaths.uid], ...(gone ? {style: theme.muted} : {})};
		}

		case 'mark': {
			// Text, not only colour: `!` shows on any terminal, with or without colour.
			return hasFailures(job) ? {text: '!', style: gone ? theme.muted : theme.error} : {text: ''};
		}

		case 'phase': {
			return gone
				? {text: 'deleted', highlight: highlights[jobPaths.deletion], style: theme.muted}
				: {text: job.phase || '—', highlight: highlights[jobPaths.phase], style: theme.phase[job.phaseKind]};
		}

		case 'pending': {
			return counter('pending', theme.warning);
		}

		case 'running': {
			// Running pods against minAvailable: enough to run (gang scheduling) shows as fine.
			const enough = job.minAvailable !== undefined && job.minAvailable > 0 && job.counters.running >= job.minAvailable;
			return counter('running', enough ? theme.ok : undefined);
		}

		case 'succeeded': {
			return counter('succeeded');
		}

		case 'failed': {
			return counter('failed', theme.error);
		}

		case 'min': {
			return {text: job.minAvailable === undefined ? '—' : String(job.minAvailable), highlight: highlights[jobPaths.minAvailable]};
		}

		case 'retries': {
			return {
				text: `${job.retryCount}/${job.maxRetry}`,
				highlight: highlights[jobPaths.retryCount] ?? highlights[jobPaths.maxRetry],
				style: job.retryCount > 0 ? theme.warning : theme.muted,
			};
		}

		case 'exit': {
			const {lastExit} = row;
			return lastExit ? {text: exitLabel(lastExit), highlight: highlights[lastExitPath], style: gone ? theme.muted : theme.error} : {text: ''};
		}

		case 'age': {
			const created = job.creationTimestamp === undefined ? Number.NaN : Date.parse(job.creationTimestamp);
			return {text: Number.isNaN(created) ? '—' : formatSpan(now - created), style: theme.muted};
		}

		case 'queue': {
			return {text: job.queue ?? '—', highlight: highlights[jobPaths.queue], style: theme.muted};
		}
	}
}

type Props = {
	/** Only the rows to draw (the window that fits), not the whole namespace. */
	readonly rows: readonly NamespaceRow[];
	/** Index into rows of the selected one; -1 for none. */
	readonly selected: number;
	readonly columns: JobColumns;
	readonly width: number;
	readonly now: number;
};

/**
 * The jobs, one line each: `!` on a job with failures, phase in its colour, pod counts against minAvailable,
 * retries, the last failure's exit, age, queue.
 */
export function JobsTable({rows, selected, columns, width, now}: Props) {
	const theme = useTheme();
	const tableColumns: Column[] = columns.keys.map(key => ({
		title: titles[key],
		...(key === 'name' || key === 'mark' || key === 'phase' ? {} : {align: key === 'age' || key === 'queue' || key === 'exit' ? ('left' as const) : ('right' as const)}),
		width: key === 'name' ? columns.nameCells : key === 'queue' ? columns.queueCells : fixedWidths[key],
	}));
	const cells = rows.map(row => columns.keys.map(key => cellFor(key, row, theme, now)));
	return <Table columns={tableColumns} rows={cells} maxRows={rows.length + 1} width={width} selected={selected} />;
}
