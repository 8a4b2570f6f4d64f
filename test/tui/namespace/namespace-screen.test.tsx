import {renderToString} from 'ink';
import stringWidth from 'string-width';
import {describe, expect, test} from 'vitest';
import {NamespaceScreen} from '../../../source/tui/namespace/namespace-screen.js';
import {colorTheme, plainTheme, ThemeProvider} from '../../../source/tui/kit/theme.js';
import {diffJobSummary} from '../../../source/model/diff-job.js';
import {initialNamespaceState, reduceNamespace, type NamespaceState} from '../../../source/state/namespace-state.js';
import {initialTableView, reduceTableView, visibleRows, type TableView} from '../../../source/tui/namespace/namespace-view.js';
import {added, jobsEvent, namespace, rawJob, summary, type RawSpec} from '../../helpers/objects/namespace-jobs.js';
import {failureRecord, lastExitEvent} from '../../helpers/objects/last-exits.js';

const t0 = Date.parse('2026-11-27T08:00:00Z');
const options = {highlightMs: 4000};
const phases = ['Running', 'Pending', 'Completed', 'Failed', 'Restarting'];

function fleet(count: number): RawSpec[] {
	return Array.from({length: count}, (_, index) => ({
		name: `train-${String(index + 1).padStart(4, '0')}`,
		phase: phases[index % phases.length],
		created: new Date(t0 - index * 3_600_000).toISOString(),
	}));
}

function listed(specs: RawSpec[]): NamespaceState {
	return reduceNamespace(initialNamespaceState(namespace, t0), jobsEvent(t0, specs.map(spec => added(spec)), true), options);
}

/** A frame as the terminal gets it: the given size, the plain theme unless asked. */
function frame(state: NamespaceState, size: {columns: number; rows: number}, view: TableView = initialTableView, color = false) {
	const list = visibleRows(state.rows, view.filter, view.sort);
	return renderToString(
		<ThemeProvider value={color ? colorTheme : plainTheme}>
			<NamespaceScreen state={state} list={list} view={view} columns={size.columns} rows={size.rows} intervalMs={2000} />
		</ThemeProvider>,
		{columns: size.columns},
	);
}

const strip = (text: string) => text.replaceAll(/\u001B\[[\d;]*m/g, '');

describe('NamespaceScreen', () => {
	const thousand = listed(fleet(1000));

	test.each([
		[60, 15],
		[80, 24],
		[100, 30],
		[120, 40],
		[200, 50],
	])('1,000 jobs at %i×%i: the rows that fit, never a line too many or too wide', (columns, rows) => {
		const shown = frame(thousand, {columns, rows}, initialTableView, true);
		const lines = shown.split('\n');
		expect(lines.length, shown).toBeLessThan(rows);
		for (const line of lines) expect(stringWidth(strip(line)), line).toBeLessThanOrEqual(columns);
		const fit = rows - 8;
		expect(shown).toContain(`rows 1–${fit} of 1000`);
		expect(lines.filter(line => /train-\d{4}/.test(line))).toHaveLength(fit);
		expect(shown).toMatch(/NAME +PHASE +PEND +RUN +SUCC +FAIL +MIN/);
	});

	test('narrower terminals lose columns from the end of the order of importance; the name and phase always stay', () => {
		const dropOrder = ['LAST', 'QUEUE', 'AGE', 'RETRY', 'MIN', 'SUCC', 'FAIL', 'PEND', 'RUN'];
		const seen = new Set<number>();
		for (let columns = 200; columns >= 30; columns--) {
			const header = frame(thousand, {columns, rows: 15}, initialTableView, true)
				.split('\n')
				.map(line => strip(line))
				.find(line => /\bNAME\b/.test(line))!;
			const shown = new Set(header.trim().split(/\s+/));
			expect(shown.has('NAME') && shown.has('PHASE'), `${columns}: ${header}`).toBe(true);
			const dropped = dropOrder.filter(column => !shown.has(column));
			expect(dropped, `${columns} columns: ${header}`).toEqual(dropOrder.slice(0, dropped.length));
			seen.add(dropped.length);
		}

		// Every step of the order is met somewhere between 200 and 30 columns.
		expect([...seen].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
	});

	describe('failures', () => {
		const specs: RawSpec[] = [
			{name: 'bert-oom', phase: 'Failed', running: 0, failed: 1, retryCount: 3},
			{name: 'gpt-retry', phase: 'Running', retryCount: 1},
			{name: 'llama-rs', phase: 'Restarting', running: 0},
			{name: 'resnet-ok', phase: 'Running'},
			{name: 'vit-done', phase: 'Completed', running: 0, succeeded: 2},
		];
		let state = listed(specs);
		state = reduceNamespace(state, lastExitEvent(t0 + 1000, 'bert-oom', failureRecord('bert-oom-worker-0', 137, 'OOMKilled'), false), options);
		state = reduceNamespace(state, lastExitEvent(t0 + 1000, 'gpt-retry', failureRecord('gpt-retry-master-0', 1), false), options);
		state = reduceNamespace(state, lastExitEvent(t0 + 1000, 'llama-rs', failureRecord('llama-rs-master-0', 143), false), options);
		const rowOf = (shown: string, name: string) => shown.split('\n').find(line => line.includes(name))!;

		test.each([
			[60, false],
			[80, false],
			[120, true],
			[200, true],
		])('at %i columns: `!` on every job with failures, LAST EXIT only where there is room (%s)', (columns, exits) => {
			const shown = frame(state, {columns, rows: 20});
			for (const line of shown.split('\n')) expect(stringWidth(line), line).toBeLessThanOrEqual(columns);
			for (const name of ['bert-oom', 'gpt-retry', 'llama-rs']) expect(rowOf(shown, name), name).toMatch(new RegExp(`${name} +! +\\S`));
			for (const name of ['resnet-ok', 'vit-done']) expect(rowOf(shown, name), name).not.toContain('!');
			expect(shown).toMatch(/NAME +PHASE +PEND +RUN +SUCC +FAIL +MIN/);
			if (exits) {
				expect(shown).toMatch(/RETRY +LAST EXIT +AGE/);
				expect(rowOf(shown, 'bert-oom')).toMatch(/ 3\/3 +OOMKilled +\S/);
				expect(rowOf(shown, 'gpt-retry')).toMatch(/ 1\/3 +exit 1 +\S/);
				expect(rowOf(shown, 'llama-rs')).toMatch(/ 0\/3 +SIGTERM +\S/);
				expect(rowOf(shown, 'resnet-ok')).toMatch(/ 0\/3 {4,}\S/);
			} else {
				expect(shown).not.toContain('LAST EXIT');
				expect(shown).not.toMatch(/OOMKilled|SIGTERM|exit 1/);
			}
		});

		test('the mark is text: it shows without colour, and in red with it; a new exit is marked like a change', () => {
			const news = reduceNamespace(state, lastExitEvent(t0 + 2000, 'bert-oom', failureRecord('bert-oom-worker-1', 139)), options);
			const plain = frame(news, {columns: 120, rows: 20});
			expect(plain).not.toContain('\u001B');
			expect(rowOf(plain, 'bert-oom')).toMatch(/bert-oom +! +Failed .* SIGSEGV +\* /);
			const colour = frame(news, {columns: 120, rows: 20}, initialTableView, true);
			expect(rowOf(colour, 'bert-oom')).toMatch(/\u001B\[31m!/);
			expect(rowOf(colour, 'bert-oom')).toMatch(/\u001B\[43m\u001B\[30mSIGSEGV\s*\*/);
		});
	});

	test('the header counts the jobs by phase, trouble first', () => {
		expect(frame(thousand, {columns: 200, rows: 30}).split('\n')[0]).toBe(
			'team-a 1000 jobs: 200 Failed 200 Restarting 200 Pending 200 Running 200 Completed',
		);
	});

	test('the selected row is marked with › (and inverse in colour), the others are not', () => {
		const list = visibleRows(thousand.rows, '', 'name');
		const view = reduceTableView(initialTableView, {type: 'move', by: 2}, list, 22);
		const lines = frame(thousand, {columns: 100, rows: 30}, view).split('\n');
		expect(lines.filter(line => line.startsWith('› '))).toEqual([expect.stringMatching(/^› train-0003 +Completed/)]);
		expect(frame(thousand, {columns: 100, rows: 30}, view, true)).toMatch(/\u001B\[7m› /);
	});

	test('a window further down says which rows it shows', () => {
		const list = visibleRows(thousand.rows, '', 'name');
		const view = reduceTableView(initialTableView, {type: 'last'}, list, 22);
		const shown = frame(thousand, {columns: 100, rows: 30}, view);
		expect(shown).toContain('rows 979–1000 of 1000');
		expect(shown).toMatch(/^› train-1000/m);
	});

	test('the filter line while typing, once kept, and the rows that match', () => {
		const typing: TableView = {...initialTableView, editing: true, filter: 'train-00'};
		const typed = frame(thousand, {columns: 100, rows: 30}, typing);
		expect(typed).toContain('/train-00▏ Enter keeps · Esc clears');
		expect(typed).toContain('rows 1–22 of 99 matching "train-00" (1000 in all)');
		const kept = frame(thousand, {columns: 100, rows: 30}, {...typing, editing: false});
		expect(kept).toContain('filter train-00 (Esc clears) · sort: name (s)');
		expect(frame(thousand, {columns: 100, rows: 30}, {...typing, filter: 'nope'})).toContain('no job name holds "nope" (1000 jobs)');
	});

	test('changes are marked per cell with ↑ ↓ *, and without colour there is not one escape code', () => {
		const before: RawSpec = {name: 'train-0001', phase: 'Pending', pending: 2, running: 0};
		const after: RawSpec = {name: 'train-0001', phase: 'Running', rv: '200', pending: 0, running: 2};
		let state = listed([before, {name: 'train-0002'}]);
		state = reduceNamespace(
			state,
			jobsEvent(t0 + 1000, [
				{kind: 'modified', job: summary(after), previous: summary(before), changes: diffJobSummary(summary(before), summary(after)), raw: rawJob(after)},
				added({name: 'train-0003'}),
				{kind: 'deleted', job: summary({name: 'train-0002'})},
			]),
			options,
		);
		const plain = frame(state, {columns: 100, rows: 20});
		expect(plain).not.toContain('\u001B');
		expect(plain).toMatch(/train-0001 +Running +\* +0↓ +2↑ /);
		expect(plain).toMatch(/train-0002 +deleted +\* +0 +2 /);
		expect(plain).toMatch(/train-0003\* +Running /);
		expect(plain).not.toMatch(/train-0003\* .*[↑↓*]/);
		expect(frame(state, {columns: 100, rows: 20}, initialTableView, true)).toMatch(/\u001B\[43m\u001B\[30mRunning   \*/);
	});

	test('before the first answer: listing, no table', () => {
		const shown = frame(initialNamespaceState(namespace, t0), {columns: 80, rows: 24});
		expect(shown).toContain('listing the jobs…');
		expect(shown).toContain('connecting');
		expect(shown).not.toContain('NAME');
	});

	test('an empty namespace says so', () => {
		expect(frame(listed([]), {columns: 80, rows: 24})).toContain('no jobs');
	});
});
