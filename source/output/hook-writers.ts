// --on-finish in text and JSON: one line (one object) when the command has ended, however it ended. Its start
// is not written: the job's line with the final phase is just above.
import {formatWait} from '../common/duration.js';
import {terminalSafeJson} from '../common/sanitize.js';
import type {HookEvent} from '../state/hook-status.js';
import {field} from './failure-writers.js';
import {isoSeconds} from './text-writer.js';

type Target = {readonly namespace: string; readonly name: string};

/** `hook phase=Failed job-exit=1 exit=3 took=120ms output="first line"`: fields absent when unknown. */
export function hookFields(event: HookEvent): string {
	return [
		field('phase', event.phase),
		field('job-exit', event.jobExit),
		event.state === 'exited' ? '' : field('status', event.state),
		field('exit', event.exitCode),
		field('signal', event.signal),
		event.state === 'timed-out' ? field('timeout', formatWait(event.timeoutMs)) : '',
		event.durationMs === undefined ? '' : field('took', formatWait(event.durationMs)),
		field('output', event.output),
		field('error', event.error),
	]
		.join('')
		.trimStart();
}

export function createTextHookWriter(write: (line: string) => void, target: Target): (event: HookEvent) => void {
	const who = `${target.namespace}/${target.name}`;
	return event => {
		if (event.state === 'running') return;
		write(`${isoSeconds(event.at)} ${who} hook ${hookFields(event)}\n`);
	};
}

export function createJsonHookWriter(write: (line: string) => void, target: Target): (event: HookEvent) => void {
	return event => {
		if (event.state === 'running') return;
		write(
			`${terminalSafeJson({
				time: isoSeconds(event.at),
				event: 'hook',
				...target,
				phase: event.phase,
				jobExit: event.jobExit,
				status: event.state,
				exitCode: event.exitCode ?? null,
				signal: event.signal ?? null,
				...(event.state === 'timed-out' ? {timeoutMs: event.timeoutMs} : {}),
				...(event.durationMs === undefined ? {} : {durationMs: event.durationMs}),
				output: event.output ?? null,
				...(event.error === undefined ? {} : {error: event.error}),
			})}\n`,
		);
	};
}
