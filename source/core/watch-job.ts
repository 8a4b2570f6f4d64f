import pRetry from 'p-retry';
import {ApiError} from './api-error.js';
import {diffJob} from './diff-job.js';
import type {JobClient, JobResponse} from './job-client.js';
import {normalizeJob} from './normalize-job.js';
import {refusedDelayMs, retryDelayMs, type RetrySettings} from './retry-policy.js';
import {sleep as realSleep, type Sleep} from './sleep.js';
import type {Change, Job} from './types.js';

export type WatchEvent =
	| {readonly type: 'fetch-slow'; readonly at: number}
	| {
			readonly type: 'job';
			readonly at: number;
			/** The object exactly as the server sent it. */
			readonly raw: Record<string, unknown>;
			readonly job: Job;
			readonly previous?: Job;
			readonly changes: readonly Change[];
			/** True on the first job seen and whenever metadata.resourceVersion moved. */
			readonly rvChanged: boolean;
			readonly requestId?: string;
	  }
	| {readonly type: 'not-found'; readonly at: number; readonly error: ApiError; readonly delayMs: number}
	| {readonly type: 'retry'; readonly at: number; readonly attempt: number; readonly delayMs: number; readonly error: ApiError}
	| {readonly type: 'refused'; readonly at: number; readonly error: ApiError; readonly delayMs: number}
	| {readonly type: 'paused' | 'resumed'; readonly at: number};

export type WatchListener = (event: WatchEvent) => void;

export type WatcherOptions = RetrySettings & {
	readonly client: Pick<JobClient, 'getJob'>;
	readonly namespace: string;
	readonly name: string;
	/** A request slower than this turns the spinner on; faster ones redraw nothing. */
	readonly slowRequestMs?: number;
	readonly sleep?: Sleep;
	readonly now?: () => number;
	readonly random?: () => number;
};

/** How one poll ended, after p-retry has done its retries. */
export type PollOutcome =
	| {readonly kind: 'job'; readonly response: JobResponse}
	| {readonly kind: 'not-found'; readonly error: ApiError}
	| {readonly kind: 'refused'; readonly error: ApiError}
	| {readonly kind: 'gave-up'; readonly error: ApiError};

export type JobWatcher = {
	subscribe(listener: WatchListener): () => void;
	/** Polls until stop(); resolves then. */
	run(): Promise<void>;
	/** One poll with at most `retries` retries, for --once. */
	pollOnce(retries: number): Promise<PollOutcome>;
	stop(): void;
	/** Cut the current wait short (the `r` key). */
	pollNow(): void;
	setPaused(paused: boolean): void;
	readonly paused: boolean;
};

function asApiError(error: unknown): ApiError {
	return error instanceof ApiError
		? error
		: new ApiError({category: 'network', summary: error instanceof Error ? error.message : String(error)});
}

/**
 * The watch loop: fetch, normalise, diff, tell the listeners, sleep `interval` after the fetch finished
 * (never two requests in flight), retry transient failures with backoff through p-retry. It knows nothing
 * of React or of the terminal.
 */
export function createJobWatcher(options: WatcherOptions): JobWatcher {
	const sleep = options.sleep ?? realSleep;
	const now = options.now ?? Date.now;
	const slowRequestMs = options.slowRequestMs ?? 400;
	const listeners = new Set<WatchListener>();
	const stopController = new AbortController();
	let wakeController = new AbortController();
	let resume: (() => void) | undefined;
	let paused = false;
	let previous: Job | undefined;
	let previousRv: string | undefined;
	// A job that comes back after a 404 is news even with the same resourceVersion.
	let missing = false;

	const emit = (event: WatchEvent) => {
		for (const listener of listeners) {
			listener(event);
		}
	};

	const untilResumed = async () =>
		new Promise<void>(resolve => {
			resume = resolve;
		});

	// Every wait, between polls or between retries, also holds while paused: a pause during an outage
	// sends no more requests.
	const wait = async (ms: number) => {
		await sleep(ms, stopController.signal, wakeController.signal);
		if (wakeController.signal.aborted) {
			wakeController = new AbortController();
		}

		while (paused && !stopController.signal.aborted) {
			// eslint-disable-next-line no-await-in-loop
			await untilResumed();
		}
	};

	async function attempt(): Promise<JobResponse> {
		// The spinner is for slow answers only: a fast poll that changes nothing must write nothing.
		const slowTimer = setTimeout(() => emit({type: 'fetch-slow', at: now()}), slowRequestMs);
		try {
			return await options.client.getJob(stopController.signal);
		} finally {
			clearTimeout(slowTimer);
		}
	}

	async function poll(retries: number): Promise<PollOutcome> {
		try {
			const response = await pRetry(attempt, {
				retries,
				// The wait is computed by retryDelayMs (it must honour Retry-After and the interval floor,
				// which p-retry's own schedule cannot) and slept in onFailedAttempt through the injected
				// sleep, so p-retry adds none of its own.
				minTimeout: 0,
				factor: 1,
				signal: stopController.signal,
				shouldRetry: ({error}) => error instanceof ApiError && error.retryable,
				async onFailedAttempt({error, attemptNumber, retriesLeft}) {
					const apiError = asApiError(error);
					if (!apiError.retryable || retriesLeft <= 0) {
						return;
					}

					const delayMs = retryDelayMs(attemptNumber, apiError, options, options.random);
					emit({type: 'retry', at: now(), attempt: attemptNumber, delayMs, error: apiError});
					await wait(delayMs);
				},
			});
			return {kind: 'job', response};
		} catch (error) {
			if (stopController.signal.aborted) {
				throw error;
			}

			const apiError = asApiError(error);
			if (apiError.category === 'not-found') {
				return {kind: 'not-found', error: apiError};
			}

			return apiError.retryable ? {kind: 'gave-up', error: apiError} : {kind: 'refused', error: apiError};
		}
	}

	function report(outcome: PollOutcome): number {
		const at = now();
		switch (outcome.kind) {
			case 'job': {
				const {raw, requestId} = outcome.response;
				const rv = (raw['metadata'] as {resourceVersion?: unknown} | null | undefined)?.resourceVersion;
				if (previous && !missing && typeof rv === 'string' && rv !== '' && rv === previousRv) {
					// Same resourceVersion, same job: no normalising, no new objects kept. At a fast interval
					// each poll's copy would otherwise outlive a few collections and swell the old generation.
					emit({type: 'job', at, raw, job: previous, previous, changes: [], rvChanged: false, ...(requestId ? {requestId} : {})});
					return options.intervalMs;
				}

				previousRv = typeof rv === 'string' ? rv : undefined;
				const job = normalizeJob(raw, options);
				const rvChanged =
					previous === undefined || missing || job.resourceVersion !== previous.resourceVersion || job.resourceVersion === '';
				missing = false;
				const changes = previous && rvChanged ? diffJob(previous, job) : [];
				emit({
					type: 'job',
					at,
					raw,
					job,
					...(previous ? {previous} : {}),
					changes,
					rvChanged,
					...(requestId ? {requestId} : {}),
				});
				previous = job;
				return options.intervalMs;
			}

			case 'not-found': {
				missing = true;
				emit({type: 'not-found', at, error: outcome.error, delayMs: options.intervalMs});
				return options.intervalMs;
			}

			default: {
				const delayMs = refusedDelayMs(options);
				emit({type: 'refused', at, error: outcome.error, delayMs});
				return delayMs;
			}
		}
	}

	return {
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		async run() {
			try {
				while (!stopController.signal.aborted) {
					if (paused) {
						// eslint-disable-next-line no-await-in-loop
						await untilResumed();
						continue;
					}

					// eslint-disable-next-line no-await-in-loop
					const delayMs = report(await poll(Number.POSITIVE_INFINITY));
					// eslint-disable-next-line no-await-in-loop
					await wait(delayMs);
				}
			} catch (error) {
				if (!stopController.signal.aborted) {
					throw error;
				}
			}
		},
		async pollOnce(retries) {
			const outcome = await poll(retries);
			if (outcome.kind !== 'gave-up') {
				report(outcome);
			}

			return outcome;
		},
		stop() {
			stopController.abort(new Error('stopped'));
			resume?.();
		},
		pollNow() {
			wakeController.abort();
		},
		setPaused(value) {
			if (value === paused) {
				return;
			}

			paused = value;
			emit({type: value ? 'paused' : 'resumed', at: now()});
			if (value) {
				wakeController.abort();
			} else {
				resume?.();
				resume = undefined;
			}
		},
		get paused() {
			return paused;
		},
	};
}
