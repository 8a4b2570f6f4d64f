import {describe, expect, test} from 'vitest';
import type {Simulator} from '../../source/simulator/index.js';
import {enterAlt, expectScreenRestored, type PtyRun} from './support/pty.js';
import {e2eFixture} from './support/fixture.js';

let simulator: Simulator | undefined;
let pty: PtyRun | undefined;

const {startSimulator, runInPty} = e2eFixture();

async function table(count: number, size = {columns: 100, rows: 30}, extra: string[] = []) {
	simulator = await startSimulator({scenario: 'static', autoplay: false, manyJobs: {count, changesPerSecond: 0}});
	pty = runInPty(['-n', simulator.scenario.namespace, '-s', simulator.url, '--interval', '200ms', ...extra], size);
	return {sim: simulator, pty};
}

describe('the namespace table', () => {
	test('shows the jobs that fit, which rows they are, and the changes as they come', async () => {
		const {sim, pty} = await table(40, {columns: 100, rows: 20}, ['--highlight', '2s']);
		const screen = await pty.waitForScreen(/rows 1–12 of 41/);
		const lines = screen.split('\n');
		expect(lines).toHaveLength(20);
		expect(screen).toMatch(/NAME\s+PHASE\s+PEND\s+RUN\s+SUCC\s+FAIL\s+MIN\s+RETRY\s+AGE\s+QUEUE/);
		expect(screen).toMatch(/› openmpi-static\s+Running/);
		// One list, then a watch: the status line says which.
		await pty.waitForScreen(/● live · watching \(stream since \d\d:\d\d:\d\d/);
		expect(screen).toContain('train-0001');
		// A change: the job that changed shows a marker on the value that moved.
		sim.changeJobs(30);
		const changed = await pty.waitForScreen(/^ {2}train-\d+ .*[↑↓*]/m);
		expect(changed).toMatch(/changed \d\d:\d\d:\d\d/);
		// The highlight ends; the values stay.
		await pty.waitForScreen(/^(?![\s\S]*^ {2}train-\d+ .*[↑↓*])[\s\S]*rows 1–12 of/m, 6000);
	});

	test('fits 60×15: never a line too long or a row too many, the table cut to what fits, also after a resize', async () => {
		const {pty} = await table(100, {columns: 100, rows: 30});
		await pty.waitForScreen(/rows 1–22 of 101/);
		await pty.resize(60, 15);
		const screen = await pty.waitForScreen(/rows 1–7 of 101/);
		const lines = screen.split('\n');
		expect(lines).toHaveLength(15);
		for (const line of lines) expect(line.length).toBeLessThanOrEqual(60);
		expect(screen).toMatch(/NAME\s+PHASE/);
		expect(screen).not.toMatch(/QUEUE/);
		expect(pty.scrollback()).toBe(0);
		await pty.resize(120, 40);
		const wide = await pty.waitForScreen(/rows 1–32 of 101/);
		expect(wide).toMatch(/RETRY\s+AGE\s+QUEUE/);
	});

	test('/ filters by name; Enter opens the selected job and Esc comes back; q restores the terminal', async () => {
		const {pty} = await table(40);
		await pty.waitForScreen(/rows 1–\d+ of 41/);
		pty.type('/');
		await pty.waitForScreen(/Enter keeps · Esc clears/);
		pty.type('train-002');
		const filtered = await pty.waitForScreen(/rows 1–10 of 10 matching "train-002"/);
		expect(filtered).not.toContain('train-0001');
		expect(filtered).not.toContain('openmpi-static');
		pty.type('\r');
		await pty.waitForScreen(/filter train-002 \(Esc clears\)/);
		pty.type('j');
		await pty.waitForScreen(/› train-0021/);
		pty.type('\r');
		// The job's own view: its header, its tasks.
		// Waited for whole: the frame is written in pieces, and its key hints come last.
		await pty.waitForScreen(/cci-namespace-42263891\/train-0021 rv \d+[\s\S]*Tasks[\s\S]*Esc jobs/);
		pty.type('\u001B');
		const back = await pty.waitForScreen(/rows 1–10 of 10 matching "train-002"/);
		expect(back).toMatch(/› train-0021/);
		pty.type('q');
		expect(await pty.exit()).toBe(0);
		const raw = pty.raw();
		expect(raw).toContain(enterAlt);
		expect(expectScreenRestored(raw)).toMatch(/cci-namespace-42263891 jobs=41 /);
	});
});
