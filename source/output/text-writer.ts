import {errorHint} from '../api/api-error.js';
import {formatWait} from '../common/duration.js';
import {createDetailsReport} from './details-report.js';
import type {Change, Job} from '../model/job.js';
import type {DetailPart, DetailsListener} from '../watch/details-poller.js';
import type {WatchEvent, WatchListener} from '../watch/job-watcher.js';

/** When the next look comes; nothing after --once's only look. */
export function againIn(delayMs: number | undefined): string {
	return delayMs === undefined ? '' : `; checking again in ${formatWait(delayMs)}`;
}

export function isoSeconds(time: number): string {
	return new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function value(value: string | number | undefined): string {
	if (value === undefined) return 'none';
	return typeof value === 'string' && /[\s"]/.test(value) ? JSON.stringify(value) : String(value);
}

export function describeChange(change: Change): string {
	return `${change.label} ${value(change.old)}→${value(change.new)}`;
}

/** The job in one line: the fields a script greps for, always in the same order. */
export function jobLine(job: Pick<Job, 'resourceVersion' | 'phase' | 'counters' | 'retryCount' | 'maxRetry'>): string {
	const {counters} = job;
	const extra = [
		counters.terminating > 0 ? ` terminating=${counters.terminating}` : '',
		counters.unknown > 0 ? ` unknown=${counters.unknown}` : '',
		job.retryCount > 0 ? ` retries=${job.retryCount}/${job.maxRetry}` : '',
	].join('');
	return `rv=${job.resourceVersion || '-'} phase=${job.phase || '-'} pending=${counters.pending} running=${counters.running} succeeded=${counters.succeeded} failed=${counters.failed}${extra}`;
}

/**
 * Plain lines for pipes and logs: one per observed change, one per error or retry, no escape codes.
 * Repeats of the same state (still waiting, the same refusal) are not written again.
 */
export function createTextWriter(write: (line: string) => void, target: {namespace: string; name: string}): WatchListener {
	const who = `${target.namespace}/${target.name}`;
	let last = '';
	// Failed attempts since the last good answer: the next good one says it recovered.
	let failures = 0;
	let seen = false;
	const emit = (at: number, text: string, dedupeKey?: string) => {
		if (dedupeKey !== undefined && dedupeKey === last) {
			return;
		}

		last = dedupeKey ?? '';
		write(`${isoSeconds(at)} ${who} ${text}\n`);
	};

	return (event: WatchEvent) => {
		switch (event.type) {
			case 'job': {
				const recovered = failures > 0 ? `recovered after ${failures} failed ${failures === 1 ? 'attempt' : 'attempts'}: ` : '';
				failures = 0;
				if (!event.rvChanged) {
					if (recovered) emit(event.at, recovered + jobLine(event.job));
					return;
				}

				const recreated = event.previous !== undefined && event.previous.uid !== '' && event.previous.uid !== event.job.uid;
				const notes = [
					...(recreated ? ['re-created'] : last === 'waiting' ? ['appeared'] : event.previous ? [] : ['first seen']),
					...event.changes.map(change => describeChange(change)),
				];
				seen = true;
				const note = notes.length > 0 ? ` (${notes.join(', ')})` : '';
				emit(event.at, recovered + jobLine(event.job) + note);
				return;
			}

			case 'not-found': {
				failures = 0;
				emit(event.at, `${seen ? 'deleted; ' : ''}waiting for ${who} to appear`, 'waiting');
				return;
			}

			case 'watching': {
				// A stream (re)opened: news only after failures. Reopening after the server's timeout is routine.
				if (event.opened && failures > 0) {
					emit(event.at, `recovered after ${failures} failed ${failures === 1 ? 'attempt' : 'attempts'}: watching${event.job ? ` ${jobLine(event.job)}` : ''}`);
					failures = 0;
				}

				return;
			}

			case 'polling': {
				emit(event.at, `polling: ${event.reason}; ${event.error.summary}`);
				return;
			}

			case 'retry': {
				failures++;
				emit(event.at, `retry attempt=${event.attempt} in=${formatWait(event.delayMs)} error: ${event.error.summary}`);
				return;
			}

			case 'refused': {
				failures++;
				const hint = errorHint(event.error, target.namespace);
				emit(
					event.at,
					`error: ${event.error.summary}${hint ? ` (${hint})` : ''}${againIn(event.delayMs)}`,
					`refused:${event.error.summary}`,
				);
				return;
			}

			default: {
				return;
			}
		}
	};
}

const partWords: Readonly<Record<DetailPart, string>> = {podGroup: 'podgroup', pods: 'pods', events: 'events'};

/** Lines for the PodGroup (when its phase or message changes) and for each new event, oldest first. */
export function createTextDetailsWriter(write: (line: string) => void, target: {namespace: string; name: string}): DetailsListener {
	const who = `${target.namespace}/${target.name}`;
	const line = (at: number, text: string) => write(`${isoSeconds(at)} ${who} ${text}\n`);
	return createDetailsReport(record => {
		switch (record.kind) {
			case 'error': {
				line(record.at, `${partWords[record.part]} error: ${record.error.summary}`);
				return;
			}

			case 'podgroup': {
				const group = record.podGroup;
				const why = group ? [group.reason, group.message].filter(Boolean).join(': ') : '';
				line(record.at, group ? `podgroup ${group.name} phase=${group.phase || '-'}${why ? ` ${why}` : ''}` : 'podgroup none found');
				return;
			}

			case 'event': {
				const {event} = record;
				const count = event.count > 1 ? ` x${event.count}` : '';
				line(record.at, `event ${event.type} ${event.reason}${count} ${event.kind.toLowerCase() || '?'}/${event.name}: ${event.message}`);
			}
		}
	});
}
