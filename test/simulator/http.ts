import {afterEach, expect} from 'vitest';
import {startSimulator} from '../../source/simulator/server.js';
import type {Simulator, SimulatorOptions} from '../../source/simulator/simulator-types.js';

export type Json = Record<string, any>;

/** The ERROR event kube-apiserver ends a watch with when it starts before the window: 410 Expired. */
export function expiredEvent(from: string | number, current: string | number): Json {
	return {
		type: 'ERROR',
		object: {
			kind: 'Status',
			apiVersion: 'v1',
			metadata: {},
			status: 'Failure',
			message: `too old resource version: ${from} (${current})`,
			reason: 'Expired',
			code: 410,
		},
	};
}

export type JsonResponse = {readonly status: number; readonly body: Json; readonly response: Response};

/** One request to the simulator, its body read as JSON (errors too: the simulator answers every one with a Status). */
export async function getJson(url: string | URL, init?: RequestInit): Promise<JsonResponse> {
	const response = await fetch(url, init);
	return {status: response.status, body: (await response.json()) as Json, response};
}

/**
 * Starts simulators with these defaults and closes every one after each test; `closeClients` runs first, for
 * what a file keeps open against them (streams), so no close waits on a connection still in use.
 */
export function simulatorsFor(defaults: SimulatorOptions, closeClients?: () => void): (options?: SimulatorOptions) => Promise<Simulator> {
	const open: Simulator[] = [];
	afterEach(async () => {
		closeClients?.();
		await Promise.all(open.splice(0).map(async simulator => simulator.close()));
	});
	return async options => {
		const simulator = await startSimulator({...defaults, ...options});
		open.push(simulator);
		return simulator;
	};
}

/** A simulated clock that moves only when told. */
export type ManualClock = {
	readonly now: () => number;
	/** Moves the clock on, then runs what fell due (the simulator's tick). */
	advance(ms: number, simulator?: Simulator): void;
};

export function manualClock(start = Date.UTC(2026, 11, 5, 10)): ManualClock {
	let at = start;
	return {
		now: () => at,
		advance(ms, simulator) {
			at += ms;
			simulator?.tick();
		},
	};
}

/** Moves the clock in steps (each followed by a tick), as time passing would. */
export function pass(clock: ManualClock, simulator: Simulator, totalMs: number, stepMs = 1000): void {
	for (let passed = 0; passed < totalMs; passed += stepMs) {
		clock.advance(Math.min(stepMs, totalMs - passed), simulator);
	}
}

export type WatchStream = {
	readonly response: Response;
	/** The next event, or 'end' when the server ended the stream, or 'timeout'. */
	next(timeoutMs?: number): Promise<Json | 'end' | 'timeout'>;
	/** Events until the stream ends (or the time is up). */
	collect(timeoutMs: number): Promise<{events: Json[]; ended: boolean}>;
	readonly failed: Promise<Error>;
	close(): void;
};

/** Opens watch streams and closes them all, before the simulators, after each test. */
export function watchesFor(defaults: SimulatorOptions): {
	start: (options?: SimulatorOptions) => Promise<Simulator>;
	watch: (url: string) => Promise<WatchStream>;
} {
	const streams: WatchStream[] = [];
	const start = simulatorsFor(defaults, () => {
		for (const stream of streams.splice(0)) {
			stream.close();
		}
	});
	return {
		start,
		async watch(url) {
			const stream = await openWatch(url);
			streams.push(stream);
			return stream;
		},
	};
}

export async function openWatch(url: string): Promise<WatchStream> {
	const controller = new AbortController();
	const response = await fetch(url, {signal: controller.signal});
	const queue: Array<Json | 'end'> = [];
	let wake: (() => void) | undefined;
	let fail: (error: Error) => void = () => {};
	const failed = new Promise<Error>(resolve => {
		fail = resolve;
	});
	void (async () => {
		let buffer = '';
		try {
			for await (const chunk of response.body!.pipeThrough(new TextDecoderStream())) {
				buffer += chunk;
				let newline = buffer.indexOf('\n');
				while (newline >= 0) {
					queue.push(JSON.parse(buffer.slice(0, newline)) as Json);
					buffer = buffer.slice(newline + 1);
					newline = buffer.indexOf('\n');
				}

				wake?.();
			}

			expect(buffer).toBe('');
			queue.push('end');
		} catch (error) {
			fail(error as Error);
		}

		wake?.();
	})();

	async function next(timeoutMs = 2000): Promise<Json | 'end' | 'timeout'> {
		const deadline = Date.now() + timeoutMs;
		while (queue.length === 0) {
			const left = deadline - Date.now();
			if (left <= 0) {
				return 'timeout';
			}

			await new Promise<void>(resolve => {
				const timer = setTimeout(resolve, left);
				wake = () => {
					clearTimeout(timer);
					resolve();
				};
			});
		}

		const item = queue[0]!;
		if (item !== 'end') {
			queue.shift();
		}

		return item;
	}

	return {
		response,
		next,
		async collect(timeoutMs) {
			const deadline = Date.now() + timeoutMs;
			const events: Json[] = [];
			for (;;) {
				const item = await next(Math.max(0, deadline - Date.now()));
				if (item === 'timeout') {
					return {events, ended: false};
				}

				if (item === 'end') {
					return {events, ended: true};
				}

				events.push(item);
			}
		},
		failed,
		close() {
			controller.abort();
		},
	};
}

export async function nextEvent(stream: WatchStream, timeoutMs?: number): Promise<Json> {
	const item = await stream.next(timeoutMs);
	if (typeof item === 'string') {
		throw new Error(`expected an event, got ${item}`);
	}

	return item;
}

/**
 * Every event the stream was sent so far, however slowly they arrive: the simulator ends its streams (after what
 * it has written), and the stream is read to its end. For the last look at a stream.
 */
export async function everythingSent(simulator: Simulator, stream: WatchStream): Promise<Json[]> {
	simulator.dropWatches('end');
	const {events, ended} = await stream.collect(10_000);
	expect(ended, 'the stream to end').toBe(true);
	return events;
}

/** The events already on the wire (a short wait for them to arrive, no more). */
export async function pending(stream: WatchStream, settleMs = 100): Promise<Json[]> {
	return (await stream.collect(settleMs)).events;
}

export const rv = (object: Json): number => Number(object.metadata.resourceVersion);

export function jobsUrl(simulator: Simulator, query = '', namespace = simulator.scenario.namespace): string {
	return `${simulator.url}/apis/batch.volcano.sh/v1alpha1/namespaces/${namespace}/jobs${query}`;
}

export async function jobRv(simulator: Simulator, name = simulator.scenario.jobName): Promise<number> {
	return rv((await getJson(`${jobsUrl(simulator)}/${name}`)).body);
}

/** Moves the clock in steps until the stream yields an event: the event, and the simulated ms that took. */
export async function passUntilEvent(
	clock: ManualClock,
	simulator: Simulator,
	stream: WatchStream,
	limitMs: number,
	stepMs = 1000,
): Promise<{event: Json; afterMs: number}> {
	for (let passed = 0; passed <= limitMs; passed += stepMs) {
		const item = await stream.next(25);
		if (item === 'end') {
			throw new Error(`the stream ended after ${passed} ms of simulated time`);
		}

		if (item !== 'timeout') {
			return {event: item, afterMs: passed};
		}

		clock.advance(stepMs, simulator);
	}

	throw new Error(`no event within ${limitMs} ms of simulated time`);
}
