import {describe, expect, test} from 'vitest';
import {e2eFixture, target} from '../support/fixture.js';
import {pause} from '../support/wait.js';

// The keys that act on the job, in a real terminal against the simulator: what a person sees after S and R.

const {startSimulator, runInPty} = e2eFixture();

const commandsPath = '/apis/bus.volcano.sh/v1alpha1/namespaces/cci-namespace-42263891/commands';

describe('--actions in the TUI', () => {
	test('S y suspends a running job (Aborting → Aborted); R y resumes it (Restarting → Pending → Running)', async () => {
		// Running held for 14 s at speed 2: long enough to start the view and confirm.
		const sim = await startSimulator({scenario: 'demo', speed: 2});
		sim.goTo(5);
		const pty = runInPty([...target(sim), '--interval', '100ms', '--actions'], {columns: 120, rows: 40});
		await pty.waitForScreen(/│ Running[\s\S]*S R X T C D act/);
		pty.type('S');
		const asked = await pty.waitForScreen(/y sends it/);
		expect(asked).toMatch(/Suspend job openmpi-hello \(AbortJob\)\? y sends it, any other key cancels\n.*AbortJob deletes its running pods/);
		// Nothing is sent before the answer.
		expect(sim.requests.filter(request => request.method === 'POST')).toEqual([]);
		pty.type('y');
		await pty.waitForScreen(/AbortJob sent to job openmpi-hello/);
		await pty.waitForScreen(/│ Aborting/);
		await pty.waitForScreen(/│ Aborted/);

		pty.type('R');
		await pty.waitForScreen(/Resume job openmpi-hello \(ResumeJob\)\? y sends it/);
		pty.type('y');
		await pty.waitForScreen(/ResumeJob sent to job openmpi-hello/);
		await pty.waitForScreen(/│ Restarting/);
		await pty.waitForScreen(/│ Pending/);
		const running = await pty.waitForScreen(/│ Running/);
		expect(running).toMatch(/CommandIssued/);
		const posted = sim.requests.filter(request => request.method === 'POST').map(request => request.path);
		expect(posted).toEqual([commandsPath, commandsPath]);
	});

	test('any other key than y cancels: nothing is sent', async () => {
		const sim = await startSimulator({scenario: 'static'});
		const pty = runInPty([...target(sim), '--interval', '100ms', '--actions'], {columns: 120, rows: 40});
		await pty.waitForScreen(/│ Running[\s\S]*S R X T C D act/);
		pty.type('X');
		await pty.waitForScreen(/Restart job openmpi-static \(RestartJob\)\? y sends it[\s\S]*failed ones included/);
		pty.type('n');
		await pty.waitForScreen(/restart cancelled: nothing sent/);
		expect(sim.requests.filter(request => request.method === 'POST')).toEqual([]);
	});

	test('without --actions, S does nothing: no Command is sent and the keys are not offered', async () => {
		const sim = await startSimulator({scenario: 'static'});
		// Polled, so that a few requests mark the time a key had to act.
		const pty = runInPty([...target(sim), '--poll', '--interval', '100ms'], {columns: 120, rows: 40});
		const screen = await pty.waitForScreen(/│ Running[\s\S]*q quit/);
		expect(screen).not.toMatch(/S R X T C D act/);
		pty.type('S');
		pty.type('y');
		// A few polls later: still no question, nothing posted, the job as it was.
		const before = sim.requests.length;
		while (sim.requests.length < before + 5) await pause(50);
		const after = pty.screen().join('\n');
		expect(after).not.toMatch(/AbortJob|y sends it/);
		expect(after).toMatch(/│ Running/);
		expect(sim.requests.filter(request => request.method !== 'GET')).toEqual([]);
	});

	test('a job opened from the namespace table with Enter: S y suspends it too', async () => {
		const sim = await startSimulator({scenario: 'static', speed: 4});
		const pty = runInPty(['-n', sim.scenario.namespace, '-s', sim.url, '--interval', '100ms', '--actions'], {columns: 120, rows: 40});
		await pty.waitForScreen(/› openmpi-static\s+Running/);
		pty.type('\r');
		await pty.waitForScreen(/│ Running[\s\S]*Esc jobs[\s\S]*S R X T C D act/);
		pty.type('S');
		await pty.waitForScreen(/Suspend job openmpi-static \(AbortJob\)\? y sends it/);
		pty.type('y');
		await pty.waitForScreen(/AbortJob sent to job openmpi-static/);
		await pty.waitForScreen(/│ Aborted/);
		expect(sim.requests.filter(request => request.method === 'POST').map(request => request.path)).toEqual([commandsPath]);
		// Back in the table, the job's row says it too.
		pty.type('\u001B');
		await pty.waitForScreen(/› openmpi-static\s+(!\s+)?Aborted/);
	});

	test('a server without the bus.volcano.sh group: one line says so and the keys are not offered', async () => {
		const sim = await startSimulator({scenario: 'static', busGroup: false});
		const pty = runInPty([...target(sim), '--poll', '--interval', '100ms', '--actions'], {columns: 120, rows: 40});
		const screen = await pty.waitForScreen(/no actions: the server has no bus\.volcano\.sh API/);
		expect(screen).not.toMatch(/S R X T C D act/);
		pty.type('S');
		const before = sim.requests.length;
		while (sim.requests.length < before + 5) await pause(50);
		expect(pty.screen().join('\n')).not.toMatch(/y sends it/);
		expect(sim.requests.filter(request => request.method === 'POST')).toEqual([]);
	});
});
