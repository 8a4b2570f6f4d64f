import {terminalSafeJson} from '../core/sanitize.js';
import type {EventInfo} from '../core/cluster-types.js';
import {newEvents} from '../core/normalize-events.js';
import type {DetailPart, DetailsListener} from '../core/watch-details.js';
import type {WatchEvent, WatchListener} from '../core/watch-job.js';
import {isoSeconds} from './text-writer.js';

/**
 * NDJSON for scripts: one object per observed change with the job exactly as the server sent it, one per
 * error, retry or wait. Strings are escaped where they could act on a terminal; the values are unchanged.
 */
export function createJsonWriter(write: (line: string) => void, target: {namespace: string; name: string}): WatchListener {
	let waiting = false;
	let seen = false;
	let lastRefusal = '';
	let failures = 0;
	const emit = (object: Record<string, unknown>) => {
		write(`${terminalSafeJson(object)}\n`);
	};

	return (event: WatchEvent) => {
		const time = isoSeconds(event.at);
		switch (event.type) {
			case 'job': {
				if (failures > 0) {
					emit({time, event: 'recovered', ...target, failures, resourceVersion: event.job.resourceVersion});
					failures = 0;
				}

				if (!event.rvChanged) {
					return;
				}

				emit({
					time,
					event: 'change',
					namespace: event.job.namespace,
					name: event.job.name,
					resourceVersion: event.job.resourceVersion,
					phase: event.job.phase,
					first: event.previous === undefined,
					...(event.previous && event.previous.uid !== '' && event.previous.uid !== event.job.uid ? {recreated: true} : {}),
					changes: event.changes.map(change => ({path: change.path, old: change.old ?? null, new: change.new ?? null})),
					job: event.raw,
				});
				waiting = false;
				seen = true;
				lastRefusal = '';
				return;
			}

			case 'not-found': {
				failures = 0;
				if (!waiting) {
					emit({time, event: 'waiting', ...target, ...(seen ? {deleted: true} : {}), error: event.error.toJSON()});
				}

				waiting = true;
				return;
			}

			case 'watching': {
				if (event.opened && failures > 0) {
					emit({time, event: 'recovered', ...target, failures, watching: true, ...(event.job ? {resourceVersion: event.job.resourceVersion} : {})});
					failures = 0;
				}

				return;
			}

			case 'polling': {
				emit({time, event: 'polling', ...target, reason: event.reason, error: event.error.toJSON()});
				return;
			}

			case 'retry': {
				failures++;
				emit({time, event: 'retry', ...target, attempt: event.attempt, delayMs: event.delayMs, error: event.error.toJSON()});
				return;
			}

			case 'refused': {
				failures++;
				if (event.error.summary !== lastRefusal) {
					emit({time, event: 'error', ...target, delayMs: event.delayMs, error: event.error.toJSON()});
				}

				lastRefusal = event.error.summary;
				return;
			}

			default: {
				return;
			}
		}
	};
}

/**
 * NDJSON for the details: a "podgroup" object when its phase or message changes, a "k8s-event" object for
 * each new event (or one that happened again: its count rose), a "details-error" object per new problem.
 */
export function createJsonDetailsWriter(write: (line: string) => void, target: {namespace: string; name: string}): DetailsListener {
	let lastGroup = '';
	let events: readonly EventInfo[] = [];
	const trouble: Partial<Record<DetailPart, string>> = {};
	const emit = (object: Record<string, unknown>) => {
		write(`${terminalSafeJson(object)}\n`);
	};

	return event => {
		if (event.type === 'details-reset') {
			lastGroup = '';
			events = [];
			return;
		}

		const {part, result, at} = event;
		const time = isoSeconds(at);
		if (result.status === 'refused' || result.status === 'error') {
			if (trouble[part] !== result.error.summary) emit({time, event: 'details-error', ...target, part, retrying: result.status === 'error', error: result.error.toJSON()});
			trouble[part] = result.error.summary;
			return;
		}

		trouble[part] = undefined;
		if (part === 'podGroup') {
			const podGroup = result.status === 'absent' ? null : result.value;
			const key = JSON.stringify([podGroup?.name, podGroup?.phase, podGroup?.reason, podGroup?.message]);
			if (key !== lastGroup) emit({time, event: 'podgroup', ...target, podGroup});
			lastGroup = key;
		} else if (part === 'events' && result.status === 'ok') {
			for (const item of newEvents(events, result.value)) {
				emit({
					time,
					event: 'k8s-event',
					...target,
					type: item.type,
					reason: item.reason,
					object: {kind: item.kind, name: item.name},
					count: item.count,
					message: item.message,
					first: item.first === undefined ? null : new Date(item.first).toISOString(),
					last: item.last === undefined ? null : new Date(item.last).toISOString(),
				});
			}

			events = result.value;
		}
	};
}
