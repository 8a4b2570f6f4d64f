import {finishedOutcome} from './phase.js';
import type {Job} from './job.js';

/** A phase the watcher saw the job enter (or find it in, at start). */
export type SeenPhase = {
	readonly uid: string;
	readonly phase: string;
	readonly at: number;
	/** False when the job was already in this phase when first seen, and nothing said since when. */
	readonly exact: boolean;
};

export type TimelineEntry = {
	readonly phase: string;
	readonly start: number;
	/**
	 * When the next phase began; undefined for the current one. The last phase of an earlier incarnation ends
	 * where the next incarnation begins: an upper bound, as the watcher does not see the deletion itself.
	 */
	readonly end?: number;
	/** 'server': from status.conditions; 'seen': from the watcher's own observations. */
	readonly source: 'server' | 'seen';
	/** False when the start is only when the watcher first saw it ("≥"). */
	readonly exact: boolean;
	/** The first entry of a later incarnation of the job (same name, new uid). */
	readonly incarnation?: string;
};

export type Timeline = {
	readonly entries: readonly TimelineEntry[];
	/** From creation to the first Running of the current incarnation. */
	readonly toRunningMs?: number;
	/** From creation to the end (a finished phase) or to now. */
	readonly totalMs?: number;
	readonly finished: boolean;
};

const maxSeen = 200;

/** The seen list after one observation: a new entry only when the phase or the incarnation moved. */
export function recordPhase(seen: readonly SeenPhase[], job: Job, at: number, exact: boolean): readonly SeenPhase[] {
	const last = seen.at(-1);
	if (last && last.uid === job.uid && last.phase === job.phase) return seen;
	return [...seen, {uid: job.uid, phase: job.phase, at, exact}].slice(-maxSeen);
}

function entriesFor(job: Job, seen: readonly SeenPhase[]): TimelineEntry[] {
	const entries: TimelineEntry[] = [];
	for (const condition of job.conditions) {
		const start = condition.at === undefined ? Number.NaN : Date.parse(condition.at);
		if (!Number.isNaN(start)) entries.push({phase: condition.phase, start, source: 'server', exact: true});
	}

	// What the watcher saw after the last condition fills in for servers that write none (Volcano before
	// 1.5, CCI's document) or have not written it yet. What it saw up to its last sighting of the server's
	// latest phase is on record already: matched by phase, not by time, because the watcher's clock is not
	// the server's, and one running ahead would put a phase caught in passing after the server's next one.
	const mine = seen.filter(phase => phase.uid === job.uid && phase.phase !== '');
	const latest = entries.at(-1);
	const onRecord = latest ? mine.findLastIndex(phase => phase.phase === latest.phase) : -1;
	for (const phase of mine.slice(onRecord + 1)) {
		const last = entries.at(-1);
		if (last && (last.phase === phase.phase || phase.at <= last.start)) continue;
		entries.push({phase: phase.phase, start: phase.at, source: 'seen', exact: phase.exact});
	}

	return entries;
}

function withEnds(entries: readonly TimelineEntry[]): TimelineEntry[] {
	return entries.map((entry, index) => {
		const next = entries[index + 1];
		if (!next) return entry;
		// Left open, an earlier incarnation's last phase would read as still going, its time counted to now.
		return {...entry, end: next.incarnation ? Math.max(entry.start, next.start) : next.start};
	});
}

/**
 * Every phase of the job with when it began and how long it lasted: status.conditions for the history from
 * before the watcher started, the watcher's own observations after, earlier incarnations (a job deleted and
 * created again under the same name) from what the watcher saw of them.
 */
export function buildTimeline(job: Job | undefined, seen: readonly SeenPhase[], now: number): Timeline {
	const earlier: TimelineEntry[] = [];
	const uids = [...new Set(seen.map(phase => phase.uid))].filter(uid => uid !== job?.uid);
	for (const uid of uids) {
		const phases = seen.filter(phase => phase.uid === uid && phase.phase !== '');
		phases.forEach((phase, index) => {
			earlier.push({
				phase: phase.phase,
				start: phase.at,
				source: 'seen',
				exact: phase.exact,
				...(index === 0 && earlier.length > 0 ? {incarnation: uid} : {}),
			});
		});
	}

	if (!job) return {entries: withEnds(earlier), finished: false};
	const current = entriesFor(job, seen);
	if (current.length > 0 && earlier.length > 0) current[0] = {...current[0]!, incarnation: job.uid};
	const entries = withEnds([...earlier, ...current]);
	const created = job.creationTimestamp === undefined ? Number.NaN : Date.parse(job.creationTimestamp);
	const running = current.find(entry => entry.phase === 'Running');
	const last = current.at(-1);
	const finished = last !== undefined && finishedOutcome(last.phase) !== undefined;
	const end = finished ? last.start : now;
	return {
		entries,
		...(Number.isNaN(created) || !running ? {} : {toRunningMs: Math.max(0, running.start - created)}),
		...(Number.isNaN(created) ? {} : {totalMs: Math.max(0, end - created)}),
		finished,
	};
}
