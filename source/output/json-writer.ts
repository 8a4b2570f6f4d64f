import {terminalSafeJson} from '../common/sanitize.js';
import {createDetailsReport} from './details-report.js';
import type {DetailsListener} from '../watch/details-poller.js';
import type {WatchEvent, WatchListener} from '../watch/job-watcher.js';
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
	const emit = (object: Record<string, unknown>) => {
		write(`${terminalSafeJson(object)}\n`);
	};

	return createDetailsReport(record => {
		const time = isoSeconds(record.at);
		switch (record.kind) {
			case 'error': {
				emit({time, event: 'details-error', ...target, part: record.part, retrying: record.retrying, error: record.error.toJSON()});
				return;
			}

			case 'podgroup': {
				emit({time, event: 'podgroup', ...target, podGroup: record.podGroup ?? null});
				return;
			}

			case 'event': {
				const {event} = record;
				emit({
					time,
					event: 'k8s-event',
					...target,
					type: event.type,
					reason: event.reason,
					object: {kind: event.kind, name: event.name},
					count: event.count,
					message: event.message,
					first: event.first === undefined ? null : new Date(event.first).toISOString(),
					last: event.last === undefined ? null : new Date(event.last).toISOString(),
				});
			}
		}
	});
}
