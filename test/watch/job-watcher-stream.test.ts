import {setImmediate as tick} from 'node:timers/promises';
import {describe, expect, test} from 'vitest';
import {ApiError, errorFromResponse} from '../../source/api/api-error.js';
import type {EventStream, ApiObject} from '../../source/api/client.js';
import type {GetJobOptions, JobListing, WatchJobOptions} from '../../source/api/job-client.js';
import {createJobWatcher, type JobWatcher, type WatcherOptions, type WatchEvent} from '../../source/watch/job-watcher.js';
import {initialJobView, reduceJobView, type JobViewState} from '../../source/state/job-view.js';
import type {RawWatchEvent} from '../../source/api/watch-decoder.js';
import {statusBody} from '../../source/simulator/index.js';
import type {RawObject} from '../helpers/objects/fixtures.js';
import {status} from '../helpers/objects/api-status.js';
import {instantSleep, ofType} from '../helpers/fakes/fake-time.js';
import {written} from '../helpers/objects/jobs.js';

// The watcher's watch mode as a state machine: a scripted client (GET answers, streams of events), an
// instant sleep that records each wait, a clock that moves 100 ms a call. What is checked is the order of
// requests and waits, and the events the screen and the writers are given.

const newUid = '0b7a9f54-3c9e-4d1f-8a2b-6e5d4c3b2a19';

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
/** A list of the job by name: the job (or none) and the collection's resourceVersion, never the job's own. */
type Listing = {readonly listing: {readonly job?: RawObject; readonly resourceVersion: string}};
/** Watching, the first answers go to lists; polling, to GETs. */
type GetAnswer = RawObject | ApiError | Listing;

const listed = (job: RawObject | undefined, resourceVersion: number): Listing => ({listing: {...(job ? {job} : {}), resourceVersion: String(resourceVersion)}});

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
	const done = () => {
		if (gets.length === 0 && streams.length === 0) watcher!.stop();
	};

	/** The next GET or list answer, after a real asynchronous hop; an error is thrown, and none left stops the watcher. */
	const nextAnswer = async (signal?: AbortSignal): Promise<RawObject | Listing> => {
		await tick();
		const answer = gets.shift();
		if (answer === undefined) {
			watcher!.stop();
			throw signal!.reason;
		}

		if (answer instanceof ApiError) throw answer;
		return answer;
	};

	const client = {
		async getJob(signal?: AbortSignal, get?: GetJobOptions): Promise<ApiObject> {
			log.push(get?.resourceVersion ? `get rv=${get.resourceVersion}` : 'get');
			const answer = await nextAnswer(signal);
			if ('listing' in answer) throw new Error('a GET was given a list answer');
			return {raw: answer, bytes: 1};
		},
		async listJob(signal?: AbortSignal): Promise<JobListing> {
			log.push('list');
			const answer = await nextAnswer(signal);
			if (!('listing' in answer)) throw new Error('a list was given a GET answer');
			const {job, resourceVersion} = answer.listing as {job?: RawObject; resourceVersion: string};
			return {...(job ? {raw: job} : {}), resourceVersion, bytes: 1};
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
			const played = script;
			async function* play(): AsyncGenerator<RawWatchEvent> {
				for (const item of played.events) {
					await tick();
					if (watch.signal?.aborted) throw watch.signal.reason;
					if (item instanceof ApiError) throw item;
					if (typeof item === 'number') clock += item;
					else yield item;
				}

				clock += played.lastsMs ?? 300_000;
				done();
			}

			return {events: play()};
		},
	};

	const sleep = instantSleep(ms => log.push(`wait ${ms}`));

	const watcher: JobWatcher = createJobWatcher({
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

function screen(events: WatchEvent[]): JobViewState {
	return events.reduce(
		(state, event) => reduceJobView(state, event, {highlightMs: 4000}),
		initialJobView('cci-namespace-42263891', 'mpi-allreduce', Date.parse('2024-03-11T08:20:00Z')),
	);
}

describe('watching', () => {
	test('one list of the job, then a stream from the list\'s resourceVersion (not the job\'s); each change goes through the same diff as a poll', async () => {
		const completing = (job: RawObject) => {
			job['status'].running = 2;
			job['status'].state.phase = 'Completing';
		};

		const {watcher, events, log, watches} = harness([listed(written(1), 40)], [{events: [modified(41, job => (job['status'].running = 2)), modified(43, completing)]}]);
		await watcher.run();
		expect(log.slice(0, 6)).toEqual(['list', 'job 1', 'watch rv=40', 'watching', 'job 41', 'job 43']);
		expect(watches[0]).toMatchObject({resourceVersion: '40', idleTimeoutMs: 120_000});
		// timeoutSeconds: 300 with jitter (client-go's: up to twice that).
		expect(watches[0]!.timeoutSeconds).toBe(600);
		const [, second, third] = ofType(events, 'job');
		expect(second!.changes).toEqual([{path: 'status.running', label: 'running', old: 3, new: 2, direction: 'down'}]);
		expect(second!.previous?.resourceVersion).toBe('1');
		expect(third!.changes.map(change => [change.path, change.old, change.new])).toEqual([['status.state.phase', 'Running', 'Completing']]);
		expect(third!.raw).toEqual(written(43, completing));
	});

	test('a job idle for long (its own version out of the window): the watch never starts from the job\'s version', async () => {
		const {watcher, log} = harness([listed(written(1), 9000)], [{events: [bookmark(9100), modified(9150)]}, {events: []}]);
		await watcher.run();
		expect(log.filter(line => line.startsWith('watch '))).toEqual(['watch rv=9000', 'watch rv=9150']);
		expect(log).not.toContain('watch rv=1');
	});

	test('a stream that ends (the server\'s timeoutSeconds, a proxy) is reopened at once from the last resourceVersion, no list', async () => {
		const {watcher, log} = harness([listed(written(1), 1)], [{events: [modified(2)]}, {events: [modified(3)]}, {events: [bookmark(7)]}, {events: []}]);
		await watcher.run();
		expect(log).toEqual(['list', 'job 1', 'watch rv=1', 'watching', 'job 2', 'watch rv=2', 'watching', 'job 3', 'watch rv=3', 'watching', 'watch rv=7', 'watching', 'watch rv=7'].slice(0, log.length));
		expect(log.filter(line => line === 'list')).toHaveLength(1);
		expect(log.filter(line => line.startsWith('wait'))).toEqual([]);
	});

	test('a bookmark moves only the resourceVersion: no job event, nothing for the screen', async () => {
		const {watcher, events, log} = harness([listed(written(1), 3)], [{events: [bookmark(4), bookmark(5)]}, {events: []}]);
		await watcher.run();
		expect(ofType(events, 'job')).toHaveLength(1);
		expect(log).toContain('watch rv=5');
	});

	test('a connection cut mid-stream is a stream that ended: reopened at once, no retry shown', async () => {
		const {watcher, events, log} = harness([listed(written(1), 1)], [{events: [modified(2), cut]}, {events: [modified(3)]}]);
		await watcher.run();
		expect(log).toEqual(['list', 'job 1', 'watch rv=1', 'watching', 'job 2', 'watch rv=2', 'watching', 'job 3']);
		expect(ofType(events, 'retry')).toEqual([]);
	});

	test('a quiet stream (nothing for --watch-idle, not even a bookmark) is reopened at once from its version: no retry, no wait, no list', async () => {
		const {watcher, events, log} = harness([listed(written(1), 1)], [{events: [bookmark(2), silent]}, {events: [silent]}, {events: [silent]}, {events: [modified(3), silent]}]);
		await watcher.run();
		expect(log).toEqual([
			'list', 'job 1',
			'watch rv=1', 'watching',
			'watch rv=2', 'watching',
			'watch rv=2', 'watching',
			'watch rv=2', 'watching', 'job 3',
			'watch rv=3',
		]);
		expect(ofType(events, 'retry')).toEqual([]);
		expect(screen(events).connection.kind).toBe('live');
	});

	test('a quiet stream whose reopening fails is news: backoff and a retry shown', async () => {
		const {watcher, events, log} = harness([listed(written(1), 1)], [{events: [silent]}, status(503), {events: [modified(2)]}]);
		await watcher.run();
		expect(log.slice(0, 8)).toEqual(['list', 'job 1', 'watch rv=1', 'watching', 'watch rv=1', 'retry 2000', 'wait 2000', 'watch rv=1']);
		expect(ofType(events, 'retry')).toHaveLength(1);
	});

	test('the silence allowed is --watch-idle, stretched to twice the longest gap between bookmarks', async () => {
		const {watcher, watches} = harness([listed(written(1), 1)], [{events: [bookmark(2), 900, bookmark(3), 1900, bookmark(4)]}, {events: [5000]}, {events: []}], {watchIdleMs: 1000});
		await watcher.run();
		expect(watches[0]!.idleTimeoutMs).toBe(1000);
		// Bookmarks 2 s apart (and the 100 ms the clock moves a call): a silence of 4 s is still normal.
		expect(watches[1]!.idleTimeoutMs).toBe(4000);
		// A stream without bookmarks teaches nothing.
		expect(watches[2]!.idleTimeoutMs).toBe(4000);
	});

	test('a garbled line: one retry, then the stream again from the last resourceVersion', async () => {
		const {watcher, events, log} = harness([listed(written(1), 1)], [{events: [modified(2), garbled]}, {events: [modified(3)]}]);
		await watcher.run();
		expect(ofType(events, 'retry').map(event => event.error.summary)).toEqual([garbled.summary]);
		expect(log).toContain('watch rv=2');
	});

	test('429, 5xx and network errors on opening: backoff as polling does, honouring Retry-After', async () => {
		const throttled = status(429, {retryAfterSeconds: 7});
		const {watcher, log} = harness([listed(written(1), 1)], [throttled, status(503), cut, {events: [modified(2)]}]);
		await watcher.run();
		expect(log.slice(0, 12)).toEqual([
			'list', 'job 1',
			'watch rv=1', 'retry 7000', 'wait 7000',
			'watch rv=1', 'retry 4000', 'wait 4000',
			'watch rv=1', 'retry 8000', 'wait 8000',
			'watch rv=1',
		]);
	});

	test('429 and 5xx on the list: retried with backoff (Retry-After honoured), then the watch from its version', async () => {
		const {watcher, log} = harness([status(429, {retryAfterSeconds: 3}), status(500), listed(written(1), 70)], [{events: [modified(71)]}]);
		await watcher.run();
		expect(log.slice(0, 9)).toEqual(['list', 'retry 3000', 'wait 3000', 'list', 'retry 4000', 'wait 4000', 'list', 'job 1', 'watch rv=70']);
	});

	test('a watch from no version (a list without one): its ADDED carries the job\'s own version, no place to resume from', async () => {
		const {watcher, log} = harness([{listing: {job: written(1), resourceVersion: ''}}, listed(written(1), 50)], [{events: [added(1)]}, {events: [modified(51)]}]);
		await watcher.run();
		expect(log.filter(line => line === 'list' || line.startsWith('watch '))).toEqual(['list', 'watch rv=-', 'list', 'watch rv=50']);
	});

	test('a watch from no version: the bookmark that ends the initial events is where it resumes', async () => {
		const end: RawWatchEvent = {type: 'BOOKMARK', object: {kind: 'Job', apiVersion: 'batch.volcano.sh/v1alpha1', metadata: {resourceVersion: '77', annotations: {'k8s.io/initial-events-end': 'true'}}}};
		const {watcher, log} = harness([{listing: {job: written(1), resourceVersion: ''}}], [{events: [added(1), end]}, {events: []}]);
		await watcher.run();
		expect(log.filter(line => line === 'list' || line.startsWith('watch '))).toEqual(['list', 'watch rv=-', 'watch rv=77']);
	});
});

describe('410: the resourceVersion is too old', () => {
	test('an ERROR event with a 410 Status: a new list at once, and the watch resumes from the list\'s version; nothing said', async () => {
		const {watcher, events, log} = harness([listed(written(1), 5), listed(written(9, job => (job['status'].running = 1)), 20)], [{events: [modified(6), expired]}, {events: [modified(21)]}]);
		await watcher.run();
		expect(log).toEqual(['list', 'job 1', 'watch rv=5', 'watching', 'job 6', 'list', 'job 9', 'watch rv=20', 'watching', 'job 21']);
		// What changed while the stream was gone is shown, as a poll would have.
		expect(ofType(events, 'job')[2]!.changes.map(change => change.path)).toEqual(['status.running']);
		expect(ofType(events, 'retry')).toEqual([]);
		expect(ofType(events, 'refused')).toEqual([]);
		expect(screen(events).connection.kind).toBe('live');
	});

	test('an HTTP 410 on opening: the same', async () => {
		const {watcher, events, log} = harness([listed(written(1), 5), listed(written(1), 30)], [status(410), {events: [modified(31)]}]);
		await watcher.run();
		expect(log.slice(0, 8)).toEqual(['list', 'job 1', 'watch rv=5', 'list', 'same 1', 'watch rv=30', 'watching', 'job 31']);
		expect(ofType(events, 'retry')).toEqual([]);
	});

	test('410 at the very start (the list\'s version already gone, as after an API server restart): one more list, at once', async () => {
		const {watcher, log} = harness([listed(written(1), 5), listed(written(1), 8)], [{events: [expired]}, {events: [modified(9)]}]);
		await watcher.run();
		expect(log.slice(0, 7)).toEqual(['list', 'job 1', 'watch rv=5', 'watching', 'list', 'same 1', 'watch rv=8']);
		expect(log.filter(line => line.startsWith('wait'))).toEqual([]);
	});

	test('410 again straight after a fresh list: backoff rather than a tight loop, and never the refused version again', async () => {
		const {watcher, log, watches} = harness([listed(written(1), 5), listed(written(2), 6), listed(written(3), 7)], [{events: [expired]}, {events: [expired]}, {events: [modified(8)]}]);
		await watcher.run();
		expect(log.slice(0, 13)).toEqual(['list', 'job 1', 'watch rv=5', 'watching', 'list', 'job 2', 'watch rv=6', 'watching', 'retry 2000', 'wait 2000', 'list', 'job 3', 'watch rv=7']);
		const versions = watches.map(watch => watch.resourceVersion);
		expect(new Set(versions).size).toBe(versions.length);
	});

	test('a list that hands back a version already refused (a lagging replica) is not watched from: listed again after a backoff', async () => {
		const {watcher, log, watches} = harness([listed(written(1), 5), listed(written(1), 5), listed(written(1), 9)], [{events: [expired]}, {events: [modified(10)]}]);
		await watcher.run();
		expect(watches.map(watch => watch.resourceVersion)).toEqual(['5', '9']);
		expect(log.filter(line => line.startsWith('retry'))).toHaveLength(1);
	});

	test('a 410 mid-stream after events: the version the events had reached is refused, the list is at once', async () => {
		const {watcher, log, watches} = harness([listed(written(1), 5), listed(written(1), 40)], [{events: [modified(6), bookmark(12), expired]}, {events: [modified(41)]}]);
		await watcher.run();
		expect(watches.map(watch => watch.resourceVersion)).toEqual(['5', '40']);
		expect(log.filter(line => line.startsWith('wait') || line.startsWith('retry'))).toEqual([]);
	});
});

describe('a server that refuses watches', () => {
	test.each([
		[405, 'the server refused watch (405)'],
		[404, 'the server refused watch (404)'],
		[400, 'the server refused watch (400)'],
		[403, 'the server refused watch (403)'],
		// A 5xx, yet the server says it will never serve a watch: not retried.
		[501, 'the server refused watch (501)'],
	])('%i on the watch while the list works: polling from then on, and why', async (code, reason) => {
		const {watcher, events, log} = harness([listed(written(1), 4), written(1), written(2)], [status(code)]);
		await watcher.run();
		expect(log).toEqual(['list', 'job 1', 'watch rv=4', `polling: ${reason}`, 'wait 2000', 'get rv=1', 'same 1', 'wait 2000', 'get rv=1', 'job 2', 'wait 2000', 'get rv=2']);
		expect(ofType(events, 'polling')[0]!.error.status).toBe(code);
		const state = screen(events);
		expect(state.transport).toEqual({kind: 'polling', reason});
		expect(state.connection.kind).toBe('live');
	});

	test.each([403, 404, 405])('%i on the list (a role or a hop that serves the job but not the list): polling with GETs, and why', async code => {
		const {watcher, log} = harness([status(code), written(1), written(2)], []);
		await watcher.run();
		expect(log.slice(0, 7)).toEqual(['list', `polling: the server refused the list a watch starts from (${code})`, 'wait 2000', 'get', 'job 1', 'wait 2000', 'get rv=1']);
	});

	test('a gateway\'s 404 (no Status) counts as a refusal too', async () => {
		const gateway = errorFromResponse({status: 404, body: JSON.stringify({error_code: 'APIGW.0101', error_msg: 'The API does not exist'})});
		const {watcher, log} = harness([listed(written(1), 1)], [gateway]);
		await watcher.run();
		expect(log).toContain('polling: the server refused watch (404)');
	});

	test('streams that close at once with nothing in them, twice in a row: polling', async () => {
		const {watcher, log} = harness([listed(written(1), 1), written(1)], [{events: [], lastsMs: 0}, {events: [], lastsMs: 0}]);
		await watcher.run();
		expect(log).toEqual(['list', 'job 1', 'watch rv=1', 'watching', 'watch rv=1', 'watching', 'polling: the server refused watch (streams closed at once)', 'wait 2000', 'get rv=1', 'same 1', 'wait 2000', 'get rv=1']);
	});

	test('one quick close, then a good stream: no fallback', async () => {
		const {watcher, log} = harness([listed(written(1), 1)], [{events: [], lastsMs: 0}, {events: [modified(2)]}, {events: [], lastsMs: 0}, {events: [modified(3)]}]);
		await watcher.run();
		expect(log.some(line => line.startsWith('polling'))).toBe(false);
	});

	test('--watch: a refusal is an error, shown and tried again after --recheck, never a fallback', async () => {
		const {watcher, events, log} = harness([listed(written(1), 1)], [status(405), status(405), {events: [modified(2)]}], {mode: 'watch', refusedWaitMs: 45_000});
		await watcher.run();
		expect(log.slice(0, 9)).toEqual(['list', 'job 1', 'watch rv=1', 'refused', 'wait 45000', 'watch rv=1', 'refused', 'wait 45000', 'watch rv=1']);
		expect(ofType(events, 'refused')[0]!.error.summary).toMatch(/^the server refused watch \(405\): 405 MethodNotAllowed/);
		expect(ofType(events, 'polling')).toEqual([]);
		expect(screen(events).connection.kind).toBe('live');
	});

	test('401 on the watch is the credentials\', not the watch\'s: refused and re-checked in either mode', async () => {
		const {watcher, events, log} = harness([listed(written(1), 1)], [status(401), {events: [modified(2)]}]);
		await watcher.run();
		expect(log.slice(0, 6)).toEqual(['list', 'job 1', 'watch rv=1', 'refused', 'wait 30000', 'watch rv=1']);
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
		const {watcher, events, log} = harness([listed(written(1), 1)], [{events: [deleted(11), reborn]}, {events: []}]);
		await watcher.run();
		expect(log.slice(0, 7)).toEqual(['list', 'job 1', 'watch rv=1', 'watching', 'not-found', 'job 12', 'watch rv=12']);
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

	test('a job that does not exist yet: an empty list, watched from its version, and the ADDED is "appeared" (no 404 polls)', async () => {
		const {watcher, events, log} = harness([listed(undefined, 30)], [{events: [added(31)]}, {events: []}]);
		await watcher.run();
		expect(log.slice(0, 6)).toEqual(['list', 'not-found', 'watch rv=30', 'watching', 'job 31', 'watch rv=31']);
		expect(log).not.toContain('get');
		expect(screen(events).recent.map(record => record.change.new)).toEqual(['appeared']);
	});

	test('events for another job (a hop that dropped the field selector) are not taken for this one', async () => {
		const other = modified(3, job => (job['metadata'].name = 'someone-else'));
		const {watcher, events, log} = harness([listed(written(1), 1)], [{events: [other]}, {events: []}]);
		await watcher.run();
		expect(ofType(events, 'job')).toHaveLength(1);
		// Its resourceVersion is still a point in the collection's history to resume from.
		expect(log).toContain('watch rv=3');
	});
});

describe('the status line\'s view of the watch', () => {
	test('watching from the start; reopening after the server\'s timeout changes nothing on screen', async () => {
		const {watcher, events} = harness([listed(written(1), 1)], [{events: [modified(2)]}, {events: [bookmark(3)]}, {events: []}]);
		await watcher.run();
		const opened = events.findIndex(event => event.type === 'watching' && event.opened);
		const first = screen(events.slice(0, opened + 2));
		expect(first.transport).toMatchObject({kind: 'watching', since: events[opened]!.at});
		// Reopened twice since: the very same state object, so nothing is drawn or written.
		expect(screen(events)).toEqual(first);
		const reopened = events.slice(opened + 2).reduce((state, event) => reduceJobView(state, event, {highlightMs: 4000}), first);
		expect(reopened).toBe(first);
	});

	test('after a failed reopening: retrying, then live again with a new "since" when the stream reopens', async () => {
		const {watcher, events} = harness([listed(written(1), 1)], [{events: [modified(2), cut]}, status(503), {events: []}]);
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
		expect(reduceJobView(before, idle, {highlightMs: 4000})).toBe(before);
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
		const {watcher, log} = harness([listed(written(1), 1)], [{events: [modified(2)]}]);
		watcher.subscribe(event => {
			if (event.type === 'job') watcher.stop();
		});
		await watcher.run();
		expect(log).toEqual(['list', 'job 1']);
	});

	test('pause ends the stream; resume opens it again from the last resourceVersion, without a list; r lists again', async () => {
		let signal: AbortSignal | undefined;
		const log: string[] = [];
		// Streams that stay open until aborted.
		const held = createJobWatcher({
			client: {
				async getJob() {
					log.push('get');
					return {raw: written(1), bytes: 1};
				},
				async listJob() {
					log.push('list');
					return {raw: written(1), resourceVersion: '2', bytes: 1};
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
		expect(log).toEqual(['list', 'watch rv=2']);
		held.setPaused(false);
		await expect.poll(() => log.length).toBe(3);
		expect(log[2]).toBe('watch rv=4');
		held.pollNow();
		await expect.poll(() => log.length).toBe(5);
		expect(log.slice(3)).toEqual(['list', 'watch rv=2']);
		held.stop();
		await done;
	});
});
