import pRetry from 'p-retry';
import {ApiError} from './api-error.js';
import {createJobIndex, type JobDelta, type Normalize} from './job-index.js';
import type {ApiClient} from './job-client.js';
import {listJobs, type JobList} from './list-jobs.js';
import {refusedDelayMs, retryDelayMs, type RetrySettings} from './retry-policy.js';
import {sleep as realSleep, type Sleep} from './sleep.js';

export type NamespaceEvent =
	| {readonly type: 'fetch-slow'; readonly at: number}
	| {
			readonly type: 'jobs';
			readonly at: number;
			/** Only the jobs that were added, changed (in what a table shows) or deleted. */
			readonly deltas: readonly JobDelta[];
			/** The first complete listing: every job is "added" in it. */
			readonly first: boolean;
			/** Jobs known after this answer. */
			readonly total: number;
			readonly requestId?: string;
	  }
	| {readonly type: 'retry'; readonly at: number; readonly attempt: number; readonly delayMs: number; readonly error: ApiError}
	| {readonly type: 'refused'; readonly at: number; readonly error: ApiError; readonly delayMs: number}
	| {readonly type: 'paused' | 'resumed'; readonly at: number};

export type NamespaceListener = (event: NamespaceEvent) => void;

export type NamespaceWatcherOptions = RetrySettings & {
	readonly api: Pick<ApiClient, 'get'>;
	readonly namespace: string;
	/** A label selector, passed to the server. */
	readonly selector?: string | undefined;
	readonly pageSize?: number;
	/** Reads one job for the table; passed in so a test can count the jobs read. */
	readonly normalize?: Normalize;
	/** A list slower than this turns the spinner on. */
	readonly slowRequestMs?: number;
	readonly sleep?: Sleep;
	readonly now?: () => number;
	readonly random?: () => number;
};

/** How one listing ended, after its retries. */
export type ListOutcome =
	| {readonly kind: 'listed'; readonly list: JobList}
	| {readonly kind: 'refused'; readonly error: ApiError}
	| {readonly kind: 'gave-up'; readonly error: ApiError};

export type NamespaceWatcher = {
	subscribe(listener: NamespaceListener): () => void;
	/** Lists at every interval until stop(); resolves then. */
	run(): Promise<void>;
	/** One listing with at most `retries` retries, for --once. */
	pollOnce(retries: number): Promise<ListOutcome>;
	stop(): void;
	/** Cut the current wait short (the `r` key). */
	pollNow(): void;
	setPaused(paused: boolean): void;
	readonly paused: boolean;
};

function asApiError(error: unknown): ApiError {
	if (!(error instanceof ApiError)) {
		return new ApiError({category: 'network', summary: error instanceof Error ? error.message : String(error)});
	}

	// A 404 on the collection is not a job that is missing: the jobs API itself is not there.
	return error.category === 'not-found'
		? new ApiError({...error.toJSON(), category: 'bad-endpoint', summary: `${error.summary}; no Volcano jobs API at this server (is Volcano installed?)`})
		: error;
}

/**
 * The namespace's jobs, listed (paged) every `intervalMs` after the previous list ended, retried with backoff
 * like the single job's loop. Each listing is reconciled with what is known: only jobs whose resourceVersion
 * moved are read again, and only the ones that changed are reported.
 */
export function createNamespaceWatcher(options: NamespaceWatcherOptions): NamespaceWatcher {
	const sleep = options.sleep ?? realSleep;
	const now = options.now ?? Date.now;
	const slowRequestMs = options.slowRequestMs ?? 400;
	const listeners = new Set<NamespaceListener>();
	const stopController = new AbortController();
	const index = createJobIndex({namespace: options.namespace, ...(options.normalize ? {normalize: options.normalize} : {})});
	let wakeController = new AbortController();
	let resume: (() => void) | undefined;
	let paused = false;
	let listed = false;

	const emit = (event: NamespaceEvent) => {
		for (const listener of listeners) listener(event);
	};

	const untilResumed = async () =>
		new Promise<void>(resolve => {
			resume = resolve;
		});

	const wait = async (ms: number) => {
		await sleep(ms, stopController.signal, wakeController.signal);
		if (wakeController.signal.aborted) wakeController = new AbortController();
		while (paused && !stopController.signal.aborted) {
			// eslint-disable-next-line no-await-in-loop
			await untilResumed();
		}
	};

	async function attempt(): Promise<JobList> {
		const slowTimer = setTimeout(() => emit({type: 'fetch-slow', at: now()}), slowRequestMs);
		try {
			return await listJobs(options.api, {
				namespace: options.namespace,
				selector: options.selector,
				...(options.pageSize === undefined ? {} : {limit: options.pageSize}),
				signal: stopController.signal,
			});
		} finally {
			clearTimeout(slowTimer);
		}
	}

	async function poll(retries: number): Promise<ListOutcome> {
		try {
			const list = await pRetry(attempt, {
				retries,
				// The wait is retryDelayMs's (Retry-After, the interval floor), slept in onFailedAttempt.
				minTimeout: 0,
				factor: 1,
				signal: stopController.signal,
				shouldRetry: ({error}) => error instanceof ApiError && error.retryable,
				async onFailedAttempt({error, attemptNumber, retriesLeft}) {
					const apiError = asApiError(error);
					if (!apiError.retryable || retriesLeft <= 0) return;
					const delayMs = retryDelayMs(attemptNumber, apiError, options, options.random);
					emit({type: 'retry', at: now(), attempt: attemptNumber, delayMs, error: apiError});
					await wait(delayMs);
				},
			});
			return {kind: 'listed', list};
		} catch (error) {
			if (stopController.signal.aborted) throw error;
			const apiError = asApiError(error);
			return apiError.retryable ? {kind: 'gave-up', error: apiError} : {kind: 'refused', error: apiError};
		}
	}

	function report(outcome: ListOutcome): number {
		const at = now();
		if (outcome.kind === 'listed') {
			const deltas = index.reconcile(outcome.list.items);
			const first = !listed;
			listed = true;
			const {requestId} = outcome.list;
			emit({type: 'jobs', at, deltas, first, total: index.size, ...(requestId ? {requestId} : {})});
			return options.intervalMs;
		}

		const delayMs = refusedDelayMs(options);
		emit({type: 'refused', at, error: outcome.error, delayMs});
		return delayMs;
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
				if (!stopController.signal.aborted) throw error;
			}
		},
		async pollOnce(retries) {
			const outcome = await poll(retries);
			if (outcome.kind !== 'gave-up') report(outcome);
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
			if (value === paused) return;
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
