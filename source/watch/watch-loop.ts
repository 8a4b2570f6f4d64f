import pRetry from 'p-retry';
import {ApiError} from '../api/api-error.js';
import type {PausableWait} from './pausable-wait.js';
import {retryDelayMs, type RetrySettings} from './retry-policy.js';
import type {Sleep} from '../common/sleep.js';
import type {StreamSession, StreamSessionEvent, WatchMode} from './stream-session.js';

/** What the job and namespace watchers are both told. */
export type WatchLoopSettings = RetrySettings & {
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
	/** A request slower than this turns the spinner on; faster ones redraw nothing. */
	readonly slowRequestMs?: number;
	readonly sleep?: Sleep;
	readonly now?: () => number;
	readonly random?: () => number;
};

/** A watcher as its callers see it; Outcome is how one GET or list ended. */
export type Watcher<Event, Outcome> = {
	subscribe(listener: (event: Event) => void): () => void;
	/** Lists or GETs and watches (or polls at every interval) until stop(); resolves then. */
	run(): Promise<void>;
	/** One poll with at most `retries` retries, for --once. */
	pollOnce(retries: number): Promise<Outcome>;
	stop(): void;
	/** Cut the current wait short, or GET / list again while watching (the `r` key). */
	pollNow(): void;
	setPaused(paused: boolean): void;
	readonly paused: boolean;
};

/**
 * One request with at most `retries` retries of transient failures, each announced and waited out. The
 * spinner is for slow answers only: an attempt that takes longer than slowRequestMs says so, a fast one that
 * changes nothing must write nothing.
 */
async function withRetries<T>(
	attempt: () => Promise<T>,
	context: {
		readonly retries: number;
		readonly slowRequestMs: number;
		readonly settings: RetrySettings & {readonly random?: () => number};
		readonly waits: PausableWait;
		readonly asApiError: (error: unknown) => ApiError;
		readonly emit: (event: StreamSessionEvent | {readonly type: 'fetch-slow'; readonly at: number}) => void;
		readonly now: () => number;
	},
): Promise<T> {
	const {settings, waits, emit, now} = context;
	const timed = async () => {
		const slowTimer = setTimeout(() => emit({type: 'fetch-slow', at: now()}), context.slowRequestMs);
		try {
			return await attempt();
		} finally {
			clearTimeout(slowTimer);
		}
	};

	return pRetry(timed, {
		retries: context.retries,
		// The wait is computed by retryDelayMs (it must honour Retry-After and the interval floor, which
		// p-retry's own schedule cannot) and slept in onFailedAttempt through the injected sleep, so p-retry
		// adds none of its own.
		minTimeout: 0,
		factor: 1,
		signal: waits.stopSignal,
		shouldRetry: ({error}) => error instanceof ApiError && error.retryable,
		async onFailedAttempt({error, attemptNumber, retriesLeft}) {
			const apiError = context.asApiError(error);
			if (!apiError.retryable || retriesLeft <= 0) return;
			const delayMs = retryDelayMs(attemptNumber, apiError, settings, settings.random);
			emit({type: 'retry', at: now(), attempt: attemptNumber, delayMs, error: apiError});
			await waits.wait(delayMs);
		},
	});
}

/** How a request ended after its retries: its value, or the error that retrying will not fix (refused) or did not fix. */
export type Settled<T> = {readonly kind: 'ok'; readonly value: T} | {readonly kind: 'refused' | 'gave-up'; readonly error: ApiError};

/** withRetries, with its last failure read as an outcome rather than thrown; a stop still throws. */
export async function settleWithRetries<T>(attempt: () => Promise<T>, context: Parameters<typeof withRetries<T>>[1]): Promise<Settled<T>> {
	try {
		return {kind: 'ok', value: await withRetries(attempt, context)};
	} catch (error) {
		if (context.waits.stopSignal.aborted) throw error;
		const apiError = context.asApiError(error);
		return {kind: apiError.retryable ? 'gave-up' : 'refused', error: apiError};
	}
}

/** Pause or resume, told to the listeners; a pause also ends the wait or the stream under way. */
export function pauseLoop(
	waits: PausableWait,
	paused: boolean,
	emit: (event: {readonly type: 'paused' | 'resumed'; readonly at: number}) => void,
	now: () => number,
): void {
	if (!waits.setPaused(paused)) return;
	emit({type: paused ? 'paused' : 'resumed', at: now()});
	if (paused) waits.wake();
}

/**
 * Until stop(): while paused nothing; while the session streams, one watch round after another; else a poll,
 * then a wait of what it asked for. A stop ends it quietly, whatever it was doing.
 */
export async function runWatchLoop(loop: {
	readonly waits: PausableWait;
	readonly session: StreamSession;
	readonly watchRound: () => Promise<void>;
	/** One poll, reported; resolves with the wait before the next. */
	readonly pollRound: () => Promise<number>;
}): Promise<void> {
	const {waits, session} = loop;
	try {
		while (!waits.stopSignal.aborted) {
			if (waits.paused) {
				// eslint-disable-next-line no-await-in-loop
				await waits.untilResumed();
				continue;
			}

			if (session.streaming) {
				// eslint-disable-next-line no-await-in-loop
				await loop.watchRound();
				continue;
			}

			// eslint-disable-next-line no-await-in-loop
			const delayMs = await loop.pollRound();
			// eslint-disable-next-line no-await-in-loop
			await waits.wait(delayMs);
		}
	} catch (error) {
		if (!waits.stopSignal.aborted) throw error;
	}
}
