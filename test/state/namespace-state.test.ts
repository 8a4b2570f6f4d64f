import {describe, expect, test} from 'vitest';
import {ApiError} from '../../source/api/api-error.js';
import {jobPaths} from '../../source/model/diff-job.js';
import {diffJobSummary} from '../../source/model/diff-job.js';
import type {JobDelta} from '../../source/watch/job-index.js';
import {
	hasFailures,
	initialNamespaceState,
	lastExitPath,
	nextNamespaceExpiry,
	reduceNamespace,
	type NamespaceState,
} from '../../source/state/namespace-state.js';
import {added, jobsEvent, namespace, rawJob, summary, type RawSpec} from '../helpers/objects/namespace-jobs.js';
import {failureRecord, lastExitEvent} from '../helpers/objects/last-exits.js';

const options = {highlightMs: 4000};
const t0 = Date.parse('2026-11-27T08:00:00Z');

function modified(before: RawSpec, after: RawSpec): JobDelta {
	const previous = summary(before);
	const job = summary(after);
	return {kind: 'modified', job, previous, changes: diffJobSummary(previous, job), raw: rawJob(after)};
}

function listed(...specs: RawSpec[]): NamespaceState {
	return reduceNamespace(initialNamespaceState(namespace, t0), jobsEvent(t0, specs.map(spec => added(spec)), true), options);
}

describe('reduceNamespace', () => {
	test('the first listing fills the table and flashes nothing: it is the baseline, not news', () => {
		const state = listed({name: 'a'}, {name: 'b'});
		expect([...state.rows.values()].map(row => row.job.name)).toEqual(['a', 'b']);
		expect([...state.rows.values()].every(row => Object.keys(row.highlights).length === 0)).toBe(true);
		expect(state).toMatchObject({listed: true, connection: {kind: 'live'}});
		expect(state.lastChangeAt).toBeUndefined();
		expect(nextNamespaceExpiry(state)).toBeUndefined();
	});

	test('a change highlights the cells that moved, with their direction, on that row only, until it expires', () => {
		const before = listed({name: 'a'}, {name: 'b'});
		const at = t0 + 2000;
		const after = reduceNamespace(before, jobsEvent(at, [modified({name: 'a'}, {name: 'a', rv: '2', running: 1, failed: 1, phase: 'Failed'})]), options);
		const row = after.rows.get('uid-a')!;
		expect(row.highlights).toEqual({
			[jobPaths.phase]: {until: at + 4000},
			[jobPaths.counter('running')]: {until: at + 4000, direction: 'down'},
			[jobPaths.counter('failed')]: {until: at + 4000, direction: 'up'},
		});
		expect(row.changedAt).toBe(at);
		// The row that did not change is the same object: nothing to redraw there.
		expect(after.rows.get('uid-b')).toBe(before.rows.get('uid-b'));
		expect(after.lastChangeAt).toBe(at);
		expect(nextNamespaceExpiry(after)).toBe(at + 4000);
		const early = reduceNamespace(after, {type: 'tick', at: at + 3000}, options);
		expect(early).toBe(after);
		const settled = reduceNamespace(after, {type: 'tick', at: at + 4000}, options);
		expect(settled.rows.get('uid-a')!.highlights).toEqual({});
		expect(settled.rows.get('uid-a')!.job.phase).toBe('Failed');
		expect(nextNamespaceExpiry(settled)).toBeUndefined();
	});

	test('a job added after the first listing stands out by its name', () => {
		const state = reduceNamespace(listed({name: 'a'}), jobsEvent(t0 + 1000, [added({name: 'new'})]), options);
		expect(state.rows.get('uid-new')!.highlights).toEqual({[jobPaths.uid]: {until: t0 + 5000}});
	});

	test('a deleted job stays, marked, for as long as a highlight, then goes', () => {
		const before = listed({name: 'a'}, {name: 'b'});
		const gone = reduceNamespace(before, jobsEvent(t0 + 1000, [{kind: 'deleted', job: summary({name: 'a'})}]), options);
		expect(gone.rows.get('uid-a')).toMatchObject({deletedAt: t0 + 1000, highlights: {[jobPaths.deletion]: {until: t0 + 5000}}});
		const later = reduceNamespace(gone, {type: 'tick', at: t0 + 5000}, options);
		expect([...later.rows.keys()]).toEqual(['uid-b']);
	});

	test('a listing that changed nothing leaves the state as it is (nothing is drawn), until the minute turns', () => {
		const state = listed({name: 'a'});
		expect(reduceNamespace(state, jobsEvent(t0 + 2000, []), options)).toBe(state);
		const nextMinute = reduceNamespace(state, jobsEvent(t0 + 60_000, []), options);
		expect(nextMinute).not.toBe(state);
		expect(nextMinute.rows).toBe(state.rows);
		expect(nextMinute.now).toBe(t0 + 60_000);
	});

	test('errors keep the last table and say since when it is stale; the next listing clears that', () => {
		const error = new ApiError({category: 'server', status: 503, summary: '503 ServiceUnavailable'});
		const state = listed({name: 'a'});
		const failing = reduceNamespace(state, {type: 'retry', at: t0 + 2000, attempt: 1, delayMs: 2000, error}, options);
		expect(failing).toMatchObject({connection: {kind: 'retrying', attempt: 1}, staleSince: t0 + 2000});
		expect(failing.rows).toBe(state.rows);
		const refused = reduceNamespace(failing, {type: 'refused', at: t0 + 4000, delayMs: 30_000, error}, options);
		expect(refused).toMatchObject({connection: {kind: 'refused'}, staleSince: t0 + 2000});
		const back = reduceNamespace(refused, jobsEvent(t0 + 34_000, []), options);
		expect(back).toMatchObject({connection: {kind: 'live'}, staleSince: undefined});
	});
});

describe('watching', () => {
	test('the status says watching once a stream opens; a reopen after the server timeout changes nothing', () => {
		const starting = reduceNamespace(initialNamespaceState(namespace, t0), {type: 'watching', at: t0, opened: false}, options);
		expect(starting.transport).toEqual({kind: 'watching'});
		const state = reduceNamespace(reduceNamespace(starting, jobsEvent(t0, [added({name: 'a'})], true), options), {type: 'watching', at: t0 + 10, opened: true}, options);
		expect(state.transport).toEqual({kind: 'watching', since: t0 + 10});
		expect(reduceNamespace(state, {type: 'watching', at: t0 + 300_000, opened: true}, options)).toBe(state);
	});

	test('after failures, an open stream is live again; a refusal to watch says polling and why', () => {
		const error = new ApiError({category: 'network', summary: 'connection reset'});
		let state = reduceNamespace(listed({name: 'a'}), {type: 'watching', at: t0 + 1, opened: true}, options);
		state = reduceNamespace(state, {type: 'retry', at: t0 + 2, attempt: 1, delayMs: 2000, error}, options);
		state = reduceNamespace(state, {type: 'watching', at: t0 + 2002, opened: true}, options);
		expect(state).toMatchObject({connection: {kind: 'live'}, staleSince: undefined, transport: {kind: 'watching', since: t0 + 2002}});
		state = reduceNamespace(state, {type: 'polling', at: t0 + 3000, reason: 'the server refused watch (405)', error}, options);
		expect(state.transport).toEqual({kind: 'polling', reason: 'the server refused watch (405)'});
	});

	test('while watching, the minute turns by the timer (the ages move on) and a change is the last event', () => {
		const state = reduceNamespace(listed({name: 'a'}), {type: 'watching', at: t0 + 5000, opened: true}, options);
		expect(nextNamespaceExpiry(state)).toBe(t0 + 60_000);
		const sameMinute = reduceNamespace(state, {type: 'tick', at: t0 + 30_000}, options);
		expect(sameMinute).toBe(state);
		expect(reduceNamespace(state, {type: 'tick', at: t0 + 60_010}, options).now).toBe(t0 + 60_010);
		const changed = reduceNamespace(state, jobsEvent(t0 + 7000, [modified({name: 'a'}, {name: 'a', rv: '2', running: 1})]), options);
		expect(changed.transport).toEqual({kind: 'watching', since: t0 + 5000, lastEventAt: t0 + 7000});
	});
});

describe('failures', () => {
	test('the mark comes from the list alone: failed pods, a retry spent, or a failure phase', () => {
		expect(hasFailures(summary({name: 'a'}))).toBe(false);
		expect(hasFailures(summary({name: 'a', phase: 'Completed', running: 0, succeeded: 2}))).toBe(false);
		expect(hasFailures(summary({name: 'a', failed: 1}))).toBe(true);
		expect(hasFailures(summary({name: 'a', retryCount: 1}))).toBe(true);
		for (const phase of ['Failed', 'Aborted', 'Terminated', 'Restarting', 'Aborting', 'Terminating']) {
			expect(hasFailures(summary({name: 'a', phase})), phase).toBe(true);
		}
	});

	test('a failure seen happening is kept on its row and stands out like a change, until the highlight ends', () => {
		const before = listed({name: 'a'}, {name: 'b'});
		const at = t0 + 3000;
		const oom = failureRecord('a-worker-0', 137, 'OOMKilled');
		const after = reduceNamespace(before, lastExitEvent(at, 'a', oom), options);
		expect(after.rows.get('uid-a')).toMatchObject({lastExit: oom, highlights: {[lastExitPath]: {until: at + 4000}}, changedAt: at});
		expect(after.rows.get('uid-b')).toBe(before.rows.get('uid-b'));
		expect(after.lastChangeAt).toBe(at);
		expect(nextNamespaceExpiry(after)).toBe(at + 4000);
		const settled = reduceNamespace(after, {type: 'tick', at: at + 4000}, options);
		expect(settled.rows.get('uid-a')).toMatchObject({lastExit: oom, highlights: {}});
	});

	test('one the job already had when first listed is kept quietly: nothing flashes', () => {
		const before = listed({name: 'a', phase: 'Failed', failed: 1});
		const after = reduceNamespace(before, lastExitEvent(t0 + 500, 'a', failureRecord('a-worker-0', 1), false), options);
		expect(after.rows.get('uid-a')).toMatchObject({lastExit: {exitCode: 1}, highlights: {}});
		expect(after.expiries.size).toBe(0);
		expect(after.lastChangeAt).toBeUndefined();
	});

	test('the last exit stays through the job\'s later changes and its deletion; the next one replaces it', () => {
		let state = listed({name: 'a', failed: 1});
		state = reduceNamespace(state, lastExitEvent(t0 + 1000, 'a', failureRecord('a-worker-0', 137, 'OOMKilled')), options);
		state = reduceNamespace(state, jobsEvent(t0 + 2000, [modified({name: 'a', failed: 1}, {name: 'a', rv: '2', phase: 'Restarting', retryCount: 1})]), options);
		expect(state.rows.get('uid-a')!.lastExit).toMatchObject({reason: 'OOMKilled'});
		state = reduceNamespace(state, lastExitEvent(t0 + 3000, 'a', failureRecord('a-master-0', 143)), options);
		expect(state.rows.get('uid-a')!.lastExit).toMatchObject({pod: 'a-master-0', exitCode: 143});
		state = reduceNamespace(state, jobsEvent(t0 + 4000, [{kind: 'deleted', job: summary({name: 'a', rv: '2', phase: 'Restarting', retryCount: 1})}]), options);
		expect(state.rows.get('uid-a')).toMatchObject({deletedAt: t0 + 4000, lastExit: {exitCode: 143}});
	});

	test('an exit for a job no longer shown, deleted, or created again under its name (another uid) changes nothing', () => {
		const state = listed({name: 'a'});
		expect(reduceNamespace(state, lastExitEvent(t0 + 1000, 'gone', failureRecord('gone-0', 1)), options)).toBe(state);
		const deleted = reduceNamespace(state, jobsEvent(t0 + 1000, [{kind: 'deleted', job: summary({name: 'a'})}]), options);
		expect(reduceNamespace(deleted, lastExitEvent(t0 + 2000, 'a', failureRecord('a-0', 1)), options)).toBe(deleted);
		expect(reduceNamespace(state, {...lastExitEvent(t0 + 1000, 'a', failureRecord('a-0', 1)), uid: 'uid-older'}, options)).toBe(state);
	});
});
