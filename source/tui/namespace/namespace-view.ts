import type {NamespaceRow} from '../../state/namespace-state.js';
import type {PhaseKind} from '../../model/job.js';

// What the person looking at the table chose: its filter, order, selection and scroll. Pure: the app keeps it
// in React state and asks these functions what to draw, so they are tested without rendering.

export const sortOrders = ['name', 'phase', 'age', 'changed'] as const;
export type SortOrder = (typeof sortOrders)[number];

export const sortLabels: Readonly<Record<SortOrder, string>> = {
	name: 'name',
	phase: 'phase, trouble first',
	age: 'age, newest first',
	changed: 'recent change first',
};

export type TableView = {
	/** A substring of the name, any case; '' shows every job. */
	readonly filter: string;
	/** The filter line is taking keys. */
	readonly editing: boolean;
	readonly sort: SortOrder;
	/** The selected job's key (uid): the selection follows the job when the order changes. */
	readonly selected?: string;
	/** Where the selection was: where it stays when its job goes away. */
	readonly index: number;
	/** The first row shown. */
	readonly offset: number;
};

export const initialTableView: TableView = {filter: '', editing: false, sort: 'name', index: 0, offset: 0};

export const maxFilterLength = 64;

export type ViewAction =
	| {readonly type: 'filter-start'}
	| {readonly type: 'filter-input'; readonly text: string}
	| {readonly type: 'filter-backspace'}
	/** Enter: keep the filter, stop typing. */
	| {readonly type: 'filter-keep'}
	/** Esc: no filter. */
	| {readonly type: 'filter-clear'}
	| {readonly type: 'sort-next'}
	| {readonly type: 'move'; readonly by: number}
	| {readonly type: 'page'; readonly by: 1 | -1}
	| {readonly type: 'first' | 'last'};

export function rowKey(row: NamespaceRow): string {
	return row.job.uid || `name:${row.job.name}`;
}

// Trouble first: what ended badly, then what is between states (restarting, aborting), then what waits.
const phaseRank: Readonly<Record<PhaseKind, number>> = {failure: 0, transitional: 1, waiting: 2, unknown: 3, running: 4, success: 5};

const byName = (a: NamespaceRow, b: NamespaceRow) => (a.job.name < b.job.name ? -1 : a.job.name > b.job.name ? 1 : 0);

function createdAt(row: NamespaceRow): number {
	const time = row.job.creationTimestamp === undefined ? Number.NaN : Date.parse(row.job.creationTimestamp);
	return Number.isNaN(time) ? Number.NEGATIVE_INFINITY : time;
}

// Rows the order ranks alike (only the same name: a job deleted and created again) go the deleted one first, then
// by key, so that a row put back in its place after a change lands where sorting all of them would put it.
const byGoneThenKey = (a: NamespaceRow, b: NamespaceRow) => {
	const gone = (a.deletedAt === undefined ? 1 : 0) - (b.deletedAt === undefined ? 1 : 0);
	if (gone !== 0) return gone;
	const [keyA, keyB] = [rowKey(a), rowKey(b)];
	return keyA < keyB ? -1 : keyA > keyB ? 1 : 0;
};

const comparators: Readonly<Record<SortOrder, (a: NamespaceRow, b: NamespaceRow) => number>> = {
	name: (a, b) => byName(a, b) || byGoneThenKey(a, b),
	phase: (a, b) =>
		phaseRank[a.job.phaseKind] - phaseRank[b.job.phaseKind] ||
		// Among the running, those with failed pods first.
		b.job.counters.failed - a.job.counters.failed ||
		byName(a, b) ||
		byGoneThenKey(a, b),
	age: (a, b) => createdAt(b) - createdAt(a) || byName(a, b) || byGoneThenKey(a, b),
	changed: (a, b) => (b.changedAt ?? Number.NEGATIVE_INFINITY) - (a.changedAt ?? Number.NEGATIVE_INFINITY) || byName(a, b) || byGoneThenKey(a, b),
};

/** The order of the rows: no two rows rank alike. */
export const compareRows = (sort: SortOrder) => comparators[sort];

/** Whether the row's name holds `needle`, already in lower case ('' lets every row through). */
export const passesFilter = (row: NamespaceRow, needle: string) => needle === '' || row.job.name.toLowerCase().includes(needle);

/** The rows to list: those whose name holds the filter (any case), in the chosen order. */
export function visibleRows(rows: ReadonlyMap<string, NamespaceRow>, filter: string, sort: SortOrder): NamespaceRow[] {
	const needle = filter.toLowerCase();
	const list: NamespaceRow[] = [];
	for (const row of rows.values()) {
		if (passesFilter(row, needle)) list.push(row);
	}

	return list.sort(comparators[sort]);
}

export type TableWindow = {
	/** Rows start … end - 1 of the list are shown. */
	readonly start: number;
	readonly end: number;
	/** The selected row's index in the list; -1 when the list is empty. */
	readonly selected: number;
};

const clamp = (value: number, low: number, high: number) => Math.min(Math.max(value, low), high);

/** Which rows fit in `height` lines, the selection always among them. */
export function tableWindow(view: TableView, list: readonly NamespaceRow[], height: number): TableWindow {
	const count = list.length;
	if (count === 0) return {start: 0, end: 0, selected: -1};
	const lines = Math.max(1, height);
	const found = view.selected === undefined ? -1 : list.findIndex(row => rowKey(row) === view.selected);
	const selected = found >= 0 ? found : clamp(view.index, 0, count - 1);
	let start = clamp(view.offset, 0, Math.max(0, count - lines));
	if (selected < start) start = selected;
	if (selected >= start + lines) start = selected - lines + 1;
	return {start, end: Math.min(count, start + lines), selected};
}

function select(view: TableView, list: readonly NamespaceRow[], height: number, index: number, offset?: number): TableView {
	if (list.length === 0) return {...view, index: 0, offset: 0};
	const target = clamp(index, 0, list.length - 1);
	const row = list[target]!;
	const lines = Math.max(1, height);
	const current = tableWindow(view, list, height);
	let start = offset ?? current.start;
	if (target < start) start = target;
	if (target >= start + lines) start = target - lines + 1;
	return {...view, selected: rowKey(row), index: target, offset: clamp(start, 0, Math.max(0, list.length - lines))};
}

/**
 * The view with its selection tied to a job: the first row shown is selected by its place until a key moves it,
 * and a job that then appears above it (a new one, first by name) must not take the selection from under the
 * person about to press Enter. Returns the same view when there is nothing to tie.
 */
export function pinSelection(view: TableView, list: readonly NamespaceRow[], height: number): TableView {
	if (view.selected !== undefined || list.length === 0) return view;
	const row = list[tableWindow(view, list, height).selected];
	return row ? {...view, selected: rowKey(row)} : view;
}

/**
 * The view after a key. `list` is what is shown now (visibleRows) and `height` the rows that fit: a page is
 * that many rows.
 */
export function reduceTableView(view: TableView, action: ViewAction, list: readonly NamespaceRow[], height: number): TableView {
	const {selected} = tableWindow(view, list, height);
	switch (action.type) {
		case 'filter-start': {
			return {...view, editing: true};
		}

		case 'filter-input': {
			// eslint-disable-next-line no-control-regex
			const text = action.text.replaceAll(/[\u0000-\u001F\u007F-\u009F]/g, '');
			const filter = (view.filter + text).slice(0, maxFilterLength);
			return filter === view.filter ? view : {...view, filter, index: 0, offset: 0};
		}

		case 'filter-backspace': {
			return view.filter === '' ? view : {...view, filter: Array.from(view.filter).slice(0, -1).join(''), index: 0, offset: 0};
		}

		case 'filter-keep': {
			return {...view, editing: false};
		}

		case 'filter-clear': {
			return {...view, filter: '', editing: false, offset: 0};
		}

		case 'sort-next': {
			const next = sortOrders[(sortOrders.indexOf(view.sort) + 1) % sortOrders.length]!;
			// The selection stays on its job, wherever the new order puts it.
			return {...view, sort: next, offset: 0};
		}

		case 'move': {
			return select(view, list, height, selected + action.by);
		}

		case 'page': {
			// As less does: the page turns and the selection moves with it.
			const lines = Math.max(1, height);
			const {start} = tableWindow(view, list, height);
			return select(view, list, height, selected + action.by * lines, start + action.by * lines);
		}

		case 'first': {
			return select(view, list, height, 0);
		}

		case 'last': {
			return select(view, list, height, list.length - 1);
		}
	}
}

type PhaseCount = {readonly phase: string; readonly kind: PhaseKind; readonly count: number};

// The header and the window title both ask, for each state: counted once for each version of the rows.
const countsOf = new WeakMap<ReadonlyMap<string, NamespaceRow>, {readonly version: number; readonly counts: readonly PhaseCount[]}>();

/**
 * How many jobs are in each phase (deleted ones left out), trouble first: for the line above the table. `version`
 * is the state's: the rows are one Map that changes in place.
 */
export function phaseCounts(rows: ReadonlyMap<string, NamespaceRow>, version = 0): readonly PhaseCount[] {
	const known = countsOf.get(rows);
	if (known?.version === version) return known.counts;
	const counts = countPhases(rows);
	countsOf.set(rows, {version, counts});
	return counts;
}

function countPhases(rows: ReadonlyMap<string, NamespaceRow>): PhaseCount[] {
	const counts = new Map<string, {phase: string; kind: PhaseKind; count: number}>();
	for (const row of rows.values()) {
		if (row.deletedAt !== undefined) continue;
		const phase = row.job.phase || 'new';
		const entry = counts.get(phase);
		if (entry) entry.count++;
		else counts.set(phase, {phase, kind: row.job.phaseKind, count: 1});
	}

	return [...counts.values()].sort((a, b) => phaseRank[a.kind] - phaseRank[b.kind] || (a.phase < b.phase ? -1 : 1));
}
