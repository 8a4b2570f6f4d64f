import {isLinkEvent, reduceLink, type LinkStatus, type FollowMode} from './link-status.js';
import {idleDetails, reduceDetails, type DetailsView} from './details-state.js';
import {jobPaths} from '../model/diff-job.js';
import {minuteOf} from '../common/duration.js';
import {recordPhase, type SeenPhase} from '../model/timeline.js';
import type {Change, Counters, Job} from '../model/job.js';
import type {DetailsEvent} from '../watch/details-poller.js';
import type {WatchEvent} from '../watch/job-watcher.js';
import type {FailureEvent, FailureEvidence} from '../watch/failure-watcher.js';
import {maxFailureRecords} from '../model/failures.js';
import type {HookEvent} from './hook-status.js';

export type {LinkStatus, FollowMode} from './link-status.js';

export type RecentChange = {
	readonly at: number;
	readonly fromRv?: string;
	readonly toRv: string;
	readonly change: Change;
};

export type Highlight = {readonly until: number; readonly direction?: 'up' | 'down'};

export type PhaseSince = {
	readonly phase: string;
	readonly at: number;
	/** False when the phase began before the watcher started and the job did not say when. */
	readonly exact: boolean;
};

export type JobViewState = {
	readonly namespace: string;
	readonly name: string;
	readonly job?: Job;
	readonly connection: LinkStatus;
	readonly transport: FollowMode;
	/** The last answer that changed what is known (a job or a 404); idle polls leave it be. */
	readonly lastOkAt?: number;
	/** When metadata.resourceVersion last moved. */
	readonly lastChangeAt?: number;
	/** The first failure since the last good answer: what is on screen is as old as this. */
	readonly staleSince?: number;
	/** When the job was last seen to vanish (404 after it existed). */
	readonly deletedAt?: number;
	/** Since when the server has said the job does not exist; cleared when it appears. */
	readonly missingSince?: number;
	readonly fetchingSlowly: boolean;
	readonly paused: boolean;
	readonly phaseSince?: PhaseSince;
	/** Newest first, bounded. */
	readonly recent: readonly RecentChange[];
	readonly highlights: Readonly<Record<string, Highlight>>;
	readonly now: number;
	/** The PodGroup, pods and events, as far as fetched. */
	readonly details: DetailsView;
	/** Every phase seen, oldest first, for the timeline. */
	readonly seenPhases: readonly SeenPhase[];
	/**
	 * The counters last seen while Running: in kill-path phases Volcano recomputes them from the pods being
	 * deleted, so succeeded and failed read 0 after completion.
	 */
	readonly runningCounters?: {readonly uid: string; readonly counters: Counters; readonly at: number};
	/** Failed container runs and pods with their log tails, oldest first; kept after the pods are gone. */
	readonly failures: readonly FailureEvidence[];
	/** --on-finish: what came of the command, the last told (running, then how it ended). */
	readonly hook?: HookEvent;
};

export type JobViewAction = WatchEvent | DetailsEvent | FailureEvent | HookEvent | {readonly type: 'tick'; readonly at: number};

/** Highlight key of a failure record: it stands out when recorded. */
export const failurePath = (key: string) => `failures[${key}]`;

export type JobViewOptions = {
	readonly highlightMs: number;
	readonly maxRecent?: number;
};

export function initialJobView(namespace: string, name: string, now: number): JobViewState {
	return {
		namespace,
		name,
		connection: {kind: 'connecting'},
		transport: {kind: 'polling'},
		fetchingSlowly: false,
		paused: false,
		recent: [],
		highlights: {},
		now,
		details: idleDetails,
		seenPhases: [],
		failures: [],
	};
}

/** A record added (and highlighted), or its log filled in. */
function onFailure(state: JobViewState, action: FailureEvent, options: JobViewOptions): JobViewState {
	const {evidence, at} = action;
	const index = state.failures.findIndex(known => known.record.key === evidence.record.key);
	if (index >= 0) {
		const failures = state.failures.with(index, evidence);
		return {...state, failures};
	}

	const failures = [...state.failures, evidence].slice(-maxFailureRecords);
	// Evidence found already there is not news: like the job's first values, it does not flash.
	if (action.old) return {...state, failures};
	const highlights = {...withoutExpired(state.highlights, at), [failurePath(evidence.record.key)]: {until: at + options.highlightMs}};
	return {...state, failures, highlights};
}

function withoutExpired(highlights: Readonly<Record<string, Highlight>>, now: number) {
	const entries = Object.entries(highlights).filter(([, highlight]) => highlight.until > now);
	return entries.length === Object.keys(highlights).length ? highlights : Object.fromEntries(entries);
}

/** The earliest time a highlight ends, for the one timer that clears it. */
export function nextHighlightExpiry(state: JobViewState): number | undefined {
	const times = Object.values(state.highlights).map(highlight => highlight.until);
	return times.length === 0 ? undefined : Math.min(...times);
}

function initialPhaseSince(job: Job, at: number): PhaseSince {
	// Volcano rewrites state.lastTransitionTime on every status write, so it cannot say how long the job
	// has been in this phase; the last condition can, when it names the same phase.
	const last = job.conditions.at(-1);
	const since = last?.phase === job.phase && last.at ? Date.parse(last.at) : Number.NaN;
	return Number.isNaN(since) || since > at ? {phase: job.phase, at, exact: false} : {phase: job.phase, at: since, exact: true};
}

function onJob(state: JobViewState, event: Extract<WatchEvent, {type: 'job'}>, options: JobViewOptions): JobViewState {
	const {job, at} = event;
	// A poll that changed nothing leaves the state as it is (so nothing re-renders, nothing is written),
	// unless the minute turned: the ages on screen count in minutes.
	if (
		!event.rvChanged &&
		state.connection.kind === 'live' &&
		!state.fetchingSlowly &&
		Math.floor(at / 60_000) === Math.floor(state.now / 60_000)
	) {
		return state;
	}

	const maxRecent = options.maxRecent ?? 50;
	const base: JobViewState = {
		...state,
		job,
		connection: {kind: 'live'},
		lastOkAt: at,
		staleSince: undefined,
		deletedAt: undefined,
		missingSince: undefined,
		fetchingSlowly: false,
		now: at,
		highlights: withoutExpired(state.highlights, at),
	};
	if (!event.rvChanged) {
		return base;
	}

	const phaseSince =
		state.phaseSince === undefined
			? initialPhaseSince(job, at)
			: state.phaseSince.phase === job.phase && state.job?.uid === job.uid
				? state.phaseSince
				: {phase: job.phase, at, exact: true};
	const seenPhases = recordPhase(state.seenPhases, job, phaseSince.at, phaseSince.exact);
	const runningCounters =
		job.phase === 'Running'
			? {uid: job.uid, counters: job.counters, at}
			: state.runningCounters?.uid === job.uid
				? state.runningCounters
				: undefined;
	// A new uid is another object: its PodGroup, pods and events are not the old one's.
	const details = state.job && state.job.uid !== job.uid ? idleDetails : state.details;

	const fromRv = event.previous?.resourceVersion;
	let records: RecentChange[] = event.changes.map(change => ({
		at,
		...(fromRv === undefined ? {} : {fromRv}),
		toRv: job.resourceVersion,
		change,
	}));
	// Another uid under the same name: deleted and created again, whether or not the gap was seen.
	const recreated = state.job !== undefined && state.job.uid !== '' && job.uid !== '' && state.job.uid !== job.uid;
	// Retries may come between the 404 and the job: it still appeared.
	if (state.missingSince !== undefined || recreated) {
		records = [
			{at, toRv: job.resourceVersion, change: {path: jobPaths.uid, label: 'job', old: undefined, new: recreated ? 're-created' : 'appeared'}},
			...records,
		];
	}

	// The first frame has nothing to compare with: nothing flashes. After that, every changed value
	// and the resourceVersion itself stand out for highlightMs.
	const highlights = {...base.highlights};
	if (event.previous) {
		const until = at + options.highlightMs;
		highlights[jobPaths.resourceVersion] = {until};
		for (const change of event.changes) {
			highlights[change.path] = change.direction ? {until, direction: change.direction} : {until};
		}
	}

	return {
		...base,
		...(state.transport.kind === 'watching' ? {transport: {...state.transport, lastEventAt: at}} : {}),
		phaseSince,
		seenPhases,
		details,
		...(runningCounters ? {runningCounters} : {runningCounters: undefined}),
		lastChangeAt: at,
		recent: [...records, ...state.recent].slice(0, maxRecent),
		highlights,
	};
}

/** After trouble, a stream that opens finds the job there, missing, or not yet seen. */
function recoveredLink(state: JobViewState): LinkStatus {
	if (state.missingSince !== undefined) return {kind: 'waiting'};
	return state.job ? {kind: 'live'} : {kind: 'connecting'};
}

/** When the next minute begins while watching: the ages on screen move on then, and only then. */
export function nextMinuteTick(state: JobViewState): number | undefined {
	return state.transport.kind === 'watching' ? minuteOf(state.now) + 60_000 : undefined;
}

/** The watch state after one event: pure, so it is tested without React or timers. */
export function reduceJobView(state: JobViewState, action: JobViewAction, options: JobViewOptions): JobViewState {
	if (isLinkEvent(action)) return reduceLink(state, action, recoveredLink);
	switch (action.type) {
		case 'job': {
			return onJob(state, action, options);
		}

		case 'not-found': {
			const vanished = state.job !== undefined && state.deletedAt === undefined;
			return {
				...state,
				connection: {kind: 'waiting'},
				missingSince: state.missingSince ?? action.at,
				details: idleDetails,
				...(state.transport.kind === 'watching' && action.deleted ? {transport: {...state.transport, lastEventAt: action.at}} : {}),
				lastOkAt: action.at,
				staleSince: undefined,
				fetchingSlowly: false,
				now: action.at,
				...(vanished
					? {
							deletedAt: action.at,
							recent: [
								{at: action.at, toRv: state.job!.resourceVersion, change: {path: jobPaths.uid, label: 'job', old: state.job!.uid, new: 'deleted'}},
								...state.recent,
							].slice(0, options.maxRecent ?? 50),
						}
					: {}),
			};
		}

		case 'details':
		case 'details-reset': {
			const {details, changed} = reduceDetails(state.details, action);
			if (details === state.details) return state;
			const until = action.at + options.highlightMs;
			const highlights: Record<string, Highlight> = {...withoutExpired(state.highlights, action.at)};
			for (const key of changed) highlights[key] = {until};
			return {...state, details, highlights};
		}

		case 'failure': {
			return onFailure(state, action, options);
		}

		case 'hook': {
			return {...state, hook: action};
		}

		case 'tick': {
			const highlights = withoutExpired(state.highlights, action.at);
			// A stream brings no answer every few seconds to move the ages on: the minute is a tick of its own.
			const minuteTurned = state.transport.kind === 'watching' && minuteOf(action.at) !== minuteOf(state.now);
			return highlights === state.highlights && !minuteTurned ? state : {...state, highlights, now: action.at};
		}
	}
}
