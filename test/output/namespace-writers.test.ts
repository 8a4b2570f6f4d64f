import {describe, expect, test} from 'vitest';
import {ApiError} from '../../source/api/api-error.js';
import {createNamespaceJsonWriter, createNamespaceTextWriter} from '../../source/output/namespace-writers.js';
import {createJobIndex} from '../../source/watch/job-index.js';
import type {NamespaceEvent, NamespaceListener} from '../../source/watch/namespace-watcher.js';
import {unsafeCharacter, type RawObject} from '../helpers/objects/fixtures.js';
import {failureRecord, lastExitEvent} from '../helpers/objects/last-exits.js';

const target = {namespace: 'team-a'};
const at = Date.parse('2026-11-27T09:01:48.900Z');
const time = '2026-11-27T09:01:48Z';

function rawJob(name: string, resourceVersion: string, status: RawObject): RawObject {
	return {metadata: {name, namespace: 'team-a', uid: `uid-${name}`, resourceVersion}, spec: {maxRetry: 3, minAvailable: 2, queue: 'default'}, status};
}

const a1 = rawJob('a', '10', {state: {phase: 'Running'}, running: 2});
const b1 = rawJob('b', '11', {state: {phase: 'Pending'}, pending: 2, retryCount: 2});
const a2 = rawJob('a', '12', {state: {phase: 'Completing'}, running: 0, terminating: 2});
const c1 = rawJob('c', '13', {state: {phase: 'Pending'}, unknown: 1});

/** Listings as the watcher reports them: the first one, then what each later listing changed. */
function listings() {
	const index = createJobIndex({namespace: 'team-a'});
	let first = true;
	return (items: RawObject[]): NamespaceEvent => {
		const deltas = index.reconcile(items);
		const event = {type: 'jobs', at, deltas, first, total: index.size} as const;
		first = false;
		return event;
	};
}

function collect(create: (write: (line: string) => void, target: {namespace: string}) => NamespaceListener) {
	const lines: string[] = [];
	return {lines, listener: create(line => lines.push(line), target)};
}

const unavailable = new ApiError({category: 'network', summary: 'connection refused (127.0.0.1:18113)'});
const forbidden = new ApiError({category: 'forbidden', summary: '403 Forbidden: jobs is forbidden', status: 403});
const refusedWatch = new ApiError({category: 'client', summary: '405 MethodNotAllowed: not allowed', status: 405});

describe('the namespace in text', () => {
	test('a line per job listed, then per job changed, added or deleted; terminating= and unknown= when not zero', () => {
		const {lines, listener} = collect(createNamespaceTextWriter);
		const list = listings();
		listener(list([a1, b1]));
		listener(list([a2, b1, c1]));
		listener(list([a2, c1]));
		expect(lines).toEqual([
			`${time} team-a/a rv=10 phase=Running pending=0 running=2 succeeded=0 failed=0 (listed)\n`,
			`${time} team-a/b rv=11 phase=Pending pending=2 running=0 succeeded=0 failed=0 retries=2/3 (listed)\n`,
			`${time} team-a/a rv=12 phase=Completing pending=0 running=0 succeeded=0 failed=0 terminating=2 (phase Running→Completing, running 2→0, terminating 0→2)\n`,
			`${time} team-a/c rv=13 phase=Pending pending=0 running=0 succeeded=0 failed=0 unknown=1 (added)\n`,
			`${time} team-a/b deleted (last seen rv=11 phase=Pending pending=2 running=0 succeeded=0 failed=0 retries=2/3)\n`,
		]);
	});

	test('an empty namespace: "no jobs", once', () => {
		const {lines, listener} = collect(createNamespaceTextWriter);
		const list = listings();
		listener(list([]));
		listener(list([]));
		expect(lines).toEqual([`${time} team-a no jobs\n`]);
	});

	test('retry, refusal (once while it repeats), polling and recovered: lines of the namespace alone', () => {
		const {lines, listener} = collect(createNamespaceTextWriter);
		const list = listings();
		listener({type: 'retry', at, attempt: 1, delayMs: 2600, error: unavailable});
		listener({type: 'refused', at, error: forbidden, delayMs: 30_000});
		listener({type: 'refused', at, error: forbidden, delayMs: 30_000});
		listener(list([a1]));
		listener({type: 'polling', at, reason: 'the server refused watch (405)', error: refusedWatch});
		listener({type: 'retry', at, attempt: 1, delayMs: 1000, error: unavailable});
		listener({type: 'watching', at, opened: true});
		listener({type: 'watching', at, opened: true});
		expect(lines).toEqual([
			`${time} team-a retry attempt=1 in=2.6s error: connection refused (127.0.0.1:18113)\n`,
			`${time} team-a error: 403 Forbidden: jobs is forbidden (the credentials may not get Volcano jobs in namespace team-a); checking again in 30s\n`,
			`${time} team-a recovered after 3 failed attempts: 1 job\n`,
			`${time} team-a/a rv=10 phase=Running pending=0 running=2 succeeded=0 failed=0 (listed)\n`,
			`${time} team-a polling: the server refused watch (405); 405 MethodNotAllowed: not allowed\n`,
			`${time} team-a retry attempt=1 in=1.0s error: connection refused (127.0.0.1:18113)\n`,
			`${time} team-a recovered after 1 failed attempt: watching\n`,
		]);
	});

	test('a hostile job name and phase: no escape or control character in the line', () => {
		const {lines, listener} = collect(createNamespaceTextWriter);
		listener(listings()([rawJob('evil\u001B]0;title\u0007\u202E', '1\u001B[2J', {state: {phase: 'Run\u009B31m\nning'}})]));
		expect(lines).toHaveLength(1);
		expect(lines[0]!.slice(0, -1)).not.toMatch(unsafeCharacter);
	});
});

describe('the namespace in NDJSON', () => {
	function json() {
		const {lines, listener} = collect(createNamespaceJsonWriter);
		const objects = () =>
			lines.map(line => {
				expect(line.endsWith('\n') && !line.slice(0, -1).includes('\n')).toBe(true);
				return JSON.parse(line) as Record<string, unknown>;
			});
		return {lines, listener, objects};
	}

	test('listed, changed, added, deleted: the values the table shows, the changes, the job as sent', () => {
		const {listener, objects} = json();
		const list = listings();
		listener(list([a1, b1]));
		listener(list([a2, b1, c1]));
		listener(list([a2, c1]));
		const written = objects();
		expect(written.map(object => [object['event'], object['name']])).toEqual([
			['listed', 'a'],
			['listed', 'b'],
			['changed', 'a'],
			['added', 'c'],
			['deleted', 'b'],
		]);
		expect(written[2]).toEqual({
			time,
			event: 'changed',
			namespace: 'team-a',
			name: 'a',
			uid: 'uid-a',
			resourceVersion: '12',
			phase: 'Completing',
			counters: {pending: 0, running: 0, succeeded: 0, failed: 0, terminating: 2, unknown: 0},
			minAvailable: 2,
			retryCount: 0,
			maxRetry: 3,
			queue: 'default',
			changes: [
				{path: 'status.state.phase', old: 'Running', new: 'Completing'},
				{path: 'status.running', old: 2, new: 0},
				{path: 'status.terminating', old: 0, new: 2},
			],
			job: a2,
		});
		expect(written[0]).toMatchObject({changes: [], job: a1});
		// A list does not send a deleted job's last object.
		expect(written[4]).not.toHaveProperty('job');
		expect(written[4]).toMatchObject({resourceVersion: '11', retryCount: 2});
	});

	test('a job without minAvailable or queue: null', () => {
		const {listener, objects} = json();
		listener(listings()([{metadata: {name: 'bare', namespace: 'team-a', resourceVersion: '1'}}]));
		expect(objects()[0]).toMatchObject({minAvailable: null, queue: null, phase: '', uid: ''});
	});

	test('retry, error, recovered and polling carry the namespace and no name', () => {
		const {listener, objects} = json();
		const list = listings();
		listener({type: 'retry', at, attempt: 1, delayMs: 2600, error: unavailable});
		listener({type: 'refused', at, error: forbidden, delayMs: 30_000});
		listener({type: 'refused', at, error: forbidden, delayMs: 30_000});
		listener(list([a1, b1]));
		listener({type: 'polling', at, reason: 'the server refused watch (405)', error: refusedWatch});
		listener({type: 'retry', at, attempt: 1, delayMs: 1000, error: unavailable});
		listener({type: 'watching', at, opened: true});
		listener({type: 'watching', at, opened: true});
		const written = objects().filter(object => object['event'] !== 'listed');
		expect(written).toEqual([
			{time, event: 'retry', namespace: 'team-a', attempt: 1, delayMs: 2600, error: unavailable.toJSON()},
			{time, event: 'error', namespace: 'team-a', delayMs: 30_000, error: forbidden.toJSON()},
			{time, event: 'recovered', namespace: 'team-a', failures: 3, jobs: 2},
			{time, event: 'polling', namespace: 'team-a', reason: 'the server refused watch (405)', error: refusedWatch.toJSON()},
			{time, event: 'retry', namespace: 'team-a', attempt: 1, delayMs: 1000, error: unavailable.toJSON()},
			{time, event: 'recovered', namespace: 'team-a', failures: 1, watching: true},
		]);
		for (const object of written) expect(object).not.toHaveProperty('name');
	});

	test('an empty namespace writes no object; pause, resume and a slow fetch neither', () => {
		const {lines, listener} = json();
		listener(listings()([]));
		listener({type: 'paused', at});
		listener({type: 'resumed', at});
		listener({type: 'fetch-slow', at});
		expect(lines).toEqual([]);
	});

	test('a hostile job: escaped in the line, exactly as sent once parsed', () => {
		const {lines, listener, objects} = json();
		const hostile = rawJob('evil\u009B31m\u202E\u2028', '1', {state: {phase: 'Running'}});
		listener(listings()([hostile]));
		expect(lines[0]).not.toMatch(/[\u009B\u202E\u2028]/u);
		expect(objects()[0]!['job']).toEqual(hostile);
	});
});

describe('the latest failure of a job, once its pods are read', () => {
	const oom = failureRecord('a-worker-0', 137, 'OOMKilled', {task: 'worker', finishedAt: '2026-11-27T09:01:40Z', retryCount: 1, version: 2});
	const traceback = failureRecord('a-master-0', 1, 'Error', {message: ['ValueError: loss is nan', 'at "train.py" = 3'], container: 'main process'});

	test('text: a line of its own, the label the table shows first, then where it comes from', () => {
		const lines: string[] = [];
		const listener = createNamespaceTextWriter(line => lines.push(line), target);
		listener(lastExitEvent(at, 'a', oom));
		listener(lastExitEvent(at, 'a', traceback));
		expect(lines).toEqual([
			`${time} team-a/a last-exit OOMKilled pod=a-worker-0 container=trainer task=worker exit=137 meaning="out of memory (OOMKilled)" reason=OOMKilled finished=2026-11-27T09:01:40Z retries=1\n`,
			`${time} team-a/a last-exit exit 1 pod=a-master-0 container="main process" exit=1 meaning=error reason=Error retries=0\n`,
		]);
	});

	test('json: a "last-exit" object with the label and the record\'s fields', () => {
		const lines: string[] = [];
		const listener = createNamespaceJsonWriter(line => lines.push(line), target);
		listener(lastExitEvent(at, 'a', traceback));
		expect(JSON.parse(lines[0]!)).toEqual({
			time,
			event: 'last-exit',
			namespace: 'team-a',
			name: 'a',
			uid: 'uid-a',
			lastExit: 'exit 1',
			pod: 'a-master-0',
			container: 'main process',
			exitCode: 1,
			meaning: 'error',
			reason: 'Error',
			message: ['ValueError: loss is nan', 'at "train.py" = 3'],
			version: 1,
			retryCount: 0,
		});
	});
});
