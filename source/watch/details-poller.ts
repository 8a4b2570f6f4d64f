import {asApiError, type ApiError} from '../api/api-error.js';
import type {EventInfo, PodGroupInfo, PodInfo} from '../model/cluster.js';
import {fetchEvents, fetchPodGroup, fetchPods, podGroupCandidates} from '../api/details-client.js';
import type {ApiClient} from '../api/client.js';
import {normalizeEvents} from '../model/normalize/normalize-events.js';
import {normalizePodGroup} from '../model/normalize/normalize-podgroup.js';
import {normalizePods, podGroupNameOf} from '../model/normalize/normalize-pods.js';
import {failureSignal, showsFailure} from '../model/failures.js';
import {refusedDelayMs, retryDelayMs, type RetrySettings} from './retry-policy.js';
import {createListeners} from '../common/listeners.js';
import {createPausableWait} from './pausable-wait.js';
import {sleep as realSleep, type Sleep} from '../common/sleep.js';
import type {JobWatcher, WatchEvent} from './job-watcher.js';

export const detailParts = ['podGroup', 'pods', 'events'] as const;
export type DetailPart = (typeof detailParts)[number];

export type DetailValues = {
	readonly podGroup: PodGroupInfo;
	readonly pods: readonly PodInfo[];
	readonly events: readonly EventInfo[];
};

export type DetailResult<P extends DetailPart> =
	| {readonly status: 'ok'; readonly value: DetailValues[P]}
	/** No PodGroup under any name Volcano uses (yet). */
	| {readonly status: 'absent'}
	/** 401, 403 or another answer retrying will not change: checked again after --recheck. */
	| {readonly status: 'refused'; readonly error: ApiError; readonly retryAt: number}
	| {readonly status: 'error'; readonly error: ApiError; readonly retryAt: number};

export type DetailsEvent =
	| {readonly [P in DetailPart]: {readonly type: 'details'; readonly at: number; readonly part: P; readonly result: DetailResult<P>}}[DetailPart]
	/** The job went away or was re-created: what was shown belongs to another object. */
	| {readonly type: 'details-reset'; readonly at: number};

export type DetailsListener = (event: DetailsEvent) => void;

export type Wanted = Readonly<Record<DetailPart, boolean>>;

/** An answer of the details loop as the server sent it, for --record: the pod list, a PodGroup, event lists. */
export type RawDetails =
	| {readonly part: 'pods'; readonly raw: Record<string, unknown>}
	/** Undefined: none under any name Volcano uses. */
	| {readonly part: 'podGroup'; readonly raw: Record<string, unknown> | undefined}
	/** One list per involved object, in the order of names. */
	| {readonly part: 'events'; readonly names: readonly string[]; readonly lists: ReadonlyArray<Record<string, unknown>>};

export const nothingWanted: Wanted = {podGroup: false, pods: false, events: false};
export const everythingWanted: Wanted = {podGroup: true, pods: true, events: true};

export type DetailsWatcherOptions = RetrySettings & {
	readonly api: Pick<ApiClient, 'get'>;
	readonly namespace: string;
	/** The job watcher: its answers say which job (uid) the details belong to, and its pause holds them too. */
	readonly jobWatcher: Pick<JobWatcher, 'subscribe'>;
	readonly wanted?: Wanted;
	/** Pods whose events are fetched, troubled ones first: one request each. */
	readonly maxPodEvents?: number;
	/**
	 * After the job's resourceVersion moves, the wanted details are fetched again this much later (default
	 * 1000): the job's counters then do not sit beside stale pods for a whole interval, and a burst of job
	 * changes (a pod after another starting) costs one round, not one each.
	 */
	readonly changeDebounceMs?: number;
	/**
	 * Rounds after job changes start at least this long after the previous round (default 3000): a job that
	 * changes every second (pods starting one by one in a large gang) costs about 20 rounds a minute, not 60.
	 */
	readonly changeMinGapMs?: number;
	/**
	 * When the job's status says a pod just failed (failureSignal), read the pods at once, wanted or not:
	 * Volcano may delete a failed pod seconds later, and with it the evidence of why.
	 */
	readonly podsOnFailure?: boolean;
	/** Told every answer as the server sent it (--record); without it nothing is kept. */
	readonly onAnswer?: (answer: RawDetails) => void;
	readonly sleep?: Sleep;
	readonly now?: () => number;
	readonly random?: () => number;
};

export type DetailsWatcher = {
	subscribe(listener: DetailsListener): () => void;
	/** Fetches until stop(); resolves then. */
	run(): Promise<void>;
	/** One round of every wanted part, for --once. */
	fetchOnce(): Promise<void>;
	stop(): void;
	pollNow(): void;
	/** Only what is on screen is fetched: each request costs API budget. */
	setWanted(wanted: Wanted): void;
	/**
	 * Reads the pods at once, wanted or not; resolves when a read that began after this call has ended (well
	 * or not), or at stop(). For a failed job's last evidence before the program exits.
	 */
	readPodsNow(): Promise<void>;
};

type JobIdentity = {readonly name: string; readonly uid: string};

/** How long the loop sleeps while no job is known: the first answer wakes it. */
const noJobWaitMs = 60 * 60 * 1000;

/**
 * The second, slower loop: the job's PodGroup, pods and events every `intervalMs`, and about a second after
 * the job changed, only those wanted, one request at a time, each part with its own backoff so a 403 on events
 * never holds back the pods.
 */
export function createDetailsWatcher(options: DetailsWatcherOptions): DetailsWatcher {
	const sleep = options.sleep ?? realSleep;
	const now = options.now ?? Date.now;
	const maxPodEvents = options.maxPodEvents ?? 3;
	const changeDebounceMs = options.changeDebounceMs ?? 1000;
	const changeMinGapMs = options.changeMinGapMs ?? 3000;
	let lastRoundAt = Number.NEGATIVE_INFINITY;
	const {emit, subscribe} = createListeners<DetailsEvent>();
	const waits = createPausableWait(sleep);
	const stopSignal = waits.stopSignal;
	let wanted = options.wanted ?? nothingWanted;
	let job: JobIdentity | undefined;
	let podGroupName: string | undefined;
	let podGroupUid: string | undefined;
	let groupFromPods: string | undefined;
	let troubled: PodInfo[] = [];
	const failures: Record<DetailPart, number> = {podGroup: 0, pods: 0, events: 0};
	const notBefore: Record<DetailPart, number> = {podGroup: 0, pods: 0, events: 0};
	// Why the loop's wait was cut short: a round wanted now (the first job, a panel opened, pollNow), or a job
	// change whose round is due at changeDueAt. Both abort the same wake signal; the flags tell them apart.
	let roundNow = false;
	let changeDueAt: number | undefined;
	let wokenByChange = false;
	// The next round reads the pods even when no panel wants them: a failure was signalled.
	let podsForFailure = false;
	// readPodsNow's callers, waiting for a pods read that begins after their call.
	let podsWaiters: Array<() => void> = [];

	const {wait} = waits;
	const wake = () => {
		roundNow = true;
		waits.wake();
	};

	const jobChanged = () => {
		// The first change of a burst sets the time; the ones after it ride along in the same round.
		changeDueAt ??= Math.max(now() + changeDebounceMs, lastRoundAt + changeMinGapMs);
		wokenByChange = true;
		waits.wake();
	};

	const reset = () => {
		changeDueAt = undefined;
		podsForFailure = false;
		podGroupName = undefined;
		podGroupUid = undefined;
		groupFromPods = undefined;
		troubled = [];
		for (const part of detailParts) {
			failures[part] = 0;
			notBefore[part] = 0;
		}

		emit({type: 'details-reset', at: now()});
	};

	const onJob = (event: WatchEvent) => {
		if (event.type === 'job') {
			const {name, uid} = event.job;
			if (job && job.uid !== uid) reset();
			const first = job === undefined;
			job = {name, uid};
			if (first) {
				podsForFailure = options.podsOnFailure === true && showsFailure(event.job);
				wake();
			} else if (event.rvChanged && options.podsOnFailure && event.previous && failureSignal(event.previous, event.job)) {
				podsForFailure = true;
				wake();
			} else if (event.rvChanged) jobChanged();
		} else if (event.type === 'not-found') {
			if (job) {
				job = undefined;
				reset();
			}
		} else if (event.type === 'paused' || event.type === 'resumed') {
			waits.setPaused(event.type === 'paused');
		}
	};

	const unsubscribe = options.jobWatcher.subscribe(onJob);

	function fail(part: DetailPart, error: unknown): void {
		const apiError = asApiError(error);
		const at = now();
		if (apiError.retryable) {
			failures[part]++;
			const retryAt = at + retryDelayMs(failures[part], apiError, options, options.random);
			notBefore[part] = retryAt;
			emit({type: 'details', at, part, result: {status: 'error', error: apiError, retryAt}});
		} else {
			const retryAt = at + refusedDelayMs(options);
			notBefore[part] = retryAt;
			emit({type: 'details', at, part, result: {status: 'refused', error: apiError, retryAt}});
		}
	}

	const due = (part: DetailPart) => now() >= notBefore[part];

	async function fetchPart(part: DetailPart, current: JobIdentity): Promise<void> {
		const signal = stopSignal;
		const {namespace} = options;
		// The job watcher may report another job (or none) while a request is out: its answer, or its
		// failure, belongs to the job that was reset away, and neither it nor its backoff may outlive that.
		const stale = () => job?.uid !== current.uid;
		const waiting = part === 'pods' ? podsWaiters : [];
		if (part === 'pods') podsWaiters = [];
		try {
			switch (part) {
				case 'pods': {
					const list = await fetchPods(options.api, namespace, current.name, signal);
					if (stale()) return;
					options.onAnswer?.({part, raw: list});
					const pods = normalizePods(list, current.uid);
					groupFromPods = podGroupNameOf(list, current.uid);
					troubled = pods.filter(pod => pod.rank <= 1);
					emit({type: 'details', at: now(), part, result: {status: 'ok', value: pods}});
					break;
				}

				case 'podGroup': {
					const names = podGroupName ? [podGroupName] : podGroupCandidates(current, groupFromPods);
					const found = await fetchPodGroup(options.api, namespace, names, signal);
					if (stale()) return;
					if (found) {
						options.onAnswer?.({part, raw: found.raw});
						const value = normalizePodGroup(found.raw, found.name);
						podGroupName = found.name;
						podGroupUid = value.uid;
						emit({type: 'details', at: now(), part, result: {status: 'ok', value}});
					} else {
						// A whole-job restart deletes and re-creates the PodGroup: look for it by every name again.
						podGroupName = undefined;
						options.onAnswer?.({part, raw: undefined});
						emit({type: 'details', at: now(), part, result: {status: 'absent'}});
					}

					break;
				}

				case 'events': {
					const pods = troubled.slice(0, maxPodEvents);
					const names = [...new Set([current.name, ...(podGroupName ? [podGroupName] : []), ...pods.map(pod => pod.name)])];
					const lists = await fetchEvents(options.api, namespace, names, signal);
					if (stale()) return;
					options.onAnswer?.({part, names, lists});
					const uids = new Set([current.uid, ...(podGroupUid ? [podGroupUid] : []), ...pods.flatMap(pod => (pod.uid ? [pod.uid] : []))]);
					emit({type: 'details', at: now(), part, result: {status: 'ok', value: normalizeEvents(lists, {uids})}});
					break;
				}
			}

			failures[part] = 0;
			notBefore[part] = 0;
		} catch (error) {
			if (signal.aborted) throw error;
			if (!stale()) fail(part, error);
		} finally {
			for (const resolve of waiting) resolve();
		}
	}

	const releaseWaiters = () => {
		for (const resolve of podsWaiters) resolve();
		podsWaiters = [];
	};

	async function round(): Promise<void> {
		// A wake that came before the round (the first job, a panel opened, a resume after pollNow, a job
		// change) is served by it; only one that comes during the round should cut the next wait short. A job
		// change during the round may have missed its requests: it makes one round after this one, no more.
		waits.renewWake();
		roundNow = false;
		changeDueAt = undefined;
		lastRoundAt = now();
		// Pods first: their names say whose events to fetch, and their annotation may name the PodGroup.
		const parts: DetailPart[] = [];
		if (wanted.pods || wanted.events || wanted.podGroup || podsForFailure) parts.push('pods');
		podsForFailure = false;
		if (wanted.podGroup || wanted.events) parts.push('podGroup');
		if (wanted.events) parts.push('events');
		for (const part of parts) {
			const current = job;
			if (!current || stopSignal.aborted) return;
			// Pods are needed by the others; when the panel is hidden they are fetched, not shown.
			if (!due(part)) continue;
			// eslint-disable-next-line no-await-in-loop
			await fetchPart(part, current);
		}
	}

	/**
	 * Between rounds: until the interval has passed since the last round (of either kind, so that a refresh
	 * after a job change does not double up with the interval's), or a job change's round is due, or a wake
	 * asks for a round now; held while paused.
	 */
	async function idle(): Promise<void> {
		// Until the job is known there is nothing to ask about: the first answer wakes this.
		const intervalEnd = now() + (job ? options.intervalMs : noJobWaitMs);
		for (;;) {
			// A job change's wake is in changeDueAt already (it came during the round, or during a pause): it
			// must not end the next wait. A wake for a round now must (after the pause, if one holds).
			if (!roundNow) waits.renewWake();
			const dueAt = changeDueAt === undefined ? intervalEnd : Math.min(intervalEnd, changeDueAt);
			const ms = dueAt - now();
			if (ms <= 0) {
				// eslint-disable-next-line no-await-in-loop
				while (waits.paused && !stopSignal.aborted) await waits.untilResumed();
				return;
			}

			wokenByChange = false;
			// eslint-disable-next-line no-await-in-loop
			await wait(ms);
			// Not cut short by a job change: the time ran out, or a wake asked for a round.
			if (roundNow || !wokenByChange) return;
		}
	}

	return {
		subscribe,
		async run() {
			try {
				while (!stopSignal.aborted) {
					// eslint-disable-next-line no-await-in-loop
					await round();
					// eslint-disable-next-line no-await-in-loop
					await idle();
				}
			} catch (error) {
				if (!stopSignal.aborted) throw error;
			} finally {
				unsubscribe();
				releaseWaiters();
			}
		},
		async fetchOnce() {
			await round();
		},
		stop() {
			waits.stop();
			unsubscribe();
			releaseWaiters();
		},
		pollNow() {
			for (const part of detailParts) notBefore[part] = 0;
			wake();
		},
		async readPodsNow() {
			if (stopSignal.aborted) return;
			const read = new Promise<void>(resolve => {
				podsWaiters.push(resolve);
			});
			podsForFailure = true;
			notBefore.pods = 0;
			wake();
			await read;
		},
		setWanted(next) {
			const more = detailParts.some(part => next[part] && !wanted[part]);
			wanted = next;
			// A panel just opened: fill it now rather than at the next round.
			if (more) wake();
		},
	};
}
