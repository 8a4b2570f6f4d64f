import {ApiError, asApiError as asAnyApiError} from '../api/api-error.js';
import {createListeners} from '../common/listeners.js';
import {createJobIndex, type JobDelta, type Normalize} from './job-index.js';
import type {ApiClient} from '../api/client.js';
import {jobsPath, listJobs, type JobList} from './list-pager.js';
import {createPausableWait} from './pausable-wait.js';
import {refusedDelayMs} from './retry-policy.js';
import {sleep as realSleep} from '../common/sleep.js';
import {createStreamSession, type StreamSessionEvent} from './stream-session.js';
import {pauseLoop, runWatchLoop, settleWithRetries, type Watcher, type WatchLoopSettings} from './watch-loop.js';

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
	/** polling: the watch was refused (auto mode), a list every interval from now on. */
	| StreamSessionEvent
	| {readonly type: 'paused' | 'resumed'; readonly at: number};

export type NamespaceListener = (event: NamespaceEvent) => void;

export type NamespaceWatcherOptions = WatchLoopSettings & {
	/** Without stream() the watcher lists every interval, whatever the mode. */
	readonly api: Pick<ApiClient, 'get'> & Partial<Pick<ApiClient, 'stream'>>;
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
};

/** How one listing ended, after its retries. */
export type ListOutcome =
	| {readonly kind: 'listed'; readonly list: JobList}
	| {readonly kind: 'refused'; readonly error: ApiError}
	| {readonly kind: 'gave-up'; readonly error: ApiError};

export type NamespaceWatcher = Watcher<NamespaceEvent, ListOutcome>;

function asApiError(caught: unknown): ApiError {
	const error = asAnyApiError(caught);
	// A 404 on the collection is not a job that is missing: the jobs API itself is not there.
	return error.category === 'not-found'
		? new ApiError({...error.toJSON(), category: 'bad-endpoint', summary: `${error.summary}; no Volcano jobs API at this server (is Volcano installed?)`})
		: error;
}

const defaultBatchMs = 500;
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
	const {emit, subscribe} = createListeners<NamespaceEvent>();
	const waits = createPausableWait(sleep);
	const stopSignal = waits.stopSignal;
	const index = createJobIndex({namespace: options.namespace, ...(options.normalize ? {normalize: options.normalize} : {})});
	const random = options.random ?? Math.random;
	const mode = options.mode ?? 'poll';
	const batchMs = options.batchMs ?? defaultBatchMs;
	const {api} = options;
	let listed = false;
	let needList = true;
	// Deltas from the stream not yet reported, the timer that reports them, and when they last were.
	let pending: JobDelta[] = [];
	let flushTimer: NodeJS.Timeout | undefined;
	let flushedAt = Number.NEGATIVE_INFINITY;

	const {wait} = waits;
	// Watching: whether, from where, and how it has gone lately.
	const session = createStreamSession({
		...options,
		mode,
		canStream: api.stream !== undefined,
		waits,
		emit,
		asApiError,
		now,
		random,
	});

	async function attempt(): Promise<JobList> {
		return listJobs(options.api, {
			namespace: options.namespace,
			selector: options.selector,
			...(options.pageSize === undefined ? {} : {limit: options.pageSize}),
			signal: stopSignal,
		});
	}

	async function poll(retries: number): Promise<ListOutcome> {
		const settled = await settleWithRetries(attempt, {retries, slowRequestMs, settings: options, waits, asApiError, emit, now});
		return settled.kind === 'ok' ? {kind: 'listed', list: settled.value} : settled;
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

	/** `last`: --once's only look, so no event says when the next one comes. */
	function report(outcome: ListOutcome, last = false): number {
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
		emit({type: 'refused', at, error: outcome.error, ...(last ? {} : {delayMs})});
		return delayMs;
	}

	/**
	 * The list a stream goes on from; else the wait before the next try. A function of its own: a suspended async
	 * function keeps its variables, and watchRound waits on its stream for minutes, which kept every listed job's
	 * whole object (about 5 KB each) alive.
	 */
	async function listForStream(): Promise<'listed' | 'stopped' | number> {
		const outcome = await poll(Number.POSITIVE_INFINITY);
		const delayMs = report(outcome);
		if (stopSignal.aborted) return 'stopped';
		if (outcome.kind !== 'listed') return delayMs;
		needList = false;
		session.resourceVersion = outcome.list.resourceVersion || undefined;
		return 'listed';
	}

	/** A list when one is needed, then one stream from open to end; what happens after is decided here. */
	async function watchRound(): Promise<void> {
		if (needList) {
			const start = await listForStream();
			if (start === 'stopped') return;
			if (start !== 'listed') {
				await wait(start);
				return;
			}
		}

		const end = await session.stream({
			async open({resourceVersion, timeoutSeconds, idleTimeoutMs, signal}) {
				const query: Record<string, string> = {
					watch: '1',
					...(resourceVersion ? {resourceVersion} : {}),
					allowWatchBookmarks: 'true',
					timeoutSeconds: String(Math.max(1, timeoutSeconds)),
					...(options.selector ? {labelSelector: options.selector} : {}),
				};
				return api.stream!(jobsPath(options.namespace), {query, signal, idleTimeoutMs});
			},
			opened(openedAt) {
				emit({type: 'watching', at: openedAt, opened: true});
			},
			object(type, object) {
				const delta = index.apply(type, object);
				if (delta) {
					pending.push(delta);
					flushSoon();
				}
			},
			closed: flush,
		});
		// `r` or a pause: what happened meanwhile is read from a fresh list. A 410: the resourceVersion left the
		// server's history, list again and report only what changed.
		// A stream that never said where it stood (a watch from no version, its ADDED events' own versions are no
		// place to resume from): list again too.
		if (end.kind === 'woken' || end.kind === 'expired' || session.resourceVersion === undefined) needList = true;
		await session.settle(end);
	}

	return {
		subscribe,
		async run() {
			if (session.streaming) emit({type: 'watching', at: now(), opened: false});
			try {
				await runWatchLoop({waits, session, watchRound, pollRound: async () => report(await poll(Number.POSITIVE_INFINITY))});
			} finally {
				clearTimeout(flushTimer);
			}
		},
		async pollOnce(retries) {
			const outcome = await poll(retries);
			if (outcome.kind !== 'gave-up') report(outcome, true);
			return outcome;
		},
		stop() {
			waits.stop();
		},
		pollNow() {
			waits.wake();
		},
		setPaused(value) {
			pauseLoop(waits, value, emit, now);
		},
		get paused() {
			return waits.paused;
		},
	};
}
