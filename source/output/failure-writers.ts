// Failure evidence for scripts: a `failure` line (or a `pod-failure` object) per record once its log tail is
// known, and with --exit-on-finish a summary written last, so that a CI log ends with the reason.
import {terminalSafeJson} from '../common/sanitize.js';
import type {FailureRecord} from '../model/failures.js';
import {skippedLines, type FailureEvidence, type FailureListener, type FailureLog} from '../watch/failure-watcher.js';
import {isoSeconds} from './text-writer.js';

type Target = {readonly namespace: string; readonly name: string};

/** ` name=value`, quoted when the value has a space, a quote or an equals sign; nothing when there is no value. */
export function field(name: string, value: string | number | undefined): string {
	if (value === undefined || value === '') return '';
	const text = String(value);
	return ` ${name}=${/[\s"=]/.test(text) ? JSON.stringify(text) : text}`;
}

/** The record in one line of key=value pairs, always in the same order. */
export function failureFields(record: FailureRecord): string {
	return [
		field('pod', record.pod),
		field('container', record.container),
		record.initContainer ? ' init=true' : '',
		field('task', record.task),
		field('exit', record.exitCode),
		field('signal', record.signal),
		field('meaning', record.meaning),
		field('reason', record.reason),
		field('pod-reason', record.podReason),
		field('node', record.node),
		field('run', record.run),
		record.restartedInPlace ? ' restarted=true' : '',
		field('finished', record.finishedAt),
		field('version', record.version),
		field('retries', record.retryCount),
	]
		.join('')
		.trimStart();
}

const indent = '    ';

/** What the log lines below are; `shown` of them when fewer than were read (the summary's shorter tail). */
function logNote(log: FailureLog, shown: number): string | undefined {
	switch (log.status) {
		case 'lines': {
			const which = log.previous ? 'the run that failed (previous=true)' : 'the container';
			const count = (lines: readonly string[]) => lines.filter(line => line !== skippedLines).length;
			const read = count(log.lines);
			if (read === 0) return `log: empty${log.previous ? ' (previous=true)' : ''}`;
			const last = count(log.lines.slice(-shown));
			const lines = last < read ? `${last} of ${read} lines` : `${read} ${read === 1 ? 'line' : 'lines'}`;
			return `log: last ${lines} of ${which}${log.cut ? ', cut at the byte limit' : ''}`;
		}

		case 'unavailable': {
			return `log: ${log.note}`;
		}

		default: {
			return undefined;
		}
	}
}

/** The lines under a record: its termination message, the pod's message, its log tail. */
export function evidenceLines({record, log}: FailureEvidence, maxLogLines = Number.POSITIVE_INFINITY): string[] {
	const lines = log.status === 'lines' ? log.lines.slice(-maxLogLines) : [];
	const note = logNote(log, lines.length);
	return [
		...(record.message ?? []).map(line => `${indent}message: ${line}`),
		...(record.podMessage ? [`${indent}pod message: ${record.podMessage}`] : []),
		...(note ? [`${indent}${note}`] : []),
		...lines.map(line => `${indent}| ${line}`),
	];
}

/** A `failure` line per record and its evidence indented under it, once its log is read (or not to be). */
export function createTextFailureWriter(write: (line: string) => void, target: Target): FailureListener {
	const who = `${target.namespace}/${target.name}`;
	return ({evidence, at}) => {
		if (evidence.log.status === 'pending') return;
		write(`${isoSeconds(at)} ${who} failure ${failureFields(evidence.record)}\n${evidenceLines(evidence).map(line => `${line}\n`).join('')}`);
	};
}

/** The record's fields as a JSON object: absent fields left out, the log as an array of lines. */
export function failureObject({record, log}: FailureEvidence): Record<string, unknown> {
	const {key: _key, seenAt, ...fields} = record;
	return {
		...fields,
		seenAt: new Date(seenAt).toISOString(),
		log: log.status === 'lines' ? log.lines : [],
		logStatus: log.status === 'lines' ? 'read' : log.status,
		...(log.status === 'lines' && log.cut ? {logCut: true} : {}),
		...(log.status === 'lines' && log.previous ? {logPrevious: true} : {}),
		...(log.status === 'unavailable' ? {logNote: log.note} : {}),
	};
}

/** A `pod-failure` object per record, once its log is read (or not to be). */
export function createJsonFailureWriter(write: (line: string) => void, target: Target): FailureListener {
	return ({evidence, at}) => {
		if (evidence.log.status === 'pending') return;
		write(`${terminalSafeJson({time: isoSeconds(at), event: 'pod-failure', ...target, ...failureObject(evidence)})}\n`);
	};
}

export type FailureSummary = {
	readonly at: number;
	readonly phase: string;
	/** Oldest first, as kept. */
	readonly evidence: readonly FailureEvidence[];
	/** Why none may have been seen: pods are not read with --no-details. */
	readonly details: boolean;
};

// The summary repeats the latest record's tail, shorter: the full one is above it in the log.
const summaryLogLines = 10;

/** The last words of a failed job's run: how many failures, the latest with its message and log. */
export function failureSummaryText(summary: FailureSummary, target: Target): string {
	const who = `${target.namespace}/${target.name}`;
	const head = `${isoSeconds(summary.at)} ${who} summary: phase=${summary.phase || '-'}`;
	const latest = summary.evidence.at(-1);
	if (!latest) {
		const why = summary.details ? 'no failed pod was seen while watched' : 'no failed pod known: pods are not read with --no-details';
		return `${head} failures=0 (${why})\n`;
	}

	const lines = evidenceLines(latest, summaryLogLines);
	return `${head} failures=${summary.evidence.length} latest: ${failureFields(latest.record)}\n${lines.map(line => `${line}\n`).join('')}`;
}

export function failureSummaryJson(summary: FailureSummary, target: Target): string {
	const latest = summary.evidence.at(-1);
	return `${terminalSafeJson({
		time: isoSeconds(summary.at),
		event: 'failure-summary',
		...target,
		phase: summary.phase,
		failures: summary.evidence.length,
		...(latest ? {latest: failureObject(latest)} : {}),
		...(summary.details ? {} : {podsRead: false}),
	})}\n`;
}
