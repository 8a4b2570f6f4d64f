import {describe, expect, test} from 'vitest';
import {ApiError} from '../../source/api/api-error.js';
import {detailPaths, idleDetails} from '../../source/state/details-state.js';
import {jobPaths} from '../../source/model/diff-job.js';
import {normalizePodGroup} from '../../source/model/normalize/normalize-podgroup.js';
import {normalizePods} from '../../source/model/normalize/normalize-pods.js';
import {buildTimeline} from '../../source/model/timeline.js';
import type {DetailsEvent} from '../../source/watch/details-poller.js';
import {
	initialJobView,
	nextHighlightExpiry,
	reduceJobView,
	type JobViewAction,
	type JobViewState,
	type JobViewOptions,
} from '../../source/state/job-view.js';
import {jobUid, loadClusterFixture} from '../helpers/objects/cluster-fixtures.js';
import {loadFixture, normalize} from '../helpers/objects/fixtures.js';
import {status} from '../helpers/objects/api-status.js';
import {jobAt as job, jobEvent} from '../helpers/objects/jobs.js';

const options: JobViewOptions = {highlightMs: 5000, maxRecent: 50};
const t0 = Date.parse('2024-03-11T08:20:00Z');
const serverError = status(503);
const notFound = status(404);
const forbidden = status(403);

function run(actions: JobViewAction[], with_: JobViewOptions = options): JobViewState {
	return actions.reduce((state, action) => reduceJobView(state, action, with_), initialJobView('cci-namespace-42263891', 'mpi-allreduce', t0));
}

describe('the first job', () => {
	test('becomes the state, live, with nothing highlighted and nothing recent', () => {
		const first = job(1);
		const state = run([jobEvent(first, t0 + 1000)]);
		expect(state.job).toBe(first);
		expect(state.connection).toEqual({kind: 'live'});
		expect(state.highlights).toEqual({});
		expect(state.recent).toEqual([]);
		expect(state.lastOkAt).toBe(t0 + 1000);
		expect(state.lastChangeAt).toBe(t0 + 1000);
		expect(state.now).toBe(t0 + 1000);
		expect(state.staleSince).toBeUndefined();
	});

	test('starts as connecting', () => {
		const state = initialJobView('ns', 'job', t0);
		expect(state).toMatchObject({namespace: 'ns', name: 'job', connection: {kind: 'connecting'}, paused: false, fetchingSlowly: false, now: t0});
		expect(state.job).toBeUndefined();
	});
});

describe('highlights', () => {
	const first = job(1);
	const second = job(2, raw => {
		raw['status'].running = 2;
		raw['status'].failed = 1;
		raw['status'].state.phase = 'Restarting';
	});
	const at = t0 + 2000;
	const changed = run([jobEvent(first, t0), jobEvent(second, at, first)]);

	test('exactly the changed paths and the resourceVersion, with direction for numbers', () => {
		expect(changed.highlights).toEqual({
			[jobPaths.resourceVersion]: {until: at + 5000},
			'status.state.phase': {until: at + 5000},
			'status.running': {until: at + 5000, direction: 'down'},
			'status.failed': {until: at + 5000, direction: 'up'},
		});
	});

	test('unchanged values are never highlighted', () => {
		for (const path of ['status.pending', 'status.succeeded', 'status.retryCount', 'spec.tasks[mpiworker].replicas', 'metadata.uid']) {
			expect(changed.highlights).not.toHaveProperty([path]);
		}
	});

	test('a new resourceVersion with nothing to show highlights the resourceVersion alone', () => {
		const quiet = job(3, raw => (raw['status'].state.lastTransitionTime = '2024-03-11T09:00:00Z'));
		const state = run([jobEvent(first, t0), jobEvent(quiet, t0 + 1000, first)]);
		expect(Object.keys(state.highlights)).toEqual([jobPaths.resourceVersion]);
	});

	test('a poll with the same resourceVersion adds none, and leaves the state as it was (nothing to redraw)', () => {
		const before = run([jobEvent(first, t0)]);
		const state = reduceJobView(before, {...jobEvent(first, t0 + 1000, first), rvChanged: false}, options);
		expect(state).toBe(before);
		expect(state.highlights).toEqual({});
		expect(state.lastChangeAt).toBe(t0);
	});

	test('expire on a tick once highlightMs has passed, not before', () => {
		const before = reduceJobView(changed, {type: 'tick', at: at + 4999}, options);
		expect(Object.keys(before.highlights)).toHaveLength(4);
		expect(before).toBe(changed);
		const after = reduceJobView(changed, {type: 'tick', at: at + 5000}, options);
		expect(after.highlights).toEqual({});
		expect(after.now).toBe(at + 5000);
	});

	test('older highlights expire while newer ones stay', () => {
		const third = job(3, raw => {
			raw['status'].running = 2;
			raw['status'].failed = 1;
			raw['status'].state.phase = 'Restarting';
			raw['status'].retryCount = 2;
		});
		const state = run([jobEvent(first, t0), jobEvent(second, at, first), jobEvent(third, at + 3000, second), {type: 'tick', at: at + 5000}]);
		expect(state.highlights).toEqual({
			[jobPaths.resourceVersion]: {until: at + 8000},
			'status.retryCount': {until: at + 8000, direction: 'up'},
		});
	});

	test('nextHighlightExpiry is the earliest end, undefined when none', () => {
		expect(nextHighlightExpiry(changed)).toBe(at + 5000);
		expect(nextHighlightExpiry(run([jobEvent(first, t0)]))).toBeUndefined();
	});
});

describe('recent changes', () => {
	test('newest first, each with its resourceVersions, in the diff\'s order within a step', () => {
		const first = job(1);
		const second = job(2, raw => (raw['status'].running = 2));
		const third = job(3, raw => {
			raw['status'].running = 1;
			raw['status'].failed = 2;
		});
		const state = run([jobEvent(first, t0), jobEvent(second, t0 + 1000, first), jobEvent(third, t0 + 2000, second)]);
		expect(state.recent.map(record => [record.at, record.fromRv, record.toRv, record.change.path, record.change.old, record.change.new])).toEqual([
			[t0 + 2000, '2', '3', 'status.running', 2, 1],
			[t0 + 2000, '2', '3', 'status.failed', 0, 2],
			[t0 + 1000, '1', '2', 'status.running', 3, 2],
		]);
	});

	test('bounded by maxRecent, dropping the oldest', () => {
		const actions: JobViewAction[] = [];
		let previous = job(1);
		actions.push(jobEvent(previous, t0));
		for (let rv = 2; rv <= 12; rv++) {
			const next = job(rv, raw => (raw['status'].retryCount = rv));
			actions.push(jobEvent(next, t0 + rv * 1000, previous));
			previous = next;
		}

		const state = run(actions, {highlightMs: 5000, maxRecent: 4});
		expect(state.recent.map(record => record.change.new)).toEqual([12, 11, 10, 9]);
	});

	test('the default bound is 50', () => {
		const actions: JobViewAction[] = [];
		let previous = job(1);
		actions.push(jobEvent(previous, t0));
		for (let rv = 2; rv <= 80; rv++) {
			const next = job(rv, raw => (raw['status'].retryCount = rv));
			actions.push(jobEvent(next, t0 + rv, previous));
			previous = next;
		}

		expect(run(actions, {highlightMs: 5000}).recent).toHaveLength(50);
	});
});

describe('connection', () => {
	test('live → retrying (staleSince set, last job kept) → live (staleSince cleared)', () => {
		const first = job(1);
		const live = run([jobEvent(first, t0)]);
		const retrying = reduceJobView(live, {type: 'retry', at: t0 + 2000, attempt: 1, delayMs: 4000, error: serverError}, options);
		expect(retrying.connection).toEqual({kind: 'retrying', attempt: 1, delayMs: 4000, retryAt: t0 + 6000, error: serverError});
		expect(retrying.staleSince).toBe(t0 + 2000);
		expect(retrying.job).toBe(first);
		expect(retrying.lastOkAt).toBe(t0);

		const again = reduceJobView(retrying, {type: 'retry', at: t0 + 6000, attempt: 2, delayMs: 8000, error: serverError}, options);
		expect(again.staleSince).toBe(t0 + 2000);
		expect(again.connection).toMatchObject({kind: 'retrying', attempt: 2, retryAt: t0 + 14_000});

		const back = reduceJobView(again, {...jobEvent(first, t0 + 14_000, first), rvChanged: false}, options);
		expect(back.connection).toEqual({kind: 'live'});
		expect(back.staleSince).toBeUndefined();
		expect(back.lastOkAt).toBe(t0 + 14_000);
	});

	test('refused: the error and when the next check is, stale since the refusal, job kept', () => {
		const first = job(1);
		const state = run([jobEvent(first, t0), {type: 'refused', at: t0 + 1000, error: forbidden, delayMs: 30_000}]);
		expect(state.connection).toEqual({kind: 'refused', delayMs: 30_000, retryAt: t0 + 31_000, error: forbidden});
		expect(state.staleSince).toBe(t0 + 1000);
		expect(state.job).toBe(first);
	});

	test('connecting → 404: waiting, no job, no deletion', () => {
		const state = run([{type: 'not-found', at: t0 + 500, error: notFound, delayMs: 2000}]);
		expect(state.connection).toEqual({kind: 'waiting'});
		expect(state.deletedAt).toBeUndefined();
		expect(state.recent).toEqual([]);
		expect(state.lastOkAt).toBe(t0 + 500);
	});

	test('waiting → job: an "appeared" record', () => {
		const first = job(1);
		const state = run([{type: 'not-found', at: t0, error: notFound, delayMs: 2000}, jobEvent(first, t0 + 2000)]);
		expect(state.connection).toEqual({kind: 'live'});
		expect(state.recent).toEqual([{at: t0 + 2000, toRv: '1', change: {path: 'metadata.uid', label: 'job', old: undefined, new: 'appeared'}}]);
	});

	test('job → 404: a "deleted" record naming the uid, deletedAt set, last job kept; a second 404 adds nothing', () => {
		const first = job(1);
		const deleted = run([jobEvent(first, t0), {type: 'not-found', at: t0 + 2000, error: notFound, delayMs: 2000}]);
		expect(deleted.deletedAt).toBe(t0 + 2000);
		expect(deleted.connection).toEqual({kind: 'waiting'});
		expect(deleted.job).toBe(first);
		expect(deleted.recent).toEqual([
			{at: t0 + 2000, toRv: '1', change: {path: 'metadata.uid', label: 'job', old: '5d1c0e2a-7f43-4d6b-9a51-3b7f0c2e8a11', new: 'deleted'}},
		]);

		const still = reduceJobView(deleted, {type: 'not-found', at: t0 + 4000, error: notFound, delayMs: 2000}, options);
		expect(still.deletedAt).toBe(t0 + 2000);
		expect(still.recent).toHaveLength(1);
	});

	test('deleted → the job again (a new incarnation): "re-created" first, then what changed; deletedAt cleared', () => {
		const first = job(1);
		const reborn = job(5, raw => {
			raw['metadata'].uid = '0b7a9f54-3c9e-4d1f-8a2b-6e5d4c3b2a19';
			raw['status'].running = 0;
			raw['status'].state.phase = 'Pending';
		});
		const state = run([jobEvent(first, t0), {type: 'not-found', at: t0 + 2000, error: notFound, delayMs: 2000}, jobEvent(reborn, t0 + 4000, first)]);
		expect(state.deletedAt).toBeUndefined();
		expect(state.recent.map(record => [record.change.path, record.change.new])).toEqual([
			['metadata.uid', 're-created'],
			['metadata.uid', '0b7a9f54-3c9e-4d1f-8a2b-6e5d4c3b2a19'],
			['status.state.phase', 'Pending'],
			['status.running', 0],
			['metadata.uid', 'deleted'],
		]);
	});

	test('a 404 after an error clears the staleness: the server answered', () => {
		const state = run([
			{type: 'retry', at: t0, attempt: 1, delayMs: 1000, error: serverError},
			{type: 'not-found', at: t0 + 1000, error: notFound, delayMs: 2000},
		]);
		expect(state.staleSince).toBeUndefined();
		expect(state.connection).toEqual({kind: 'waiting'});
	});

	test('fetch-slow shows until the next answer of any kind', () => {
		const slow = run([{type: 'fetch-slow', at: t0}]);
		expect(slow.fetchingSlowly).toBe(true);
		expect(reduceJobView(slow, {type: 'fetch-slow', at: t0 + 1}, options)).toBe(slow);
		expect(reduceJobView(slow, jobEvent(job(1), t0 + 2), options).fetchingSlowly).toBe(false);
		expect(reduceJobView(slow, {type: 'retry', at: t0 + 2, attempt: 1, delayMs: 1, error: serverError}, options).fetchingSlowly).toBe(false);
		expect(reduceJobView(slow, {type: 'not-found', at: t0 + 2, error: notFound, delayMs: 1}, options).fetchingSlowly).toBe(false);
		expect(reduceJobView(slow, {type: 'refused', at: t0 + 2, error: forbidden, delayMs: 1}, options).fetchingSlowly).toBe(false);
	});

	test('paused and resumed', () => {
		const paused = run([{type: 'paused', at: t0 + 1}]);
		expect([paused.paused, paused.now]).toEqual([true, t0 + 1]);
		expect(reduceJobView(paused, {type: 'resumed', at: t0 + 2}, options).paused).toBe(false);
	});
});

describe('time in phase', () => {
	test('the first job: from the matching last condition, exact', () => {
		const state = run([jobEvent(job(1), t0)]);
		expect(state.phaseSince).toEqual({phase: 'Running', at: Date.parse('2024-03-11T08:05:30Z'), exact: true});
	});

	test('the first job without conditions: from now, not exact (state.lastTransitionTime is not trusted)', () => {
		const bare = job(1, raw => delete raw['status'].conditions);
		expect(run([jobEvent(bare, t0)]).phaseSince).toEqual({phase: 'Running', at: t0, exact: false});
	});

	test('a last condition for another phase is not used', () => {
		const lagging = job(1, raw => (raw['status'].conditions = [{status: 'Pending', lastTransitionTime: '2024-03-11T08:00:01Z'}]));
		expect(run([jobEvent(lagging, t0)]).phaseSince).toEqual({phase: 'Running', at: t0, exact: false});
	});

	test('a condition time in the future (clock skew) or unparsable is not used', () => {
		const future = job(1, raw => (raw['status'].conditions = [{status: 'Running', lastTransitionTime: '2030-01-01T00:00:00Z'}]));
		expect(run([jobEvent(future, t0)]).phaseSince).toEqual({phase: 'Running', at: t0, exact: false});
		const garbage = job(1, raw => (raw['status'].conditions = [{status: 'Running', lastTransitionTime: 'yesterday'}]));
		expect(run([jobEvent(garbage, t0)]).phaseSince).toEqual({phase: 'Running', at: t0, exact: false});
	});

	test('kept while the phase stays, reset exactly when it changes', () => {
		const first = job(1);
		const second = job(2, raw => (raw['status'].running = 2));
		const third = job(3, raw => (raw['status'].state.phase = 'Completing'));
		const stays = run([jobEvent(first, t0), jobEvent(second, t0 + 1000, first)]);
		expect(stays.phaseSince).toEqual({phase: 'Running', at: Date.parse('2024-03-11T08:05:30Z'), exact: true});
		const changes = reduceJobView(stays, jobEvent(third, t0 + 2000, second), options);
		expect(changes.phaseSince).toEqual({phase: 'Completing', at: t0 + 2000, exact: true});
	});

	test('reset for a new incarnation even in the same phase', () => {
		const first = job(1);
		const reborn = job(9, raw => (raw['metadata'].uid = 'another-uid'));
		const state = run([jobEvent(first, t0), jobEvent(reborn, t0 + 3000, first)]);
		expect(state.phaseSince).toEqual({phase: 'Running', at: t0 + 3000, exact: true});
	});
});

describe('purity', () => {
	test('the previous state is not modified', () => {
		const first = job(1);
		const before = run([jobEvent(first, t0)]);
		const snapshot = structuredClone(before);
		reduceJobView(before, jobEvent(job(2, raw => (raw['status'].running = 1)), t0 + 1000, first), options);
		reduceJobView(before, {type: 'retry', at: t0 + 1000, attempt: 1, delayMs: 1000, error: new ApiError({category: 'network', summary: 'x'})}, options);
		expect(before).toEqual(snapshot);
	});
});

describe('counters kept from Running', () => {
	const started = job(1);
	const progressed = job(2, raw => {
		raw['status'].running = 1;
		raw['status'].succeeded = 2;
	});
	// Volcano recomputes the counters from the pods being deleted: succeeded reads 0 after completion.
	const completing = job(3, raw => {
		raw['status'].state.phase = 'Completing';
		raw['status'].running = 0;
		raw['status'].succeeded = 0;
		raw['status'].terminating = 3;
	});
	const completed = job(4, raw => {
		raw['status'].state.phase = 'Completed';
		raw['status'].running = 0;
		raw['status'].succeeded = 0;
	});

	test('the last counters seen while Running stay through Completing and Completed', () => {
		const state = run([
			jobEvent(started, t0),
			jobEvent(progressed, t0 + 1000, started),
			jobEvent(completing, t0 + 2000, progressed),
			jobEvent(completed, t0 + 3000, completing),
		]);
		expect(state.runningCounters).toEqual({uid: started.uid, counters: progressed.counters, at: t0 + 1000});
		expect(state.runningCounters?.counters).toMatchObject({running: 1, succeeded: 2});
		// The job itself shows what the server says now.
		expect(state.job?.counters).toMatchObject({running: 0, succeeded: 0});
	});

	test('dropped for a new incarnation (another uid), even one already Running', () => {
		const reborn = job(5, raw => {
			raw['metadata'].uid = 'another-uid';
			raw['status'].state.phase = 'Pending';
			raw['status'].running = 0;
		});
		const state = run([jobEvent(started, t0), jobEvent(completed, t0 + 1000, started), jobEvent(reborn, t0 + 2000, completed)]);
		expect(state.runningCounters).toBeUndefined();
		const rebornRunning = job(6, raw => (raw['metadata'].uid = 'another-uid'));
		const again = run([jobEvent(started, t0), jobEvent(rebornRunning, t0 + 2000, started)]);
		expect(again.runningCounters).toEqual({uid: 'another-uid', counters: rebornRunning.counters, at: t0 + 2000});
	});

	test('a job first seen after it finished has none to keep', () => {
		expect(run([jobEvent(normalize(loadFixture('completed-zeroed')), t0)]).runningCounters).toBeUndefined();
	});

	test('Running again after a restart: the newer counters', () => {
		const restarting = job(5, raw => {
			raw['status'].state.phase = 'Restarting';
			raw['status'].running = 0;
			raw['status'].terminating = 3;
		});
		const runningAgain = job(6, raw => (raw['status'].running = 2));
		const state = run([jobEvent(started, t0), jobEvent(restarting, t0 + 1000, started), jobEvent(runningAgain, t0 + 2000, restarting)]);
		expect(state.runningCounters).toEqual({uid: started.uid, counters: runningAgain.counters, at: t0 + 2000});
		const midway = run([jobEvent(started, t0), jobEvent(restarting, t0 + 1000, started)]);
		expect(midway.runningCounters?.counters.running).toBe(3);
	});
});

describe('phases seen, for the timeline', () => {
	test('the first job: its phase, from the matching condition, exact', () => {
		expect(run([jobEvent(job(1), t0)]).seenPhases).toEqual([{uid: jobUid, phase: 'Running', at: Date.parse('2024-03-11T08:05:30Z'), exact: true}]);
	});

	test('without conditions: from when it was first seen, not exact', () => {
		const bare = job(1, raw => delete raw['status'].conditions);
		expect(run([jobEvent(bare, t0)]).seenPhases).toEqual([{uid: jobUid, phase: 'Running', at: t0, exact: false}]);
	});

	test('a new entry when the phase moves; counters moving within a phase add none', () => {
		const first = job(1);
		const busier = job(2, raw => (raw['status'].running = 2));
		const done = job(3, raw => (raw['status'].state.phase = 'Completed'));
		const state = run([jobEvent(first, t0), jobEvent(busier, t0 + 1000, first), jobEvent(done, t0 + 5000, busier)]);
		expect(state.seenPhases.map(phase => [phase.phase, phase.at])).toEqual([
			['Running', Date.parse('2024-03-11T08:05:30Z')],
			['Completed', t0 + 5000],
		]);
	});

	test('a new incarnation in the same phase is recorded under its uid', () => {
		const first = job(1);
		const reborn = job(9, raw => (raw['metadata'].uid = 'another-uid'));
		const state = run([jobEvent(first, t0), jobEvent(reborn, t0 + 3000, first)]);
		expect(state.seenPhases.map(phase => [phase.uid, phase.phase, phase.at])).toEqual([
			[jobUid, 'Running', Date.parse('2024-03-11T08:05:30Z')],
			['another-uid', 'Running', t0 + 3000],
		]);
	});

	test('a job without conditions watched from Pending to Completed: the timeline comes from what was seen', () => {
		const pending = job(1, raw => {
			delete raw['status'].conditions;
			raw['status'].state.phase = 'Pending';
		});
		const running_ = job(2, raw => delete raw['status'].conditions);
		const done = job(3, raw => {
			delete raw['status'].conditions;
			raw['status'].state.phase = 'Completed';
		});
		const state = run([jobEvent(pending, t0), jobEvent(running_, t0 + 30_000, pending), jobEvent(done, t0 + 90_000, running_)]);
		const timeline = buildTimeline(state.job, state.seenPhases, t0 + 600_000);
		expect(timeline.entries.map(entry => [entry.phase, entry.exact])).toEqual([
			['Pending', false],
			['Running', true],
			['Completed', true],
		]);
		// Created at 08:00:00; first seen Running at t0 + 30 s.
		expect(timeline.toRunningMs).toBe(t0 + 30_000 - Date.parse('2024-03-11T08:00:00Z'));
		expect(timeline.finished).toBe(true);
	});
});

describe('details', () => {
	const pods = normalizePods(loadClusterFixture('pods'), jobUid);
	const group = normalizePodGroup(loadClusterFixture('podgroup-unschedulable'), 'x');
	const scheduled = normalizePodGroup(loadClusterFixture('podgroup-running'), 'x');
	const podsOk = (value: typeof pods, at: number): DetailsEvent => ({type: 'details', part: 'pods', at, result: {status: 'ok', value}});
	const groupOk = (value: typeof group, at: number): DetailsEvent => ({type: 'details', part: 'podGroup', at, result: {status: 'ok', value}});
	const first = job(1);

	test('the first answers are shown, nothing flashes', () => {
		const state = run([jobEvent(first, t0), podsOk(pods, t0 + 100), groupOk(group, t0 + 200)]);
		expect(state.details.pods).toEqual({status: 'ok', value: pods, at: t0 + 100});
		expect(state.details.podGroup).toMatchObject({status: 'ok', value: group});
		expect(state.highlights).toEqual({});
	});

	test('the same answer again leaves the state as it was (nothing to redraw)', () => {
		const before = run([jobEvent(first, t0), podsOk(pods, t0 + 100)]);
		expect(reduceJobView(before, podsOk(structuredClone(pods), t0 + 10_000), options)).toBe(before);
	});

	test('what changed flashes for highlightMs: a pod that restarted, the PodGroup\'s phase and message', () => {
		const restarted = pods.map(pod => (pod.name === 'mpi-allreduce-mpiworker-1' ? {...pod, restarts: pod.restarts + 1} : pod));
		const state = run([jobEvent(first, t0), podsOk(pods, t0 + 100), groupOk(group, t0 + 200), podsOk(restarted, t0 + 10_000), groupOk(scheduled, t0 + 10_100)]);
		expect(state.highlights).toEqual({
			[detailPaths.pod('mpi-allreduce-mpiworker-1')]: {until: t0 + 15_000},
			[detailPaths.podGroupPhase]: {until: t0 + 15_100},
			[detailPaths.podGroupMessage]: {until: t0 + 15_100},
		});
		expect(reduceJobView(state, {type: 'tick', at: t0 + 15_100}, options).highlights).toEqual({});
	});

	test('an error keeps the pods on screen, marked stale; the job\'s own connection is not touched', () => {
		const state = run([jobEvent(first, t0), podsOk(pods, t0 + 100), {type: 'details', part: 'pods', at: t0 + 10_000, result: {status: 'error', error: serverError, retryAt: t0 + 20_000}}]);
		expect(state.details.pods).toEqual({status: 'error', error: serverError, at: t0 + 10_000, value: pods});
		expect(state.connection).toEqual({kind: 'live'});
	});

	test('a details reset clears them; a reset of nothing changes nothing', () => {
		const shown = run([jobEvent(first, t0), podsOk(pods, t0 + 100)]);
		expect(reduceJobView(shown, {type: 'details-reset', at: t0 + 200}, options).details).toBe(idleDetails);
		const bare = run([jobEvent(first, t0)]);
		expect(reduceJobView(bare, {type: 'details-reset', at: t0 + 200}, options)).toBe(bare);
	});

	test('a new uid clears them; a new resourceVersion of the same job does not', () => {
		const shown = run([jobEvent(first, t0), podsOk(pods, t0 + 100)]);
		const second = job(2, raw => (raw['status'].running = 2));
		expect(reduceJobView(shown, jobEvent(second, t0 + 1000, first), options).details).toBe(shown.details);
		const reborn = job(3, raw => (raw['metadata'].uid = 'another-uid'));
		expect(reduceJobView(shown, jobEvent(reborn, t0 + 1000, first), options).details).toBe(idleDetails);
	});

	test('the job\'s 404 clears them', () => {
		const shown = run([jobEvent(first, t0), podsOk(pods, t0 + 100)]);
		expect(reduceJobView(shown, {type: 'not-found', at: t0 + 1000, error: notFound, delayMs: 2000}, options).details).toBe(idleDetails);
	});
});
