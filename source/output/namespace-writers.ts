import {errorHint} from '../api/api-error.js';
import {formatWait} from '../common/duration.js';
import type {JobDelta} from '../watch/job-index.js';
import {terminalSafeJson} from '../common/sanitize.js';
import {exitLabel} from '../model/exit-label.js';
import type {FailureRecord} from '../model/failures.js';
import type {NamespaceEvent} from '../watch/namespace-watcher.js';
import type {LastExitEvent} from '../watch/namespace-exits.js';
import {againIn, describeChange, isoSeconds, jobLine} from './text-writer.js';
import {field} from './failure-writers.js';

// The namespace in text and NDJSON: one line (object) per job that was added, changed or deleted; the first
// listing writes one per job, later ones only what changed. Never the whole table again. A job's latest failure,
// once its pods are read, is a line (object) of its own.

type Target = {readonly namespace: string};

/** The watcher's events and the latest failures read from the pods. */
export type NamespaceLineListener = (event: NamespaceEvent | LastExitEvent) => void;

/** `last-exit OOMKilled pod=… container=… exit=137 …`: the label the table shows, then where it comes from. */
function lastExitText(record: FailureRecord): string {
	return [
		`last-exit ${exitLabel(record)}`,
		field('pod', record.pod),
		field('container', record.container),
		field('task', record.task),
		field('exit', record.exitCode),
		field('meaning', record.meaning),
		field('reason', record.reason),
		field('pod-reason', record.podReason),
		field('finished', record.finishedAt),
		field('retries', record.retryCount),
	].join('');
}

/** Failed attempts since the last good answer, for the "recovered" line. */
function failureCounter() {
	let failures = 0;
	return {
		fail: () => ++failures,
		take() {
			const count = failures;
			failures = 0;
			return count;
		},
	};
}

function textFor(delta: JobDelta, first: boolean): string {
	switch (delta.kind) {
		case 'added': {
			return `${jobLine(delta.job)} (${first ? 'listed' : 'added'})`;
		}

		case 'modified': {
			return `${jobLine(delta.job)} (${delta.changes.map(change => describeChange(change)).join(', ')})`;
		}

		case 'deleted': {
			return `deleted (last seen ${jobLine(delta.job)})`;
		}
	}
}

export function createNamespaceTextWriter(write: (line: string) => void, target: Target): NamespaceLineListener {
	const failures = failureCounter();
	let lastRefusal = '';
	const line = (at: number, who: string, text: string) => write(`${isoSeconds(at)} ${who} ${text}\n`);
	return event => {
		switch (event.type) {
			case 'last-exit': {
				line(event.at, `${event.namespace}/${event.name}`, lastExitText(event.record));
				return;
			}

			case 'jobs': {
				const failed = failures.take();
				lastRefusal = '';
				if (failed > 0) {
					line(event.at, target.namespace, `recovered after ${failed} failed ${failed === 1 ? 'attempt' : 'attempts'}: ${event.total} ${event.total === 1 ? 'job' : 'jobs'}`);
				}

				if (event.first && event.total === 0) line(event.at, target.namespace, 'no jobs');
				for (const delta of event.deltas) {
					line(event.at, `${delta.job.namespace}/${delta.job.name}`, textFor(delta, event.first));
				}

				return;
			}

			case 'watching': {
				// A stream (re)opened: news only after failures; reopening after the server's timeout is routine.
				const failed = event.opened ? failures.take() : 0;
				if (failed > 0) line(event.at, target.namespace, `recovered after ${failed} failed ${failed === 1 ? 'attempt' : 'attempts'}: watching`);
				return;
			}

			case 'polling': {
				line(event.at, target.namespace, `polling: ${event.reason}; ${event.error.summary}`);
				return;
			}

			case 'retry': {
				failures.fail();
				line(event.at, target.namespace, `retry attempt=${event.attempt} in=${formatWait(event.delayMs)} error: ${event.error.summary}`);
				return;
			}

			case 'refused': {
				failures.fail();
				// The same refusal at every re-check is written once.
				if (event.error.summary === lastRefusal) return;
				lastRefusal = event.error.summary;
				const hint = errorHint(event.error, target.namespace);
				line(event.at, target.namespace, `error: ${event.error.summary}${hint ? ` (${hint})` : ''}${againIn(event.delayMs)}`);
				return;
			}

			default: {
				return;
			}
		}
	};
}

const jsonEvents = {added: 'added', modified: 'changed', deleted: 'deleted'} as const;

function objectFor(delta: JobDelta, first: boolean, time: string): Record<string, unknown> {
	const {job} = delta;
	return {
		time,
		event: delta.kind === 'added' && first ? 'listed' : jsonEvents[delta.kind],
		namespace: job.namespace,
		name: job.name,
		uid: job.uid,
		resourceVersion: job.resourceVersion,
		phase: job.phase,
		counters: job.counters,
		minAvailable: job.minAvailable ?? null,
		retryCount: job.retryCount,
		maxRetry: job.maxRetry,
		queue: job.queue ?? null,
		changes: delta.kind === 'modified' ? delta.changes.map(change => ({path: change.path, old: change.old ?? null, new: change.new ?? null})) : [],
		// The object exactly as the server sent it; a list does not send the last state of a deleted job.
		...(delta.raw ? {job: delta.raw} : {}),
	};
}

/** The record as JSON: the table's label, then its fields (absent ones left out). */
function lastExitObject(event: LastExitEvent, time: string): Record<string, unknown> {
	const {record} = event;
	return {
		time,
		event: 'last-exit',
		namespace: event.namespace,
		name: event.name,
		uid: event.uid,
		lastExit: exitLabel(record),
		pod: record.pod,
		...(record.container === undefined ? {} : {container: record.container}),
		...(record.task === undefined ? {} : {task: record.task}),
		...(record.exitCode === undefined ? {} : {exitCode: record.exitCode}),
		...(record.signal === undefined ? {} : {signal: record.signal}),
		...(record.meaning === undefined ? {} : {meaning: record.meaning}),
		...(record.reason === undefined ? {} : {reason: record.reason}),
		...(record.message === undefined ? {} : {message: record.message}),
		...(record.podReason === undefined ? {} : {podReason: record.podReason}),
		...(record.podMessage === undefined ? {} : {podMessage: record.podMessage}),
		...(record.finishedAt === undefined ? {} : {finishedAt: record.finishedAt}),
		version: record.version,
		retryCount: record.retryCount,
	};
}

export function createNamespaceJsonWriter(write: (line: string) => void, target: Target): NamespaceLineListener {
	const failures = failureCounter();
	let lastRefusal = '';
	const emit = (object: Record<string, unknown>) => write(`${terminalSafeJson(object)}\n`);
	return event => {
		const time = isoSeconds(event.at);
		switch (event.type) {
			case 'last-exit': {
				emit(lastExitObject(event, time));
				return;
			}

			case 'jobs': {
				const failed = failures.take();
				lastRefusal = '';
				if (failed > 0) emit({time, event: 'recovered', namespace: target.namespace, failures: failed, jobs: event.total});
				for (const delta of event.deltas) emit(objectFor(delta, event.first, time));
				return;
			}

			case 'watching': {
				const failed = event.opened ? failures.take() : 0;
				if (failed > 0) emit({time, event: 'recovered', namespace: target.namespace, failures: failed, watching: true});
				return;
			}

			case 'polling': {
				emit({time, event: 'polling', namespace: target.namespace, reason: event.reason, error: event.error.toJSON()});
				return;
			}

			case 'retry': {
				failures.fail();
				emit({time, event: 'retry', namespace: target.namespace, attempt: event.attempt, delayMs: event.delayMs, error: event.error.toJSON()});
				return;
			}

			case 'refused': {
				failures.fail();
				if (event.error.summary === lastRefusal) return;
				lastRefusal = event.error.summary;
				emit({time, event: 'error', namespace: target.namespace, delayMs: event.delayMs, error: event.error.toJSON()});
				return;
			}

			default: {
				return;
			}
		}
	};
}
