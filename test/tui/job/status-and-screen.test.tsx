import {describe, expect, test} from 'vitest';
import {LinkStatusLine} from '../../../source/tui/kit/link-status.js';
import {Header} from '../../../source/tui/job/panels/header.js';
import {RecentChanges} from '../../../source/tui/job/panels/recent-changes.js';
import {Screen} from '../../../source/tui/job/screen.js';
import {ApiError} from '../../../source/api/api-error.js';
import {jobPaths} from '../../../source/model/diff-job.js';
import {initialJobView, reduceJobView, type JobViewState} from '../../../source/state/job-view.js';
import {renderWithTheme, runningJob} from '../../helpers/fakes/render-helpers.js';

const at = Date.parse('2026-11-27T02:10:00Z');
const clock = (time: number) => new Date(time).toTimeString().slice(0, 8);
const base = initialJobView('default', 'mpi-demo', at);
const options = {highlightMs: 4000};

function withJob(state: JobViewState = base): JobViewState {
	const job = runningJob();
	return reduceJobView(state, {type: 'job', at, raw: {}, job, changes: [], rvChanged: true}, options);
}

test('live: says so, with the poll interval', () => {
	const state = withJob();
	const {frame} = renderWithTheme(<LinkStatusLine {...state} intervalMs={2000} />);
	expect(frame()).toMatch(/live · polling every 2s/);
});

test('waiting: names the job it waits for', () => {
	const error = new ApiError({category: 'not-found', summary: '404 NotFound', status: 404});
	const state = reduceJobView(base, {type: 'not-found', at, error, delayMs: 2000}, options);
	const {frame} = renderWithTheme(<LinkStatusLine {...state} intervalMs={2000} />);
	expect(frame()).toContain('waiting for default/mpi-demo to appear');
});

test('retrying: attempt, when the next try is, the last error, and since when the data is stale', () => {
	const error = new ApiError({category: 'server', summary: '503 ServiceUnavailable: etcd is down', status: 503});
	const state = reduceJobView(withJob(), {type: 'retry', at: at + 5000, attempt: 2, delayMs: 4000, error}, options);
	const {frame} = renderWithTheme(<LinkStatusLine {...state} intervalMs={2000} />);
	expect(frame()).toContain('retrying: attempt 3, next try in 4.0s at');
	expect(frame()).toContain('503 ServiceUnavailable: etcd is down');
	expect(frame()).toContain(`stale since ${clock(at + 5000)}`);
});

test('refused: the error, what to do about it, and when it is checked again', () => {
	const error = new ApiError({category: 'forbidden', summary: '403 Forbidden: jobs is forbidden', status: 403});
	const state = reduceJobView(base, {type: 'refused', at, error, delayMs: 30_000}, options);
	const {frame} = renderWithTheme(<LinkStatusLine {...state} intervalMs={2000} />);
	expect(frame()).toContain('403 Forbidden: jobs is forbidden');
	expect(frame()).toContain('may not get Volcano jobs in namespace default');
	expect(frame()).toContain('checking again in 30s');
});

test('refused with no next look (--once): the error, and no promise of another check', () => {
	const error = new ApiError({category: 'forbidden', summary: '403 Forbidden: jobs is forbidden', status: 403});
	const state = reduceJobView(base, {type: 'refused', at, error}, options);
	const {frame} = renderWithTheme(<LinkStatusLine {...state} intervalMs={2000} />);
	expect(frame()).toContain('refused');
	expect(frame()).toContain('403 Forbidden: jobs is forbidden');
	expect(frame()).not.toContain('checking again');
});

test('header: name, resourceVersion marked when it moved, queue, uid prefix', () => {
	const job = runningJob();
	const highlights = {[jobPaths.resourceVersion]: {until: at + 1000}};
	const {frame} = renderWithTheme(
		<Header namespace="default" name="mpi-demo" job={job} highlights={highlights} lastChangeAt={at} now={at + 120_000} />,
	);
	expect(frame()).toContain('default/mpi-demo');
	expect(frame()).toContain('rv 7681402*');
	expect(frame()).toContain('queue default');
	expect(frame()).toContain('uid 1a32a8c4');
	expect(frame()).toContain(`changed ${clock(at)}`);
});

test('recent changes: one line per resourceVersion step, newest first, old → new', () => {
	const recent = [
		{at: at + 2000, fromRv: '11', toRv: '12', change: {path: 'status.state.phase', label: 'phase', old: 'Pending', new: 'Running'}},
		{at: at + 2000, fromRv: '11', toRv: '12', change: {path: 'status.running', label: 'running', old: 1, new: 3, direction: 'up' as const}},
		{at, fromRv: '10', toRv: '11', change: {path: 'status.running', label: 'running', old: 0, new: 1, direction: 'up' as const}},
	];
	const {frame} = renderWithTheme(<RecentChanges recent={recent} maxRows={5} />);
	const lines = frame().split('\n');
	expect(lines[1]).toContain('rv 11→12 phase Pending→Running, running 1→3↑');
	expect(lines[2]).toContain('rv 10→11 running 0→1↑');
});

test('the frame never grows taller than the terminal, from 60×15 to 200×50', () => {
	let state = withJob();
	// Many changes, so the recent list wants more room than there is.
	for (let index = 0; index < 30; index++) {
		const job = runningJob({status: {running: index % 4, pending: 3 - (index % 4)}, spec: {}});
		state = reduceJobView(
			state,
			{
				type: 'job',
				at: at + index * 1000,
				raw: {},
				job: {...job, resourceVersion: String(100 + index)},
				previous: state.job!,
				changes: [{path: 'status.running', label: 'running', old: 0, new: index % 4}],
				rvChanged: true,
			},
			options,
		);
	}

	for (const [columns, rows] of [
		[60, 15],
		[80, 24],
		[100, 30],
		[200, 50],
	] as const) {
		const {frame} = renderWithTheme(<Screen state={state} intervalMs={2000} columns={columns} rows={rows} />);
		const lines = frame().split('\n');
		expect(lines.length, `${columns}×${rows}:\n${frame()}`).toBeLessThan(rows);
		expect(frame()).toContain('Running');
		expect(frame()).toContain('q quit');
	}
});

/** The overlay's rows as [keys, what they do], read off its box, below its title. */
function helpRowsShown(frame: string): Array<[string, string]> {
	const lines = frame.split('\n');
	return lines
		.slice(lines.findIndex(line => /^│ Keys\b.*│$/.test(line)) + 1)
		.map(line => /^│ (\S+(?:,? \S+)*?) {2,}(\S.*?)\s*│$/.exec(line))
		.filter(match => match !== null)
		.map(match => [match[1]!, match[2]!]);
}

describe("the help overlay: the keys of the view it was opened from, with what they do, one row each", () => {
	const quit: [string, string] = ['q, Ctrl+C', 'quit and restore the terminal'];
	const refresh: [string, string] = ['r', 'fetch now (and reopen the watch stream)'];
	const pause: [string, string] = ['p', 'pause or resume: no request while paused'];
	const panels: Array<[string, string]> = [
		['e', 'events of the job, its PodGroup and its troubled pods, full screen'],
		['o', 'pods, trouble first, full screen'],
		['g', 'the PodGroup and its conditions, full screen'],
	];
	const timeline: [string, string] = ['t', 'phase timeline, full screen'];
	const failures: [string, string] = ['f', 'every failure seen, newest first, with the end of its log, full screen'];
	const help: [string, string] = ['?', 'show or hide the help'];
	const back: [string, string] = ['Esc', 'back to the main view'];
	const withDetails = [quit, refresh, pause, ...panels, timeline, failures, help, back];
	const backToTable: [string, string] = ['Esc', "back to the namespace's table, from a job opened there"];

	test('with details: the main view\'s keys, and where the others are', () => {
		const {frame} = renderWithTheme(<Screen state={withJob()} intervalMs={2000} columns={100} rows={30} view="help" />);
		expect(helpRowsShown(frame())).toEqual(withDetails);
		expect(frame()).toMatch(/^│ Keys · \? in the pods view, the failures or the log lists theirs\s+│$/m);
		expect(frame()).toContain('Changed values stand out for a few seconds, marked ↑ ↓ or *.');
	});

	test('80×24: the whole overlay and the hint line fit', () => {
		const {frame} = renderWithTheme(<Screen state={withJob()} intervalMs={2000} columns={80} rows={24} view="help" />);
		const lines = frame().split('\n');
		expect(lines.length).toBeLessThanOrEqual(24);
		// Every row there (the longest descriptions cut at the box's edge).
		expect(helpRowsShown(frame()).map(([keys]) => keys)).toEqual(withDetails.map(([keys]) => keys));
		expect(lines.some(line => line.startsWith('╰'))).toBe(true);
	});

	test('80×24, from the pods view (more keys): a full view like the one it was opened from, whole', () => {
		const {frame} = renderWithTheme(<Screen state={withJob()} intervalMs={2000} columns={80} rows={24} view="help" helpFrom="pods" />);
		const lines = frame().split('\n');
		expect(lines.length).toBeLessThanOrEqual(24);
		expect(frame()).not.toMatch(/Running\s+for|pending\s+\d/);
		expect(lines.some(line => line.startsWith('╰'))).toBe(true);
		expect(lines.at(-1)).toMatch(/^q quit/);
	});

	test('from the pods view, the failures and the log: their own keys', () => {
		const shown = (from: 'pods' | 'failures' | 'log') =>
			helpRowsShown(renderWithTheme(<Screen state={withJob()} intervalMs={2000} columns={120} rows={40} view="help" helpFrom={from} />).frame());
		const pods = shown('pods');
		expect(pods).toContainEqual(['↑ ↓', 'in the pods view: select a pod']);
		expect(pods).toContainEqual(['l', "in the pods view: the selected pod's log, saved failed runs first, then live"]);
		expect(pods).not.toContainEqual(['c', 'in the log: the next container of the pod']);
		const log = shown('log');
		expect(log).toContainEqual(['c', 'in the log: the next container of the pod']);
		expect(log).toContainEqual(['p', "in the log: pause or resume the log (the job's watch goes on)"]);
		expect(log).not.toContainEqual(pause);
		expect(shown('failures')).toContainEqual(['↑ ↓', 'in the failures and the log: scroll']);
		expect(shown('failures')).not.toContainEqual(['l', "in the pods view: the selected pod's log, saved failed runs first, then live"]);
	});

	test('with --no-details: no e, o, g, f, nor the keys of the pods view and the log', () => {
		const {frame} = renderWithTheme(<Screen state={withJob()} intervalMs={2000} columns={100} rows={30} view="help" details={false} />);
		expect(helpRowsShown(frame())).toEqual([quit, refresh, pause, timeline, help, back]);
	});

	test("a job opened from the namespace's table: Esc back to it as well", () => {
		const {frame} = renderWithTheme(<Screen state={withJob()} intervalMs={2000} columns={100} rows={30} view="help" back />);
		expect(helpRowsShown(frame())).toEqual([...withDetails, backToTable]);
	});
});

test('without colour the whole screen has no escape code, and changes still show by their markers', () => {
	const first = withJob();
	const next = runningJob({status: {running: 2, failed: 1}});
	const state = reduceJobView(
		first,
		{
			type: 'job',
			at: at + 2000,
			raw: {},
			job: {...next, resourceVersion: '7681403'},
			previous: first.job!,
			changes: [
				{path: 'status.running', label: 'running', old: 3, new: 2, direction: 'down'},
				{path: 'status.failed', label: 'failed', old: 0, new: 1, direction: 'up'},
			],
			rvChanged: true,
		},
		options,
	);
	const {frame} = renderWithTheme(<Screen state={state} intervalMs={2000} columns={100} rows={30} />, false);
	expect(frame()).not.toContain('\u001B');
	expect(frame()).toMatch(/running\s+2↓/);
	expect(frame()).toMatch(/failed\s+1↑/);
	expect(frame()).toContain('rv 7681403*');
});
