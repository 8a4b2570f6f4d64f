import pRetry from 'p-retry';
import {ApiError, errorFromResponse} from './api-error.js';
import {createJobIndex, type JobDelta, type Normalize} from './job-index.js';
import type {ApiClient, EventStream} from './job-client.js';
import {jobsPath, listJobs, type JobList} from './list-jobs.js';
import {refusedDelayMs, retryDelayMs, type RetrySettings} from './retry-policy.js';
import {sleep as realSleep, type Sleep} from './sleep.js';
import type {WatchMode} from './watch-job.js';
import type {RawWatchEvent} from './watch-stream.js';

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
	/** Watching: opened false while the first list is under way, true each time a stream opens. */
	| {readonly type: 'watching'; readonly at: number; readonly opened: boolean}
	/** The watch was refused (auto mode): a list every interval from now on, and why. */
	| {readonly type: 'polling'; readonly at: number; readonly reason: string; readonly error: ApiError}
	| {readonly type: 'retry'; readonly at: number; readonly attempt: number; readonly delayMs: number; readonly error: ApiError}
	| {readonly type: 'refused'; readonly at: number; readonly error: ApiError; readonly delayMs: number}
	| {readonly type: 'paused' | 'resumed'; readonly at: number};

export type NamespaceListener = (event: NamespaceEvent) => void;

export type NamespaceWatcherOptions = RetrySettings & {
	/** Without stream() the watcher lists every interval, whatever the mode. */
	readonly api: Pick<ApiClient, 'get'> & Partial<Pick<ApiClient, 'stream'>>;
	/** auto: list, then watch from the list's resourceVersion, and list every interval when watches are refused. Default poll. */
	readonly mode?: WatchMode;
	/** A stream silent for longer (no event, not even a bookmark) is reopened. Default 2 minutes. */
	readonly watchIdleMs?: number;
	/** The timeoutSeconds asked of the server for each stream, before jitter (default 300). */
	readonly watchTimeoutSeconds?: number;
	/**
	 * Stream events are reported at most once per this many ms: the first after a quiet spell at once, the ones
	 * that follow it together. A busy namespace sends dozens a second, and each report redraws the table.
	 * Default 500.
	 */
	readonly batchMs?: number;
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
	/** Lists and watches (or lists at every interval) until stop(); resolves then. */
	run(): Promise<void>;
	/** One listing with at most `retries` retries, for --once. */
	pollOnce(retries: number): Promise<ListOutcome>;
	stop(): void;
	/** Cut the current wait short, or list again while watching (the `r` key). */
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

const defaultWatchIdleMs = 120_000;
const defaultWatchTimeoutSeconds = 300;
const defaultBatchMs = 500;
// A stream that ends with nothing in it sooner than this "closed at once": twice in a row is a refusal.
const quickCloseMs = 1000;
// Longer gaps between bookmarks are not learnt from: a server that silent is better reconnected.
const longestBookmarkGapMs = 10 * 60_000;

function resourceVersionOf(object: Record<string, unknown>): string | undefined {
	const rv = (object['metadata'] as {resourceVersion?: unknown} | null | undefined)?.resourceVersion;
	return typeof rv === 'string' && rv !== '' ? rv : undefined;
}

/**
 * A refusal of the watch itself, while the list of the same jobs works: a hop that does not pass watches
 * (404, 405, 501), a query it does not take (400), a permission to list but not to watch (403).
 */
function refusesWatch(error: ApiError): boolean {
	if (error.status === 501) return true;
	return !error.retryable && error.status !== undefined && error.status >= 400 && error.status < 500 && ![401, 407, 410].includes(error.status);
}

type StreamEnd =
	| {readonly kind: 'ended'; readonly events: number; readonly openedAt: number}
	| {readonly kind: 'expired'; readonly error: ApiError}
	| {readonly kind: 'woken'}
	| {readonly kind: 'refused'; readonly error: ApiError}
	| {readonly kind: 'failed'; readonly error: ApiError};

/**
 * The namespace's jobs: one paged list, then a watch from the list's resourceVersion (reopened from the last
 * one seen when it ends, listed again after a 410); or, polling, a list every `intervalMs` after the previous
 * one ended. Retried with backoff like the single job's loop. Every list is reconciled with what is known and
 * every event applied to it: only jobs whose resourceVersion moved are read again, only the ones that changed
 * are reported.
 */
export function createNamespaceWatcher(options: NamespaceWatcherOptions): NamespaceWatcher {
	const sleep = options.sleep ?? realSleep;
	const now = options.now ?? Date.now;
	const slowRequestMs = options.slowRequestMs ?? 400;
	const listeners = new Set<NamespaceListener>();
	const stopController = new AbortController();
	const index = createJobIndex({namespace: options.namespace, ...(options.normalize ? {normalize: options.normalize} : {})});
	const random = options.random ?? Math.random;
	const mode = options.mode ?? 'poll';
	const batchMs = options.batchMs ?? defaultBatchMs;
	const {api} = options;
	let wakeController = new AbortController();
	let resume: (() => void) | undefined;
	let paused = false;
	let listed = false;
	// Watching: whether, from where, and how it has gone lately.
	let streaming = mode !== 'poll' && api.stream !== undefined;
	let needList = true;
	let watchRv: string | undefined;
	let streamFailures = 0;
	let quickCloses = 0;
	let expiredInARow = 0;
	let bookmarkGapMs = 0;
	// Deltas from the stream not yet reported, the timer that reports them, and when they last were.
	let pending: JobDelta[] = [];
	let flushTimer: NodeJS.Timeout | undefined;
	let flushedAt = Number.NEGATIVE_INFINITY;

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

	function flush(): void {
		clearTimeout(flushTimer);
		flushTimer = undefined;
		if (pending.length === 0) return;
		const deltas = pending;
		pending = [];
		flushedAt = now();
		emit({type: 'jobs', at: flushedAt, deltas, first: false, total: index.size});
	}

	function flushSoon(): void {
		if (flushTimer !== undefined) return;
		const waitMs = flushedAt + batchMs - now();
		if (waitMs <= 0) flush();
		else flushTimer = setTimeout(flush, waitMs);
	}

	function report(outcome: ListOutcome): number {
		const at = now();
		if (outcome.kind === 'listed') {
			// What the stream brought before the list comes first: the list is newer.
			flush();
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

	async function backOff(error: ApiError): Promise<void> {
		streamFailures++;
		const delayMs = retryDelayMs(streamFailures, error, options, options.random);
		emit({type: 'retry', at: now(), attempt: streamFailures, delayMs, error});
		await wait(delayMs);
	}

	async function refused(error: ApiError): Promise<void> {
		const delayMs = refusedDelayMs(options);
		emit({type: 'refused', at: now(), error, delayMs});
		await wait(delayMs);
	}

	/** The server will not serve the watch: list every interval instead (auto), or say so and ask again later. */
	async function watchRefused(error: ApiError, why: string): Promise<void> {
		quickCloses = 0;
		if (mode === 'auto') {
			streaming = false;
			emit({type: 'polling', at: now(), reason: `the server refused watch (${why})`, error});
			await wait(options.intervalMs);
			return;
		}

		await refused(new ApiError({...error.toJSON(), summary: `the server refused watch (${why}): ${error.summary}`}));
	}

	function onEvent(event: RawWatchEvent): ApiError | 'expired' | undefined {
		const {type, object} = event;
		switch (type) {
			case 'ADDED':
			case 'MODIFIED':
			case 'DELETED': {
				watchRv = resourceVersionOf(object) ?? watchRv;
				const delta = index.apply(type, object);
				if (delta) {
					pending.push(delta);
					flushSoon();
				}

				return undefined;
			}

			case 'BOOKMARK': {
				watchRv = resourceVersionOf(object) ?? watchRv;
				return undefined;
			}

			case 'ERROR': {
				const code = typeof object['code'] === 'number' ? object['code'] : 500;
				const reason = object['reason'];
				if (code === 410 || reason === 'Expired' || reason === 'Gone') return 'expired';
				return errorFromResponse({status: code, body: JSON.stringify(object)}, now());
			}

			default: {
				return undefined;
			}
		}
	}

	async function readStream(stream: EventStream, openedAt: number, signal: AbortSignal): Promise<StreamEnd> {
		let events = 0;
		let lastBookmarkAt: number | undefined;
		try {
			for await (const event of stream.events) {
				events++;
				if (event.type !== 'ERROR') {
					// An event, a bookmark included: the stream works, the backoff starts over.
					streamFailures = 0;
					expiredInARow = 0;
				}

				if (event.type === 'BOOKMARK') {
					const at = now();
					if (lastBookmarkAt !== undefined) bookmarkGapMs = Math.max(bookmarkGapMs, Math.min(longestBookmarkGapMs, at - lastBookmarkAt));
					lastBookmarkAt = at;
				}

				const problem = onEvent(event);
				if (problem === 'expired') {
					return {kind: 'expired', error: new ApiError({category: 'client', status: 410, reason: 'Expired', summary: '410 Expired: the watch resourceVersion is too old'})};
				}

				if (problem) return {kind: 'failed', error: problem};
			}

			return {kind: 'ended', events, openedAt};
		} catch (error) {
			if (signal.aborted) {
				if (stopController.signal.aborted) throw error;
				return {kind: 'woken'};
			}

			const apiError = asApiError(error);
			// A connection cut mid-stream (a proxy's idle timeout) is a stream that ended: reopened at once.
			return apiError.category === 'network' ? {kind: 'ended', events, openedAt} : {kind: 'failed', error: apiError};
		} finally {
			flush();
		}
	}

	/** Opens a stream from watchRv and reads it to its end. */
	async function streamOnce(): Promise<StreamEnd> {
		// Tied by hand to stop() and to `r` / pause, for the same reason as the client's request scope.
		const controller = new AbortController();
		const wake = wakeController.signal;
		const cancel = () => controller.abort(new Error('stream ended by the watcher'));
		stopController.signal.addEventListener('abort', cancel, {once: true});
		wake.addEventListener('abort', cancel, {once: true});
		if (wake.aborted || stopController.signal.aborted) cancel();
		try {
			const idleTimeoutMs = Math.max(options.watchIdleMs ?? defaultWatchIdleMs, 2 * bookmarkGapMs);
			// Jitter, as client-go does: many watchers do not all come back in the same second.
			const timeoutSeconds = Math.max(1, Math.round((options.watchTimeoutSeconds ?? defaultWatchTimeoutSeconds) * (1 + random())));
			const query: Record<string, string> = {
				watch: '1',
				...(watchRv ? {resourceVersion: watchRv} : {}),
				allowWatchBookmarks: 'true',
				timeoutSeconds: String(timeoutSeconds),
				...(options.selector ? {labelSelector: options.selector} : {}),
			};
			let stream: EventStream;
			try {
				stream = await api.stream!(jobsPath(options.namespace), {query, signal: controller.signal, idleTimeoutMs});
			} catch (error) {
				if (controller.signal.aborted) {
					if (stopController.signal.aborted) throw error;
					return {kind: 'woken'};
				}

				const apiError = asApiError(error);
				if (apiError.status === 410) return {kind: 'expired', error: apiError};
				return refusesWatch(apiError) ? {kind: 'refused', error: apiError} : {kind: 'failed', error: apiError};
			}

			const openedAt = now();
			emit({type: 'watching', at: openedAt, opened: true});
			return await readStream(stream, openedAt, controller.signal);
		} finally {
			stopController.signal.removeEventListener('abort', cancel);
			wake.removeEventListener('abort', cancel);
		}
	}

	/** A list when one is needed, then one stream from open to end; what happens after is decided here. */
	async function watchRound(): Promise<void> {
		if (needList) {
			const outcome = await poll(Number.POSITIVE_INFINITY);
			const delayMs = report(outcome);
			if (stopController.signal.aborted) return;
			if (outcome.kind !== 'listed') {
				await wait(delayMs);
				return;
			}

			needList = false;
			watchRv = outcome.list.resourceVersion || undefined;
		}

		const end = await streamOnce();
		switch (end.kind) {
			case 'woken': {
				if (wakeController.signal.aborted) wakeController = new AbortController();
				// `r` or a pause: what happened meanwhile is read from a fresh list.
				needList = true;
				return;
			}

			case 'refused': {
				await watchRefused(end.error, String(end.error.status));
				return;
			}

			case 'ended': {
				if (end.events === 0 && now() - end.openedAt < quickCloseMs) {
					quickCloses++;
					if (quickCloses >= 2) {
						await watchRefused(new ApiError({category: 'network', summary: 'watch streams closed at once, with nothing in them'}), 'streams closed at once');
					}

					return;
				}

				quickCloses = 0;
				return;
			}

			case 'expired': {
				// The resourceVersion left the server's history: list again, and report only what changed.
				needList = true;
				expiredInARow++;
				if (expiredInARow >= 2) await backOff(end.error);
				return;
			}

			case 'failed': {
				quickCloses = 0;
				if (end.error.retryable) await backOff(end.error);
				else await refused(end.error);
			}
		}
	}

	return {
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		async run() {
			if (streaming) emit({type: 'watching', at: now(), opened: false});
			try {
				while (!stopController.signal.aborted) {
					if (paused) {
						// eslint-disable-next-line no-await-in-loop
						await untilResumed();
						continue;
					}

					if (streaming) {
						// eslint-disable-next-line no-await-in-loop
						await watchRound();
						continue;
					}

					// eslint-disable-next-line no-await-in-loop
					const delayMs = report(await poll(Number.POSITIVE_INFINITY));
					// eslint-disable-next-line no-await-in-loop
					await wait(delayMs);
				}
			} catch (error) {
				if (!stopController.signal.aborted) throw error;
			} finally {
				clearTimeout(flushTimer);
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
