import {describe, expect, it} from 'vitest';
import {hookLines} from '../../../source/tui/job/hook-line.js';

const base = {type: 'hook', at: 0, phase: 'Completed', jobExit: 0, timeoutMs: 30_000} as const;

describe('hookLines', () => {
	it('none before the job finished', () => {
		expect(hookLines(undefined)).toEqual([]);
	});

	it('says how the command is doing, with its first line of output', () => {
		expect(hookLines({...base, state: 'running'})).toEqual([{text: 'on-finish: running (job Completed)…', tone: 'note'}]);
		expect(hookLines({...base, state: 'exited', exitCode: 0, output: 'posted'})).toEqual([{text: 'on-finish: exit 0 · posted', tone: 'done'}]);
		expect(hookLines({...base, state: 'exited', exitCode: 4})).toEqual([{text: 'on-finish: exit 4', tone: 'failed'}]);
		expect(hookLines({...base, state: 'exited', signal: 'SIGKILL'})).toEqual([{text: 'on-finish: ended by SIGKILL', tone: 'failed'}]);
		expect(hookLines({...base, state: 'timed-out', signal: 'SIGTERM', timeoutMs: 2000, output: 'waiting'})).toEqual([
			{text: 'on-finish: timed out after 2.0s, stopped · waiting', tone: 'failed'},
		]);
		expect(hookLines({...base, state: 'error', error: 'spawn /bin/zsh ENOENT'})).toEqual([
			{text: 'on-finish: could not start: spawn /bin/zsh ENOENT', tone: 'failed'},
		]);
	});
});
