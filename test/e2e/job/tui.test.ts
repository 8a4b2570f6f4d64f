import {describe, expect, test} from 'vitest';
import type {Simulator} from '../../../source/simulator/index.js';
import {enterAlt, expectScreenRestored, type PtyRun} from '../support/pty.js';
import {e2eFixture} from '../support/fixture.js';
import {waitUntil} from '../support/wait.js';

let simulator: Simulator | undefined;
let pty: PtyRun | undefined;

const {startSimulator, runInPty} = e2eFixture();

async function watch(scenario: string, step: number, size = {columns: 100, rows: 30}, extra: string[] = []) {
	simulator = await startSimulator({scenario, autoplay: false});
	simulator.goTo(step);
	pty = runInPty([simulator.scenario.jobName, '-n', simulator.scenario.namespace, '-s', simulator.url, '--interval', '200ms', ...extra], size);
	return {sim: simulator, pty};
}

describe('the live screen', () => {
	test('shows the job, highlights what changed with a marker, and lets the highlight go', async () => {
		const {sim, pty} = await watch('demo', 3, undefined, ['--highlight', '1500ms']);
		await pty.waitForScreen(/Pending/);
		sim.goTo(5);
		const changed = await pty.waitForScreen(/Running\*/);
		expect(changed).toMatch(/running\s+3↑/);
		expect(changed).toMatch(/pending\s+0↓/);
		expect(changed).toMatch(/rv \d+\* changed/);
		// The highlight ends; the values stay.
		const settled = await pty.waitForScreen(/running\s+3 /, 5000);
		expect(settled).not.toMatch(/running\s+3↑|pending\s+0↓|Running\*|rv \d+\*/);
	});

	test('fits the terminal at 60×15 and redraws correctly when resized', async () => {
		const {pty} = await watch('demo', 5, {columns: 100, rows: 30});
		await pty.waitForScreen(/Running/);
		await pty.resize(60, 15);
		const narrow = await pty.waitForScreen(/^(?![\s\S]*╭─{60})[\s\S]*Running[\s\S]*q quit/);
		const lines = narrow.split('\n');
		expect(lines).toHaveLength(15);
		for (const line of lines) expect(line.length).toBeLessThanOrEqual(60);
		await pty.resize(120, 40);
		// The phase and pods panels side by side again, and room for every list.
		const wide = await pty.waitForScreen(/╮╭[\s\S]*Policies[\s\S]*Recent changes/);
		for (const line of wide.split('\n')) expect(line.length).toBeLessThanOrEqual(120);
	});

	test('an unchanged job writes (almost) nothing: twenty polls, at most one small redraw', async () => {
		simulator = await startSimulator({scenario: 'static', autoplay: false});
		const sim = simulator;
		pty = runInPty([sim.scenario.jobName, '-n', sim.scenario.namespace, '-s', sim.url, '--poll', '--interval', '100ms'], {columns: 100, rows: 30});
		// The job, and the PodGroup, pods and events fetched beside it (each refetch of the same answers writes nothing).
		await pty.waitForScreen(/Running[\s\S]*PodGroup Running[\s\S]*Pods 3/);
		// Let the first frame and its follow-ups settle.
		const startCount = sim.requestCount + 3;
		await waitUntil(() => sim.requestCount >= startCount, 'three more requests');
		// Ages count in whole minutes: a minute that turns during the window (or just before it, the redraw
		// lags) redraws them, so such a window is looked at again. That redraw is a few hundred bytes; a full
		// frame is several KB.
		const minute = (at: number) => Math.floor(at / 60_000);
		for (;;) {
			const from = Date.now();
			const before = pty.bytes();
			const target = sim.requestCount + 20;
			await waitUntil(() => sim.requestCount >= target, 'twenty more requests');
			if (minute(from - 2000) !== minute(Date.now())) continue;
			expect(pty.bytes() - before).toBeLessThan(600);
			break;
		}
	});
});

describe('leaving restores the terminal', () => {
	test('q: exit 0, the alternate screen left, the cursor back, and one line of record in the scrollback', async () => {
		const {pty} = await watch('demo', 5);
		await pty.waitForScreen(/Running/);
		pty.type('q');
		expect(await pty.exit()).toBe(0);
		const raw = pty.raw();
		expect(raw).toContain(enterAlt);
		expect(expectScreenRestored(raw)).toMatch(/openmpi-hello rv=\d+ phase=Running pending=0 running=3/);
	});

	test.each([
		['SIGTERM', 143],
		['SIGHUP', 129],
		['SIGINT', 130],
	] as const)('%s: exit %i, the screen and cursor restored', async (signal, code) => {
		const {pty} = await watch('demo', 5);
		await pty.waitForScreen(/Running/);
		process.kill(pty.pid()!, signal);
		expect(await pty.exit()).toBe(code);
		expectScreenRestored(pty.raw());
	});

	test('Ctrl+C as a key: exit 130', async () => {
		const {pty} = await watch('demo', 5);
		await pty.waitForScreen(/Running/);
		pty.type('\u0003');
		expect(await pty.exit()).toBe(130);
	});

	test('--no-alt-screen leaves the last frame in the scrollback and never scrolls while running', async () => {
		const {sim, pty} = await watch('demo', 3, {columns: 100, rows: 30}, ['--no-alt-screen']);
		await pty.waitForScreen(/Pending/);
		for (const step of [4, 5, 6, 5, 6]) {
			sim.goTo(step);
			// Each change drawn before the next: the job's new resourceVersion on screen.
			await pty.waitForScreen(new RegExp(`rv ${sim.jobResourceVersion}\\b`));
		}

		await pty.waitForScreen(/Running/);
		expect(pty.raw()).not.toContain(enterAlt);
		expect(pty.scrollback()).toBe(0);
		pty.type('q');
		expect(await pty.exit()).toBe(0);
		expect(pty.screen().join('\n')).toContain('Recent changes');
	});
});

test('NO_COLOR: not one colour code, and the changes still marked', async () => {
	simulator = await startSimulator({scenario: 'demo', autoplay: false});
	simulator.goTo(4);
	pty = runInPty([simulator.scenario.jobName, '-n', simulator.scenario.namespace, '-s', simulator.url, '--interval', '200ms'], {columns: 100, rows: 30}, {NO_COLOR: '1'});
	await pty.waitForScreen(/Pending/);
	simulator.goTo(5);
	await pty.waitForScreen(/running\s+3↑/);
	// SGR codes that set a colour, bold or inverse: none. (Cursor movement and erasing are not colour.)
	expect(pty.raw()).not.toMatch(/\u001B\[[0-9;]*[1-9][0-9;]*m/);
});
