import type {ApiError} from '../api/api-error.js';
import type {EventInfo, PodGroupInfo} from '../model/cluster.js';
import {mergeEvents, newEvents} from '../model/normalize/normalize-events.js';
import type {DetailPart, DetailsEvent} from '../watch/details-poller.js';

/** What a log of the details says, once each: the writers for text and JSON only format it. */
export type DetailsRecord =
	| {readonly kind: 'podgroup'; readonly at: number; readonly podGroup: PodGroupInfo | undefined}
	| {readonly kind: 'event'; readonly at: number; readonly event: EventInfo}
	| {readonly kind: 'error'; readonly at: number; readonly part: DetailPart; readonly error: ApiError; readonly retrying: boolean};

/**
 * Turns the details loop's answers into records worth a line: the PodGroup when its phase or message
 * changes, each new event (or one that happened again: its count rose), oldest first, and a failure of a part
 * once until that part answers again. New is against every event known since the last reset, as the events
 * panel keeps them: a pod in trouble again, whose events come back into the answers, repeats none of them.
 */
export function createDetailsReport(emit: (record: DetailsRecord) => void): (event: DetailsEvent) => void {
	let lastGroup: string | undefined;
	let events: readonly EventInfo[] = [];
	const trouble: Partial<Record<DetailPart, string>> = {};
	return event => {
		if (event.type === 'details-reset') {
			lastGroup = undefined;
			events = [];
			return;
		}

		const {part, result, at} = event;
		if (result.status === 'refused' || result.status === 'error') {
			if (trouble[part] !== result.error.summary) emit({kind: 'error', at, part, error: result.error, retrying: result.status === 'error'});
			trouble[part] = result.error.summary;
			return;
		}

		trouble[part] = undefined;
		if (part === 'podGroup') {
			const podGroup = result.status === 'ok' ? result.value : undefined;
			const key = JSON.stringify([podGroup?.name, podGroup?.phase, podGroup?.reason, podGroup?.message]);
			if (key !== lastGroup) emit({kind: 'podgroup', at, podGroup});
			lastGroup = key;
		} else if (part === 'events' && result.status === 'ok') {
			// Against the merged list, not the answer: an event too old to be kept (past keptEvents newer ones)
			// would otherwise be new again at every answer that holds it.
			const known = mergeEvents(events, result.value);
			for (const item of newEvents(events, known)) emit({kind: 'event', at, event: item});
			events = known;
		}
	};
}
