import {describe, expect, test} from 'vitest';
import type {FailureRecord} from '../../source/model/failures.js';
import {
	createJsonFailureWriter,
	createTextFailureWriter,
	failureFields,
	failureObject,
	failureSummaryJson,
	failureSummaryText,
} from '../../source/output/failure-writers.js';
import type {FailureEvent, FailureEvidence, FailureLog} from '../../source/watch/failure-watcher.js';
import {at, target} from './writer-events.js';

const stamp = '2026-11-27T05:08:44Z team-a/mpi';
const time = '2026-11-27T05:08:44Z';
const seenAt = Date.parse('2026-11-27T05:08:43.500Z');

// A worker's run killed for memory and restarted in place; the master's run that raised, with its last words.
const oomKilled: FailureRecord = {
	key: '["uid-w0","mpiworker",2]',
	pod: 'mpi-mpiworker-0',
	podUid: 'uid-w0',
	container: 'mpiworker',
	task: 'mpiworker',
	exitCode: 137,
	meaning: 'out of memory (OOMKilled)',
	reason: 'OOMKilled',
	node: '192.168.0.12',
	startedAt: '2026-11-27T05:08:10Z',
	finishedAt: '2026-11-27T05:08:40Z',
	run: 2,
	restartedInPlace: true,
	version: 0,
	retryCount: 0,
	seenAt,
};

const raised: FailureRecord = {
	key: '["uid-m0","mpimaster",0]',
	pod: 'mpi-mpimaster-0',
	podUid: 'uid-m0',
	container: 'mpimaster',
	task: 'mpimaster',
	exitCode: 1,
	meaning: 'error',
	reason: 'Error',
	message: ['ValueError: loss is nan; lower the learning rate'],
	node: '192.168.0.11',
	startedAt: '2026-11-27T05:08:20Z',
	finishedAt: '2026-11-27T05:08:42Z',
	run: 0,
	restartedInPlace: false,
	version: 2,
	retryCount: 1,
	seenAt,
};

// A pod evicted before its containers ran: the pod's own reason and message, no container, no log.
const evicted: FailureRecord = {
	key: '["uid-w1"]',
	pod: 'mpi-mpiworker-1',
	podUid: 'uid-w1',
	task: 'mpiworker',
	podReason: 'Evicted',
	podMessage: 'The node was low on resource: memory.',
	version: 2,
	retryCount: 1,
	seenAt,
};

const traceback = [
	'Traceback (most recent call last):',
	'  File "/workspace/train.py", line 121, in train_step',
	'    raise ValueError(f"loss is {loss}; lower the learning rate")',
	'ValueError: loss is nan; lower the learning rate',
];

const read = (lines: readonly string[], more: {cut?: boolean; previous?: boolean} = {}): FailureLog => ({
	status: 'lines',
	lines,
	cut: more.cut ?? false,
	previous: more.previous ?? false,
});

const event = (record: FailureRecord, log: FailureLog): FailureEvent => ({type: 'failure', at, evidence: {record, log}});

function textWriter() {
	const lines: string[] = [];
	return {lines, listener: createTextFailureWriter(line => lines.push(line), target)};
}

function jsonWriter() {
	const lines: string[] = [];
	const objects = () =>
		lines.map(line => {
			expect(line.endsWith('\n')).toBe(true);
			expect(line.slice(0, -1)).not.toContain('\n');
			return JSON.parse(line) as Record<string, unknown>;
		});
	return {lines, objects, listener: createJsonFailureWriter(line => lines.push(line), target)};
}

describe('failureFields', () => {
	test('every field a script greps for, in order; values with spaces quoted', () => {
		expect(failureFields(oomKilled)).toBe(
			'pod=mpi-mpiworker-0 container=mpiworker task=mpiworker exit=137 meaning="out of memory (OOMKilled)" reason=OOMKilled node=192.168.0.12 run=2 restarted=true finished=2026-11-27T05:08:40Z version=0 retries=0',
		);
		expect(failureFields(raised)).toBe(
			'pod=mpi-mpimaster-0 container=mpimaster task=mpimaster exit=1 meaning=error reason=Error node=192.168.0.11 run=0 finished=2026-11-27T05:08:42Z version=2 retries=1',
		);
	});

	test('a pod\'s own failure: its reason, no container; an init container and a signal said so', () => {
		expect(failureFields(evicted)).toBe('pod=mpi-mpiworker-1 task=mpiworker pod-reason=Evicted version=2 retries=1');
		const init: FailureRecord = {key: 'k', pod: 'p', container: 'fetch-data', initContainer: true, exitCode: 2, signal: 15, meaning: 'a=b "c"', version: 1, retryCount: 0, seenAt};
		expect(failureFields(init)).toBe('pod=p container=fetch-data init=true exit=2 signal=15 meaning="a=b \\"c\\"" version=1 retries=0');
	});
});

describe('failures in text', () => {
	test('nothing while the log is being read; then the failure line and its log tail indented under it', () => {
		const {lines, listener} = textWriter();
		listener(event(oomKilled, {status: 'pending'}));
		expect(lines).toEqual([]);
		listener(event(oomKilled, read(['Server listening on 0.0.0.0 port 22.', 'orted[104]: rank heartbeat 4, rss 310 MiB'], {previous: true})));
		expect(lines).toEqual([
			`${stamp} failure ${failureFields(oomKilled)}\n` +
				'    log: last 2 lines of the run that failed (previous=true)\n' +
				'    | Server listening on 0.0.0.0 port 22.\n' +
				'    | orted[104]: rank heartbeat 4, rss 310 MiB\n',
		]);
	});

	test('the termination message first, a line each, then the log, indentation kept; a cut log says so', () => {
		const {lines, listener} = textWriter();
		listener(event({...raised, message: ['ValueError: loss is nan', '  raised at step 40']}, read(traceback, {cut: true})));
		expect(lines[0]!.split('\n')).toEqual([
			`${stamp} failure ${failureFields(raised)}`,
			'    message: ValueError: loss is nan',
			'    message:   raised at step 40',
			'    log: last 4 lines of the container, cut at the byte limit',
			'    | Traceback (most recent call last):',
			'    |   File "/workspace/train.py", line 121, in train_step',
			'    |     raise ValueError(f"loss is {loss}; lower the learning rate")',
			'    | ValueError: loss is nan; lower the learning rate',
			'',
		]);
	});

	test('a log that could not be read: the note in place of the lines', () => {
		const {lines, listener} = textWriter();
		listener(event(raised, {status: 'unavailable', note: 'no permission to read logs in team-a'}));
		listener(event(oomKilled, {status: 'unavailable', note: 'the pod is gone'}));
		expect(lines).toEqual([
			`${stamp} failure ${failureFields(raised)}\n    message: ValueError: loss is nan; lower the learning rate\n    log: no permission to read logs in team-a\n`,
			`${stamp} failure ${failureFields(oomKilled)}\n    log: the pod is gone\n`,
		]);
	});

	test('no log to read (--log-lines 0, or no container): the line and the pod\'s message, no log note', () => {
		const {lines, listener} = textWriter();
		listener(event(evicted, {status: 'none'}));
		listener(event(oomKilled, {status: 'none'}));
		expect(lines).toEqual([
			`${stamp} failure ${failureFields(evicted)}\n    pod message: The node was low on resource: memory.\n`,
			`${stamp} failure ${failureFields(oomKilled)}\n`,
		]);
	});

	test('an empty log says so', () => {
		const {lines, listener} = textWriter();
		listener(event(oomKilled, read([], {previous: true})));
		expect(lines).toEqual([`${stamp} failure ${failureFields(oomKilled)}\n    log: empty (previous=true)\n`]);
	});
});

describe('failures in NDJSON', () => {
	test('nothing while pending; then a pod-failure object with every field, the log as an array', () => {
		const {listener, objects} = jsonWriter();
		listener(event(raised, {status: 'pending'}));
		expect(objects()).toEqual([]);
		listener(event(raised, read(traceback)));
		expect(objects()).toEqual([
			{
				time,
				event: 'pod-failure',
				namespace: 'team-a',
				name: 'mpi',
				pod: 'mpi-mpimaster-0',
				podUid: 'uid-m0',
				container: 'mpimaster',
				task: 'mpimaster',
				exitCode: 1,
				meaning: 'error',
				reason: 'Error',
				message: ['ValueError: loss is nan; lower the learning rate'],
				node: '192.168.0.11',
				startedAt: '2026-11-27T05:08:20Z',
				finishedAt: '2026-11-27T05:08:42Z',
				run: 0,
				restartedInPlace: false,
				version: 2,
				retryCount: 1,
				seenAt: '2026-11-27T05:08:43.500Z',
				log: traceback,
				logStatus: 'read',
			},
		]);
	});

	test('logPrevious and logCut when so; logNote for a log not read; an empty array when there is no log', () => {
		const {listener, objects} = jsonWriter();
		listener(event(oomKilled, read(['a', 'b'], {previous: true, cut: true})));
		listener(event(raised, {status: 'unavailable', note: 'no permission to read logs in team-a'}));
		listener(event(evicted, {status: 'none'}));
		const [first, second, third] = objects();
		expect(first).toMatchObject({pod: 'mpi-mpiworker-0', restartedInPlace: true, log: ['a', 'b'], logStatus: 'read', logPrevious: true, logCut: true});
		expect(second).toMatchObject({pod: 'mpi-mpimaster-0', log: [], logStatus: 'unavailable', logNote: 'no permission to read logs in team-a'});
		expect(second).not.toHaveProperty('logPrevious');
		expect(second).not.toHaveProperty('logCut');
		expect(third).toEqual({
			time,
			event: 'pod-failure',
			namespace: 'team-a',
			name: 'mpi',
			pod: 'mpi-mpiworker-1',
			podUid: 'uid-w1',
			task: 'mpiworker',
			podReason: 'Evicted',
			podMessage: 'The node was low on resource: memory.',
			version: 2,
			retryCount: 1,
			seenAt: '2026-11-27T05:08:43.500Z',
			log: [],
			logStatus: 'none',
		});
	});

	test('the record\'s key is not written; a line separator in a log line stays escaped on its line', () => {
		const {lines, listener, objects} = jsonWriter();
		listener(event(raised, read(['one\u2028two'])));
		expect(lines[0]).not.toContain('\u2028');
		expect(objects()[0]).not.toHaveProperty('key');
		expect(objects()[0]!['log']).toEqual(['one\u2028two']);
	});

	test('failureObject of a record read in full', () => {
		expect(failureObject({record: oomKilled, log: read(['x'])})).toMatchObject({log: ['x'], logStatus: 'read'});
		expect(failureObject({record: oomKilled, log: read(['x'])})).not.toHaveProperty('logPrevious');
	});
});

describe('the summary --exit-on-finish ends a failed job with', () => {
	const oomEvidence: FailureEvidence = {record: oomKilled, log: read(['oom'], {previous: true})};
	const longLog = Array.from({length: 14}, (_, index) => `line ${index + 1}`);
	const raisedEvidence: FailureEvidence = {record: raised, log: read(longLog)};

	test('text: how many, then the latest with its message and the last 10 lines of its log', () => {
		const text = failureSummaryText({at, phase: 'Failed', evidence: [oomEvidence, raisedEvidence], details: true}, target);
		expect(text.split('\n')).toEqual([
			`${stamp} summary: phase=Failed failures=2 latest: ${failureFields(raised)}`,
			'    message: ValueError: loss is nan; lower the learning rate',
			'    log: last 10 of 14 lines of the container',
			...longLog.slice(-10).map(line => `    | ${line}`),
			'',
		]);
	});

	test('text: the latest\'s note when its log was not read', () => {
		const text = failureSummaryText({at, phase: 'Failed', evidence: [{record: raised, log: {status: 'unavailable', note: 'the pod is gone'}}], details: true}, target);
		expect(text).toBe(`${stamp} summary: phase=Failed failures=1 latest: ${failureFields(raised)}\n    message: ValueError: loss is nan; lower the learning rate\n    log: the pod is gone\n`);
	});

	test('text: none seen, and why there may be none with --no-details', () => {
		expect(failureSummaryText({at, phase: 'Failed', evidence: [], details: true}, target)).toBe(
			`${stamp} summary: phase=Failed failures=0 (no failed pod was seen while watched)\n`,
		);
		expect(failureSummaryText({at, phase: 'Aborted', evidence: [], details: false}, target)).toBe(
			`${stamp} summary: phase=Aborted failures=0 (no failed pod known: pods are not read with --no-details)\n`,
		);
		expect(failureSummaryText({at, phase: '', evidence: [], details: true}, target)).toMatch(/ summary: phase=- failures=0 /);
	});

	test('json: a failure-summary object with the count and the latest in full', () => {
		const line = failureSummaryJson({at, phase: 'Failed', evidence: [oomEvidence, raisedEvidence], details: true}, target);
		expect(line.endsWith('\n')).toBe(true);
		expect(JSON.parse(line)).toEqual({
			time,
			event: 'failure-summary',
			namespace: 'team-a',
			name: 'mpi',
			phase: 'Failed',
			failures: 2,
			latest: failureObject(raisedEvidence),
		});
		// The whole log of the latest, not the text summary's last 10 lines.
		expect((JSON.parse(line) as {latest: {log: string[]}}).latest.log).toEqual(longLog);
	});

	test('json: none seen; podsRead false with --no-details', () => {
		expect(JSON.parse(failureSummaryJson({at, phase: 'Failed', evidence: [], details: true}, target))).toEqual({
			time,
			event: 'failure-summary',
			namespace: 'team-a',
			name: 'mpi',
			phase: 'Failed',
			failures: 0,
		});
		expect(JSON.parse(failureSummaryJson({at, phase: 'Failed', evidence: [], details: false}, target))).toMatchObject({failures: 0, podsRead: false});
	});
});
