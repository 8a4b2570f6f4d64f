import {setImmediate as tick} from 'node:timers/promises';
import {describe, expect, test} from 'vitest';
import {ApiError} from '../../source/api/api-error.js';
import type {ApiClient} from '../../source/api/client.js';
import {normalizeJobSummary} from '../../source/model/normalize/normalize-job.js';
import {createNamespaceWatcher, type NamespaceEvent, type NamespaceWatcher} from '../../source/watch/namespace-watcher.js';
import type {WatchMode} from '../../source/watch/job-watcher.js';
import type {RawWatchEvent} from '../../source/api/watch-decoder.js';
import {namespace, rawJob, type RawSpec} from '../helpers/objects/namespace-jobs.js';
import {status} from '../helpers/objects/api-status.js';
import {instantSleep, until} from '../helpers/fakes/fake-time.js';

// One entry per list the watcher makes (one page each): the jobs, or an error. The script running out stops it.
type Answer = RawSpec[] | ApiError;

function harness(script: Answer[], normalize?: typeof normalizeJobSummary) {
	const events: NamespaceEvent[] = [];
	const waits: number[] = [];
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
	const sleep = instantSleep(ms => waits.push(ms));

	const watcher: NamespaceWatcher = createNamespaceWatcher({
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

// A stream, scripted: its events in order, then it ends ('end'), is cut ('cut'), or stays open until the
// watcher closes it ('hold'). An ApiError instead of a stream: the watch was refused when opened.
type StreamScript = {readonly events: RawWatchEvent[]; readonly then: 'end' | 'hold' | 'silent'} | ApiError;

function watchHarness(lists: Array<RawSpec[] | ApiError>, streams: StreamScript[], mode: WatchMode = 'auto') {
	const events: NamespaceEvent[] = [];
	const requests: string[] = [];
	let clock = 1_000_000;
	const stopWhenDone = (signal: AbortSignal | undefined) => {
		watcher!.stop();
		return signal!.reason as Error;
	};

	const api: Pick<ApiClient, 'get' | 'stream'> = {
		async get(_path, options) {
			requests.push('list');
			await tick();
			const answer = lists.shift();
			if (answer === undefined) throw stopWhenDone(options?.signal);
			if (answer instanceof ApiError) throw answer;
			return {raw: {items: answer.map(spec => rawJob(spec)), metadata: {continue: '', resourceVersion: String(100 + requests.length)}}, bytes: 0};
		},
		async stream(_path, options) {
			requests.push(`watch rv=${options.query?.['resourceVersion'] ?? '-'}`);
			await tick();
			const script = streams.shift();
			if (script === undefined) throw stopWhenDone(options.signal);
			if (script instanceof ApiError) throw script;
			const played = script;
			const {signal} = options;
			async function* events(): AsyncGenerator<RawWatchEvent> {
				for (const event of played.events) {
					clock += 10;
					yield event;
				}

				if (played.then === 'silent') {
					throw new ApiError({category: 'timeout', summary: 'the watch stream from api went silent (nothing for 120s, not even a bookmark)'});
				}

				if (played.then === 'hold') {
					await new Promise((_, reject) => {
						signal!.addEventListener('abort', () => reject(signal!.reason as Error), {once: true});
					});
				}
			}

			return {events: events()};
		},
	};
	const sleep = instantSleep(ms => (clock += ms));

	const watcher: NamespaceWatcher = createNamespaceWatcher({
		api,
		namespace,
		mode,
		intervalMs: 2000,
		maxWaitMs: 30_000,
		refusedWaitMs: 30_000,
		sleep,
		now: () => clock,
		random: () => 0.5,
		batchMs: 0,
	});
	watcher.subscribe(event => events.push(event));
	return {watcher, events, requests};
}

const event = (type: string, spec: RawSpec): RawWatchEvent => ({type, object: rawJob(spec)});
const bookmark = (rv: string): RawWatchEvent => ({type: 'BOOKMARK', object: {kind: 'Job', metadata: {resourceVersion: rv}}});
const describeAll = (events: NamespaceEvent[]) =>
	events.filter(item => item.type !== 'fetch-slow').map(item => (item.type === 'watching' ? `watching ${item.opened ? 'opened' : 'starting'}` : describeEvent(item)));

describe('list, then watch', () => {
	test('a list, then a watch from its resourceVersion; events change only their job; a stream that ends is reopened from the last resourceVersion', async () => {
		const {watcher, events, requests} = watchHarness(
			[[{name: 'a'}, {name: 'b'}]],
			[
				{events: [event('MODIFIED', {name: 'a', rv: '200', phase: 'Failed', running: 0, failed: 1}), event('ADDED', {name: 'c', rv: '201'}), bookmark('250')], then: 'end'},
				{events: [event('DELETED', {name: 'b', rv: '260'}), event('MODIFIED', {name: 'c', rv: '261'})], then: 'end'},
			],
		);
		await watcher.run();
		expect(requests).toEqual(['list', 'watch rv=101', 'watch rv=250', 'watch rv=261']);
		expect(describeAll(events)).toEqual([
			'watching starting',
			'jobs first added:a added:b',
			'watching opened',
			'jobs modified:a',
			'jobs added:c',
			'watching opened',
			'jobs deleted:b',
		]);
		const deleted = events.find(item => item.type === 'jobs' && item.deltas[0]?.kind === 'deleted');
		// The watch sends the last object of a deleted job.
		expect(deleted?.type === 'jobs' && deleted.deltas[0]).toMatchObject({raw: {metadata: {name: 'b'}}});
	});

	test('410 (the history moved past the watch): listed again, and only what changed is reported', async () => {
		const {watcher, events, requests} = watchHarness(
			[[{name: 'a'}, {name: 'b'}], [{name: 'a', rv: '300', pending: 1, running: 1}, {name: 'b'}]],
			[{events: [{type: 'ERROR', object: {kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version'}}], then: 'end'}],
		);
		await watcher.run();
		expect(requests).toEqual(['list', 'watch rv=101', 'list', 'watch rv=103']);
		expect(describeAll(events)).toEqual(['watching starting', 'jobs first added:a added:b', 'watching opened', 'jobs modified:a']);
	});

	test('410 on opening, then again from the fresh list\'s version: the first relist at once, the second after a backoff; no version watched twice', async () => {
		const {watcher, events, requests} = watchHarness([[{name: 'a'}], [{name: 'a'}], [{name: 'a'}]], [status(410), status(410), {events: [], then: 'end'}]);
		await watcher.run();
		expect(requests.slice(0, 6)).toEqual(['list', 'watch rv=101', 'list', 'watch rv=103', 'list', 'watch rv=105']);
		expect(events.filter(item => item.type === 'retry')).toHaveLength(1);
		expect(events.findIndex(item => item.type === 'retry')).toBeGreaterThan(events.findIndex(item => item.type === 'jobs' && !item.first));
	});

	test('a quiet stream (nothing for --watch-idle) is reopened from its version at once: no list, no retry, no wait', async () => {
		const {watcher, events, requests} = watchHarness([[{name: 'a'}]], [{events: [bookmark('150')], then: 'silent'}, {events: [], then: 'silent'}, {events: [], then: 'end'}]);
		await watcher.run();
		expect(requests).toEqual(['list', 'watch rv=101', 'watch rv=150', 'watch rv=150', 'watch rv=150']);
		expect(events.filter(item => item.type === 'retry' || item.type === 'refused')).toEqual([]);
	});

	test('auto: a server that refuses the watch (405) is listed every interval instead, and says why', async () => {
		const {watcher, events, requests} = watchHarness([[{name: 'a'}], [{name: 'a', rv: '2', running: 1}]], [status(405)]);
		await watcher.run();
		expect(requests).toEqual(['list', 'watch rv=101', 'list', 'list']);
		const polling = events.find(item => item.type === 'polling');
		expect(polling?.type === 'polling' && polling.reason).toBe('the server refused watch (405)');
		expect(describeAll(events).at(-1)).toBe('jobs modified:a');
	});

	test('--watch: a refused watch is an error, checked again later, never polled', async () => {
		const {watcher, events, requests} = watchHarness([[{name: 'a'}]], [status(405)], 'watch');
		await watcher.run();
		expect(requests).toEqual(['list', 'watch rv=101', 'watch rv=101']);
		expect(events.some(item => item.type === 'polling')).toBe(false);
		expect(events.find(item => item.type === 'refused')).toMatchObject({error: {summary: expect.stringMatching(/^the server refused watch \(405\)/)}});
	});

	test('streams that close at once, twice, with nothing in them: a hop that does not pass watches; polling', async () => {
		const {watcher, events, requests} = watchHarness([[{name: 'a'}]], [
			{events: [], then: 'end'},
			{events: [], then: 'end'},
		]);
		await watcher.run();
		expect(requests.slice(0, 4)).toEqual(['list', 'watch rv=101', 'watch rv=101', 'list']);
		expect(events.find(item => item.type === 'polling')).toMatchObject({reason: 'the server refused watch (streams closed at once)'});
	});

	test('r while watching: the stream is closed and the namespace listed again', async () => {
		const harness = watchHarness([[{name: 'a'}], [{name: 'a', rv: '5', running: 1}]], [{events: [], then: 'hold'}]);
		const running = harness.watcher.run();
		await until(() => harness.events.some(item => item.type === 'watching' && item.opened), 'the stream to open');
		harness.watcher.pollNow();
		await running;
		expect(harness.requests).toEqual(['list', 'watch rv=101', 'list', 'watch rv=103']);
		expect(describeAll(harness.events)).toEqual(['watching starting', 'jobs first added:a', 'watching opened', 'jobs modified:a']);
	});
});

test('stream events: the first after a quiet spell is reported at once, those right after it together', async () => {
	const api: Pick<ApiClient, 'get' | 'stream'> = {
		async get() {
			return {raw: {items: ['a', 'b', 'c'].map(name => rawJob({name})), metadata: {continue: '', resourceVersion: '1'}}, bytes: 0};
		},
		async stream(_path, options) {
			const {signal} = options;
			async function* events(): AsyncGenerator<RawWatchEvent> {
				yield event('MODIFIED', {name: 'a', rv: '2', running: 1});
				yield event('MODIFIED', {name: 'b', rv: '3', running: 1});
				yield event('MODIFIED', {name: 'c', rv: '4', running: 1});
				await new Promise((_, reject) => {
					if (signal!.aborted) reject(signal!.reason as Error);
					signal!.addEventListener('abort', () => reject(signal!.reason as Error), {once: true});
				});
			}

			return {events: events()};
		},
	};
	const watcher = createNamespaceWatcher({api, namespace, mode: 'watch', intervalMs: 2000, maxWaitMs: 30_000, refusedWaitMs: 30_000, batchMs: 40});
	const reports: Array<{what: string; at: number}> = [];
	watcher.subscribe(item => {
		if (item.type !== 'jobs' || item.first) return;
		reports.push({what: describeEvent(item), at: performance.now()});
		if (reports.length === 2) watcher.stop();
	});
	await watcher.run();
	expect(reports.map(report => report.what)).toEqual(['jobs modified:a', 'jobs modified:b modified:c']);
	expect(reports[1]!.at - reports[0]!.at).toBeGreaterThanOrEqual(30);
});
