import {join} from 'node:path';
import {expect, test} from 'vitest';
import {temporaryDirectory} from '../../helpers/temp-dir.js';
import {e2eFixture, fast, target} from '../support/fixture.js';
import type {PtyRun} from '../support/pty.js';

// The TUI on a replay: a recording of the demo's job, shown from Pending to Completed with its panels, and its
// keys working on what was recorded.

const {startSimulator, runCli, runInPty} = e2eFixture();

test('a replay of the demo in the TUI: Pending, Running, Completed with their panels; o and t open the pods and the timeline', async () => {
	const file = join(temporaryDirectory(), 'demo.ndjson');
	const simulator = await startSimulator({scenario: 'demo', speed: 10});
	const live = runCli([...target(simulator), ...fast, '--details-interval', '200ms', '-o', 'text', '--exit-on-finish', '--record', file]);
	expect(await live.exit(60_000)).toBe(0);

	// Half the recorded pace: the TUI starts (Ink loads) while the replay's clock already runs.
	const pty: PtyRun = runInPty(['replay', file, '--speed', '0.5', ...fast, '--details-interval', '200ms'], {columns: 100, rows: 30});
	// The phase panel's first line, beside the counters.
	await pty.waitForScreen(/openmpi-hello[\s\S]*│ Pending\*? /, 15_000);
	const running = await pty.waitForScreen(/│ Running\*? [\s\S]*Pods 3/, 15_000);
	expect(running).toMatch(/PodGroup Running/);
	expect(running).toMatch(/Events \d+, newest first/);
	expect(running).toMatch(/Recent changes/);
	await pty.waitForScreen(/│ Completed\*? /, 20_000);

	pty.type('o');
	const pods = await pty.waitForScreen(/Esc back/);
	expect(pods).toMatch(/Pods 3/);
	for (const pod of ['mpimaster-0', 'mpiworker-0', 'mpiworker-1']) expect(pods).toContain(`openmpi-hello-${pod}`);
	pty.type('\u001B');
	await pty.waitForScreen(/q quit/);

	pty.type('t');
	const timeline = await pty.waitForScreen(/Timeline[\s\S]*Completed/);
	// The phases the recording went through, in order.
	expect(timeline).toMatch(/ Pending .*\n.* Running .*\n.* Completing .*\n.* Completed .*\(final\)/);
	pty.type('\u001B');
	await pty.waitForScreen(/q quit/);
	pty.type('q');
	expect(await pty.exit()).toBe(0);
}, 90_000);
