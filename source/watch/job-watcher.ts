import {ApiError, asApiError} from '../api/api-error.js';
import {diffJob} from '../model/diff-job.js';
import type {JobClient, JobListing} from '../api/job-client.js';
import type {ApiObject} from '../api/client.js';
import {createListeners} from '../common/listeners.js';
import {normalizeJob} from '../model/normalize/normalize-job.js';
import {createPausableWait} from './pausable-wait.js';
import {refusedDelayMs} from './retry-policy.js';
import {sleep as realSleep} from '../common/sleep.js';
import {createStreamSession, refusesWatch, type StreamSessionEvent} from './stream-session.js';
import type {Change, Job} from '../model/job.js';
import {pauseLoop, runWatchLoop, settleWithRetries, type Watcher, type WatchLoopSettings} from './watch-loop.js';

export type {WatchMode} from './stream-session.js';

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
	| StreamSessionEvent
	| {readonly type: 'paused' | 'resumed'; readonly at: number};

export type WatchListener = (event: WatchEvent) => void;

export type WatcherOptions = WatchLoopSettings & {
	/** Without watchJob and listJob the watcher polls, whatever the mode. */
	readonly client: Pick<JobClient, 'getJob'> & Partial<Pick<JobClient, 'watchJob' | 'listJob'>>;
	readonly namespace: string;
	readonly name: string;
};

/** How one poll ended, after p-retry has done its retries. */
export type PollOutcome =
	| {readonly kind: 'job'; readonly response: ApiObject}
	| {readonly kind: 'not-found'; readonly error: ApiError}
	| {readonly kind: 'refused'; readonly error: ApiError}
	| {readonly kind: 'gave-up'; readonly error: ApiError};

export type JobWatcher = Watcher<WatchEvent, PollOutcome>;

/** How the list a watch starts from ended, after its retries. */
type ListOutcome =
	| {readonly kind: 'listed'; readonly listing: JobListing}
	| {readonly kind: 'refused'; readonly error: ApiError}
	| {readonly kind: 'gave-up'; readonly error: ApiError};

/**
 * The resourceVersion a GET sent is no good: expired from the server's cache (410), or newer than a lagging
 * server has seen (504 "Too large resource version"). The GET is sent again without it.
 */
function isStaleResourceVersion(error: unknown): boolean {
	return error instanceof ApiError && (error.status === 410 || (error.status === 504 && /too large resource version/i.test(error.summary)));
}

function nameOf(object: Record<string, unknown>): unknown {
	return (object['metadata'] as {name?: unknown} | null | undefined)?.name;
}

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
	const {emit, subscribe} = createListeners<WatchEvent>();
	const waits = createPausableWait(sleep);
	const stopSignal = waits.stopSignal;
	let previous: Job | undefined;
	let previousRv: string | undefined;
	// A job that comes back after a 404 is news even with the same resourceVersion.
	let missing = false;
	// Polls send the last resourceVersion seen ("not older than"), so an answer from a lagging cache never
	// takes the view back in time.
	let pollRv: string | undefined;

	// Watching, a list of the job comes first: at the start, after a 410, and when asked to look now.
	let needList = true;

	// Every wait, between polls or between retries, also holds while paused.
	const {wait} = waits;
	// Watching: whether, from where, and how it has gone lately.
	const session = createStreamSession({
		...options,
		mode,
		canStream: client.watchJob !== undefined && client.listJob !== undefined,
		waits,
		emit,
		asApiError,
		now,
		random,
	});

	async function attempt(): Promise<ApiObject> {
		const rv = pollRv;
		try {
			return await (rv === undefined ? client.getJob(stopSignal) : client.getJob(stopSignal, {resourceVersion: rv}));
		} catch (error) {
			if (rv === undefined || !isStaleResourceVersion(error) || stopSignal.aborted) throw error;
			// Not a failure of the server: ask again at once for the latest (a quorum read).
			pollRv = undefined;
			return await client.getJob(stopSignal);
		}
	}

	async function poll(retries: number): Promise<PollOutcome> {
		const settled = await settleWithRetries(attempt, {retries, slowRequestMs, settings: options, waits, asApiError, emit, now});
		if (settled.kind === 'ok') return {kind: 'job', response: settled.value};
		return settled.error.category === 'not-found' ? {kind: 'not-found', error: settled.error} : settled;
	}

	async function list(): Promise<ListOutcome> {
		const settings = {retries: Number.POSITIVE_INFINITY, slowRequestMs, settings: options, waits, asApiError, emit, now};
		const settled = await settleWithRetries(async () => client.listJob!(stopSignal), settings);
		return settled.kind === 'ok' ? {kind: 'listed', listing: settled.value} : settled;
	}

	/** `last`: --once's only look, so no event says when the next one comes. */
	function report(outcome: PollOutcome, last = false): number {
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
				emit({type: 'refused', at, error: outcome.error, ...(last ? {} : {delayMs})});
				return delayMs;
			}
		}
	}

	function onObject(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: Record<string, unknown>): void {
		// The field selector should make every event this job's; a hop that drops the query must not
		// make another job's changes look like ours.
		if (nameOf(object) !== options.name) return;
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
	}

	/**
	 * The job as a list of one, and the collection's resourceVersion to watch from. Not a GET: a job's own
	 * resourceVersion says when it last changed, and a job left alone for longer than the API server's watch
	 * window (minutes on a busy cluster) would be refused (410) from there, again and again. A list's version
	 * is where the collection is now, and works on every server version, unlike a watch from "0", whose ADDED
	 * carries the job's own version and whose closing bookmark only newer servers send. As client-go's
	 * reflector does. An empty list is a job not created yet: the watch then shows its ADDED as it happens.
	 */
	async function startFromList(): Promise<boolean> {
		const outcome = await list();
		if (stopSignal.aborted) return false;
		if (outcome.kind === 'listed') {
			const {raw, requestId, bytes, resourceVersion} = outcome.listing;
			report(
				raw
					? {kind: 'job', response: {raw, bytes, ...(requestId ? {requestId} : {})}}
					: {
							kind: 'not-found',
							error: new ApiError({category: 'not-found', status: 404, reason: 'NotFound', summary: `jobs.batch.volcano.sh "${options.name}" not found`}),
						},
			);
			needList = false;
			session.resourceVersion = resourceVersion === '' ? undefined : resourceVersion;
			return !stopSignal.aborted;
		}

		// A hop that serves the job but not the list (or a role without list): the same as a refused watch.
		if (outcome.kind === 'refused' && refusesWatch(outcome.error)) {
			await session.settle({kind: 'refused', error: outcome.error, what: 'list'});
			return false;
		}

		const delayMs = report(outcome);
		await wait(delayMs);
		return false;
	}

	/** A list if needed, then one stream, from open to end; what happens after is decided here. */
	async function watchRound(): Promise<void> {
		if (needList && !(await startFromList())) return;

		const end = await session.stream({
			open: async request => client.watchJob!(request),
			opened(openedAt) {
				emit({type: 'watching', at: openedAt, opened: true, ...(previous && !missing ? {job: previous} : {})});
			},
			object: onObject,
		});
		// A 410, or a stream that never said where it stood: list again (at once; settle backs off only when the
		// list's own version was refused too). After a pause the stream resumes from where it was (a 410 if that
		// has left the window, then a list).
		if (end.kind === 'expired' || session.resourceVersion === undefined) needList = true;
		await session.settle(end);
	}

	return {
		subscribe,
		async run() {
			if (session.streaming) emit({type: 'watching', at: now(), opened: false});
			await runWatchLoop({waits, session, watchRound, pollRound: async () => report(await poll(Number.POSITIVE_INFINITY))});
		},
		async pollOnce(retries) {
			const outcome = await poll(retries);
			if (outcome.kind !== 'gave-up') {
				report(outcome, true);
			}

			return outcome;
		},
		stop() {
			waits.stop();
		},
		pollNow() {
			// Watching: a fresh list, then a new stream from its resourceVersion.
			if (session.streaming) needList = true;
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
