import pRetry from 'p-retry';
import {ApiError, errorFromResponse} from './api-error.js';
import {diffJob} from './diff-job.js';
import type {EventStream, JobClient, JobResponse} from './job-client.js';
import {normalizeJob} from './normalize-job.js';
import {refusedDelayMs, retryDelayMs, type RetrySettings} from './retry-policy.js';
import {sleep as realSleep, type Sleep} from './sleep.js';
import type {Change, Job} from './types.js';
import type {RawWatchEvent} from './watch-stream.js';

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
	/** The job does not exist: a 404, or (deleted: true) a DELETED event on the watch stream. */
	| {readonly type: 'not-found'; readonly at: number; readonly error: ApiError; readonly delayMs: number; readonly deleted?: boolean}
	/**
	 * Watching: opened false when the first GET is under way, true each time a stream opens (the last job
	 * seen rides along, for a "recovered" line).
	 */
	| {readonly type: 'watching'; readonly at: number; readonly opened: boolean; readonly job?: Job}
	/** The watch was refused (auto mode): polling from now on, and why. */
	| {readonly type: 'polling'; readonly at: number; readonly reason: string; readonly error: ApiError}
	| {readonly type: 'retry'; readonly at: number; readonly attempt: number; readonly delayMs: number; readonly error: ApiError}
	| {readonly type: 'refused'; readonly at: number; readonly error: ApiError; readonly delayMs: number}
	| {readonly type: 'paused' | 'resumed'; readonly at: number};

export type WatchListener = (event: WatchEvent) => void;

/** auto: watch, and poll when the server refuses watches; watch: watch only (a refusal is an error); poll. */
export type WatchMode = 'auto' | 'watch' | 'poll';

export type WatcherOptions = RetrySettings & {
	/** Without watchJob the watcher polls, whatever the mode. */
	readonly client: Pick<JobClient, 'getJob'> & Partial<Pick<JobClient, 'watchJob'>>;
	/** Default poll. */
	readonly mode?: WatchMode;
	/**
	 * A stream silent for longer (no event, not even a bookmark) is taken as stalled and reopened with backoff.
	 * Default 2 minutes: twice the API server's bookmark interval (about a minute). Stretched to twice the
	 * longest gap between bookmarks seen, for a server that sends them less often.
	 */
	readonly watchIdleMs?: number;
	/** The timeoutSeconds asked of the server for each stream, before jitter (default 300). */
	readonly watchTimeoutSeconds?: number;
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

const defaultWatchIdleMs = 120_000;
const defaultWatchTimeoutSeconds = 300;
// A stream that ends with nothing in it sooner than this "closed at once": twice in a row is a refusal.
const quickCloseMs = 1000;
// Longer gaps between bookmarks are not learnt from: a server that silent is better reconnected.
const longestBookmarkGapMs = 10 * 60_000;

/**
 * The resourceVersion a GET sent is no good: expired from the server's cache (410), or newer than a lagging
 * server has seen (504 "Too large resource version"). The GET is sent again without it.
 */
function isStaleResourceVersion(error: unknown): boolean {
	return error instanceof ApiError && (error.status === 410 || (error.status === 504 && /too large resource version/i.test(error.summary)));
}

function resourceVersionOf(object: Record<string, unknown>): string | undefined {
	const rv = (object['metadata'] as {resourceVersion?: unknown} | null | undefined)?.resourceVersion;
	return typeof rv === 'string' && rv !== '' ? rv : undefined;
}

function nameOf(object: Record<string, unknown>): unknown {
	return (object['metadata'] as {name?: unknown} | null | undefined)?.name;
}

/**
 * A refusal of the watch itself, while the GET of the same job works: a hop that does not pass watches (404,
 * 405, 501), a query it does not take (400), a permission to get but not to watch (403). 401 is the
 * credentials' and 410 the resourceVersion's, not the watch's.
 */
function refusesWatch(error: ApiError): boolean {
	if (error.status === 501) return true;
	return !error.retryable && error.status !== undefined && error.status >= 400 && error.status < 500 && ![401, 407, 410].includes(error.status);
}

/** Why the stream ended, as far as what happens next is concerned. */
type StreamEnd =
	| {readonly kind: 'ended'; readonly events: number; readonly openedAt: number}
	| {readonly kind: 'expired'; readonly error: ApiError}
	| {readonly kind: 'woken'}
	/** The server does not serve this watch. */
	| {readonly kind: 'refused'; readonly error: ApiError}
	| {readonly kind: 'failed'; readonly error: ApiError};

/**
 * The watch loop. Polling: fetch, normalise, diff, tell the listeners, sleep `interval` after the fetch
 * finished (never two requests in flight), retry transient failures with backoff through p-retry. Watching:
 * one GET for the job and its resourceVersion, then a stream of its changes from there, each through the
 * same normalise and diff as a poll; streams that end are reopened from the last resourceVersion. It knows
 * nothing of React or of the terminal.
 */
export function createJobWatcher(options: WatcherOptions): JobWatcher {
	const sleep = options.sleep ?? realSleep;
	const now = options.now ?? Date.now;
	const random = options.random ?? Math.random;
	const slowRequestMs = options.slowRequestMs ?? 400;
	const mode = options.mode ?? 'poll';
	const {client} = options;
	const listeners = new Set<WatchListener>();
	const stopController = new AbortController();
	let wakeController = new AbortController();
	let resume: (() => void) | undefined;
	let paused = false;
	let previous: Job | undefined;
	let previousRv: string | undefined;
	// A job that comes back after a 404 is news even with the same resourceVersion.
	let missing = false;
	// Polls send the last resourceVersion seen ("not older than"), so an answer from a lagging cache never
	// takes the view back in time.
	let pollRv: string | undefined;

	// Watching: whether, from where, and how it has gone lately.
	let streaming = mode !== 'poll' && client.watchJob !== undefined;
	// A GET comes first: at the start, after a 410, and when asked to look now.
	let needGet = true;
	let watchRv: string | undefined;
	let streamFailures = 0;
	let quickCloses = 0;
	let expiredInARow = 0;
	let bookmarkGapMs = 0;

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
		const rv = pollRv;
		try {
			return await (rv === undefined ? client.getJob(stopController.signal) : client.getJob(stopController.signal, {resourceVersion: rv}));
		} catch (error) {
			if (rv === undefined || !isStaleResourceVersion(error) || stopController.signal.aborted) throw error;
			// Not a failure of the server: ask again at once for the latest (a quorum read).
			pollRv = undefined;
			return await client.getJob(stopController.signal);
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
				pollRv = typeof rv === 'string' && rv !== '' ? rv : undefined;
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

	/** A wait after a failed watch, with the same backoff as a failed poll. */
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

	/** The server will not serve this watch: poll instead (auto), or say so and ask again later (--watch). */
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
				const rv = resourceVersionOf(object);
				if (rv) watchRv = rv;
				// The field selector should make every event this job's; a hop that drops the query must not
				// make another job's changes look like ours.
				if (nameOf(object) !== options.name) return undefined;
				if (type === 'DELETED') {
					missing = true;
					emit({
						type: 'not-found',
						at: now(),
						deleted: true,
						delayMs: 0,
						error: new ApiError({category: 'not-found', status: 404, reason: 'NotFound', summary: `${options.namespace}/${options.name} was deleted`}),
					});
				} else {
					report({kind: 'job', response: {raw: object, bytes: 0}});
				}

				return undefined;
			}

			case 'BOOKMARK': {
				const rv = resourceVersionOf(object);
				if (rv) watchRv = rv;
				return undefined;
			}

			case 'ERROR': {
				const code = typeof object['code'] === 'number' ? object['code'] : 500;
				const reason = object['reason'];
				if (code === 410 || reason === 'Expired' || reason === 'Gone') return 'expired';
				return errorFromResponse({status: code, body: JSON.stringify(object)}, now());
			}

			default: {
				// A type this client does not know (a newer API server's): nothing to act on.
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
			// A connection cut mid-stream (a proxy's idle timeout, a restart) is a stream that ended: reopened at
			// once. Silence and garbled lines are failures: backoff.
			return apiError.category === 'network' ? {kind: 'ended', events, openedAt} : {kind: 'failed', error: apiError};
		}
	}

	/** Opens a stream from watchRv and reads it to its end. */
	async function streamOnce(): Promise<StreamEnd> {
		// One controller for the stream, ended by stop(), pause, `r`: tied by hand, for the same reason as the
		// client's (AbortSignal.any() would keep every stream's listener on the long-lived signals).
		const controller = new AbortController();
		const wake = wakeController.signal;
		const cancel = () => controller.abort(new Error('stream ended by the watcher'));
		stopController.signal.addEventListener('abort', cancel, {once: true});
		wake.addEventListener('abort', cancel, {once: true});
		// A listener added to a signal already aborted never runs: stop() from a listener of the GET's answer
		// (--exit-on-finish) must not leave a stream open.
		if (wake.aborted || stopController.signal.aborted) cancel();
		try {
			const idleTimeoutMs = Math.max(options.watchIdleMs ?? defaultWatchIdleMs, 2 * bookmarkGapMs);
			// Jitter, as client-go does: many watchers do not all come back in the same second.
			const timeoutSeconds = Math.round((options.watchTimeoutSeconds ?? defaultWatchTimeoutSeconds) * (1 + random()));
			let stream: EventStream;
			try {
				stream = await client.watchJob!({resourceVersion: watchRv, timeoutSeconds, idleTimeoutMs, signal: controller.signal});
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
			emit({type: 'watching', at: openedAt, opened: true, ...(previous && !missing ? {job: previous} : {})});
			return await readStream(stream, openedAt, controller.signal);
		} finally {
			stopController.signal.removeEventListener('abort', cancel);
			wake.removeEventListener('abort', cancel);
		}
	}

	/** One GET if needed, then one stream, from open to end; what happens after is decided here. */
	async function watchRound(): Promise<void> {
		if (needGet) {
			pollRv = undefined;
			const outcome = await poll(Number.POSITIVE_INFINITY);
			const delayMs = report(outcome);
			// A listener may have stopped the watch on this answer (--exit-on-finish).
			if (stopController.signal.aborted) return;
			if (outcome.kind !== 'job' && outcome.kind !== 'not-found') {
				await wait(delayMs);
				return;
			}

			needGet = false;
			// Not found: a watch from no resourceVersion starts with the job as it is, if it appeared meanwhile.
			watchRv = outcome.kind === 'job' ? resourceVersionOf(outcome.response.raw) : undefined;
		}

		const end = await streamOnce();
		switch (end.kind) {
			case 'woken': {
				if (wakeController.signal.aborted) wakeController = new AbortController();
				return;
			}

			case 'refused': {
				// Opening: a refusal is the watch's, not the stream's.
				await watchRefused(end.error, String(end.error.status));
				return;
			}

			case 'ended': {
				const {events, openedAt} = end;
				if (events === 0 && now() - openedAt < quickCloseMs) {
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
				needGet = true;
				expiredInARow++;
				// A fresh GET's resourceVersion too old for the watch: something is wrong, do not spin.
				if (expiredInARow >= 2) await backOff(end.error);
				return;
			}

			case 'failed': {
				quickCloses = 0;
				if (end.error.retryable) {
					await backOff(end.error);
				} else {
					await refused(end.error);
				}
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
				if (streaming) emit({type: 'watching', at: now(), opened: false});
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
			// Watching: a fresh GET, then a new stream from its resourceVersion.
			if (streaming) needGet = true;
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
