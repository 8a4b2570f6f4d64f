import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, test} from 'vitest';
import {temporaryDirectory} from '../../helpers/temp-dir.js';
import {e2eFixture, target} from '../support/fixture.js';

// The logs of a recording: the failure records of a replay carry the same log lines as those of the live run,
// read from the recording rather than answered as gone.

const {startSimulator, runCli} = e2eFixture();

// The failures' pods are read before RestartJob deletes them, live and in the replay.
const quick = ['--interval', '100ms', '--details-interval', '200ms', '--max-wait', '300ms'];

/** The `failure` lines of a text output without their time, each with the indented lines (message, log) under it. */
function failureBlocks(out: string): string[] {
	const lines = out.split('\n');
	const blocks: string[] = [];
	for (const [index, line] of lines.entries()) {
		if (!/^\S+ \S+ failure /.test(line)) continue;
		const block = [line.replace(/^\S+ /, '')];
		for (let next = index + 1; next < lines.length && lines[next]!.startsWith('    '); next++) block.push(lines[next]!);
		blocks.push(block.join('\n'));
	}

	return blocks;
}

describe('pod logs in a recording', () => {
	test('record then replay the fail scenario: the same failure lines, with the same log lines', async () => {
		const file = join(temporaryDirectory(), 'fail.ndjson');
		const simulator = await startSimulator({scenario: 'fail', speed: 10});
		const live = runCli([...target(simulator), ...quick, '-o', 'text', '--exit-on-finish', '--record', file]);
		expect(await live.exit(60_000)).toBe(1);
		const logs = readFileSync(file, 'utf8')
			.split('\n')
			.filter(line => line.includes('"kind":"log"'))
			.map(line => JSON.parse(line) as Record<string, unknown>);
		// The tails read, as received: the master's escape sequences are there, to be sanitised when shown.
		expect(logs).toContainEqual(expect.objectContaining({pod: 'openmpi-crash-mpimaster-0', container: 'mpimaster', previous: false, tailLines: 20}));
		expect(logs.map(log => log['text']).join('')).toContain('\u001B[');

		const expected = failureBlocks(live.stdout());
		expect(expected.find(block => block.includes(' exit=1 '))).toContain('    | ValueError: loss is nan; lower the learning rate');
		// At the recorded pace, the pods polled twice as often as they were: every pod list the live run saw is seen.
		const replay = runCli(['replay', file, '--speed', '1', '--interval', '100ms', '--details-interval', '100ms', '--max-wait', '300ms', '-o', 'text', '--exit-on-finish']);
		expect(await replay.exit(60_000)).toBe(1);
		expect(failureBlocks(replay.stdout())).toEqual(expected);
		expect(replay.stdout()).not.toContain('the pod is gone');
		expect(replay.stderr()).toBe('');
	}, 90_000);
});
