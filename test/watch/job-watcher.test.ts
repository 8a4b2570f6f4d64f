import {setImmediate as tick} from 'node:timers/promises';
import {describe, expect, test, vi} from 'vitest';
import {ApiError, errorFromResponse} from '../../source/api/api-error.js';
import type {ApiObject} from '../../source/api/client.js';
import {createJobWatcher, type JobWatcher, type WatcherOptions, type WatchEvent} from '../../source/watch/job-watcher.js';
import {gatewayBody} from '../../source/simulator/index.js';
import {edited, loadFixture, type RawObject} from '../helpers/objects/fixtures.js';
import {status} from '../helpers/objects/api-status.js';
import {instantSleep, manualSleep, ofType, until} from '../helpers/fakes/fake-time.js';
import {written} from '../helpers/objects/jobs.js';

// What the scripted client answers, one entry per getJob call: a job object, an error to throw, or a
// function for answers that need the call's signal. When the script runs out, the watcher is stopped.
type Answer = RawObject | ApiError | ((signal: AbortSignal) => Promise<ApiObject>);

const running = loadFixture('running-mpi');

type Harness = {
	readonly watcher: JobWatcher;
	readonly events: WatchEvent[];
	/** One line per thing that happened, in order: "get", "job", "retry 1000", "wait 2000", … */
	readonly log: string[];
	readonly waits: number[];
	readonly client: {calls: number; inFlight: number; maxInFlight: number};
};

type HarnessOptions = Partial<Omit<WatcherOptions, 'client'>> & {
	/** 'instant': every wait ends at once. 'manual': a wait ends only by pollNow, pause or stop. */
	readonly waits?: 'instant' | 'manual';
};

function harness(script: Answer[], options: HarnessOptions = {}): Harness {
	const events: WatchEvent[] = [];
	const log: string[] = [];
	const waits: number[] = [];
	const state = {calls: 0, inFlight: 0, maxInFlight: 0};

	const client = {
		async getJob(signal?: AbortSignal): Promise<ApiObject> {
			state.calls++;
			state.inFlight++;
			state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
			log.push('get');
			try {
				// A real asynchronous hop, so a second request started meanwhile would overlap this one.
				await tick();
				const answer = script.shift();
				if (answer === undefined) {
					watcher!.stop();
					throw signal!.reason;
				}

				if (answer instanceof ApiError) {
					throw answer;
				}

				if (typeof answer === 'function') {
					return await answer(signal!);
				}

				return {raw: answer, bytes: JSON.stringify(answer).length};
			} finally {
				state.inFlight--;
			}
		},
	};

	const record = (ms: number) => {
		waits.push(ms);
		log.push(`wait ${ms}`);
	};

	let clock = Date.parse('2024-03-11T08:20:00Z');
	const {waits: waitMode = 'instant', ...rest} = options;
	const watcher: JobWatcher = createJobWatcher({
		client,
		namespace: 'cci-namespace-42263891',
		name: 'mpi-allreduce',
		intervalMs: 2000,
		maxWaitMs: 30_000,
		refusedWaitMs: 30_000,
		sleep: waitMode === 'instant' ? instantSleep(record) : manualSleep(record).sleep,
		now: () => (clock += 100),
		random: () => 1,
		...rest,
	});
	watcher.subscribe(event => {
		events.push(event);
		log.push(event.type === 'retry' ? `retry ${event.delayMs}` : event.type);
	});
	return {watcher, events, log, waits, client: state};
}

describe('the poll loop', () => {
	test('job, a failure, job: the failure is retried after its backoff, each success waits the interval', async () => {
		const {watcher, log} = harness([written(1), status(503), written(2)], {intervalMs: 2000});
		await watcher.run();
		expect(log).toEqual(['get', 'job', 'wait 2000', 'get', 'retry 2000', 'wait 2000', 'get', 'job', 'wait 2000', 'get']);
	});

	test('retry waits follow the backoff: doubling from the interval up to maxWait', async () => {
		const script: Answer[] = [...Array.from({length: 7}, () => status(500)), written(1)];
		const {watcher, events, waits} = harness(script, {intervalMs: 1000, maxWaitMs: 20_000});
		await watcher.run();
		const retries = ofType(events, 'retry');
		expect(retries.map(event => [event.attempt, event.delayMs])).toEqual([
			[1, 1000],
			[2, 2000],
			[3, 4000],
			[4, 8000],
			[5, 16_000],
			[6, 20_000],
			[7, 20_000],
		]);
		expect(retries.every(event => event.error.category === 'server')).toBe(true);
		expect(waits).toEqual([1000, 2000, 4000, 8000, 16_000, 20_000, 20_000, 1000]);
	});

	test('the backoff starts over after a success', async () => {
		const {watcher, events} = harness([status(503), status(503), written(1), status(503), written(2)], {intervalMs: 1000});
		await watcher.run();
		expect(ofType(events, 'retry').map(event => [event.attempt, event.delayMs])).toEqual([
			[1, 1000],
			[2, 2000],
			[1, 1000],
		]);
	});

	test('throttling waits what the server asked (Retry-After / retryAfterSeconds)', async () => {
		const {watcher, events, waits} = harness([status(429, {retryAfterSeconds: 5}), written(1)], {intervalMs: 1000});
		await watcher.run();
		expect(ofType(events, 'retry').map(event => [event.error.category, event.delayMs])).toEqual([['throttled', 5000]]);
		expect(waits[0]).toBe(5000);
	});

	test('the gateway\'s throttling waits at least 2 s', async () => {
		const throttled = errorFromResponse({status: 429, body: JSON.stringify(gatewayBody('APIGW.0308', 'over limit'))});
		const {watcher, waits} = harness([throttled, written(1)], {intervalMs: 500, random: () => 0});
		await watcher.run();
		expect(waits[0]).toBe(2000);
	});

	test('a 404 Status is "waiting for the job": reported, not retried, polled again at the interval', async () => {
		const {watcher, events, log} = harness([status(404), status(404), written(1)], {intervalMs: 3000});
		await watcher.run();
		expect(log).toEqual(['get', 'not-found', 'wait 3000', 'get', 'not-found', 'wait 3000', 'get', 'job', 'wait 3000', 'get']);
		expect(ofType(events, 'not-found').map(event => [event.delayMs, event.error.category])).toEqual([
			[3000, 'not-found'],
			[3000, 'not-found'],
		]);
	});

	test.each<[string, ApiError]>([
		['403', status(403)],
		['401', status(401)],
		['400', status(400)],
		['gateway 404 APIGW.0101', errorFromResponse({status: 404, body: JSON.stringify(gatewayBody('APIGW.0101', 'no such API'))})],
	])('a %s is refused: reported once, re-checked after refusedWaitMs, never retried fast', async (_title, error) => {
		const {watcher, events, log} = harness([error, written(1)], {intervalMs: 2000, refusedWaitMs: 45_000});
		await watcher.run();
		expect(log).toEqual(['get', 'refused', 'wait 45000', 'get', 'job', 'wait 2000', 'get']);
		expect(ofType(events, 'refused')[0]!.delayMs).toBe(45_000);
		expect(ofType(events, 'refused')[0]!.error).toBe(error);
	});

	test('a refusal never waits less than the interval', async () => {
		const {watcher, waits} = harness([status(403)], {intervalMs: 60_000, refusedWaitMs: 30_000});
		await watcher.run();
		expect(waits).toEqual([60_000]);
	});

	test('errors of every kind do not stop the loop', async () => {
		const script: Answer[] = [
			status(500),
			new ApiError({category: 'network', summary: 'connection reset'}),
			new ApiError({category: 'timeout', summary: 'no answer'}),
			new ApiError({category: 'malformed', summary: 'not JSON'}),
			status(404),
			status(403),
			written(1),
		];
		const {watcher, events} = harness(script);
		await watcher.run();
		expect(events.map(event => event.type)).toEqual(['retry', 'retry', 'retry', 'retry', 'not-found', 'refused', 'job']);
	});

	test('never two requests in flight, even when pollNow is pressed during one', async () => {
		const {watcher, client} = harness([written(1), status(503), written(2), written(3), status(404), written(4)]);
		watcher.subscribe(() => {
			watcher.pollNow();
			watcher.pollNow();
		});
		await watcher.run();
		expect(client.calls).toBe(7);
		expect(client.maxInFlight).toBe(1);
	});

	test('the job event carries the raw object, the normalised job and the request id', async () => {
		const raw = written(1);
		const {watcher, events} = harness([async () => ({raw, bytes: 10, requestId: 'req-1'})]);
		await watcher.run();
		const [event] = ofType(events, 'job');
		expect(event!.raw).toBe(raw);
		expect(event!.job.name).toBe('mpi-allreduce');
		expect(event!.job.counters.running).toBe(3);
		expect(event!.requestId).toBe('req-1');
	});

	test('a slow request turns on fetch-slow before its answer; a fast one does not', async () => {
		// The timer is the test's: the fast answer comes with no time passed, the slow one after 20 ms have.
		vi.useFakeTimers({toFake: ['setTimeout', 'clearTimeout']});
		try {
			const slow = async (): Promise<ApiObject> => {
				vi.advanceTimersByTime(19);
				expect(events.map(event => event.type)).toEqual(['job']);
				vi.advanceTimersByTime(1);
				return {raw: written(2), bytes: 1};
			};

			const {watcher, events} = harness([written(1), slow], {slowRequestMs: 20});
			await watcher.run();
			expect(events.map(event => event.type)).toEqual(['job', 'fetch-slow', 'job']);
		} finally {
			vi.useRealTimers();
		}
	});
});

describe('changes between polls', () => {
	test('the first job: rvChanged, no previous, no changes', async () => {
		const {watcher, events} = harness([written(1)]);
		await watcher.run();
		const [first] = ofType(events, 'job');
		expect(first!.rvChanged).toBe(true);
		expect(first!.previous).toBeUndefined();
		expect(first!.changes).toEqual([]);
	});

	test('a changed counter with a new resourceVersion: the change, with the previous job', async () => {
		const {watcher, events} = harness([written(1), written(2, job => (job['status'].running = 2))]);
		await watcher.run();
		const [, second] = ofType(events, 'job');
		expect(second!.rvChanged).toBe(true);
		expect(second!.previous?.resourceVersion).toBe('1');
		expect(second!.changes).toEqual([{path: 'status.running', label: 'running', old: 3, new: 2, direction: 'down'}]);
	});

	test('the same resourceVersion again: rvChanged false and no changes', async () => {
		const {watcher, events} = harness([written(1), written(1), written(1)]);
		await watcher.run();
		expect(ofType(events, 'job').map(event => [event.rvChanged, event.changes.length])).toEqual([
			[true, 0],
			[false, 0],
			[false, 0],
		]);
	});

	test('a new resourceVersion that changes nothing worth showing: rvChanged, no changes', async () => {
		const {watcher, events} = harness([written(1), written(2, job => (job['status'].state.lastTransitionTime = '2024-03-11T09:00:00Z'))]);
		await watcher.run();
		expect(ofType(events, 'job').map(event => [event.rvChanged, event.changes])).toEqual([
			[true, []],
			[true, []],
		]);
	});

	test('changes are measured against the last job seen, across errors and 404s', async () => {
		const {watcher, events} = harness([
			written(1),
			status(503),
			written(2, job => (job['status'].running = 2)),
			status(404),
			written(3, job => (job['status'].running = 1)),
		]);
		await watcher.run();
		expect(ofType(events, 'job').map(event => event.changes.map(change => [change.path, change.old, change.new]))).toEqual([
			[],
			[['status.running', 3, 2]],
			[['status.running', 2, 1]],
		]);
	});

	test('a job that comes back after a 404 with the same resourceVersion is news again', async () => {
		const {watcher, events} = harness([written(1), status(404), written(1), written(1)]);
		await watcher.run();
		expect(ofType(events, 'job').map(event => event.rvChanged)).toEqual([true, true, false]);
	});

	test('a job without a resourceVersion is always treated as new', async () => {
		const bare = edited(running, job => delete job['metadata'].resourceVersion);
		const {watcher, events} = harness([bare, bare]);
		await watcher.run();
		expect(ofType(events, 'job').map(event => event.rvChanged)).toEqual([true, true]);
	});
});

describe('pollOnce (--once)', () => {
	test('gives up after retries + 1 attempts of a 503, without reporting a refusal', async () => {
		const {watcher, events, client} = harness([status(503), status(503), status(503), status(503), written(1)]);
		const outcome = await watcher.pollOnce(2);
		expect(outcome.kind).toBe('gave-up');
		expect(outcome.kind === 'gave-up' && outcome.error.status).toBe(503);
		expect(client.calls).toBe(3);
		expect(events.map(event => event.type)).toEqual(['retry', 'retry']);
	});

	test('retries 0: one attempt', async () => {
		const {watcher, client} = harness([status(503), written(1)]);
		expect((await watcher.pollOnce(0)).kind).toBe('gave-up');
		expect(client.calls).toBe(1);
	});

	test('a success after a retry returns the job and reports it', async () => {
		const {watcher, events} = harness([status(503), written(1)]);
		const outcome = await watcher.pollOnce(3);
		expect(outcome.kind).toBe('job');
		expect(events.map(event => event.type)).toEqual(['retry', 'job']);
	});

	test('a 404 is not-found at once, reported', async () => {
		const {watcher, events, client} = harness([status(404), written(1)]);
		expect((await watcher.pollOnce(3)).kind).toBe('not-found');
		expect(client.calls).toBe(1);
		expect(events.map(event => event.type)).toEqual(['not-found']);
	});

	test('a 401 is refused at once, reported', async () => {
		const {watcher, events, client} = harness([status(401), written(1)]);
		const outcome = await watcher.pollOnce(3);
		expect(outcome.kind).toBe('refused');
		expect(outcome.kind === 'refused' && outcome.error.category).toBe('unauthorized');
		expect(client.calls).toBe(1);
		expect(events.map(event => event.type)).toEqual(['refused']);
	});
});

describe('control: stop, pause, poll now', () => {
	test('stop() during a wait ends run() at once (real sleep, 10-minute interval)', async () => {
		const {watcher, events} = harness([written(1), written(2)], {sleep: undefined, intervalMs: 600_000});
		watcher.subscribe(event => {
			if (event.type === 'job') {
				setTimeout(() => watcher.stop(), 10);
			}
		});
		let deadline: NodeJS.Timeout | undefined;
		const ended = await Promise.race([
			watcher.run().then(() => 'ended'),
			new Promise(resolve => {
				deadline = setTimeout(resolve, 10_000, 'still in its 10-minute wait 10 s after stop()');
			}),
		]);
		clearTimeout(deadline);
		expect(ended).toBe('ended');
		expect(ofType(events, 'job')).toHaveLength(1);
	});

	test('stop() during a request ends run(): the request is cancelled through its signal', async () => {
		const signals: AbortSignal[] = [];
		const hanging = async (signal: AbortSignal) =>
			new Promise<ApiObject>((_resolve, reject) => {
				signals.push(signal);
				signal.addEventListener('abort', () => reject(signal.reason as Error), {once: true});
			});
		const {watcher, events} = harness([hanging]);
		const done = watcher.run();
		await until(() => signals.length === 1, 'the request');
		watcher.stop();
		await done;
		expect(signals[0]!.aborted).toBe(true);
		expect(events).toEqual([]);
	});

	test('stop() during a retry wait ends run() without another request', async () => {
		const {watcher, client, log} = harness([status(503), written(1)], {waits: 'manual'});
		const done = watcher.run();
		await until(() => log.includes('retry 2000'), 'the retry');
		watcher.stop();
		await done;
		expect(client.calls).toBe(1);
	});

	test('setPaused(true) stops polling until setPaused(false)', async () => {
		const {watcher, client, log} = harness([written(1), written(2)]);
		watcher.subscribe(event => {
			if (event.type === 'job' && client.calls === 1) {
				watcher.setPaused(true);
			}
		});
		const done = watcher.run();
		await until(() => log.includes('paused'), 'the pause');
		for (let index = 0; index < 20; index++) {
			await tick();
		}

		expect(client.calls).toBe(1);
		expect(watcher.paused).toBe(true);
		watcher.setPaused(false);
		await done;
		expect(watcher.paused).toBe(false);
		expect(log).toEqual(['get', 'job', 'paused', 'wait 2000', 'resumed', 'get', 'job', 'wait 2000', 'get']);
	});

	test('setPaused with the current value does nothing', async () => {
		const {watcher, events} = harness([]);
		watcher.setPaused(false);
		watcher.setPaused(true);
		watcher.setPaused(true);
		watcher.setPaused(false);
		expect(events.map(event => event.type)).toEqual(['paused', 'resumed']);
	});

	test('stop() while paused ends run()', async () => {
		const {watcher, client} = harness([written(1), written(2)]);
		watcher.subscribe(event => {
			if (event.type === 'job') {
				watcher.setPaused(true);
			}
		});
		const done = watcher.run();
		await until(() => watcher.paused, 'the pause');
		await tick();
		watcher.stop();
		await done;
		expect(client.calls).toBe(1);
	});

	test('pollNow() cuts the interval wait short', async () => {
		const {watcher, client, log} = harness([written(1), written(2)], {waits: 'manual', intervalMs: 600_000});
		const done = watcher.run();
		await until(() => log.includes('wait 600000'), 'the 10-minute wait');
		for (let index = 0; index < 20; index++) {
			await tick();
		}

		expect(client.calls).toBe(1);
		watcher.pollNow();
		await until(() => client.calls === 2, 'the second request');
		expect(log.slice(0, 4)).toEqual(['get', 'job', 'wait 600000', 'get']);
		watcher.stop();
		await done;
	});

	test('pollNow() cuts a retry wait short too, and the next wait is a full one again', async () => {
		const {watcher, client, log} = harness([status(503), written(1), written(2)], {waits: 'manual'});
		const done = watcher.run();
		await until(() => log.includes('retry 2000'), 'the retry');
		watcher.pollNow();
		await until(() => log.filter(line => line === 'job').length === 1, 'the job');
		await until(() => log.at(-1) === 'wait 2000', 'the interval\'s wait');
		for (let index = 0; index < 20; index++) {
			await tick();
		}

		expect(client.calls).toBe(2);
		watcher.stop();
		await done;
	});

	test('unsubscribe stops the events for that listener only', async () => {
		const {watcher, events} = harness([written(1), written(2)]);
		const mine: WatchEvent[] = [];
		const unsubscribe = watcher.subscribe(event => {
			mine.push(event);
			unsubscribe();
		});
		await watcher.run();
		expect(mine).toHaveLength(1);
		expect(ofType(events, 'job')).toHaveLength(2);
	});
});
