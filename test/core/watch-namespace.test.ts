import {setImmediate as tick} from 'node:timers/promises';
import {describe, expect, test} from 'vitest';
import {ApiError, errorFromResponse} from '../../source/core/api-error.js';
import type {ApiClient} from '../../source/core/job-client.js';
import type {Sleep} from '../../source/core/sleep.js';
import {normalizeJobSummary} from '../../source/core/normalize-job.js';
import {createNamespaceWatcher, type NamespaceEvent, type NamespaceWatcher} from '../../source/core/watch-namespace.js';
import {statusBody} from '../../source/simulator/faults.js';
import {namespace, rawJob, type RawSpec} from './namespace-helpers.js';

// One entry per list the watcher makes (one page each): the jobs, or an error. The script running out stops it.
type Answer = RawSpec[] | ApiError;

function status(code: number): ApiError {
	return errorFromResponse({status: code, body: JSON.stringify(statusBody(code))});
}

function harness(script: Answer[], normalize?: typeof normalizeJobSummary) {
	const events: NamespaceEvent[] = [];
	const waits: number[] = [];
	let watcher: NamespaceWatcher | undefined;
	const api: Pick<ApiClient, 'get'> = {
		async get(_path, options) {
			await tick();
			const answer = script.shift();
			if (answer === undefined) {
				watcher!.stop();
				throw options!.signal!.reason;
			}

			if (answer instanceof ApiError) throw answer;
			return {raw: {items: answer.map(spec => rawJob(spec)), metadata: {continue: '', resourceVersion: '1'}}, bytes: 0};
		},
	};
	const sleep: Sleep = async (ms, stop) => {
		waits.push(ms);
		if (stop.aborted) throw stop.reason;
	};

	watcher = createNamespaceWatcher({
		api,
		namespace,
		intervalMs: 2000,
		maxWaitMs: 30_000,
		refusedWaitMs: 30_000,
		sleep,
		random: () => 0.5,
		...(normalize ? {normalize} : {}),
	});
	watcher.subscribe(event => events.push(event));
	return {watcher, events, waits};
}

const describeEvent = (event: NamespaceEvent) =>
	event.type === 'jobs'
		? `jobs${event.first ? ' first' : ''} ${event.deltas.map(delta => `${delta.kind}:${delta.job.name}`).join(' ') || '-'}`
		: event.type === 'retry' || event.type === 'refused'
			? `${event.type} ${event.error.status}`
			: event.type;

describe('createNamespaceWatcher', () => {
	test('lists every interval; the first listing adds every job, the next ones report only what changed', async () => {
		const {watcher, events, waits} = harness([
			[{name: 'a'}, {name: 'b'}],
			[{name: 'a'}, {name: 'b'}],
			[{name: 'a', rv: '2', phase: 'Completed', running: 0, succeeded: 2}, {name: 'b'}, {name: 'c'}],
			[{name: 'c'}],
		]);
		await watcher.run();
		expect(events.map(event => describeEvent(event))).toEqual([
			'jobs first added:a added:b',
			'jobs -',
			'jobs modified:a added:c',
			'jobs deleted:a deleted:b',
		]);
		expect(waits).toEqual([2000, 2000, 2000, 2000]);
	});

	test('1,000 jobs listed again with one changed: one job is read, one is reported', async () => {
		const fleet = Array.from({length: 1000}, (_, index): RawSpec => ({name: `train-${index}`, rv: String(index)}));
		const changed = fleet.map(spec => (spec.name === 'train-512' ? {...spec, rv: '9999', pending: 2, running: 0} : spec));
		let read = 0;
		const {watcher, events} = harness([fleet, changed], (raw, fallback) => {
			read++;
			return normalizeJobSummary(raw, fallback);
		});
		const reads: number[] = [];
		watcher.subscribe(() => reads.push(read));
		await watcher.run();
		expect(reads).toEqual([1000, 1001]);
		expect(events.map(event => describeEvent(event))[1]).toBe('jobs modified:train-512');
	});

	test('a 503 is retried with backoff and the listing goes on; a 403 waits for the re-check', async () => {
		const {watcher, events, waits} = harness([status(503), [{name: 'a'}], status(403), [{name: 'a'}]]);
		await watcher.run();
		expect(events.map(event => describeEvent(event))).toEqual(['retry 503', 'jobs first added:a', 'refused 403', 'jobs -']);
		expect(waits).toEqual([2000, 2000, 30_000, 2000]);
	});

	test('a 404 on the collection says the jobs API is not there, not that a job is missing', async () => {
		const {watcher, events} = harness([status(404)]);
		await watcher.run();
		const refusal = events.find(event => event.type === 'refused');
		expect(refusal).toMatchObject({error: {category: 'bad-endpoint'}});
		expect(refusal?.type === 'refused' && refusal.error.summary).toMatch(/no Volcano jobs API at this server/);
	});

	test('pollOnce: the outcome for --once, with the listing reported to listeners', async () => {
		const listed = harness([[{name: 'a'}]]);
		expect(await listed.watcher.pollOnce(5)).toMatchObject({kind: 'listed'});
		expect(listed.events.map(event => describeEvent(event))).toEqual(['jobs first added:a']);
		expect(await harness([status(403)]).watcher.pollOnce(5)).toMatchObject({kind: 'refused'});
		expect(await harness([status(503), status(503)]).watcher.pollOnce(1)).toMatchObject({kind: 'gave-up'});
	});

	test('paused: no list is made until resumed', async () => {
		const {watcher, events} = harness([[{name: 'a'}]]);
		watcher.setPaused(true);
		const running = watcher.run();
		await tick();
		await tick();
		expect(events.map(event => event.type)).toEqual(['paused']);
		watcher.setPaused(false);
		await running;
		expect(events.map(event => event.type)).toEqual(['paused', 'resumed', 'jobs']);
	});
});
