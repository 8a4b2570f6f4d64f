import {describe, expect, it} from 'vitest';
import {createJsonHookWriter, createTextHookWriter} from '../../source/output/hook-writers.js';
import type {HookEvent} from '../../source/state/hook-status.js';

const at = Date.parse('2024-03-11T08:20:00Z');
const target = {namespace: 'team-a', name: 'train-1'};
const base = {type: 'hook', at, phase: 'Failed', jobExit: 1, timeoutMs: 30_000} as const;

function written(write: (lines: string[]) => (event: HookEvent) => void, events: HookEvent[]): string[] {
	const lines: string[] = [];
	const writer = write(lines);
	for (const event of events) writer(event);
	return lines;
}

const text = (lines: string[]) => createTextHookWriter(line => lines.push(line), target);
const json = (lines: string[]) => createJsonHookWriter(line => lines.push(line), target);

describe('hook lines', () => {
	it('text: one line once the command ended, in key=value pairs; none for its start', () => {
		expect(
			written(text, [
				{...base, state: 'running'},
				{...base, state: 'exited', exitCode: 3, durationMs: 120, output: 'could not post "x"'},
			]),
		).toEqual(['2024-03-11T08:20:00Z team-a/train-1 hook phase=Failed job-exit=1 exit=3 took=0.1s output="could not post \\"x\\""\n']);
		expect(written(text, [{...base, state: 'timed-out', signal: 'SIGTERM', timeoutMs: 2000, durationMs: 2000}])).toEqual([
			'2024-03-11T08:20:00Z team-a/train-1 hook phase=Failed job-exit=1 status=timed-out signal=SIGTERM timeout=2.0s took=2.0s\n',
		]);
		expect(written(text, [{...base, state: 'error', error: 'spawn /bin/zsh ENOENT'}])).toEqual([
			'2024-03-11T08:20:00Z team-a/train-1 hook phase=Failed job-exit=1 status=error error="spawn /bin/zsh ENOENT"\n',
		]);
	});

	it('json: a "hook" object with the same facts, null where unknown', () => {
		const [line] = written(json, [
			{...base, state: 'running'},
			{...base, state: 'timed-out', signal: 'SIGTERM', durationMs: 30_000},
		]);
		expect(JSON.parse(line!)).toEqual({
			time: '2024-03-11T08:20:00Z',
			event: 'hook',
			namespace: 'team-a',
			name: 'train-1',
			phase: 'Failed',
			jobExit: 1,
			status: 'timed-out',
			exitCode: null,
			signal: 'SIGTERM',
			timeoutMs: 30_000,
			durationMs: 30_000,
			output: null,
		});
	});
});
