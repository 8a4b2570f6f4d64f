import {expect, test} from 'vitest';
import {EventsPanel} from '../../../../source/tui/job/panels/events-panel.js';
import {PodCounters} from '../../../../source/tui/job/panels/pod-counters.js';
import {PodGroupPanel} from '../../../../source/tui/job/panels/podgroup-panel.js';
import {PodsPanel} from '../../../../source/tui/job/panels/pods-panel.js';
import {Screen} from '../../../../source/tui/job/screen.js';
import {TimelinePanel} from '../../../../source/tui/job/panels/timeline-panel.js';
import {ApiError} from '../../../../source/api/api-error.js';
import type {EventInfo, PodGroupInfo, PodInfo} from '../../../../source/model/cluster.js';
import {detailPaths, type DetailView} from '../../../../source/state/details-state.js';
import {buildTimeline} from '../../../../source/model/timeline.js';
import {initialJobView, reduceJobView, type JobViewState} from '../../../../source/state/job-view.js';
import {renderWithTheme, runningJob, runningRaw} from '../../../helpers/fakes/render-helpers.js';
import {normalizeJob} from '../../../../source/model/normalize/normalize-job.js';

const at = Date.parse('2026-11-27T02:10:00Z');
const options = {highlightMs: 4000};
const ok = <T,>(value: T): DetailView<T> => ({status: 'ok', value, at});

const unschedulable: PodGroupInfo = {
	name: 'mpi-demo-1a32a8c4',
	phase: 'Pending',
	minMember: 3,
	queue: 'default',
	conditions: [
		{
			type: 'Unschedulable',
			status: 'True',
			reason: 'NotEnoughResources',
			message: '3/3 tasks in gang unschedulable: pod group is not ready, 3 Pending, 3 minAvailable; Pending: 3 Unschedulable',
			at: '2026-11-27T02:05:00Z',
		},
	],
	reason: 'NotEnoughResources',
	message: '3/3 tasks in gang unschedulable: pod group is not ready, 3 Pending, 3 minAvailable; Pending: 3 Unschedulable',
};

const pods: PodInfo[] = [
	{
		name: 'mpi-demo-mpiworker-1',
		task: 'mpiworker',
		phase: 'Pending',
		ready: 0,
		containers: 1,
		restarts: 0,
		deleting: false,
		problem: {reason: 'ImagePullBackOff', message: 'Back-off pulling image "swr.example.com/demo/mpi:3.29"', container: 'mpiworker'},
		rank: 0,
	},
	{name: 'mpi-demo-mpimaster-0', task: 'mpimaster', phase: 'Running', ready: 1, containers: 1, restarts: 2, node: 'node-a', deleting: false, rank: 4},
];

const events: EventInfo[] = [
	{key: 'Pod/mpi-demo-mpiworker-1/BackOff/x', type: 'Warning', reason: 'BackOff', message: 'Back-off pulling image', kind: 'Pod', name: 'mpi-demo-mpiworker-1', count: 7, last: at - 60_000},
	{key: 'Pod/mpi-demo-mpimaster-0/Started/y', type: 'Normal', reason: 'Started', message: 'Started container mpimaster', kind: 'Pod', name: 'mpi-demo-mpimaster-0', count: 1, last: at - 120_000},
];

test('PodGroup: the phase and the scheduler\'s explanation, wrapped onto the lines it is given', () => {
	const {frame} = renderWithTheme(<PodGroupPanel view={ok(unschedulable)} highlights={{}} namespace="ns" width={60} maxRows={3} />);
	const lines = frame().split('\n');
	expect(lines[0]).toMatch(/^PodGroup Pending/);
	expect(frame().replaceAll('\n', ' ')).toMatch(/3\/3 tasks in gang\s+unschedulable/);
	expect(lines.length).toBeLessThanOrEqual(3);
	for (const line of lines) expect(line.length).toBeLessThanOrEqual(60);
});

test('PodGroup full view: name, minMember, queue and each condition with its time', () => {
	const {frame} = renderWithTheme(<PodGroupPanel full view={ok(unschedulable)} highlights={{}} namespace="ns" width={120} maxRows={10} />);
	expect(frame()).toContain('mpi-demo-1a32a8c4');
	expect(frame()).toContain('minMember 3');
	expect(frame()).toContain('Unschedulable=True NotEnoughResources: 3/3 tasks');
});

test('a 403 says which permission is missing, in the panel, not as a failure of the watch', () => {
	const error = new ApiError({category: 'forbidden', summary: '403 Forbidden: pods is forbidden', status: 403});
	const {frame} = renderWithTheme(<PodsPanel view={{status: 'refused', error, at}} highlights={{}} namespace="team-a" width={100} maxRows={5} now={at} />);
	expect(frame()).toContain('no permission to list pods in team-a');
});

test('pods: trouble first with its reason; node and age only when wide', () => {
	const narrow = renderWithTheme(<PodsPanel view={ok(pods)} highlights={{}} namespace="ns" width={90} maxRows={5} now={at} />).frame();
	const rows = narrow.split('\n');
	expect(rows[0]).toContain('Pods 2');
	expect(rows[2]).toContain('mpi-demo-mpiworker-1');
	expect(rows[2]).toContain('ImagePullBackOff: Back-off pulling');
	expect(narrow).not.toContain('NODE');
	const wide = renderWithTheme(<PodsPanel view={ok(pods)} highlights={{}} namespace="ns" width={140} maxRows={5} now={at} />).frame();
	expect(wide).toContain('NODE');
	expect(wide).toContain('node-a');
});

test('events: newest first, warnings marked, repeats with their count, new ones highlighted', () => {
	const highlights = {[detailPaths.event(events[0]!.key)]: {until: at + 1000}};
	const {frame} = renderWithTheme(<EventsPanel view={ok(events)} highlights={highlights} namespace="ns" width={120} maxRows={5} now={at} />);
	const rows = frame().split('\n');
	expect(rows[0]).toContain('Events 2 (1 warning), newest first');
	expect(rows[1]).toMatch(/1m ⚠ BackOff ×7 pod\/mpi-demo-mpiworker-1\*/);
	expect(rows[2]).toContain('Started pod/mpi-demo-mpimaster-0');
});

test('events: when rows are short the warnings come first and the rest is counted', () => {
	const many = [events[1]!, {...events[1]!, key: 'k2', reason: 'Pulled'}, events[0]!];
	const {frame} = renderWithTheme(<EventsPanel warningsFirst view={ok(many)} highlights={{}} namespace="ns" width={120} maxRows={2} now={at} />);
	expect(frame()).toContain('BackOff');
	expect(frame()).toContain('+2 more');
});

test('counters on the kill path: the numbers seen while Running, said to be from then', () => {
	const job = normalizeJob(runningRaw({status: {state: {phase: 'Completed'}, running: 0, succeeded: 0}}), {namespace: 'default', name: 'mpi-demo'});
	const running = {counters: {...job.counters, succeeded: 3}, at};
	const {frame} = renderWithTheme(<PodCounters job={job} highlights={{}} width={60} perRow={3} runningCounters={running} />);
	expect(frame()).toMatch(/while Running: 3 succeeded, 0 failed/);
});

test('timeline: phases with durations, time to Running and the total', () => {
	const job = runningJob();
	const timeline = buildTimeline(job, [], at);
	const {frame} = renderWithTheme(<TimelinePanel timeline={timeline} now={at} maxRows={10} />);
	expect(frame()).toContain('to Running 1m00s');
	expect(frame()).toMatch(/Pending\s+1m00s/);
	expect(frame()).toMatch(/Running\s+9m\s+\(current\)/);
});

function pendingState(): JobViewState {
	const job = normalizeJob(runningRaw({status: {state: {phase: 'Pending'}, running: 0, pending: 3}}), {namespace: 'default', name: 'mpi-demo'});
	let state = reduceJobView(initialJobView('default', 'mpi-demo', at), {type: 'job', at, raw: {}, job, changes: [], rvChanged: true}, options);
	state = reduceJobView(state, {type: 'details', at, part: 'podGroup', result: {status: 'ok', value: unschedulable}}, options);
	state = reduceJobView(state, {type: 'details', at, part: 'pods', result: {status: 'ok', value: pods}}, options);
	return reduceJobView(state, {type: 'details', at, part: 'events', result: {status: 'ok', value: events}}, options);
}

test('a Pending job on 80×24: why it is Pending is on the one screen', () => {
	const {frame} = renderWithTheme(<Screen state={pendingState()} intervalMs={2000} columns={80} rows={24} />);
	const lines = frame().split('\n');
	expect(lines.length, frame()).toBeLessThan(24);
	expect(frame()).toContain('PodGroup Pending');
	expect(frame()).toContain('gang unschedulable');
	expect(frame()).toContain('BackOff');
	expect(frame()).toContain('ImagePullBackOff');
});

test('e, o, g, t views fill the screen with one panel, and never overflow it', () => {
	for (const view of ['events', 'pods', 'podGroup', 'timeline'] as const) {
		const {frame} = renderWithTheme(<Screen state={pendingState()} intervalMs={2000} columns={80} rows={24} view={view} />);
		expect(frame().split('\n').length, frame()).toBeLessThan(24);
		expect(frame()).toContain('Esc back');
	}
});

test('--no-details: no PodGroup, pods or events panels, and no keys for them', () => {
	const {frame} = renderWithTheme(<Screen state={pendingState()} intervalMs={2000} columns={100} rows={30} details={false} />);
	expect(frame()).not.toContain('PodGroup');
	expect(frame()).not.toContain('Events');
	expect(frame()).not.toContain('e events');
	expect(frame()).toContain('t timeline');
});

test('events kept across answers: a recovered pod\'s events stay, newest first, the new one highlighted, in the panel and the e view', () => {
	const pulled: EventInfo = {key: 'Pod/mpi-demo-mpimaster-0/Pulled/z', type: 'Normal', reason: 'Pulled', message: 'Successfully pulled image', kind: 'Pod', name: 'mpi-demo-mpimaster-0', count: 1, last: at + 5000};
	// mpiworker-1 recovered: no longer asked about, its BackOff is not in the answer.
	const later = at + 10_000;
	const state = reduceJobView(pendingState(), {type: 'details', at: later, part: 'events', result: {status: 'ok', value: [pulled, events[1]!]}}, options);
	const {frame} = renderWithTheme(<EventsPanel view={state.details.events} highlights={state.highlights} namespace="ns" width={120} maxRows={5} now={later} />);
	const rows = frame().split('\n');
	expect(rows[0]).toContain('Events 3 (1 warning), newest first');
	expect(rows[1]).toMatch(/<1m\s+Pulled pod\/mpi-demo-mpimaster-0\*/);
	expect(rows[2]).toMatch(/1m ⚠ BackOff ×7 pod\/mpi-demo-mpiworker-1 /);
	expect(rows[3]).toMatch(/2m\s+Started pod\/mpi-demo-mpimaster-0 /);
	const full = renderWithTheme(<Screen state={state} intervalMs={2000} columns={100} rows={30} view="events" />).frame();
	expect(full.indexOf('Pulled')).toBeLessThan(full.indexOf('BackOff'));
	expect(full.indexOf('BackOff')).toBeLessThan(full.indexOf('Started'));
});
