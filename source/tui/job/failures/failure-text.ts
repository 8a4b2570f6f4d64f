// Failure records as text: the words the Failures panel, the `f` view and a pod's log share. Lines as data, so
// that the screen plan can count what a panel could fill, and a view scroll, before anything is drawn.
import {formatClock, formatDuration, formatSpan} from '../../../common/duration.js';
import type {FailureRecord} from '../../../model/failures.js';
import {timeOf} from '../../../model/wire.js';
import type {FailureEvidence, FailureLog} from '../../../watch/failure-watcher.js';
import {line, type Line, type Segment, type Tone} from '../../kit/styled-line.js';

/** When the run ended, else when it was seen. */
export function failedAt(record: FailureRecord): number {
	return timeOf(record.finishedAt) ?? record.seenAt;
}

/** `pod/container`, or `pod (pod)` for a failed pod that no container's exit explains. */
export function whereText(record: FailureRecord): string {
	return record.container === undefined ? `${record.pod} (pod)` : `${record.pod}/${record.container}`;
}

/** `exit 137 out of memory (OOMKilled)`, `signal 9 killed (SIGKILL)`, or the pod's reason. */
export function exitText(record: FailureRecord): string {
	const code = record.exitCode === undefined ? (record.signal === undefined ? '' : `signal ${record.signal}`) : `exit ${record.exitCode}`;
	const said = [code, record.meaning].filter(Boolean).join(' ');
	return said || (record.reason ?? record.podReason ?? 'failed');
}

/** The reason, when the exit's words do not already hold it (OOMKilled is in its meaning). */
function extraReason(record: FailureRecord): string | undefined {
	const exit = exitText(record);
	const reason = record.container === undefined ? record.podReason : record.reason;
	return reason && !exit.includes(reason) ? reason : undefined;
}

/** The first line of what the container or the pod said about its end, if anything. */
export function firstMessage(record: FailureRecord): string | undefined {
	const first = record.message?.find(text => text.trim() !== '');
	return first ?? (record.container === undefined ? record.podMessage : undefined);
}

/** A record's title in the full view: its number, when, where, the exit. */
export function titleSegments(record: FailureRecord, number: number, now: number, highlighted: boolean): Line {
	const time = failedAt(record);
	return [
		{text: `#${number} `, tone: 'title'},
		{text: `${formatClock(time)} (${formatSpan(now - time)} ago) `, tone: highlighted ? 'changed' : 'muted'},
		{text: `${whereText(record)}${highlighted ? '*' : ''} `, tone: highlighted ? 'changed' : 'title'},
		{text: exitText(record), tone: 'error'},
	];
}

/** One line a record: when, where, the exit and its meaning, the reason, the task. */
export function headSegments(record: FailureRecord, now: number, highlighted: boolean): Line {
	const age = formatSpan(now - failedAt(record)).padStart(5);
	const reason = extraReason(record);
	const rest = [reason, record.task === undefined ? undefined : `task ${record.task}`].filter(Boolean).join(' · ');
	if (highlighted) return [{text: `${age} ${whereText(record)}* ${exitText(record)}${rest ? ` · ${rest}` : ''}`, tone: 'changed'}];
	return [
		{text: `${age} `, tone: 'muted'},
		{text: `${whereText(record)}  `},
		{text: exitText(record), tone: 'error'},
		{text: rest ? ` · ${rest}` : '', tone: 'muted'},
	];
}

/** A record's log as lines: its text, or why there is none. */
export function logTailLines(log: FailureLog, indent = '  '): Line[] {
	switch (log.status) {
		case 'pending': {
			return [line(`${indent}log pending…`, 'muted')];
		}

		case 'none': {
			return [line(`${indent}(no log)`, 'muted')];
		}

		case 'unavailable': {
			return [line(`${indent}${log.note}`, 'warning')];
		}

		case 'lines': {
			if (log.lines.length === 0) return [line(`${indent}(the log was empty)`, 'muted')];
			return log.lines.map(text => [{text: `${indent}│ `, tone: 'muted'}, {text}]);
		}
	}
}

/** What the log tail is: how many lines, of which run, whether the byte limit cut it. */
export function logCaption(log: Extract<FailureLog, {status: 'lines'}>): string {
	const count = `${log.lines.length} line${log.lines.length === 1 ? '' : 's'}`;
	return `last ${count}${log.previous ? ' of the run before the restart' : ''}${log.cut ? ' (cut at the byte limit)' : ''}`;
}

/** The retries line of a header: `retries 2/3`. */
export function retriesText(retries: {readonly count: number; readonly max: number} | undefined): string {
	return retries ? ` (retries ${retries.count}/${retries.max})` : '';
}

const shortUid = (uid: string | undefined) => (uid ? uid.slice(0, 8) : undefined);

function clockOf(text: string | undefined): string | undefined {
	const time = timeOf(text);
	return time === undefined ? undefined : formatClock(time);
}

/** Every field of a record, a labelled line each, for the full view; long messages wrapped by the caller's `wrap`. */
export function recordFieldLines(evidence: FailureEvidence, now: number, wrap: (text: string) => string[]): Line[] {
	const {record} = evidence;
	const label = (name: string): Segment => ({text: `  ${name.padEnd(10)} `, tone: 'label'});
	const field = (name: string, text: string, tone?: Tone): Line => [label(name), {text, tone}];
	const lines: Line[] = [];
	lines.push(
		field(
			'pod',
			[record.pod, record.podUid && `uid ${shortUid(record.podUid)}`, record.task && `task ${record.task}`, record.node && `node ${record.node}`]
				.filter(Boolean)
				.join('  '),
		),
	);
	if (record.container !== undefined) {
		const run = record.run === undefined ? undefined : `run ${record.run}${record.restartedInPlace ? ', restarted in place' : ''}`;
		lines.push(field('container', [`${record.container}${record.initContainer ? ' (init container)' : ''}`, run].filter(Boolean).join('  ')));
	}

	const exit = [
		record.exitCode === undefined ? undefined : String(record.exitCode),
		record.signal === undefined ? undefined : `signal ${record.signal}`,
		record.meaning,
		record.reason && `reason ${record.reason}`,
	].filter(Boolean);
	if (exit.length > 0) lines.push(field('exit', exit.join(' · '), 'error'));
	for (const [index, text] of (record.message ?? []).flatMap(wrap).entries()) lines.push(field(index === 0 ? 'message' : '', text));
	const podSaid = [record.podReason, record.podMessage].filter(Boolean).join(': ');
	for (const [index, text] of (podSaid ? wrap(podSaid) : []).entries()) lines.push(field(index === 0 ? 'pod said' : '', text));
	const started = timeOf(record.startedAt);
	const finished = timeOf(record.finishedAt);
	const times = [
		started === undefined ? undefined : `started ${formatClock(started)}`,
		finished === undefined ? undefined : `finished ${clockOf(record.finishedAt)}`,
		started !== undefined && finished !== undefined ? `ran ${formatDuration(finished - started)}` : undefined,
		`seen ${formatClock(record.seenAt)} (${formatSpan(now - record.seenAt)} ago)`,
	].filter(Boolean);
	lines.push(field('when', times.join('  ')), field('job', `version ${record.version}, retry ${record.retryCount} when seen`));
	const {log} = evidence;
	if (log.status === 'lines') lines.push(field('log', logCaption(log), 'muted'), ...logTailLines(log, '    '));
	else if (log.status === 'unavailable') lines.push(field('log', log.note, 'warning'));
	else lines.push(field('log', log.status === 'pending' ? 'pending…' : 'none', 'muted'));
	return lines;
}

/** The latest failure in one line: the exit, where, how long ago. */
export function summaryText(record: FailureRecord, now: number): string {
	// The exit first: on a narrow screen, the line is cut from the end, and the exit is the answer.
	return `${exitText(record)} · ${whereText(record)} (${formatSpan(now - failedAt(record))} ago)`;
}
