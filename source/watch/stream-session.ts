import {ApiError, errorFromResponse} from '../api/api-error.js';
import type {EventStream} from '../api/client.js';
import type {PausableWait} from './pausable-wait.js';
import {refusedDelayMs, retryDelayMs, type RetrySettings} from './retry-policy.js';
import type {RawWatchEvent} from '../api/watch-decoder.js';

/** auto: watch, and poll when the server refuses watches; watch: watch only (a refusal is an error); poll. */
export type WatchMode = 'auto' | 'watch' | 'poll';

/** Why the stream ended, as far as what happens next is concerned. */
export type StreamEnd =
	/** The server ended the body, the connection was cut, or (idle) nothing came for the idle time: reopened at once. */
	| {readonly kind: 'ended'; readonly events: number; readonly openedAt: number; readonly idle?: boolean}
	| {readonly kind: 'expired'; readonly error: ApiError}
	| {readonly kind: 'woken'}
	/** The server does not serve this watch (or the list it starts from: what says which). */
	| {readonly kind: 'refused'; readonly error: ApiError; readonly what?: 'watch' | 'list'}
	| {readonly kind: 'failed'; readonly error: ApiError};

/** What a stream session tells the watcher's listeners. */
export type StreamSessionEvent =
	/** The watch was refused (auto mode): polling from now on, and why. */
	| {readonly type: 'polling'; readonly at: number; readonly reason: string; readonly error: ApiError}
	| {readonly type: 'retry'; readonly at: number; readonly attempt: number; readonly delayMs: number; readonly error: ApiError}
	// delayMs: when the next look comes; none after --once's only look.
	| {readonly type: 'refused'; readonly at: number; readonly error: ApiError; readonly delayMs?: number};

/** What the session asks of the server for one stream. */
export type OpenStream = (request: {
	readonly resourceVersion: string | undefined;
	readonly timeoutSeconds: number;
	readonly idleTimeoutMs: number;
	readonly signal: AbortSignal;
}) => Promise<EventStream>;

export type StreamSessionOptions = RetrySettings & {
	readonly mode: WatchMode;
	/** Whether the client can open streams at all: without, the session polls whatever the mode. */
	readonly canStream: boolean;
	/**
	 * A stream silent for longer (no event, not even a bookmark) is reopened quietly from its resourceVersion:
	 * an API server sends bookmarks only when the resource's version moved, so a quiet cluster may send none for
	 * ten minutes. Default 2 minutes; stretched to twice the longest gap between bookmarks seen.
	 */
	readonly watchIdleMs?: number;
	/** The timeoutSeconds asked of the server for each stream, before jitter (default 300). */
	readonly watchTimeoutSeconds?: number;
	readonly waits: PausableWait;
	readonly emit: (event: StreamSessionEvent) => void;
	/** The watcher's reading of a failure (a namespace's 404 is a missing API, not a missing job). */
	readonly asApiError: (error: unknown) => ApiError;
	readonly now: () => number;
	readonly random: () => number;
};

/** How one stream is opened and what its objects mean: the part of a watch that is the watcher's own. */
export type StreamHandlers = {
	readonly open: OpenStream;
	/** The stream is open; openedAt is when. */
	readonly opened: (openedAt: number) => void;
	/** An ADDED, MODIFIED or DELETED event, after its resourceVersion was taken as the one to resume from. */
	readonly object: (type: 'ADDED' | 'MODIFIED' | 'DELETED', object: Record<string, unknown>) => void;
	/** The stream is done with, however it ended. */
	readonly closed?: () => void;
};

export type StreamSession = {
	/** False once the server refused the watch in auto mode: the watcher polls from then on. */
	readonly streaming: boolean;
	/**
	 * Where the next stream starts: set from each list (the collection's version, never an object's own), moved
	 * on by every event and bookmark of the stream; undefined when there is no such place (before the first
	 * list, after a 410): the watcher lists then.
	 */
	resourceVersion: string | undefined;
	/** Opens a stream from resourceVersion and reads it to its end. */
	stream(handlers: StreamHandlers): Promise<StreamEnd>;
	/**
	 * What follows the end of a stream: a backoff, a refusal, polling, or nothing (reopened at once). A GET
	 * or list after 'expired' or 'woken' is the watcher's to arrange.
	 */
	settle(end: StreamEnd): Promise<void>;
};

const defaultWatchIdleMs = 120_000;
// Versions the server refused (410) are remembered so that no watch is ever sent from one again.
const refusedVersionsKept = 8;
const defaultWatchTimeoutSeconds = 300;
// A stream that ends with nothing in it sooner than this "closed at once": twice in a row is a refusal.
const quickCloseMs = 1000;
// Longer gaps between bookmarks are not learnt from: a server that silent is better reconnected.
const longestBookmarkGapMs = 10 * 60_000;

export function resourceVersionOf(object: Record<string, unknown>): string | undefined {
	const rv = (object['metadata'] as {resourceVersion?: unknown} | null | undefined)?.resourceVersion;
	return typeof rv === 'string' && rv !== '' ? rv : undefined;
}


/**
 * A refusal of the watch itself, while the GET or list of the same objects works: a hop that does not pass
 * watches (404, 405, 501), a query it does not take (400), a permission to get but not to watch (403). 401 is
 * the credentials' and 410 the resourceVersion's, not the watch's.
 */
export function refusesWatch(error: ApiError): boolean {
	if (error.status === 501) return true;
	return !error.retryable && error.status !== undefined && error.status >= 400 && error.status < 500 && ![401, 407, 410].includes(error.status);
}

/**
 * One watch, stream after stream: where to resume from, how each stream ended, and how it has gone lately
 * (failures for the backoff, streams that closed at once, 410s in a row, the gap between bookmarks). Shared
 * by the single job's watcher and the namespace's, which differ only in what they open and what an object
 * means to them.
 */
export function createStreamSession(options: StreamSessionOptions): StreamSession {
	const {waits, emit, now, random} = options;
	let streaming = options.mode !== 'poll' && options.canStream;
	let resourceVersion: string | undefined;
	const refusedVersions: string[] = [];
	let streamFailures = 0;
	let quickCloses = 0;
	let expiredInARow = 0;
	let bookmarkGapMs = 0;

	/** A wait after a failed watch, with the same backoff as a failed poll. */
	async function backOff(error: ApiError): Promise<void> {
		streamFailures++;
		const delayMs = retryDelayMs(streamFailures, error, options, options.random);
		emit({type: 'retry', at: now(), attempt: streamFailures, delayMs, error});
		await waits.wait(delayMs);
	}

	async function refused(error: ApiError): Promise<void> {
		const delayMs = refusedDelayMs(options);
		emit({type: 'refused', at: now(), error, delayMs});
		await waits.wait(delayMs);
	}

	/** The server will not serve this watch: poll instead (auto), or say so and ask again later (--watch). */
	async function watchRefused(error: ApiError, why: string, what: 'watch' | 'list' = 'watch'): Promise<void> {
		quickCloses = 0;
		const refusal = what === 'watch' ? 'the server refused watch' : 'the server refused the list a watch starts from';
		if (options.mode === 'auto') {
			streaming = false;
			emit({type: 'polling', at: now(), reason: `${refusal} (${why})`, error});
			await waits.wait(options.intervalMs);
			return;
		}

		await refused(new ApiError({...error.toJSON(), summary: `${refusal} (${why}): ${error.summary}`}));
	}

	/**
	 * One event of a stream. `initial` is true while a stream opened without a resourceVersion is still sending
	 * its synthetic ADDED events: those carry each object's own version (when it last changed, possibly long out
	 * of the server's window), not the stream's, so they are no place to resume from. The stream's version
	 * comes from the bookmark that ends them, or from the first real event or bookmark after.
	 */
	function onEvent(event: RawWatchEvent, handlers: StreamHandlers, stream: {initial: boolean}): ApiError | 'expired' | undefined {
		const {type, object} = event;
		switch (type) {
			case 'ADDED':
			case 'MODIFIED':
			case 'DELETED': {
				if (type !== 'ADDED') stream.initial = false;
				if (!stream.initial) resourceVersion = resourceVersionOf(object) ?? resourceVersion;
				handlers.object(type, object);
				return undefined;
			}

			case 'BOOKMARK': {
				// A bookmark's version is always the stream's (every change up to it has been sent), the one annotated
				// k8s.io/initial-events-end included: it ends the synthetic ADDED events.
				const version = resourceVersionOf(object);
				if (version !== undefined) {
					stream.initial = false;
					resourceVersion = version;
				}

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

	async function readStream(stream: EventStream, openedAt: number, signal: AbortSignal, handlers: StreamHandlers, initial: boolean): Promise<StreamEnd> {
		let events = 0;
		let lastBookmarkAt: number | undefined;
		const state = {initial};
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

				const problem = onEvent(event, handlers, state);
				if (problem === 'expired') return {kind: 'expired', error: expiredError()};

				if (problem) return {kind: 'failed', error: problem};
			}

			return {kind: 'ended', events, openedAt};
		} catch (error) {
			if (signal.aborted) {
				if (waits.stopSignal.aborted) throw error;
				return {kind: 'woken'};
			}

			const apiError = options.asApiError(error);
			// A connection cut mid-stream (a proxy's idle timeout, an API server restart) is a stream that ended,
			// and so is silence: an API server sends nothing, not even a bookmark, while nothing of the resource
			// changes. Both are reopened at once, quietly; only a reopen that fails is news. Garbled lines are
			// failures: backoff.
			if (apiError.category === 'network') return {kind: 'ended', events, openedAt};
			if (apiError.category === 'timeout') return {kind: 'ended', events, openedAt, idle: true};
			return {kind: 'failed', error: apiError};
		} finally {
			handlers.closed?.();
		}
	}

	function expiredError(): ApiError {
		return new ApiError({category: 'client', status: 410, reason: 'Expired', summary: '410 Expired: the watch resourceVersion is too old'});
	}

	/** The server no longer holds this version: never watch from it again; the watcher lists for a new one. */
	function forget(refusedVersion: string | undefined): void {
		if (refusedVersion !== undefined && !refusedVersions.includes(refusedVersion)) {
			refusedVersions.push(refusedVersion);
			if (refusedVersions.length > refusedVersionsKept) refusedVersions.shift();
		}

		if (resourceVersion === refusedVersion) resourceVersion = undefined;
	}

	async function stream(handlers: StreamHandlers): Promise<StreamEnd> {
		const from = resourceVersion;
		// A list that came back with a version already refused (a lagging replica): ask for another, not the same.
		if (from !== undefined && refusedVersions.includes(from)) {
			forget(from);
			return {kind: 'expired', error: expiredError()};
		}

		const end = await openAndRead(handlers, from);
		// Refused on opening (from) or mid-stream (where the events had got to): either way, that version.
		if (end.kind === 'expired') forget(resourceVersion);
		return end;
	}

	async function openAndRead(handlers: StreamHandlers, from: string | undefined): Promise<StreamEnd> {
		// One controller for the stream, ended by stop(), pause, `r`: tied by hand, for the same reason as the
		// client's (AbortSignal.any() would keep every stream's listener on the long-lived signals).
		const controller = new AbortController();
		const stop = waits.stopSignal;
		const wake = waits.wakeSignal;
		const cancel = () => controller.abort(new Error('stream ended by the watcher'));
		stop.addEventListener('abort', cancel, {once: true});
		wake.addEventListener('abort', cancel, {once: true});
		// A listener added to a signal already aborted never runs: stop() from a listener of the GET's answer
		// (--exit-on-finish) must not leave a stream open.
		if (wake.aborted || stop.aborted) cancel();
		try {
			const idleTimeoutMs = Math.max(options.watchIdleMs ?? defaultWatchIdleMs, 2 * bookmarkGapMs);
			// Jitter, as client-go does: many watchers do not all come back in the same second.
			const timeoutSeconds = Math.round((options.watchTimeoutSeconds ?? defaultWatchTimeoutSeconds) * (1 + random()));
			let opened: EventStream;
			try {
				opened = await handlers.open({resourceVersion: from, timeoutSeconds, idleTimeoutMs, signal: controller.signal});
			} catch (error) {
				if (controller.signal.aborted) {
					if (stop.aborted) throw error;
					return {kind: 'woken'};
				}

				const apiError = options.asApiError(error);
				if (apiError.status === 410) return {kind: 'expired', error: apiError};
				return refusesWatch(apiError) ? {kind: 'refused', error: apiError} : {kind: 'failed', error: apiError};
			}

			const openedAt = now();
			handlers.opened(openedAt);
			return await readStream(opened, openedAt, controller.signal, handlers, from === undefined || from === '0');
		} finally {
			stop.removeEventListener('abort', cancel);
			wake.removeEventListener('abort', cancel);
		}
	}

	async function settle(end: StreamEnd): Promise<void> {
		switch (end.kind) {
			case 'woken': {
				waits.renewWake();
				return;
			}

			case 'refused': {
				// Opening: a refusal is the watch's, not the stream's.
				await watchRefused(end.error, String(end.error.status), end.what);
				return;
			}

			case 'ended': {
				const {events, openedAt} = end;
				if (events === 0 && !end.idle && now() - openedAt < quickCloseMs) {
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
				// The routine case (the window moved on, the API server restarted): the watcher lists again at once,
				// and nothing is said. A fresh list's own version refused too: something is wrong, do not spin.
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
		get streaming() {
			return streaming;
		},
		get resourceVersion() {
			return resourceVersion;
		},
		set resourceVersion(value) {
			resourceVersion = value;
		},
		stream,
		settle,
	};
}
