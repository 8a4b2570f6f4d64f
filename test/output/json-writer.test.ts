import {describe, expect, test} from 'vitest';
import {ApiError} from '../../source/api/api-error.js';
import type {EventInfo, PodGroupInfo} from '../../source/model/cluster.js';
import {createJsonDetailsWriter, createJsonWriter} from '../../source/output/json-writer.js';
import {at, job, jobEvent, pending, rawJob, running, target} from './writer-events.js';
import {loadFixture} from '../helpers/objects/fixtures.js';

const time = '2026-11-27T05:08:44Z';

function writer() {
	const lines: string[] = [];
	const listener = createJsonWriter(line => lines.push(line), target);
	const objects = () => lines.map(line => parseLine(line));
	return {lines, listener, objects};
}

function parseLine(line: string): Record<string, unknown> {
	expect(line.endsWith('\n')).toBe(true);
	expect(line.slice(0, -1)).not.toContain('\n');
	return JSON.parse(line) as Record<string, unknown>;
}

const unavailable = new ApiError({category: 'server', summary: '503 ServiceUnavailable: unavailable', status: 503, reason: 'ServiceUnavailable', requestId: 'req-1'});
const forbidden = new ApiError({category: 'forbidden', summary: '403 Forbidden: jobs is forbidden', status: 403, reason: 'Forbidden'});
const notFound = new ApiError({category: 'not-found', summary: '404 NotFound: jobs "mpi" not found', status: 404, reason: 'NotFound'});

describe('the job in NDJSON', () => {
	test('a change: the job as sent, first, and the changes as path/old/new (null for none)', () => {
		const {listener, objects} = writer();
		listener(jobEvent(pending));
		listener(jobEvent(running, job(pending)));
		expect(objects()).toEqual([
			{time, event: 'change', namespace: 'team-a', name: 'mpi', resourceVersion: '10', phase: 'Pending', first: true, changes: [], job: pending},
			{
				time,
				event: 'change',
				namespace: 'team-a',
				name: 'mpi',
				resourceVersion: '11',
				phase: 'Running',
				first: false,
				changes: [
					{path: 'status.state.phase', old: 'Pending', new: 'Running'},
					{path: 'status.pending', old: 3, new: 0},
					{path: 'status.running', old: 0, new: 3},
				],
				job: running,
			},
		]);
	});

	test('the same resourceVersion again writes nothing', () => {
		const {lines, listener} = writer();
		listener(jobEvent(running));
		listener(jobEvent(running, job(running), false));
		expect(lines).toHaveLength(1);
	});

	test('waiting once, deleted: true after the job was seen, recreated: true for a new uid', () => {
		const {listener, objects} = writer();
		const waiting = {type: 'not-found', at, error: notFound, delayMs: 2000} as const;
		listener(waiting);
		listener(waiting);
		listener(jobEvent(pending));
		listener({...waiting, deleted: true});
		const again = rawJob('20', {state: {phase: 'Pending'}}, 'uid-2');
		listener(jobEvent(again, job(pending)));
		const written = objects();
		expect(written.map(object => object['event'])).toEqual(['waiting', 'change', 'waiting', 'change']);
		expect(written[0]).toEqual({time, event: 'waiting', namespace: 'team-a', name: 'mpi', error: notFound.toJSON()});
		expect(written[2]).toEqual({time, event: 'waiting', namespace: 'team-a', name: 'mpi', deleted: true, error: notFound.toJSON()});
		expect(written[3]).toMatchObject({recreated: true, first: false});
		expect(written[3]!['changes']).toContainEqual({path: 'metadata.uid', old: 'uid-1', new: 'uid-2'});
		expect(written[1]).not.toHaveProperty('recreated');
	});

	test('retry: attempt, delayMs and the error; then recovered with failures and the resourceVersion', () => {
		const {listener, objects} = writer();
		listener(jobEvent(running));
		listener({type: 'retry', at, attempt: 1, delayMs: 2600, error: unavailable});
		listener({type: 'retry', at, attempt: 2, delayMs: 5200, error: unavailable});
		listener(jobEvent(running, job(running), false));
		listener(jobEvent(running, job(running), false));
		expect(objects().slice(1)).toEqual([
			{
				time,
				event: 'retry',
				namespace: 'team-a',
				name: 'mpi',
				attempt: 1,
				delayMs: 2600,
				error: {category: 'server', summary: '503 ServiceUnavailable: unavailable', status: 503, reason: 'ServiceUnavailable', requestId: 'req-1', retryable: true},
			},
			{time, event: 'retry', namespace: 'team-a', name: 'mpi', attempt: 2, delayMs: 5200, error: unavailable.toJSON()},
			{time, event: 'recovered', namespace: 'team-a', name: 'mpi', failures: 2, resourceVersion: '11'},
		]);
	});

	test('recovered with a change: the recovered object, then the change', () => {
		const {listener, objects} = writer();
		listener(jobEvent(pending));
		listener({type: 'retry', at, attempt: 1, delayMs: 1000, error: unavailable});
		listener(jobEvent(running, job(pending)));
		expect(objects().slice(2).map(object => [object['event'], object['resourceVersion']])).toEqual([
			['recovered', '11'],
			['change', '11'],
		]);
	});

	test('a stream that opens after failures: recovered with watching: true and the last resourceVersion; routine reopenings write nothing', () => {
		const {listener, objects} = writer();
		listener({type: 'watching', at, opened: true});
		listener(jobEvent(running));
		listener({type: 'watching', at, opened: true, job: job(running)});
		listener({type: 'refused', at, error: forbidden, delayMs: 30_000});
		listener({type: 'watching', at, opened: true, job: job(running)});
		listener({type: 'watching', at, opened: true, job: job(running)});
		expect(objects().slice(2)).toEqual([{time, event: 'recovered', namespace: 'team-a', name: 'mpi', failures: 1, watching: true, resourceVersion: '11'}]);
	});

	test('a stream that opens after failures before any job: watching: true, no resourceVersion', () => {
		const {listener, objects} = writer();
		listener({type: 'retry', at, attempt: 1, delayMs: 1000, error: unavailable});
		listener({type: 'watching', at, opened: true});
		expect(objects()[1]).toEqual({time, event: 'recovered', namespace: 'team-a', name: 'mpi', failures: 1, watching: true});
	});

	test('error: delayMs and the error, once while the same refusal repeats, again after a change of job', () => {
		const {listener, objects} = writer();
		listener({type: 'refused', at, error: forbidden, delayMs: 30_000});
		listener({type: 'refused', at, error: forbidden, delayMs: 30_000});
		expect(objects()).toEqual([{time, event: 'error', namespace: 'team-a', name: 'mpi', delayMs: 30_000, error: {...forbidden.toJSON(), retryable: false}}]);
		listener(jobEvent(running));
		listener({type: 'refused', at, error: forbidden, delayMs: 30_000});
		expect(objects().map(object => object['event'])).toEqual(['error', 'recovered', 'change', 'error']);
	});

	test('polling: the reason and the error', () => {
		const {listener, objects} = writer();
		const refused = new ApiError({category: 'client', summary: '501 NotImplemented', status: 501});
		listener({type: 'polling', at, reason: 'the server refused watch (501)', error: refused});
		expect(objects()).toEqual([{time, event: 'polling', namespace: 'team-a', name: 'mpi', reason: 'the server refused watch (501)', error: refused.toJSON()}]);
	});

	test('pause, resume and a slow fetch write nothing', () => {
		const {lines, listener} = writer();
		listener({type: 'paused', at});
		listener({type: 'resumed', at});
		listener({type: 'fetch-slow', at});
		expect(lines).toEqual([]);
	});

	test('a hostile job: the characters a terminal acts on are \\u escapes, and the job parses back exactly as sent', () => {
		const {lines, listener} = writer();
		const hostile = loadFixture('hostile');
		listener(jobEvent(hostile));
		expect(lines).toHaveLength(1);
		// JSON.stringify leaves these raw; a terminal acts on them.
		expect(lines[0]!.slice(0, -1)).not.toMatch(/[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E]/u);
		expect(lines[0]).toContain('\\u009b');
		expect(parseLine(lines[0]!)['job']).toEqual(hostile);
	});
});

describe('the details in NDJSON', () => {
	const group: PodGroupInfo = {name: 'mpi-pg', phase: 'Inqueue', minMember: 3, queue: 'default', conditions: [{type: 'Unschedulable', status: 'True', reason: 'NotEnoughResources', message: 'gang'}], reason: 'NotEnoughResources', message: 'gang'};
	const event: EventInfo = {key: 'k', type: 'Warning', reason: 'FailedScheduling', message: '0/2 nodes', kind: 'Pod', name: 'mpi-worker-0', count: 2, first: Date.parse('2026-11-27T05:00:00Z'), last: Date.parse('2026-11-27T05:08:00Z')};

	function details() {
		const lines: string[] = [];
		return {lines, listener: createJsonDetailsWriter(line => lines.push(line), target), objects: () => lines.map(line => parseLine(line))};
	}

	test('podgroup: the PodGroup as read, null when there is none', () => {
		const {listener, objects} = details();
		listener({type: 'details', at, part: 'podGroup', result: {status: 'ok', value: group}});
		listener({type: 'details', at, part: 'podGroup', result: {status: 'absent'}});
		expect(objects()).toEqual([
			{time, event: 'podgroup', namespace: 'team-a', name: 'mpi', podGroup: JSON.parse(JSON.stringify(group))},
			{time, event: 'podgroup', namespace: 'team-a', name: 'mpi', podGroup: null},
		]);
	});

	test('k8s-event: type, reason, object, count, message, first and last as ISO times (null when unknown)', () => {
		const {listener, objects} = details();
		listener({type: 'details', at, part: 'events', result: {status: 'ok', value: [event, {...event, key: 'k2', reason: 'Pulled', type: 'Normal', count: 1, first: undefined, last: undefined}]}});
		expect(objects()).toContainEqual({
			time,
			event: 'k8s-event',
			namespace: 'team-a',
			name: 'mpi',
			type: 'Warning',
			reason: 'FailedScheduling',
			object: {kind: 'Pod', name: 'mpi-worker-0'},
			count: 2,
			message: '0/2 nodes',
			first: '2026-11-27T05:00:00.000Z',
			last: '2026-11-27T05:08:00.000Z',
		});
		expect(objects().find(object => object['reason'] === 'Pulled')).toMatchObject({first: null, last: null});
	});

	test('details-error: the part, whether it is retried, and the error', () => {
		const {listener, objects} = details();
		listener({type: 'details', at, part: 'pods', result: {status: 'refused', error: forbidden, retryAt: 0}});
		listener({type: 'details', at, part: 'events', result: {status: 'error', error: unavailable, retryAt: 0}});
		expect(objects()).toEqual([
			{time, event: 'details-error', namespace: 'team-a', name: 'mpi', part: 'pods', retrying: false, error: forbidden.toJSON()},
			{time, event: 'details-error', namespace: 'team-a', name: 'mpi', part: 'events', retrying: true, error: unavailable.toJSON()},
		]);
	});

	test('an event message with terminal controls: escaped in the line, the same value parsed back', () => {
		const {lines, listener} = details();
		const message = 'bad\u009B31m \u202Etxt\u2028next';
		listener({type: 'details', at, part: 'events', result: {status: 'ok', value: [{...event, message}]}});
		expect(lines[0]).not.toMatch(/[\u009B\u202E\u2028]/u);
		expect(parseLine(lines[0]!)['message']).toBe(message);
	});
});
