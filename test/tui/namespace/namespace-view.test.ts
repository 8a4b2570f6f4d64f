import {describe, expect, test} from 'vitest';
import type {NamespaceRow} from '../../../source/state/namespace-state.js';
import {
	initialTableView,
	phaseCounts,
	pinSelection,
	reduceTableView,
	rowKey,
	tableWindow,
	visibleRows,
	type TableView,
	type ViewAction,
} from '../../../source/tui/namespace/namespace-view.js';
import {summary, type RawSpec} from '../../helpers/objects/namespace-jobs.js';

function rows(...specs: Array<RawSpec & {changedAt?: number; deletedAt?: number}>): Map<string, NamespaceRow> {
	return new Map(
		specs.map(spec => {
			const row: NamespaceRow = {
				job: summary(spec),
				highlights: {},
				...(spec.changedAt === undefined ? {} : {changedAt: spec.changedAt}),
				...(spec.deletedAt === undefined ? {} : {deletedAt: spec.deletedAt}),
			};
			return [rowKey(row), row];
		}),
	);
}

const names = (list: readonly NamespaceRow[]) => list.map(row => row.job.name);

const mixed = rows(
	{name: 'train-b', phase: 'Running', created: '2026-11-27T03:00:00Z', changedAt: 5},
	{name: 'train-a', phase: 'Completed', created: '2026-11-26T00:00:00Z'},
	{name: 'Infer-c', phase: 'Failed', created: '2026-11-27T01:00:00Z', changedAt: 9},
	{name: 'train-d', phase: 'Pending', created: '2026-11-27T04:00:00Z'},
	{name: 'train-e', phase: 'Running', failed: 1, created: '2026-11-27T02:00:00Z', changedAt: 7},
	{name: 'train-f', phase: 'Restarting', created: '2026-11-25T00:00:00Z'},
);

describe('visibleRows', () => {
	test('the filter is a substring of the name, in any case', () => {
		expect(names(visibleRows(mixed, 'TRAIN-', 'name'))).toEqual(['train-a', 'train-b', 'train-d', 'train-e', 'train-f']);
		expect(names(visibleRows(mixed, 'c', 'name'))).toEqual(['Infer-c']);
		expect(visibleRows(mixed, 'nothing', 'name')).toEqual([]);
	});

	test.each([
		['name', ['Infer-c', 'train-a', 'train-b', 'train-d', 'train-e', 'train-f']],
		// Failed, then between states, then waiting, then running (failed pods first), then done.
		['phase', ['Infer-c', 'train-f', 'train-d', 'train-e', 'train-b', 'train-a']],
		['age', ['train-d', 'train-b', 'train-e', 'Infer-c', 'train-a', 'train-f']],
		// Most recent change first; jobs unchanged since the first listing after them, by name.
		['changed', ['Infer-c', 'train-e', 'train-b', 'train-a', 'train-d', 'train-f']],
	] as const)('sort by %s', (sort, expected) => {
		expect(names(visibleRows(mixed, '', sort))).toEqual(expected);
	});

	test('phase counts leave deleted jobs out and put trouble first', () => {
		const withDeleted = new Map([...mixed, ...rows({name: 'gone', phase: 'Failed', deletedAt: 1})]);
		expect(phaseCounts(withDeleted).map(entry => `${entry.count} ${entry.phase}`)).toEqual([
			'1 Failed',
			'1 Restarting',
			'1 Pending',
			'2 Running',
			'1 Completed',
		]);
	});

	test('phase counts follow the rows: a job that changed phase counts in its new phase', () => {
		expect(phaseCounts(mixed).find(entry => entry.phase === 'Completed')?.count).toBe(1);
		const [key, row] = [...mixed].find(([, entry]) => entry.job.phase === 'Running')!;
		const next = new Map(mixed).set(key, {...row, job: {...row.job, phase: 'Completed', phaseKind: 'success'}});
		expect(phaseCounts(next).find(entry => entry.phase === 'Completed')?.count).toBe(2);
		expect(phaseCounts(next).find(entry => entry.phase === 'Running')?.count).toBe(1);
	});
});

const many = visibleRows(rows(...Array.from({length: 30}, (_, index) => ({name: `job-${String(index).padStart(2, '0')}`}))), '', 'name');

function apply(view: TableView, list: readonly NamespaceRow[], height: number, ...actions: ViewAction[]): TableView {
	return actions.reduce((current, action) => reduceTableView(current, action, list, height), view);
}

describe('the selection and the window', () => {
	test('moving down past the last row shown scrolls by one; up past the first scrolls back', () => {
		const down = apply(initialTableView, many, 5, ...Array.from({length: 6}, () => ({type: 'move', by: 1}) as const));
		expect(tableWindow(down, many, 5)).toEqual({start: 2, end: 7, selected: 6});
		const up = apply(down, many, 5, ...Array.from({length: 5}, () => ({type: 'move', by: -1}) as const));
		expect(tableWindow(up, many, 5)).toEqual({start: 1, end: 6, selected: 1});
		expect(tableWindow(apply(up, many, 5, {type: 'move', by: -9}), many, 5).selected).toBe(0);
	});

	test('PgDn and PgUp turn a page; Home and End go to the first and last job', () => {
		const paged = apply(initialTableView, many, 5, {type: 'page', by: 1}, {type: 'page', by: 1});
		expect(tableWindow(paged, many, 5)).toEqual({start: 10, end: 15, selected: 10});
		expect(tableWindow(apply(paged, many, 5, {type: 'page', by: -1}), many, 5)).toEqual({start: 5, end: 10, selected: 5});
		expect(tableWindow(apply(paged, many, 5, {type: 'last'}), many, 5)).toEqual({start: 25, end: 30, selected: 29});
		expect(tableWindow(apply(paged, many, 5, {type: 'last'}, {type: 'page', by: 1}), many, 5).selected).toBe(29);
		expect(tableWindow(apply(paged, many, 5, {type: 'first'}), many, 5)).toEqual({start: 0, end: 5, selected: 0});
	});

	test('before any key, the first row\'s job is selected, not the first place: a job that appears above it does not take it', () => {
		const before = visibleRows(rows({name: 'train-a'}, {name: 'train-b'}), '', 'name');
		const pinned = pinSelection(initialTableView, before, 5);
		expect(pinned.selected).toBe('uid-train-a');
		expect(pinSelection(pinned, before, 5)).toBe(pinned);
		const after = visibleRows(rows({name: 'openmpi-hello'}, {name: 'train-a'}, {name: 'train-b'}), '', 'name');
		expect(names(after)[tableWindow(pinned, after, 5).selected]).toBe('train-a');
		// Nothing listed yet: nothing to tie.
		expect(pinSelection(initialTableView, [], 5)).toBe(initialTableView);
	});

	test('the selection follows its job when the order changes, and stays where it was when the job goes', () => {
		const view = apply({...initialTableView, sort: 'name'}, visibleRows(mixed, '', 'name'), 3, {type: 'move', by: 2});
		expect(view.selected).toBe('uid-train-b');
		const byPhase = apply(view, visibleRows(mixed, '', 'name'), 3, {type: 'sort-next'});
		expect(byPhase.sort).toBe('phase');
		const list = visibleRows(mixed, '', 'phase');
		const window = tableWindow(byPhase, list, 3);
		expect(list[window.selected]!.job.name).toBe('train-b');
		expect(window.selected).toBeGreaterThanOrEqual(window.start);
		expect(window.selected).toBeLessThan(window.end);
		const without = list.filter(row => row.job.name !== 'train-b');
		expect(tableWindow(byPhase, without, 3).selected).toBe(2);
	});

	test('sort cycles name → phase → age → recent change → name', () => {
		const sorts = [];
		let view = initialTableView;
		for (let index = 0; index < 4; index++) {
			view = reduceTableView(view, {type: 'sort-next'}, [], 5);
			sorts.push(view.sort);
		}

		expect(sorts).toEqual(['phase', 'age', 'changed', 'name']);
	});

	test('an empty list has no selection', () => {
		expect(tableWindow(initialTableView, [], 5)).toEqual({start: 0, end: 0, selected: -1});
		expect(apply(initialTableView, [], 5, {type: 'move', by: 1}, {type: 'last'})).toMatchObject({index: 0, offset: 0});
	});
});

describe('the filter line', () => {
	test('typing, backspace, Enter keeps it, Esc clears it; control characters are not typed', () => {
		let view = apply(initialTableView, many, 5, {type: 'filter-start'}, {type: 'filter-input', text: 'job-1'}, {type: 'filter-input', text: '\u001B[2J'});
		expect(view).toMatchObject({editing: true, filter: 'job-1[2J'});
		view = apply(view, many, 5, ...Array.from({length: 3}, () => ({type: 'filter-backspace'}) as const));
		expect(view.filter).toBe('job-1');
		view = apply(view, many, 5, {type: 'filter-keep'});
		expect(view).toMatchObject({editing: false, filter: 'job-1'});
		expect(apply(view, many, 5, {type: 'filter-clear'})).toMatchObject({editing: false, filter: ''});
	});

	test('a new filter starts the window at the top', () => {
		const scrolled = apply(initialTableView, many, 5, {type: 'last'});
		const filtered = apply(scrolled, many, 5, {type: 'filter-start'}, {type: 'filter-input', text: '2'});
		expect(filtered.offset).toBe(0);
	});
});
