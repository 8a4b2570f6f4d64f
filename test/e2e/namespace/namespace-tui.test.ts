import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, test} from 'vitest';
import type {SimulatedRequest, Simulator} from '../../../source/simulator/index.js';
import {enterAlt, expectScreenRestored, type PtyRun} from '../support/pty.js';
import {e2eFixture} from '../support/fixture.js';
import {waitUntil} from '../support/wait.js';

const home = mkdtempSync(join(tmpdir(), 'vcjob-watch-namespace-tui-'));
afterAll(() => {
	rmSync(home, {recursive: true, force: true});
});

let simulator: Simulator | undefined;
let pty: PtyRun | undefined;

const {startSimulator, runInPty} = e2eFixture();

async function table(count: number, size = {columns: 100, rows: 30}, extra: string[] = []) {
	simulator = await startSimulator({scenario: 'static', autoplay: false, manyJobs: {count, changesPerSecond: 0}});
	pty = runInPty(['-n', simulator.scenario.namespace, '-s', simulator.url, '--interval', '200ms', ...extra], size, {HOME: home});
	return {sim: simulator, pty};
}

describe('the namespace table', () => {
	test('shows the jobs that fit, which rows they are, and the changes as they come', async () => {
		const {sim, pty} = await table(40, {columns: 100, rows: 20}, ['--highlight', '2s']);
		const screen = await pty.waitForScreen(/rows 1–12 of 41/);
		const lines = screen.split('\n');
		expect(lines).toHaveLength(20);
		expect(screen).toMatch(/NAME\s+PHASE\s+PEND\s+RUN\s+SUCC\s+FAIL\s+MIN\s+RETRY\s+LAST EXIT\s+AGE\s+QUEUE/);
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
		expect(wide).toMatch(/RETRY\s+LAST EXIT\s+AGE\s+QUEUE/);
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

// The record line the table leaves in the scrollback, right after the alternate screen is left.
const tableRecord = /^\u001B\[\?1049l\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ cci-namespace-42263891 jobs=101 /;

describe('leaving the table restores the terminal', () => {
	test('Ctrl+C: exit 130, the terminal restored, the record line', async () => {
		const {pty} = await table(100);
		await pty.waitForScreen(/rows 1–22 of 101[\s\S]*q quit/);
		pty.type('\u0003');
		expect(await pty.exit()).toBe(130);
		expect(expectScreenRestored(pty.raw())).toMatch(tableRecord);
	});

	test.each([
		['SIGTERM', 143],
		['SIGHUP', 129],
		['SIGINT', 130],
	] as const)('%s: exit %i, the terminal restored, the record line', async (signal, code) => {
		const {pty} = await table(100);
		await pty.waitForScreen(/rows 1–22 of 101[\s\S]*q quit/);
		process.kill(pty.pid()!, signal);
		expect(await pty.exit()).toBe(code);
		expect(expectScreenRestored(pty.raw())).toMatch(tableRecord);
	});
});

test('Space turns a page down, the selection with it; g goes back to the first job', async () => {
	const {pty} = await table(100);
	await pty.waitForScreen(/› openmpi-static[\s\S]*rows 1–22 of 101/);
	pty.type(' ');
	const paged = await pty.waitForScreen(/rows 23–44 of 101/);
	expect(paged).toMatch(/^› train-0022 /m);
	expect(paged).not.toMatch(/openmpi-static|train-0021 /);
	pty.type('g');
	const top = await pty.waitForScreen(/rows 1–22 of 101/);
	expect(top).toMatch(/^› openmpi-static /m);
	expect(top).not.toMatch(/› train-/);
});

test("Esc from a job opened in the table stops that job's requests", async () => {
	// Polling, so that every moment of a job's session that still runs would show as requests.
	const {sim, pty} = await table(40, undefined, ['--poll', '--details-interval', '300ms']);
	await pty.waitForScreen(/rows 1–\d+ of 41/);
	const ofJob = (request: SimulatedRequest) => request.path.includes('train-0001');
	const isList = (request: SimulatedRequest) => /\/jobs\?limit=500/.test(request.path);
	pty.type('j');
	await pty.waitForScreen(/› train-0001/);
	pty.type('\r');
	await pty.waitForScreen(/cci-namespace-42263891\/train-0001 rv \d+[\s\S]*Esc jobs/);
	// Its own requests come and go: the job, its pods, events, PodGroup.
	const opened = Date.now();
	await waitUntil(() => sim.requests.filter(request => ofJob(request) && request.at > opened).length >= 3, "the opened job's polls");
	pty.type('\u001B');
	await pty.waitForScreen(/› train-0001[\s\S]*rows 1–\d+ of 41/);
	const back = Date.now();
	// The table lists five more times (at --interval), long enough for the job's session to have asked again.
	await waitUntil(() => sim.requests.filter(request => isList(request) && request.at > back).length >= 5, 'five more lists of the table after Esc');
	// A request on its way at Esc may arrive a moment later; none after the table's next list.
	const next = sim.requests.find(request => isList(request) && request.at > back)!;
	expect(sim.requests.filter(request => ofJob(request) && request.at >= next.at).map(request => request.path)).toEqual([]);
});
