import {describe, expect, test} from 'vitest';
import {ApiError, errorFromResponse} from '../../source/core/api-error.js';
import {diffJob, jobPaths} from '../../source/core/diff-job.js';
import type {Job} from '../../source/core/types.js';
import type {WatchEvent} from '../../source/core/watch-job.js';
import {
	initialWatchState,
	nextHighlightExpiry,
	reduceWatch,
	type WatchAction,
	type WatchState,
	type WatchStateOptions,
} from '../../source/core/watch-state.js';
import {statusBody} from '../../source/simulator/faults.js';
import {edited, loadFixture, normalize, type RawObject} from './helpers.js';

const options: WatchStateOptions = {highlightMs: 5000, maxRecent: 50};
const t0 = Date.parse('2024-03-11T08:20:00Z');
const running = loadFixture('running-mpi');

function job(rv: number, edit: (raw: RawObject) => void = () => {}): Job {
	return normalize(
		edited(running, raw => {
			raw['metadata'].resourceVersion = String(rv);
			edit(raw);
		}),
	);
}

/** A job event as the watcher emits it, diffed against `previous`. */
function jobEvent(next: Job, at: number, previous?: Job): Extract<WatchEvent, {type: 'job'}> {
	return {
		type: 'job',
		at,
		raw: {},
		job: next,
		...(previous ? {previous} : {}),
		changes: previous ? diffJob(previous, next) : [],
		rvChanged: previous === undefined || previous.resourceVersion !== next.resourceVersion,
	};
}

const serverError = errorFromResponse({status: 503, body: JSON.stringify(statusBody(503))});
const notFound = errorFromResponse({status: 404, body: JSON.stringify(statusBody(404))});
const forbidden = errorFromResponse({status: 403, body: JSON.stringify(statusBody(403))});

function run(actions: WatchAction[], with_: WatchStateOptions = options): WatchState {
	return actions.reduce((state, action) => reduceWatch(state, action, with_), initialWatchState('cci-namespace-42263891', 'mpi-allreduce', t0));
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
		const state = initialWatchState('ns', 'job', t0);
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
		const state = reduceWatch(before, {...jobEvent(first, t0 + 1000, first), rvChanged: false}, options);
		expect(state).toBe(before);
		expect(state.highlights).toEqual({});
		expect(state.lastChangeAt).toBe(t0);
	});

	test('expire on a tick once highlightMs has passed, not before', () => {
		const before = reduceWatch(changed, {type: 'tick', at: at + 4999}, options);
		expect(Object.keys(before.highlights)).toHaveLength(4);
		expect(before).toBe(changed);
		const after = reduceWatch(changed, {type: 'tick', at: at + 5000}, options);
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
		const actions: WatchAction[] = [];
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
		const actions: WatchAction[] = [];
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
		const retrying = reduceWatch(live, {type: 'retry', at: t0 + 2000, attempt: 1, delayMs: 4000, error: serverError}, options);
		expect(retrying.connection).toEqual({kind: 'retrying', attempt: 1, delayMs: 4000, retryAt: t0 + 6000, error: serverError});
		expect(retrying.staleSince).toBe(t0 + 2000);
		expect(retrying.job).toBe(first);
		expect(retrying.lastOkAt).toBe(t0);

		const again = reduceWatch(retrying, {type: 'retry', at: t0 + 6000, attempt: 2, delayMs: 8000, error: serverError}, options);
		expect(again.staleSince).toBe(t0 + 2000);
		expect(again.connection).toMatchObject({kind: 'retrying', attempt: 2, retryAt: t0 + 14_000});

		const back = reduceWatch(again, {...jobEvent(first, t0 + 14_000, first), rvChanged: false}, options);
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

		const still = reduceWatch(deleted, {type: 'not-found', at: t0 + 4000, error: notFound, delayMs: 2000}, options);
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
		expect(reduceWatch(slow, {type: 'fetch-slow', at: t0 + 1}, options)).toBe(slow);
		expect(reduceWatch(slow, jobEvent(job(1), t0 + 2), options).fetchingSlowly).toBe(false);
		expect(reduceWatch(slow, {type: 'retry', at: t0 + 2, attempt: 1, delayMs: 1, error: serverError}, options).fetchingSlowly).toBe(false);
		expect(reduceWatch(slow, {type: 'not-found', at: t0 + 2, error: notFound, delayMs: 1}, options).fetchingSlowly).toBe(false);
		expect(reduceWatch(slow, {type: 'refused', at: t0 + 2, error: forbidden, delayMs: 1}, options).fetchingSlowly).toBe(false);
	});

	test('paused and resumed', () => {
		const paused = run([{type: 'paused', at: t0 + 1}]);
		expect([paused.paused, paused.now]).toEqual([true, t0 + 1]);
		expect(reduceWatch(paused, {type: 'resumed', at: t0 + 2}, options).paused).toBe(false);
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
		const changes = reduceWatch(stays, jobEvent(third, t0 + 2000, second), options);
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
		reduceWatch(before, jobEvent(job(2, raw => (raw['status'].running = 1)), t0 + 1000, first), options);
		reduceWatch(before, {type: 'retry', at: t0 + 1000, attempt: 1, delayMs: 1000, error: new ApiError({category: 'network', summary: 'x'})}, options);
		expect(before).toEqual(snapshot);
	});
});
