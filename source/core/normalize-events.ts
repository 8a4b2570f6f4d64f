import type {EventInfo} from './cluster-types.js';
import {sanitizeOptional} from './sanitize.js';
import {asArray, asRecord, count, timeOf} from './wire.js';

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

	return [...folded.values()].sort((a, b) => (b.last ?? 0) - (a.last ?? 0) || a.key.localeCompare(b.key));
}

/**
 * What is new in `next` compared with `previous`: events not there before, and events that happened again
 * (their count rose), oldest first, as a log would print them.
 */
export function newEvents(previous: readonly EventInfo[], next: readonly EventInfo[]): EventInfo[] {
	const before = new Map(previous.map(event => [event.key, event.count]));
	return next.filter(event => (before.get(event.key) ?? 0) < event.count).reverse();
}
