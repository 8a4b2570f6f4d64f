// One container's log on demand: its tail, then the lines as they come (follow=true), one stream at a time.
import {asApiError, type ApiError} from '../api/api-error.js';
import type {ApiClient} from '../api/client.js';
import {followPodLog, logTimeNanos, sinceTimeOf, type FollowedLine} from '../api/pod-log-stream.js';
import {createListeners} from '../common/listeners.js';
import {sleep as realSleep, type Sleep} from '../common/sleep.js';
import {tapLogReads, type LogTap} from './log-tap.js';
import {refusedDelayMs, retryDelayMs, type RetrySettings} from './retry-policy.js';

/** What the log view shows. */
export type LogFollowState = {
	readonly pod: string;
	readonly container: string;
	/**
	 * connecting: the first request is out; following: the stream is open; paused: lines are held (the
	 * stream stays open, or is reopened from where it was); ended: the container stopped and the server
	 * closed the stream; unavailable: 403/404 (the note says which); error: a failure (retried, the note says when).
	 */
	readonly status: 'connecting' | 'following' | 'paused' | 'ended' | 'unavailable' | 'error';
	/** Oldest first, printable (sanitised, cut to a width), at most a bounded number kept. */
	readonly lines: readonly string[];
	readonly note?: string;
};

export type LogFollower = {
	subscribe(listener: (state: LogFollowState) => void): () => void;
	getState(): LogFollowState;
	/** Paused: the screen stops moving; resumed: what came meanwhile shows. */
	setPaused(paused: boolean): void;
	/** Closes the stream; no request after this. */
	stop(): void;
};

/** Opens a follower for a container of a pod of the watched job's namespace; the caller stops it. */
export type OpenLog = (pod: string, container: string) => LogFollower;

export type LogFollowerOptions = {
	readonly api: Pick<ApiClient, 'streamBytes'>;
	readonly namespace: string;
	readonly pod: string;
	readonly container: string;
	/** Lines of the log so far to start with (default 100). */
	readonly tailLines?: number;
	/** Lines kept, shown or held while paused; the oldest go first (default 1000). */
	readonly maxLines?: number;
	readonly maxLineCells?: number;
	/** The waits after a failed request (default: 2 s doubling to 30 s). */
	readonly retry?: RetrySettings;
	readonly sleep?: Sleep;
	readonly now?: () => number;
	readonly random?: () => number;
	/** Runs `run` after ms and returns its cancel: how notifications are batched (tests pass their own). */
	readonly schedule?: (run: () => void, ms: number) => () => void;
	/** Told of what each stream brings, as received (--record). */
	readonly onLog?: LogTap;
};

export const defaultFollowTailLines = 100;
export const defaultFollowMaxLines = 1000;
// Lines come in bursts (a traceback, a chunk of a busy log): listeners hear of a burst once, since every
// notification redraws the view, and every redraw crosses the terminal's link.
export const notifyBatchMs = 100;
const defaultRetry: RetrySettings = {intervalMs: 2000, maxWaitMs: 30_000, refusedWaitMs: 30_000};

const realSchedule = (run: () => void, ms: number) => {
	const timer = setTimeout(run, ms);
	return () => clearTimeout(timer);
};

type StreamStatus = Exclude<LogFollowState['status'], 'paused'>;

/** How one stream ended, as far as what comes next is concerned. */
type StreamEnd =
	| {readonly kind: 'ended' | 'stopped'}
	| {readonly kind: 'unavailable'; readonly note: string}
	/** Cut after lines came: reopened at once, from where it was. */
	| {readonly kind: 'cut'}
	/** No headers within the timeout: a container that has written nothing sends none. Asked again at once. */
	| {readonly kind: 'quiet'; readonly error: ApiError}
	| {readonly kind: 'failed'; readonly error: ApiError};

/** Opens followers with the same client and settings: the OpenLog a view is given. */
export function logOpener(options: Omit<LogFollowerOptions, 'pod' | 'container'>): OpenLog {
	return (pod, container) => createLogFollower({...options, pod, container});
}

/**
 * Follows one container's log until stop(): one stream at a time; a stream cut short is reopened from the last
 * line's timestamp (sinceTime, to the second, with the lines already shown of that second skipped), so nothing
 * shows twice and nothing written meanwhile is missed; a server that sends no timestamps is reopened with
 * tailLines=0 (nothing twice, the gap lost). A failure is retried with the watch's backoff; a 403 or 404 ends it.
 */
export function createLogFollower(options: LogFollowerOptions): LogFollower {
	const {namespace, pod, container} = options;
	const api = tapLogReads(options.api, pod, options.onLog);
	const tailLines = options.tailLines ?? defaultFollowTailLines;
	const maxLines = Math.max(1, options.maxLines ?? defaultFollowMaxLines);
	const sleep = options.sleep ?? realSleep;
	const now = options.now ?? Date.now;
	const random = options.random ?? Math.random;
	const schedule = options.schedule ?? realSchedule;
	const retry = options.retry ?? defaultRetry;
	const {emit, subscribe} = createListeners<LogFollowState>();
	const stopper = new AbortController();

	let streamStatus: StreamStatus = 'connecting';
	let streamNote: string | undefined;
	// Replaced, never changed in place: a state handed out keeps its lines.
	let shown: readonly string[] = [];
	let paused = false;
	let held: readonly string[] = [];
	let heldArrived = 0;
	// Where the log was read to: the last line's timestamp and how many lines of exactly that time were shown.
	let lastTime: string | undefined;
	let lastTimeCount = 0;
	let unstampedSeen = false;

	let snapshot: LogFollowState | undefined;
	let lastNotifiedAt = Number.NEGATIVE_INFINITY;
	let cancelNotify: (() => void) | undefined;

	function heldNote(): string | undefined {
		if (heldArrived === 0) return undefined;
		const lines = heldArrived === 1 ? '1 new line' : `${heldArrived} new lines`;
		return heldArrived > held.length ? `${lines}, the last ${held.length} kept` : lines;
	}

	function build(): LogFollowState {
		const note = paused ? [streamNote, heldNote()].filter(Boolean).join('; ') || undefined : streamNote;
		return {pod, container, status: paused ? 'paused' : streamStatus, lines: shown, ...(note ? {note} : {})};
	}

	function notify(): void {
		cancelNotify = undefined;
		lastNotifiedAt = now();
		emit(getState());
	}

	/** At once when nothing was said for a batch's time, else once at its end for everything since. */
	function changed(): void {
		snapshot = undefined;
		if (stopper.signal.aborted || cancelNotify) return;
		const wait = lastNotifiedAt + notifyBatchMs - now();
		if (wait <= 0) notify();
		else cancelNotify = schedule(notify, wait);
	}

	function getState(): LogFollowState {
		snapshot ??= build();
		return snapshot;
	}

	function setStream(status: StreamStatus, note?: string): void {
		if (status === streamStatus && note === streamNote) return;
		streamStatus = status;
		streamNote = note;
		changed();
	}

	const keepLast = (lines: readonly string[]) => (lines.length > maxLines ? lines.slice(-maxLines) : lines);

	function append(lines: readonly FollowedLine[]): void {
		if (lines.length === 0) return;
		for (const line of lines) {
			if (line.time === undefined) {
				unstampedSeen = true;
			} else if (line.time === lastTime) {
				lastTimeCount++;
			} else {
				lastTime = line.time;
				lastTimeCount = 1;
			}
		}

		const texts = lines.map(line => line.text);
		if (paused) {
			held = keepLast([...held, ...texts]);
			heldArrived += texts.length;
		} else {
			shown = keepLast([...shown, ...texts]);
		}

		changed();
	}

	/** What the next stream asks for: the tail at first, then from where the last one got to. */
	function resumeFrom(): {tailLines: number; sinceTime?: string} {
		const sinceTime = lastTime === undefined ? undefined : sinceTimeOf(lastTime);
		if (sinceTime !== undefined) return {tailLines: maxLines, sinceTime};
		return {tailLines: unstampedSeen || lastTime !== undefined ? 0 : tailLines};
	}

	/** Drops the lines a reopened stream sends again: older than the last one shown, or of its time and already shown. */
	function skipSeen(): (lines: readonly FollowedLine[]) => readonly FollowedLine[] {
		const from = lastTime === undefined ? undefined : logTimeNanos(lastTime);
		if (from === undefined) return lines => lines;
		let again = lastTimeCount;
		let past = false;
		return lines =>
			past
				? lines
				: lines.filter(line => {
						if (past) return true;
						const at = line.time === undefined ? undefined : logTimeNanos(line.time);
						if (at === undefined || at > from) {
							past = true;
							return true;
						}

						if (at < from) return false;
						if (again > 0) {
							again--;
							return false;
						}

						past = true;
						return true;
					});
	}

	async function followOnce(): Promise<StreamEnd> {
		let opened = false;
		let received = 0;
		try {
			const follow = await followPodLog(api, {
				namespace,
				pod,
				container,
				...resumeFrom(),
				...(options.maxLineCells === undefined ? {} : {maxLineCells: options.maxLineCells}),
				signal: stopper.signal,
			});
			if (follow.kind !== 'stream') return {kind: 'unavailable', note: follow.message};
			opened = true;
			setStream('following');
			const fresh = skipSeen();
			for await (const batch of follow.lines) {
				const lines = fresh(batch);
				received += lines.length;
				append(lines);
			}

			return {kind: 'ended'};
		} catch (error) {
			if (stopper.signal.aborted) return {kind: 'stopped'};
			const apiError = asApiError(error);
			if (opened && received > 0 && apiError.category === 'network') return {kind: 'cut'};
			if (!opened && apiError.category === 'timeout') return {kind: 'quiet', error: apiError};
			return {kind: 'failed', error: apiError};
		}
	}

	async function run(): Promise<void> {
		let failures = 0;
		for (;;) {
			// eslint-disable-next-line no-await-in-loop
			const end = await followOnce();
			switch (end.kind) {
				case 'stopped': {
					return;
				}

				case 'ended': {
					setStream('ended', 'the container stopped; its log ends here');
					return;
				}

				case 'unavailable': {
					setStream('unavailable', end.note);
					return;
				}

				case 'cut': {
					failures = 0;
					continue;
				}

				case 'quiet': {
					setStream('connecting', `${end.error.summary}; asking again`);
					continue;
				}

				case 'failed': {
					failures++;
					// A 401 the client could not renew is not asked again soon: a loop of them could lock the account.
					const delayMs = end.error.category === 'unauthorized' ? refusedDelayMs(retry) : retryDelayMs(failures, end.error, retry, random);
					setStream('error', `${end.error.summary}; retrying in ${Math.round(delayMs / 1000)}s`);
					try {
						// eslint-disable-next-line no-await-in-loop
						await sleep(delayMs, stopper.signal);
					} catch {
						return;
					}

					setStream('connecting');
				}
			}
		}
	}

	void run().catch((error: unknown) => {
		if (!stopper.signal.aborted) setStream('error', asApiError(error).summary);
	});

	return {
		subscribe,
		getState,
		setPaused(value) {
			if (value === paused) return;
			paused = value;
			if (!paused) {
				shown = keepLast([...shown, ...held]);
				held = [];
				heldArrived = 0;
			}

			changed();
		},
		stop() {
			if (stopper.signal.aborted) return;
			stopper.abort(new Error('log follower stopped'));
			cancelNotify?.();
			cancelNotify = undefined;
		},
	};
}
