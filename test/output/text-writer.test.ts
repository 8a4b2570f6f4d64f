import {describe, expect, test} from 'vitest';
import {ApiError} from '../../source/api/api-error.js';
import type {EventInfo, PodGroupInfo} from '../../source/model/cluster.js';
import {createTextDetailsWriter, createTextWriter, jobLine} from '../../source/output/text-writer.js';
import {at, job, jobEvent, pending, rawJob, running, target} from './writer-events.js';
import {loadFixture, unsafeCharacter, type RawObject} from '../helpers/objects/fixtures.js';

const stamp = '2026-11-27T05:08:44Z team-a/mpi';

function writer() {
	const lines: string[] = [];
	const listener = createTextWriter(line => lines.push(line), target);
	return {lines, listener};
}

const unavailable = new ApiError({category: 'server', summary: '503 ServiceUnavailable: the server is currently unable to handle the request', status: 503});
const forbidden = new ApiError({category: 'forbidden', summary: '403 Forbidden: jobs is forbidden', status: 403});
const notFound = new ApiError({category: 'not-found', summary: '404 NotFound: jobs "mpi" not found', status: 404});

describe('jobLine', () => {
	test('the fields a script greps for, in order; "-" for what the server has not set', () => {
		expect(jobLine(job(running))).toBe('rv=11 phase=Running pending=0 running=3 succeeded=0 failed=0');
		expect(jobLine(job({metadata: {name: 'mpi'}}))).toBe('rv=- phase=- pending=0 running=0 succeeded=0 failed=0');
	});

	test('terminating=, unknown= and retries= only when not zero', () => {
		const line = jobLine(job(rawJob('12', {state: {phase: 'Restarting'}, terminating: 2, unknown: 1, retryCount: 1})));
		expect(line).toBe('rv=12 phase=Restarting pending=0 running=0 succeeded=0 failed=0 terminating=2 unknown=1 retries=1/3');
		const zero = jobLine(job(rawJob('12', {state: {phase: 'Running'}, terminating: 0, unknown: 0, retryCount: 0})));
		expect(zero).not.toMatch(/terminating=|unknown=|retries=/);
		expect(jobLine(job(rawJob('12', {unknown: 4})))).toMatch(/failed=0 unknown=4$/);
	});
});

describe('the job in text', () => {
	test('first seen, then a change with what changed, old→new', () => {
		const {lines, listener} = writer();
		listener(jobEvent(pending));
		listener(jobEvent(running, job(pending)));
		expect(lines).toEqual([
			`${stamp} rv=10 phase=Pending pending=3 running=0 succeeded=0 failed=0 (first seen)\n`,
			`${stamp} rv=11 phase=Running pending=0 running=3 succeeded=0 failed=0 (phase Pending→Running, pending 3→0, running 0→3)\n`,
		]);
	});

	test('the same resourceVersion again writes nothing', () => {
		const {lines, listener} = writer();
		listener(jobEvent(running));
		listener(jobEvent(running, job(running), false));
		expect(lines).toHaveLength(1);
	});

	test('waiting once however often the 404 comes; then "appeared"; deleted; then "re-created"', () => {
		const {lines, listener} = writer();
		const waiting = {type: 'not-found', at, error: notFound, delayMs: 2000} as const;
		listener(waiting);
		listener(waiting);
		listener(jobEvent(pending));
		listener({...waiting, deleted: true});
		listener(jobEvent(rawJob('20', {state: {phase: 'Pending'}}, 'uid-2'), job(pending)));
		expect(lines).toEqual([
			`${stamp} waiting for team-a/mpi to appear\n`,
			`${stamp} rv=10 phase=Pending pending=3 running=0 succeeded=0 failed=0 (appeared)\n`,
			`${stamp} deleted; waiting for team-a/mpi to appear\n`,
			`${stamp} rv=20 phase=Pending pending=0 running=0 succeeded=0 failed=0 (re-created, uid uid-1→uid-2, pending 3→0)\n`,
		]);
	});

	test('a retry says the attempt, the wait and the error; the next answer says it recovered, even unchanged', () => {
		const {lines, listener} = writer();
		listener(jobEvent(running));
		listener({type: 'retry', at, attempt: 1, delayMs: 2600, error: unavailable});
		listener({type: 'retry', at, attempt: 2, delayMs: 12_400, error: unavailable});
		listener(jobEvent(running, job(running), false));
		listener(jobEvent(running, job(running), false));
		expect(lines.slice(1)).toEqual([
			`${stamp} retry attempt=1 in=2.6s error: ${unavailable.summary}\n`,
			`${stamp} retry attempt=2 in=12s error: ${unavailable.summary}\n`,
			`${stamp} recovered after 2 failed attempts: rv=11 phase=Running pending=0 running=3 succeeded=0 failed=0\n`,
		]);
	});

	test('recovered with a change: one line that says both', () => {
		const {lines, listener} = writer();
		listener(jobEvent(pending));
		listener({type: 'retry', at, attempt: 1, delayMs: 1000, error: unavailable});
		listener(jobEvent(running, job(pending)));
		expect(lines.at(-1)).toBe(`${stamp} recovered after 1 failed attempt: rv=11 phase=Running pending=0 running=3 succeeded=0 failed=0 (phase Pending→Running, pending 3→0, running 0→3)\n`);
	});

	test('a refusal with its hint and the re-check, written once while it repeats, again when it changes', () => {
		const {lines, listener} = writer();
		listener({type: 'refused', at, error: forbidden, delayMs: 30_000});
		listener({type: 'refused', at, error: forbidden, delayMs: 30_000});
		const other = new ApiError({category: 'client', summary: '422 Invalid: bad', status: 422});
		listener({type: 'refused', at, error: other, delayMs: 30_000});
		expect(lines).toEqual([
			`${stamp} error: 403 Forbidden: jobs is forbidden (the credentials may not get Volcano jobs in namespace team-a); checking again in 30s\n`,
			`${stamp} error: 422 Invalid: bad; checking again in 30s\n`,
		]);
	});

	test('a refusal with no next look (--once) promises none', () => {
		const {lines, listener} = writer();
		listener({type: 'refused', at, error: forbidden});
		expect(lines).toEqual([`${stamp} error: 403 Forbidden: jobs is forbidden (the credentials may not get Volcano jobs in namespace team-a)\n`]);
	});

	test('a stream that opens after failures says recovered, with the job; a routine reopening says nothing', () => {
		const {lines, listener} = writer();
		listener(jobEvent(running));
		listener({type: 'watching', at, opened: true, job: job(running)});
		listener({type: 'watching', at, opened: false});
		expect(lines).toHaveLength(1);
		listener({type: 'retry', at, attempt: 1, delayMs: 1000, error: unavailable});
		listener({type: 'watching', at, opened: true, job: job(running)});
		listener({type: 'watching', at, opened: true, job: job(running)});
		expect(lines.slice(1)).toEqual([
			`${stamp} retry attempt=1 in=1.0s error: ${unavailable.summary}\n`,
			`${stamp} recovered after 1 failed attempt: watching rv=11 phase=Running pending=0 running=3 succeeded=0 failed=0\n`,
		]);
	});

	test('polling: the reason and the error', () => {
		const {lines, listener} = writer();
		const refused = new ApiError({category: 'client', summary: '405 MethodNotAllowed: not allowed', status: 405});
		listener({type: 'polling', at, reason: 'the server refused watch (405)', error: refused});
		expect(lines).toEqual([`${stamp} polling: the server refused watch (405); 405 MethodNotAllowed: not allowed\n`]);
	});

	test('pause, resume and a slow fetch write nothing', () => {
		const {lines, listener} = writer();
		listener({type: 'paused', at});
		listener({type: 'resumed', at});
		listener({type: 'fetch-slow', at});
		expect(lines).toEqual([]);
	});

	test('a hostile job: one line per record, no escape or control character, whatever the server sent', () => {
		const {lines, listener} = writer();
		const hostile = loadFixture('hostile');
		listener(jobEvent(hostile));
		listener(jobEvent(edited(hostile), job(hostile)));
		expect(lines).toHaveLength(2);
		for (const line of lines) {
			expect(line.endsWith('\n')).toBe(true);
			expect(line.slice(0, -1)).not.toMatch(unsafeCharacter);
		}
	});
});

function edited(raw: RawObject): RawObject {
	const copy = structuredClone(raw);
	copy['metadata'].resourceVersion = 'rv\u001B[2J2';
	copy['status'] = {...copy['status'], state: {phase: 'Run\u001B]0;title\u0007ning\u202E'}};
	return copy;
}

test('no escape code in any line, whatever the record: piped text carries no colour', () => {
	const lines: string[] = [];
	const listener = createTextWriter(line => lines.push(line), target);
	const detailsListener = createTextDetailsWriter(line => lines.push(line), target);
	listener({type: 'not-found', at, error: notFound, delayMs: 2000});
	listener(jobEvent(pending));
	listener({type: 'retry', at, attempt: 1, delayMs: 1000, error: unavailable});
	listener(jobEvent(rawJob('12', {state: {phase: 'Failed'}, failed: 3, terminating: 1, unknown: 1, retryCount: 3}), job(pending)));
	listener({type: 'refused', at, error: forbidden, delayMs: 30_000});
	listener({type: 'watching', at, opened: true, job: job(pending)});
	listener({type: 'polling', at, reason: 'the server refused watch (405)', error: forbidden});
	detailsListener({type: 'details', at, part: 'podGroup', result: {status: 'absent'}});
	detailsListener({type: 'details', at, part: 'pods', result: {status: 'refused', error: forbidden, retryAt: 0}});
	expect(lines).toHaveLength(9);
	for (const line of lines) expect(line).not.toContain('\u001B');
});

describe('the details in text', () => {
	const group: PodGroupInfo = {name: 'mpi-pg', phase: 'Inqueue', conditions: [], reason: 'NotEnoughResources', message: '3/3 tasks in gang unschedulable'};
	const event: EventInfo = {key: 'k', type: 'Warning', reason: 'FailedScheduling', message: '0/2 nodes are available', kind: 'Pod', name: 'mpi-worker-0', count: 1};

	function details() {
		const lines: string[] = [];
		return {lines, listener: createTextDetailsWriter(line => lines.push(line), target)};
	}

	test('the PodGroup with its phase and why, "none found" when there is none', () => {
		const {lines, listener} = details();
		listener({type: 'details', at, part: 'podGroup', result: {status: 'ok', value: group}});
		listener({type: 'details', at, part: 'podGroup', result: {status: 'ok', value: {name: 'mpi-pg', phase: '', conditions: []}}});
		listener({type: 'details', at, part: 'podGroup', result: {status: 'absent'}});
		expect(lines).toEqual([
			`${stamp} podgroup mpi-pg phase=Inqueue NotEnoughResources: 3/3 tasks in gang unschedulable\n`,
			`${stamp} podgroup mpi-pg phase=-\n`,
			`${stamp} podgroup none found\n`,
		]);
	});

	test('an event: type, reason, xN when repeated, kind/name in lower case, message', () => {
		const {lines, listener} = details();
		listener({type: 'details', at, part: 'events', result: {status: 'ok', value: [event]}});
		listener({type: 'details', at, part: 'events', result: {status: 'ok', value: [{...event, count: 3}]}});
		listener({type: 'details', at, part: 'events', result: {status: 'ok', value: [{...event, key: 'k2', kind: '', name: 'x', count: 1}]}});
		expect(lines).toEqual([
			`${stamp} event Warning FailedScheduling pod/mpi-worker-0: 0/2 nodes are available\n`,
			`${stamp} event Warning FailedScheduling x3 pod/mpi-worker-0: 0/2 nodes are available\n`,
			`${stamp} event Warning FailedScheduling ?/x: 0/2 nodes are available\n`,
		]);
	});

	test('a part that fails: which part, and the error', () => {
		const {lines, listener} = details();
		listener({type: 'details', at, part: 'pods', result: {status: 'refused', error: forbidden, retryAt: 0}});
		listener({type: 'details', at, part: 'events', result: {status: 'error', error: unavailable, retryAt: 0}});
		expect(lines).toEqual([`${stamp} pods error: ${forbidden.summary}\n`, `${stamp} events error: ${unavailable.summary}\n`]);
	});
});
