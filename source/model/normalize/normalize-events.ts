import type {EventInfo} from '../cluster.js';
import {sanitizeOptional} from '../../common/sanitize.js';
import {asArray, asRecord, count, timeOf} from '../wire.js';

export type EventFilter = {
	/** uids of the objects whose events belong to the job (job, PodGroup, pods); an event without uid matches by name. */
	readonly uids: ReadonlySet<string>;
};

function normalizeEvent(value: unknown): (EventInfo & {readonly uid?: string}) | undefined {
	const raw = asRecord(value);
	if (!raw) return undefined;
	const object = asRecord(raw['involvedObject']) ?? asRecord(raw['regarding']) ?? {};
	const reason = sanitizeOptional(raw['reason'], 64) ?? '';
	const message = sanitizeOptional(raw['message'] ?? raw['note'], 400) ?? '';
	const kind = sanitizeOptional(object['kind'], 64) ?? '';
	const name = sanitizeOptional(object['name'], 253) ?? '';
	const series = asRecord(raw['series']);
	// events.k8s.io and newer reporters use eventTime and series instead of the timestamps and count.
	const last = timeOf(asRecord(series)?.['lastObservedTime']) ?? timeOf(raw['lastTimestamp']) ?? timeOf(raw['eventTime']) ?? timeOf(asRecord(raw['metadata'])?.['creationTimestamp']);
	const first = timeOf(raw['firstTimestamp']) ?? timeOf(raw['eventTime']) ?? last;
	const uid = sanitizeOptional(object['uid'], 64);
	return {
		key: `${kind}/${name}/${reason}/${message}`,
		type: sanitizeOptional(raw['type'], 16) ?? 'Normal',
		reason,
		message,
		kind,
		name,
		count: Math.max(1, series ? count(series['count']) : count(raw['count'])),
		...(first === undefined ? {} : {first}),
		...(last === undefined ? {} : {last}),
		...(uid === undefined ? {} : {uid}),
	};
}

/**
 * Events from one or more EventLists as one list, newest first: repeats of the same thing on the same
 * object folded into one line with their count, events of objects with another uid (an earlier pod or job
 * of the same name) left out, the same event from two lists counted once.
 */
export function normalizeEvents(lists: readonly unknown[], filter?: EventFilter): EventInfo[] {
	const seen = new Set<string>();
	const folded = new Map<string, EventInfo>();
	for (const list of lists) {
		for (const item of asArray(asRecord(list)?.['items'], 1000)) {
			const id = asRecord(asRecord(item)?.['metadata'])?.['uid'];
			if (typeof id === 'string') {
				if (seen.has(id)) continue;
				seen.add(id);
			}

			const event = normalizeEvent(item);
			if (!event || (filter && event.uid !== undefined && !filter.uids.has(event.uid))) continue;
			const {uid: _uid, ...info} = event;
			const previous = folded.get(info.key);
			folded.set(
				info.key,
				previous
					? {
							...previous,
							count: previous.count + info.count,
							...(info.first !== undefined && !(previous.first! <= info.first) ? {first: info.first} : {}),
							...(info.last !== undefined && !(previous.last! >= info.last) ? {last: info.last} : {}),
						}
					: info,
			);
		}
	}

	return [...folded.values()].sort(newestFirst);
}

/** Newest first; events that say no time last; the same order whatever order they came in. */
function newestFirst(a: EventInfo, b: EventInfo): number {
	return (b.last ?? 0) - (a.last ?? 0) || a.key.localeCompare(b.key);
}

/**
 * How many events are kept across answers. Well over what one answer holds (the job, its PodGroup and three
 * pods: a few dozen kinds of event at most), so an answer does not push out what the ones before showed; about
 * the rows of a tall terminal's full-screen events view ('e'), which shows the newest and has no scrolling;
 * and small enough that comparing them each round costs nothing.
 */
export const keptEvents = 100;

/** The answer's copy says more than the one known: the event happened again (count rose, or seen later). */
function isNewer(known: EventInfo, next: EventInfo): boolean {
	return next.count > known.count || (next.last ?? 0) > (known.last ?? 0);
}

/**
 * The events known after an answer: those known before, with the answer's added or, where it says the event
 * happened again, in place of the older copy. An answer covers only the objects asked about (the job, its
 * PodGroup, the pods in trouble now): a pod that recovered keeps its events on screen. Newest first, the
 * newest `limit` kept; `known` itself when the answer adds nothing.
 */
export function mergeEvents(known: readonly EventInfo[], answer: readonly EventInfo[], limit = keptEvents): readonly EventInfo[] {
	const merged = new Map(known.map(event => [event.key, event]));
	let moved = false;
	for (const event of answer) {
		const was = merged.get(event.key);
		if (was && !isNewer(was, event)) continue;
		merged.set(event.key, event);
		moved = true;
	}

	if (!moved && known.length <= limit) return known;
	return [...merged.values()].sort(newestFirst).slice(0, limit);
}

/**
 * What is new in `next` compared with `previous`: events not there before, and events that happened again
 * (their count rose), oldest first, as a log would print them.
 */
export function newEvents(previous: readonly EventInfo[], next: readonly EventInfo[]): EventInfo[] {
	const before = new Map(previous.map(event => [event.key, event.count]));
	return next.filter(event => (before.get(event.key) ?? 0) < event.count).reverse();
}
