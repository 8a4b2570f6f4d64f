import {jobPaths} from '../model/diff-job.js';
import {minuteOf} from '../common/duration.js';
import {showsFailure, type FailureRecord} from '../model/failures.js';
import type {JobSummary} from '../model/job.js';
import type {NamespaceEvent} from '../watch/namespace-watcher.js';
import type {LastExitEvent} from '../watch/namespace-exits.js';
import {isLinkEvent, reduceLink, type LinkStatus, type FollowMode} from './link-status.js';
import type {Highlight} from './job-view.js';

/** One job of the table: as last seen, and what of it changed lately. */
export type NamespaceRow = {
	readonly job: JobSummary;
	/** Path → highlight, the same paths as the single job's (jobPaths). */
	readonly highlights: Readonly<Record<string, Highlight>>;
	/** When a change to it was last seen; undefined for a job unchanged since the first listing. */
	readonly changedAt?: number;
	/** Set when the job went away: the row stays, marked, for as long as a highlight does. */
	readonly deletedAt?: number;
	/** The latest failure its pods showed, read when the list said one failed (namespace-exits.ts). */
	readonly lastExit?: FailureRecord;
};

/** The highlight key of a row's latest failure, beside the job's own paths. */
export const lastExitPath = 'failures.last';

/**
 * Whether the job has failed pods or has failed before, from the list alone: pods counted failed, a retry
 * spent, or a phase a failure leads to (Restarting, Aborting, Terminating, Failed, Aborted, Terminated).
 */
export function hasFailures(job: Pick<JobSummary, 'phase' | 'phaseKind' | 'counters' | 'retryCount'>): boolean {
	return showsFailure(job) || job.retryCount > 0 || job.phaseKind === 'failure';
}

export type NamespaceState = {
	readonly namespace: string;
	readonly selector?: string;
	/**
	 * By uid. One Map, updated in place: copying thousands of rows for each change cost more than the change.
	 * Views memoise on `version`, and `changes` says which rows a version changed.
	 */
	readonly rows: ReadonlyMap<string, NamespaceRow>;
	/** Goes up by one with each change to rows (and expiries). */
	readonly version: number;
	readonly changes: RowChanges;
	/** The first complete listing has arrived. */
	readonly listed: boolean;
	readonly connection: LinkStatus;
	/** Listing every interval, or a list and then a watch stream. */
	readonly transport: FollowMode;
	readonly lastOkAt?: number;
	/** When a job last changed, appeared or went away. */
	readonly lastChangeAt?: number;
	readonly staleSince?: number;
	readonly fetchingSlowly: boolean;
	readonly paused: boolean;
	readonly now: number;
	/**
	 * uid → when the row's last highlight ends (or a deleted row goes). Only rows that changed lately are here,
	 * so ending highlights costs what changed, not the size of the namespace.
	 */
	readonly expiries: ReadonlyMap<string, number>;
};

/**
 * The keys of the rows changed lately, each with the version its change made (in order): a view that kept its
 * order of the rows at some version moves only the rows changed since. Only the latest are kept.
 */
export type RowChanges = {
	readonly keys: readonly string[];
	readonly versions: readonly number[];
	/** Every change made after this version is here. */
	readonly since: number;
};

type MutableChanges = {keys: string[]; versions: number[]; since: number};

// Enough for the changes between two frames of a busy namespace; a view further behind takes every row again.
const changesKept = 1024;

function noteChange(changes: RowChanges, key: string, version: number): void {
	const log = changes as MutableChanges;
	if (log.keys.length >= 2 * changesKept) {
		log.since = log.versions[changesKept - 1]!;
		log.keys.splice(0, changesKept);
		log.versions.splice(0, changesKept);
	}

	log.keys.push(key);
	log.versions.push(version);
}

/** The keys of the rows changed after `version`; undefined when that is further back than is kept. */
export function changedSince(state: Pick<NamespaceState, 'changes' | 'version'>, version: number): ReadonlySet<string> | undefined {
	const {keys, versions, since} = state.changes;
	if (version < since || version > state.version) return undefined;
	const changed = new Set<string>();
	for (let index = keys.length - 1; index >= 0 && versions[index]! > version; index--) changed.add(keys[index]!);
	return changed;
}

// The reducer's own write access to the maps it shares with the states before it (see NamespaceState.rows).
const writable = (state: NamespaceState) => ({
	rows: state.rows as Map<string, NamespaceRow>,
	expiries: state.expiries as Map<string, number>,
	version: state.version + 1,
});

export type NamespaceAction = NamespaceEvent | LastExitEvent | {readonly type: 'tick'; readonly at: number};

export type NamespaceStateOptions = {
	readonly highlightMs: number;
};

export function initialNamespaceState(namespace: string, now: number, selector?: string): NamespaceState {
	return {
		namespace,
		...(selector ? {selector} : {}),
		rows: new Map(),
		version: 0,
		changes: {keys: [], versions: [], since: 0},
		listed: false,
		connection: {kind: 'connecting'},
		transport: {kind: 'polling'},
		fetchingSlowly: false,
		paused: false,
		now,
		expiries: new Map(),
	};
}

/**
 * The earliest time a highlight ends or a deleted row goes, for the one timer; while watching, also the next
 * minute (a stream brings no answer every few seconds to move the ages on).
 */
export function nextNamespaceExpiry(state: NamespaceState): number | undefined {
	let earliest = state.transport.kind === 'watching' ? minuteOf(state.now) + 60_000 : undefined;
	for (const until of state.expiries.values()) {
		if (earliest === undefined || until < earliest) earliest = until;
	}

	return earliest;
}

function lastUntil(highlights: Readonly<Record<string, Highlight>>): number | undefined {
	let latest: number | undefined;
	for (const {until} of Object.values(highlights)) {
		if (latest === undefined || until > latest) latest = until;
	}

	return latest;
}

function onJobs(state: NamespaceState, event: Extract<NamespaceEvent, {type: 'jobs'}>, options: NamespaceStateOptions): NamespaceState {
	const {at, deltas} = event;
	// A listing that changed nothing leaves the state as it is (nothing is drawn), unless the minute turned:
	// the ages count in minutes.
	if (
		deltas.length === 0 &&
		state.listed &&
		state.connection.kind === 'live' &&
		!state.fetchingSlowly &&
		Math.floor(at / 60_000) === Math.floor(state.now / 60_000)
	) {
		return state;
	}

	const base: NamespaceState = {
		...state,
		listed: true,
		connection: {kind: 'live'},
		lastOkAt: at,
		staleSince: undefined,
		fetchingSlowly: false,
		now: at,
	};
	if (deltas.length === 0) return base;

	// The first list is not an event of the stream: "last event" is a change seen after it.
	const transport = state.transport.kind === 'watching' && !event.first ? {transport: {...state.transport, lastEventAt: at}} : {};
	const {rows, expiries, version} = writable(state);
	const until = at + options.highlightMs;
	// The first listing is the baseline: nothing in it is news, so nothing flashes.
	const flash = !event.first;
	for (const delta of deltas) {
		const {uid} = delta.job;
		const key = uid || `name:${delta.job.name}`;
		const row = rows.get(key);
		noteChange(state.changes, key, version);
		switch (delta.kind) {
			case 'added': {
				rows.set(key, flash ? {job: delta.job, highlights: {[jobPaths.uid]: {until}}, changedAt: at} : {job: delta.job, highlights: {}});
				if (flash) expiries.set(key, until);
				break;
			}

			case 'modified': {
				const highlights: Record<string, Highlight> = {...row?.highlights};
				for (const change of delta.changes) {
					highlights[change.path] = change.direction ? {until, direction: change.direction} : {until};
				}

				rows.set(key, {job: delta.job, highlights, changedAt: at, ...lastExitOf(row)});
				expiries.set(key, Math.max(until, expiries.get(key) ?? 0));
				break;
			}

			case 'deleted': {
				rows.set(key, {job: delta.job, highlights: {[jobPaths.deletion]: {until}}, changedAt: at, deletedAt: at, ...lastExitOf(row)});
				expiries.set(key, until);
				break;
			}
		}
	}

	return {...base, ...transport, version, lastChangeAt: flash ? at : state.lastChangeAt};
}

const lastExitOf = (row: NamespaceRow | undefined) => (row?.lastExit ? {lastExit: row.lastExit} : {});

/** A job's latest failure, read from its pods: news (a failure seen happening) stands out like a change. */
function onLastExit(state: NamespaceState, event: LastExitEvent, options: NamespaceStateOptions): NamespaceState {
	const row = state.rows.get(event.key);
	// A job gone meanwhile, or one deleted and created again under its name (another uid).
	if (!row || row.deletedAt !== undefined || (event.uid !== '' && row.job.uid !== event.uid)) return state;
	const {rows, expiries, version} = writable(state);
	noteChange(state.changes, event.key, version);
	if (!event.news) {
		rows.set(event.key, {...row, lastExit: event.record});
		return {...state, version};
	}

	const until = event.at + options.highlightMs;
	rows.set(event.key, {...row, lastExit: event.record, highlights: {...row.highlights, [lastExitPath]: {until}}, changedAt: event.at});
	expiries.set(event.key, Math.max(until, expiries.get(event.key) ?? 0));
	return {...state, version, lastChangeAt: event.at};
}

/** After trouble, a stream that opens goes on from the listing, if there was one. */
function recoveredLink(state: NamespaceState): LinkStatus {
	return state.listed ? {kind: 'live'} : {kind: 'connecting'};
}

function onTick(state: NamespaceState, at: number): NamespaceState {
	const {rows, expiries, version} = writable(state);
	let changed = false;
	// Deleting or setting the current entry while iterating a Map visits each remaining entry once.
	for (const [key, until] of expiries) {
		if (until > at) continue;
		changed = true;
		noteChange(state.changes, key, version);
		const row = rows.get(key);
		if (row?.deletedAt !== undefined) {
			rows.delete(key);
			expiries.delete(key);
			continue;
		}

		if (!row) {
			expiries.delete(key);
			continue;
		}

		const highlights = Object.fromEntries(Object.entries(row.highlights).filter(([, highlight]) => highlight.until > at));
		rows.set(key, {...row, highlights});
		const next = lastUntil(highlights);
		if (next === undefined) expiries.delete(key);
		else expiries.set(key, next);
	}

	if (changed) return {...state, version, now: at};
	return state.transport.kind === 'watching' && minuteOf(at) !== minuteOf(state.now) ? {...state, now: at} : state;
}

/**
 * The namespace state after one event, tested without React or timers. A new state object whenever anything
 * changed, but rows and expiries change in place: reduce from the latest state only.
 */
export function reduceNamespace(state: NamespaceState, action: NamespaceAction, options: NamespaceStateOptions): NamespaceState {
	if (isLinkEvent(action)) return reduceLink(state, action, recoveredLink);
	switch (action.type) {
		case 'jobs': {
			return onJobs(state, action, options);
		}

		case 'tick': {
			return onTick(state, action.at);
		}

		case 'last-exit': {
			return onLastExit(state, action, options);
		}
	}
}
