import stringWidth from 'string-width';
import {describe, expect, test} from 'vitest';
import {jobTui} from '../../../../source/app/job/tui.js';
import {reduceJobView, type JobViewState} from '../../../../source/state/job-view.js';
import {Screen} from '../../../../source/tui/job/screen.js';
import {planScreen, wantedFor} from '../../../../source/tui/job/screen-plan.js';
import type {FailureEvidence} from '../../../../source/watch/failure-watcher.js';
import {renderWithTheme} from '../../../helpers/fakes/render-helpers.js';
import {at, failedState, lines, oomWorker, options, sigterm, threeFailures, traceback, valueError} from './failure-fixtures.js';

const sizes = [
	[60, 15],
	[80, 24],
	[120, 40],
	[200, 50],
] as const;

/** Every line within the columns, and the frame shorter than the terminal (one line spare). */
function expectFits(frame: string, columns: number, rows: number) {
	const shown = frame.split('\n');
	expect(shown.length, `${columns}×${rows}:\n${frame}`).toBeLessThan(rows);
	for (const text of shown) expect(stringWidth(text), `${columns}×${rows}: ${text}`).toBeLessThanOrEqual(columns);
}

const screen = (state: JobViewState, columns: number, rows: number, view?: 'failures') =>
	renderWithTheme(<Screen state={state} intervalMs={2000} columns={columns} rows={rows} view={view} />).frame();

/** A record seen now: it stands out. */
function withNew(state: JobViewState, evidence: FailureEvidence): JobViewState {
	return reduceJobView(state, {type: 'failure', at, evidence}, options);
}

describe('the Failures panel on the main view', () => {
	test('from 60×15 to 200×50: latest first, no line past the width, the frame within the terminal', () => {
		const state = failedState(threeFailures());
		for (const [columns, rows] of sizes) {
			const frame = screen(state, columns, rows);
			expectFits(frame, columns, rows);
			if (rows === 15) {
				// No line left for any section: the phase panel says what the job does not.
				expect(frame).toContain('last failure: exit 143 terminated (SIGTERM)');
				continue;
			}

			expect(frame).toContain('Failures 3 (retries 2/3), newest first');
			const latest = frame.indexOf('mpi-demo-mpimaster-0/mpimaster  exit 143 terminated (SIGTERM)');
			expect(latest, frame).toBeGreaterThan(0);
			expect(frame.indexOf('exit 1 error')).toBeGreaterThan(latest);
			expect(frame.indexOf('exit 137 out of memory (OOMKilled)')).toBeGreaterThan(frame.indexOf('exit 1 error'));
		}
	});

	test('every size between, too: nothing wraps, nothing overflows', () => {
		const state = failedState([{record: oomWorker, log: lines(30)}, {record: valueError, log: traceback}, {record: sigterm, log: lines(20, 'received SIGTERM')}]);
		for (const columns of [60, 67, 80, 99, 120, 160, 200]) {
			for (const rows of [15, 16, 18, 21, 24, 30, 40, 50]) expectFits(screen(state, columns, rows), columns, rows);
		}
	});

	test('one line to spare: a single summary line', () => {
		const frame = screen(failedState(threeFailures()), 60, 16);
		expect(frame).toContain('Failures 3 (retries 2/3), latest: exit 143 terminated (SIGT…');
		expect(frame).toContain('no reason given');
		expect(screen(failedState(threeFailures()), 100, 11)).toContain('Failures 3 (retries 2/3), latest: exit 143 terminated (SIGTERM) · mpi-demo-mpimaster-0/mpimaster');
	});

	test("the latest's termination message and the end of its log, as the rows allow", () => {
		const state = failedState([{record: oomWorker, log: lines(30)}, {record: valueError, log: lines(12)}]);
		const frame = screen(state, 120, 40);
		expect(frame).toMatch(/exit 1 error · Error · task mpimaster\n {6}ValueError: loss is NaN at step 1200\n {6}│ step 5 loss/);
		expect(frame).toContain('      │ step 12 loss');
		expect(frame).not.toContain('│ step 4 loss');
		// The message is the log's last line: said once.
		const traced = screen(failedState([{record: oomWorker, log: lines(30)}, {record: valueError, log: traceback}]), 120, 40);
		expect(traced).toContain('      │ Traceback (most recent call last):');
		expect(traced.split('ValueError: loss is NaN').length).toBe(2);
		// Older records a line each, without their logs.
		expect(frame).toContain('mpi-demo-mpiworker-0/mpiworker  exit 137 out of memory (OOMKilled) · task mpiworker');
		expect(frame).not.toContain('step 30 loss');
		const short = screen(state, 80, 20);
		expect(short).toContain('      ValueError: loss is NaN at step 1200');
		expect(short).toContain('│ step 12 loss');
		expect(short).not.toContain('│ step 11 loss');
	});

	test('a new record stands out, marked *; older ones do not', () => {
		const state = withNew(failedState(threeFailures()), {record: {...oomWorker, key: 'new', pod: 'mpi-demo-mpiworker-1', seenAt: at, finishedAt: new Date(at).toISOString()}, log: {status: 'pending'}});
		const frame = screen(state, 120, 40);
		expect(frame).toContain('<1m mpi-demo-mpiworker-1/mpiworker* exit 137');
		expect(frame).not.toContain('mpimaster*');
		expect(frame).toContain('Failures 4 (retries 2/3)');
	});

	test('a record found already there (the first pod list, or the table\'s) does not flash', () => {
		const state = reduceJobView(failedState(threeFailures()), {type: 'failure', at, evidence: {record: {...oomWorker, key: 'old', pod: 'mpi-demo-mpiworker-1'}, log: {status: 'pending'}}, old: true}, options);
		const frame = screen(state, 120, 40);
		expect(frame).toContain('Failures 4 (retries 2/3)');
		expect(frame).toContain('mpi-demo-mpiworker-1/mpiworker ');
		expect(frame).not.toContain('mpi-demo-mpiworker-1/mpiworker*');
	});

	test('log pending, then its lines when read (the record keeps its place and no new highlight)', () => {
		let state = failedState(threeFailures());
		expect(screen(state, 120, 40)).toContain('      log pending…');
		state = reduceJobView(state, {type: 'failure', at, evidence: {record: sigterm, log: {status: 'lines', lines: ['step 1300 loss 0.2', 'received SIGTERM'], cut: false, previous: false}}}, options);
		const frame = screen(state, 120, 40);
		expect(frame).not.toContain('log pending');
		expect(frame).toContain('      │ received SIGTERM');
		expect(frame).not.toContain('*');
	});

	test('a log that could not be read says why (a 403), and a record with no log says so', () => {
		const state = failedState([
			{record: oomWorker, log: {status: 'none'}},
			{record: sigterm, log: {status: 'unavailable', note: 'no permission to read logs in default'}},
		]);
		const frame = screen(state, 120, 40);
		expect(frame).toContain('      no permission to read logs in default');
		expect(screen(failedState([{record: oomWorker, log: {status: 'none'}}]), 120, 40)).toContain('      (no log)');
	});

	test('many records: the older ones give way to "+N more"', () => {
		const many = Array.from({length: 12}, (_, index): FailureEvidence => ({
			record: {...oomWorker, key: `k${index}`, pod: `mpi-demo-mpiworker-${index}`, seenAt: at - (20 - index) * 60_000, finishedAt: undefined},
			log: lines(3),
		}));
		const frame = screen(failedState(many), 120, 40);
		expect(frame).toContain('mpi-demo-mpiworker-11/mpiworker');
		expect(frame).toContain('+6 more');
		expect(frame).not.toContain('mpi-demo-mpiworker-0/');
	});

	test('on screen, it asks for the pods (failures are read from them); the f view and the log too', () => {
		const state = failedState(threeFailures());
		const plan = planScreen(state, {columns: 60, rows: 16, details: true});
		expect(plan.layout.rows.failures).toBe(1);
		expect(plan.wanted.pods).toBe(true);
		expect(wantedFor('failures', plan, true).pods).toBe(true);
		expect(wantedFor('log', plan, true).pods).toBe(true);
	});

	test('the --once frame shows it, with the log lines and no key to press', () => {
		const tui = jobTui({watcher: {paused: false, pollNow() {}, setPaused() {}}, details: undefined, intervalMs: 2000, withDetails: true});
		const state = failedState([{record: oomWorker, log: lines(30)}, {record: valueError, log: traceback}]);
		const {frame} = renderWithTheme(tui.frame(state, 100, undefined));
		expect(frame()).toContain('Failures 2 (retries 2/3), newest first');
		expect(frame()).not.toContain('f: each in full');
		expect(frame()).toContain('│ ValueError: loss is NaN at step 1200');
	});
});

describe('the f view', () => {
	test('from 60×15 to 200×50: every record newest first, each field, no line past the width', () => {
		const state = failedState(threeFailures());
		for (const [columns, rows] of sizes) {
			const frame = screen(state, columns, rows, 'failures');
			expectFits(frame, columns, rows);
			const body = frame.split('\n').slice(3);
			expect(body[0]).toMatch(/^Failures 3 \(retries 2\/3\), newest first/);
			expect(body[1]).toMatch(/^#3 \d\d:\d\d:\d\d \(2m ago\) mpi-demo-mpimaster-0\/mpimaster/);
		}

		const frame = screen(state, 200, 50, 'failures');
		for (const text of [
			'pod        mpi-demo-mpimaster-0  uid c1b2c3d4  task mpimaster  node node-a',
			'exit       143 · terminated (SIGTERM) · reason Error',
			'message    ValueError: loss is NaN at step 1200',
			'           raised in train.py line 88',
			'job        version 1, retry 1 when seen',
			'log        pending…',
			'log        last 4 lines',
			'    │ ValueError: loss is NaN at step 1200',
			'container  mpiworker  run 0, restarted in place',
		]) {
			expect(frame).toContain(text);
		}
	});

	test('it scrolls: the first line given, or the end with the oldest record\'s whole log', () => {
		const state = failedState(threeFailures());
		const top = renderWithTheme(<Screen state={state} intervalMs={2000} columns={100} rows={30} view="failures" top={0} />).frame();
		expect(top).toMatch(/lines 1–24 of \d+/);
		expect(top).not.toContain('step 30 loss');
		const end = renderWithTheme(<Screen state={state} intervalMs={2000} columns={100} rows={30} view="failures" top="end" />).frame();
		expect(end).toContain('    │ step 30 loss');
		expect(end).toMatch(/lines \d+–(\d+) of \1\n/);
		expect(end).not.toContain('#3 ');
	});

	test('the new record stands out there too', () => {
		const state = withNew(failedState(threeFailures()), {record: {...oomWorker, key: 'new', seenAt: at}, log: {status: 'pending'}});
		expect(screen(state, 120, 40, 'failures')).toContain('mpi-demo-mpiworker-0/mpiworker* exit 137');
	});

	test('a 403 on the log says so in the record', () => {
		const state = failedState([{record: sigterm, log: {status: 'unavailable', note: 'no permission to read logs in default'}}]);
		expect(screen(state, 120, 40, 'failures')).toContain('log        no permission to read logs in default');
	});

	test('with no failure: says none was seen, and when pods are read', () => {
		for (const [columns, rows] of sizes) {
			const frame = screen(failedState([]), columns, rows, 'failures');
			expectFits(frame, columns, rows);
			expect(frame).toContain('No failures seen since the watch started.');
			expect(frame.replaceAll('\n', ' ')).toMatch(/Pods are read when the\s+job's status reports a\s+failure/);
		}
	});
});
