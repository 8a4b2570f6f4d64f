import {setImmediate as tick} from 'node:timers/promises';
import {describe, expect, test} from 'vitest';
import {ApiError, errorFromResponse} from '../../source/core/api-error.js';
import type {EventStream, GetJobOptions, JobResponse, WatchJobOptions} from '../../source/core/job-client.js';
import type {Sleep} from '../../source/core/sleep.js';
import {createJobWatcher, type JobWatcher, type WatcherOptions, type WatchEvent} from '../../source/core/watch-job.js';
import {initialWatchState, reduceWatch, type WatchState} from '../../source/core/watch-state.js';
import type {RawWatchEvent} from '../../source/core/watch-stream.js';
import {statusBody, type StatusFaultOptions} from '../../source/simulator/faults.js';
import {edited, loadFixture, type RawObject} from './helpers.js';

// The watcher's watch mode as a state machine: a scripted client (GET answers, streams of events), an
// instant sleep that records each wait, a clock that moves 100 ms a call. What is checked is the order of
// requests and waits, and the events the screen and the writers are given.

const running = loadFixture('running-mpi');
const newUid = '0b7a9f54-3c9e-4d1f-8a2b-6e5d4c3b2a19';

function written(rv: number, edit: (job: RawObject) => void = () => {}): RawObject {
	return edited(running, job => {
		job['metadata'].resourceVersion = String(rv);
		edit(job);
	});
}

function status(code: number, options?: StatusFaultOptions): ApiError {
	return errorFromResponse({status: code, body: JSON.stringify(statusBody(code, options))});
}

const added = (rv: number, edit?: (job: RawObject) => void): RawWatchEvent => ({type: 'ADDED', object: written(rv, edit)});
const modified = (rv: number, edit?: (job: RawObject) => void): RawWatchEvent => ({type: 'MODIFIED', object: written(rv, edit)});
const deleted = (rv: number): RawWatchEvent => ({type: 'DELETED', object: written(rv)});
const bookmark = (rv: number): RawWatchEvent => ({type: 'BOOKMARK', object: {kind: 'Job', apiVersion: 'batch.volcano.sh/v1alpha1', metadata: {resourceVersion: String(rv)}}});
const expired: RawWatchEvent = {type: 'ERROR', object: statusBody(410, {reason: 'Expired', message: 'too old resource version: 1 (9)'})};
const silent = new ApiError({category: 'timeout', summary: 'the watch stream from api went silent (nothing for 120s, not even a bookmark)'});
const cut = new ApiError({category: 'network', summary: 'connection reset by the server (api)'});
const garbled = new ApiError({category: 'malformed', summary: 'watch stream: a line that is not JSON ("<html>") instead of an event'});

/**
 * One stream: refused on opening (an ApiError), or events (an ApiError among them is thrown there, a number
 * moves the clock on by that many ms), open for lastsMs in all.
 */
type StreamScript = ApiError | {readonly events: ReadonlyArray<RawWatchEvent | ApiError | number>; readonly lastsMs?: number};
type GetAnswer = RawObject | ApiError;

type Harness = {
	readonly watcher: JobWatcher;
	readonly events: WatchEvent[];
	/** "get", "get rv=5", "watch rv=5", "watching", "job 5", "not-found", "retry 2000", "wait 2000", "polling …" */
	readonly log: string[];
	readonly watches: WatchJobOptions[];
};

function harness(gets: GetAnswer[], streams: StreamScript[], options: Partial<Omit<WatcherOptions, 'client'>> = {}): Harness {
	const events: WatchEvent[] = [];
	const log: string[] = [];
	const watches: WatchJobOptions[] = [];
	let clock = Date.parse('2024-03-11T08:20:00Z');
	let watcher: JobWatcher | undefined;
	const done = () => {
		if (gets.length === 0 && streams.length === 0) watcher!.stop();
	};

	const client = {
		async getJob(signal?: AbortSignal, get?: GetJobOptions): Promise<JobResponse> {
			log.push(get?.resourceVersion ? `get rv=${get.resourceVersion}` : 'get');
			await tick();
			const answer = gets.shift();
			if (answer === undefined) {
				watcher!.stop();
				throw signal!.reason;
			}

			if (answer instanceof ApiError) throw answer;
			return {raw: answer, bytes: 1};
		},
		async watchJob(watch: WatchJobOptions): Promise<EventStream> {
			watches.push(watch);
			log.push(`watch rv=${watch.resourceVersion ?? '-'}`);
			await tick();
			const script = streams.shift();
			if (script === undefined) {
				watcher!.stop();
				throw watch.signal!.reason;
			}

			if (script instanceof ApiError) throw script;
			async function* play(): AsyncGenerator<RawWatchEvent> {
				for (const item of script!.events) {
					// eslint-disable-next-line no-await-in-loop
					await tick();
					if (watch.signal?.aborted) throw watch.signal.reason;
					if (item instanceof ApiError) throw item;
					if (typeof item === 'number') clock += item;
					else yield item;
				}

				clock += script!.lastsMs ?? 300_000;
				done();
			}

			return {events: play()};
		},
	};

	const sleep: Sleep = async (ms, stop) => {
		log.push(`wait ${ms}`);
		if (stop.aborted) throw stop.reason;
	};

	watcher = createJobWatcher({
		client,
		namespace: 'cci-namespace-42263891',
		name: 'mpi-allreduce',
		mode: 'auto',
		intervalMs: 2000,
		maxWaitMs: 30_000,
		refusedWaitMs: 30_000,
		sleep,
		now: () => (clock += 100),
		random: () => 1,
		...options,
	});
	watcher.subscribe(event => {
		events.push(event);
		switch (event.type) {
			case 'job': {
				log.push(event.rvChanged ? `job ${event.job.resourceVersion}` : `same ${event.job.resourceVersion}`);
				break;
			}

			case 'retry': {
				log.push(`retry ${event.delayMs}`);
				break;
			}

			case 'polling': {
				log.push(`polling: ${event.reason}`);
				break;
			}

			case 'watching': {
				if (event.opened) log.push('watching');
				break;
			}

			default: {
				log.push(event.type);
			}
		}
	});
	return {watcher, events, log, watches};
}

function ofType<T extends WatchEvent['type']>(events: WatchEvent[], type: T): Array<Extract<WatchEvent, {type: T}>> {
	return events.filter((event): event is Extract<WatchEvent, {type: T}> => event.type === type);
}

function screen(events: WatchEvent[]): WatchState {
	return events.reduce(
		(state, event) => reduceWatch(state, event, {highlightMs: 4000}),
		initialWatchState('cci-namespace-42263891', 'mpi-allreduce', Date.parse('2024-03-11T08:20:00Z')),
	);
}

describe('watching', () => {
	test('one GET, then a stream from its resourceVersion; each change goes through the same diff as a poll', async () => {
		const completing = (job: RawObject) => {
			job['status'].running = 2;
			job['status'].state.phase = 'Completing';
		};

		const {watcher, events, log, watches} = harness([written(1)], [{events: [modified(2, job => (job['status'].running = 2)), modified(3, completing)]}]);
		await watcher.run();
		expect(log.slice(0, 6)).toEqual(['get', 'job 1', 'watch rv=1', 'watching', 'job 2', 'job 3']);
		expect(watches[0]).toMatchObject({resourceVersion: '1', idleTimeoutMs: 120_000});
		// timeoutSeconds: 300 with jitter (client-go's: up to twice that).
		expect(watches[0]!.timeoutSeconds).toBe(600);
		const [, second, third] = ofType(events, 'job');
		expect(second!.changes).toEqual([{path: 'status.running', label: 'running', old: 3, new: 2, direction: 'down'}]);
		expect(second!.previous?.resourceVersion).toBe('1');
		expect(third!.changes.map(change => [change.path, change.old, change.new])).toEqual([['status.state.phase', 'Running', 'Completing']]);
		expect(third!.raw).toEqual(written(3, completing));
	});

	test('a stream that ends (the server\'s timeoutSeconds, a proxy) is reopened at once from the last resourceVersion, no GET', async () => {
		const {watcher, log} = harness([written(1)], [{events: [modified(2)]}, {events: [modified(3)]}, {events: [bookmark(7)]}, {events: []}]);
		await watcher.run();
		expect(log).toEqual(['get', 'job 1', 'watch rv=1', 'watching', 'job 2', 'watch rv=2', 'watching', 'job 3', 'watch rv=3', 'watching', 'watch rv=7', 'watching', 'watch rv=-'].slice(0, log.length));
		expect(log.filter(line => line.startsWith('get'))).toHaveLength(1);
		expect(log.filter(line => line.startsWith('wait'))).toEqual([]);
	});

	test('a bookmark moves only the resourceVersion: no job event, nothing for the screen', async () => {
		const {watcher, events, log} = harness([written(1)], [{events: [bookmark(4), bookmark(5)]}, {events: []}]);
		await watcher.run();
		expect(ofType(events, 'job')).toHaveLength(1);
		expect(log).toContain('watch rv=5');
	});

	test('a connection cut mid-stream is a stream that ended: reopened at once, no retry shown', async () => {
		const {watcher, events, log} = harness([written(1)], [{events: [modified(2), cut]}, {events: [modified(3)]}]);
		await watcher.run();
		expect(log).toEqual(['get', 'job 1', 'watch rv=1', 'watching', 'job 2', 'watch rv=2', 'watching', 'job 3']);
		expect(ofType(events, 'retry')).toEqual([]);
	});

	test('a stalled stream is given up and reopened with the polling backoff, which starts over after an event', async () => {
		const {watcher, events, log} = harness([written(1)], [{events: [bookmark(2), silent]}, {events: [silent]}, {events: [silent]}, {events: [modified(3), silent]}]);
		await watcher.run();
		expect(log).toEqual([
			'get', 'job 1',
			'watch rv=1', 'watching', 'retry 2000', 'wait 2000',
			'watch rv=2', 'watching', 'retry 4000', 'wait 4000',
			'watch rv=2', 'watching', 'retry 8000', 'wait 8000',
			'watch rv=2', 'watching', 'job 3', 'retry 2000', 'wait 2000',
			'watch rv=3',
		]);
		expect(ofType(events, 'retry')[0]!.error.summary).toMatch(/went silent/);
	});

	test('the silence allowed is --watch-idle, stretched to twice the longest gap between bookmarks', async () => {
		const {watcher, watches} = harness([written(1)], [{events: [bookmark(2), 900, bookmark(3), 1900, bookmark(4)]}, {events: [5000]}, {events: []}], {watchIdleMs: 1000});
		await watcher.run();
		expect(watches[0]!.idleTimeoutMs).toBe(1000);
		// Bookmarks 2 s apart (and the 100 ms the clock moves a call): a silence of 4 s is still normal.
		expect(watches[1]!.idleTimeoutMs).toBe(4000);
		// A stream without bookmarks teaches nothing.
		expect(watches[2]!.idleTimeoutMs).toBe(4000);
	});

	test('a garbled line: one retry, then the stream again from the last resourceVersion', async () => {
		const {watcher, events, log} = harness([written(1)], [{events: [modified(2), garbled]}, {events: [modified(3)]}]);
		await watcher.run();
		expect(ofType(events, 'retry').map(event => event.error.summary)).toEqual([garbled.summary]);
		expect(log).toContain('watch rv=2');
	});

	test('429, 5xx and network errors on opening: backoff as polling does, honouring Retry-After', async () => {
		const throttled = status(429, {retryAfterSeconds: 7});
		const {watcher, log} = harness([written(1)], [throttled, status(503), cut, {events: [modified(2)]}]);
		await watcher.run();
		expect(log.slice(0, 12)).toEqual([
			'get', 'job 1',
			'watch rv=1', 'retry 7000', 'wait 7000',
			'watch rv=1', 'retry 4000', 'wait 4000',
			'watch rv=1', 'retry 8000', 'wait 8000',
			'watch rv=1',
		]);
	});
});

describe('410: the resourceVersion is too old', () => {
	test('an ERROR event with a 410 Status: a new GET, and the watch resumes from its resourceVersion', async () => {
		const {watcher, events, log} = harness([written(1), written(9, job => (job['status'].running = 1))], [{events: [modified(2), expired]}, {events: [modified(10)]}]);
		await watcher.run();
		expect(log).toEqual(['get', 'job 1', 'watch rv=1', 'watching', 'job 2', 'get', 'job 9', 'watch rv=9', 'watching', 'job 10']);
		// What changed while the stream was gone is shown, as a poll would have.
		expect(ofType(events, 'job')[2]!.changes.map(change => change.path)).toEqual(['status.running']);
		expect(ofType(events, 'retry')).toEqual([]);
	});

	test('an HTTP 410 on opening: the same', async () => {
		const {watcher, log} = harness([written(1), written(9)], [status(410), {events: [modified(10)]}]);
		await watcher.run();
		expect(log.slice(0, 7)).toEqual(['get', 'job 1', 'watch rv=1', 'get', 'job 9', 'watch rv=9', 'watching']);
	});

	test('410 again straight after a fresh GET: backoff rather than a tight loop', async () => {
		const {watcher, log} = harness([written(1), written(2), written(3)], [{events: [expired]}, {events: [expired]}, {events: [modified(4)]}]);
		await watcher.run();
		expect(log.slice(0, 13)).toEqual(['get', 'job 1', 'watch rv=1', 'watching', 'get', 'job 2', 'watch rv=2', 'watching', 'retry 2000', 'wait 2000', 'get', 'job 3', 'watch rv=3']);
	});
});

describe('a server that refuses watches', () => {
	test.each([
		[405, 'the server refused watch (405)'],
		[404, 'the server refused watch (404)'],
		[400, 'the server refused watch (400)'],
		[403, 'the server refused watch (403)'],
	])('%i on the watch while the GET works: polling from then on, and why', async (code, reason) => {
		const {watcher, events, log} = harness([written(1), written(1), written(2)], [status(code)]);
		await watcher.run();
		expect(log).toEqual(['get', 'job 1', 'watch rv=1', `polling: ${reason}`, 'wait 2000', 'get rv=1', 'same 1', 'wait 2000', 'get rv=1', 'job 2', 'wait 2000', 'get rv=2']);
		expect(ofType(events, 'polling')[0]!.error.status).toBe(code);
		const state = screen(events);
		expect(state.transport).toEqual({kind: 'polling', reason});
		expect(state.connection.kind).toBe('live');
	});

	test('a gateway\'s 404 (no Status) counts as a refusal too', async () => {
		const gateway = errorFromResponse({status: 404, body: JSON.stringify({error_code: 'APIGW.0101', error_msg: 'The API does not exist'})});
		const {watcher, log} = harness([written(1)], [gateway]);
		await watcher.run();
		expect(log).toContain('polling: the server refused watch (404)');
	});

	test('streams that close at once with nothing in them, twice in a row: polling', async () => {
		const {watcher, log} = harness([written(1), written(1)], [{events: [], lastsMs: 0}, {events: [], lastsMs: 0}]);
		await watcher.run();
		expect(log).toEqual(['get', 'job 1', 'watch rv=1', 'watching', 'watch rv=1', 'watching', 'polling: the server refused watch (streams closed at once)', 'wait 2000', 'get rv=1', 'same 1', 'wait 2000', 'get rv=1']);
	});

	test('one quick close, then a good stream: no fallback', async () => {
		const {watcher, log} = harness([written(1)], [{events: [], lastsMs: 0}, {events: [modified(2)]}, {events: [], lastsMs: 0}, {events: [modified(3)]}]);
		await watcher.run();
		expect(log.some(line => line.startsWith('polling'))).toBe(false);
	});

	test('--watch: a refusal is an error, shown and tried again after --recheck, never a fallback', async () => {
		const {watcher, events, log} = harness([written(1)], [status(405), status(405), {events: [modified(2)]}], {mode: 'watch', refusedWaitMs: 45_000});
		await watcher.run();
		expect(log.slice(0, 9)).toEqual(['get', 'job 1', 'watch rv=1', 'refused', 'wait 45000', 'watch rv=1', 'refused', 'wait 45000', 'watch rv=1']);
		expect(ofType(events, 'refused')[0]!.error.summary).toMatch(/^the server refused watch \(405\): 405 MethodNotAllowed/);
		expect(ofType(events, 'polling')).toEqual([]);
		expect(screen(events).connection.kind).toBe('live');
	});

	test('401 on the watch is the credentials\', not the watch\'s: refused and re-checked in either mode', async () => {
		const {watcher, events, log} = harness([written(1)], [status(401), {events: [modified(2)]}]);
		await watcher.run();
		expect(log.slice(0, 6)).toEqual(['get', 'job 1', 'watch rv=1', 'refused', 'wait 30000', 'watch rv=1']);
		expect(ofType(events, 'polling')).toEqual([]);
	});

	test('a client without watches polls, whatever the mode', async () => {
		const seen: string[] = [];
		const polling = createJobWatcher({
			client: {getJob: async () => ({raw: written(1), bytes: 1})},
			namespace: 'cci-namespace-42263891',
			name: 'mpi-allreduce',
			mode: 'watch',
			intervalMs: 1000,
			maxWaitMs: 1000,
			refusedWaitMs: 1000,
			async sleep(ms, stop) {
				seen.push(`wait ${ms}`);
				polling.stop();
				if (stop.aborted) throw stop.reason;
			},
		});
		polling.subscribe(event => seen.push(event.type));
		await polling.run();
		expect(seen).toEqual(['job', 'wait 1000']);
	});
});

describe('deleted and created again', () => {
	test('DELETED: the job shows as deleted; the watch goes on; ADDED with a new uid is a new incarnation, "re-created"', async () => {
		const reborn = added(12, job => {
			job['metadata'].uid = newUid;
			job['status'].state.phase = 'Pending';
			job['status'].running = 0;
		});
		const {watcher, events, log} = harness([written(1)], [{events: [deleted(11), reborn]}, {events: []}]);
		await watcher.run();
		expect(log.slice(0, 7)).toEqual(['get', 'job 1', 'watch rv=1', 'watching', 'not-found', 'job 12', 'watch rv=12']);
		const [gone] = ofType(events, 'not-found');
		expect(gone!.deleted).toBe(true);
		expect(gone!.error.summary).toBe('cci-namespace-42263891/mpi-allreduce was deleted');
		const back = ofType(events, 'job')[1]!;
		expect(back.rvChanged).toBe(true);
		expect(back.changes.find(change => change.path === 'metadata.uid')).toMatchObject({new: newUid});

		const whileGone = screen(events.slice(0, events.indexOf(gone!) + 1));
		expect(whileGone.connection.kind).toBe('waiting');
		expect(whileGone.deletedAt).toBe(gone!.at);
		expect(whileGone.recent[0]!.change).toMatchObject({label: 'job', new: 'deleted'});
		const state = screen(events);
		expect(state.deletedAt).toBeUndefined();
		expect(state.job?.uid).toBe(newUid);
		expect(state.recent.map(record => record.change.new).slice(0, 2)).toEqual(['re-created', newUid]);
		expect(state.highlights['metadata.uid']).toBeDefined();
	});

	test('a job that does not exist yet: watched from no resourceVersion, and its ADDED is "appeared"', async () => {
		const {watcher, events, log} = harness([status(404)], [{events: [added(5)]}, {events: []}]);
		await watcher.run();
		expect(log.slice(0, 6)).toEqual(['get', 'not-found', 'watch rv=-', 'watching', 'job 5', 'watch rv=5']);
		expect(screen(events).recent.map(record => record.change.new)).toEqual(['appeared']);
	});

	test('events for another job (a hop that dropped the field selector) are not taken for this one', async () => {
		const other = modified(3, job => (job['metadata'].name = 'someone-else'));
		const {watcher, events, log} = harness([written(1)], [{events: [other]}, {events: []}]);
		await watcher.run();
		expect(ofType(events, 'job')).toHaveLength(1);
		// Its resourceVersion is still a point in the collection's history to resume from.
		expect(log).toContain('watch rv=3');
	});
});

describe('the status line\'s view of the watch', () => {
	test('watching from the start; reopening after the server\'s timeout changes nothing on screen', async () => {
		const {watcher, events} = harness([written(1)], [{events: [modified(2)]}, {events: [bookmark(3)]}, {events: []}]);
		await watcher.run();
		const opened = events.findIndex(event => event.type === 'watching' && event.opened);
		const first = screen(events.slice(0, opened + 2));
		expect(first.transport).toMatchObject({kind: 'watching', since: events[opened]!.at});
		// Reopened twice since: the very same state object, so nothing is drawn or written.
		expect(screen(events)).toEqual(first);
		const reopened = events.slice(opened + 2).reduce((state, event) => reduceWatch(state, event, {highlightMs: 4000}), first);
		expect(reopened).toBe(first);
	});

	test('after a stall: retrying, then live again with a new "since" when the stream reopens', async () => {
		const {watcher, events} = harness([written(1)], [{events: [modified(2), silent]}, {events: []}]);
		await watcher.run();
		const retry = events.findIndex(event => event.type === 'retry');
		expect(screen(events.slice(0, retry + 1)).connection.kind).toBe('retrying');
		const after = screen(events);
		expect(after.connection.kind).toBe('live');
		expect(after.staleSince).toBeUndefined();
		const reopened = events.filter(event => event.type === 'watching' && event.opened).at(-1)!;
		expect(after.transport).toMatchObject({kind: 'watching', since: reopened.at});
	});
});

describe('polling with resourceVersion', () => {
	test('each poll asks for "not older than" the last resourceVersion seen; an unchanged one changes nothing', async () => {
		const {watcher, events, log} = harness([written(1), written(1), written(2)], [], {mode: 'poll'});
		await watcher.run();
		expect(log).toEqual(['get', 'job 1', 'wait 2000', 'get rv=1', 'same 1', 'wait 2000', 'get rv=1', 'job 2', 'wait 2000', 'get rv=2']);
		const idle = ofType(events, 'job')[1]!;
		const before = screen(events.slice(0, 1));
		expect(reduceWatch(before, idle, {highlightMs: 4000})).toBe(before);
	});

	test.each([
		['410 Expired', status(410, {reason: 'Expired'})],
		['504 Too large resource version', status(504, {message: 'Too large resource version: 9, current: 3'})],
	])('%s: dropped, the GET sent again at once without it, and no error shown', async (_title, error) => {
		const {watcher, events, log} = harness([written(5), error, written(6), written(6)], [], {mode: 'poll'});
		await watcher.run();
		expect(log).toEqual(['get', 'job 5', 'wait 2000', 'get rv=5', 'get', 'job 6', 'wait 2000', 'get rv=6', 'same 6', 'wait 2000', 'get rv=6']);
		expect(ofType(events, 'retry')).toEqual([]);
		expect(ofType(events, 'refused')).toEqual([]);
	});

	test('a 504 that is not about the resourceVersion is retried with backoff as before', async () => {
		const {watcher, log} = harness([written(5), status(504), written(5)], [], {mode: 'poll'});
		await watcher.run();
		expect(log.slice(0, 7)).toEqual(['get', 'job 5', 'wait 2000', 'get rv=5', 'retry 2000', 'wait 2000', 'get rv=5']);
	});
});

describe('control while watching', () => {
	test('stop() from a listener of the first answer (--exit-on-finish) ends run() without opening a stream', async () => {
		const {watcher, log} = harness([written(1)], [{events: [modified(2)]}]);
		watcher.subscribe(event => {
			if (event.type === 'job') watcher.stop();
		});
		await watcher.run();
		expect(log).toEqual(['get', 'job 1']);
	});

	test('pause ends the stream; resume opens it again from the last resourceVersion, without a GET', async () => {
		let signal: AbortSignal | undefined;
		const log: string[] = [];
		// Streams that stay open until aborted.
		const held = createJobWatcher({
			client: {
				async getJob() {
					log.push('get');
					return {raw: written(1), bytes: 1};
				},
				async watchJob(watch) {
					log.push(`watch rv=${watch.resourceVersion}`);
					signal = watch.signal;
					async function* hold(): AsyncGenerator<RawWatchEvent> {
						yield bookmark(4);
						await new Promise((_resolve, reject) => {
							watch.signal!.addEventListener('abort', () => reject(watch.signal!.reason as Error), {once: true});
						});
					}

					return {events: hold()};
				},
			},
			namespace: 'cci-namespace-42263891',
			name: 'mpi-allreduce',
			mode: 'auto',
			intervalMs: 2000,
			maxWaitMs: 30_000,
			refusedWaitMs: 30_000,
		});
		const done = held.run();
		await expect.poll(() => log.length).toBe(2);
		held.setPaused(true);
		await expect.poll(() => signal?.aborted).toBe(true);
		await tick();
		expect(log).toEqual(['get', 'watch rv=1']);
		held.setPaused(false);
		await expect.poll(() => log.length).toBe(3);
		expect(log[2]).toBe('watch rv=4');
		held.pollNow();
		await expect.poll(() => log.length).toBe(5);
		expect(log.slice(3)).toEqual(['get', 'watch rv=1']);
		held.stop();
		await done;
	});
});
