import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, test} from 'vitest';
import type {Simulator} from '../../../source/simulator/index.js';
import {e2eFixture} from '../support/fixture.js';
import {waitUntil} from '../support/wait.js';

// The fail scenario's steps: 0–3 the worker killed for memory (3: failed 0→1), 4 Restarting, 5–8 the master's
// exit 1, 9 Restarting, 10–13 the master's SIGTERM, 14 Restarting, 15 Failed.
const home = mkdtempSync(join(tmpdir(), 'vcjob-watch-namespace-exits-'));
afterAll(() => {
	rmSync(home, {recursive: true, force: true});
});

const {startSimulator, runCli, runInPty} = e2eFixture();

const podLists = (sim: Simulator) => sim.requests.filter(request => request.path.includes('/pods'));
const jobLists = (sim: Simulator) => sim.requests.filter(request => /\/jobs\?limit=/.test(request.path));

async function failing(step = 0): Promise<Simulator> {
	const sim = await startSimulator({scenario: 'fail', autoplay: false, speed: 20});
	sim.goTo(step);
	return sim;
}

describe('failures in the namespace table', () => {
	test('a job whose pod fails gets its `!` and its LAST EXIT as it happens, each failure in turn', async () => {
		const sim = await failing(2);
		const pty = runInPty(['-n', sim.scenario.namespace, '-s', sim.url, '--interval', '200ms'], {columns: 120, rows: 20}, {HOME: home});
		const running = await pty.waitForScreen(/LAST EXIT[\s\S]*openmpi-crash +Running/);
		expect(running).toMatch(/NAME +PHASE +PEND +RUN +SUCC +FAIL +MIN +RETRY +LAST EXIT +AGE +QUEUE/);
		expect(podLists(sim)).toEqual([]);
		// Changes are marked while they are fresh (↑ ↓ *): what is matched here shows at once, not after them.
		sim.goTo(3);
		await pty.waitForScreen(/openmpi-crash +! +Running +0 +2[↓ ] +0 +1[↑ ] .*OOMKilled/);
		for (let step = 4; step <= 8; step++) sim.goTo(step);
		await pty.waitForScreen(/openmpi-crash +! +Running .* 1\/3[↑ ] +exit 1/);
		for (let step = 9; step <= 15; step++) sim.goTo(step);
		await pty.waitForScreen(/openmpi-crash +! +Failed\*? .* 3\/3[↑ ] +SIGTERM/);
		// Each read was one list of the job's pods, by its label.
		for (const request of podLists(sim)) expect(request.path).toMatch(/\/pods\?labelSelector=volcano\.sh%2Fjob-name%3Dopenmpi-crash$/);
	});

	test('narrow: the mark stays, LAST EXIT is the first column to go', async () => {
		const sim = await failing(15);
		const pty = runInPty(['-n', sim.scenario.namespace, '-s', sim.url, '--interval', '200ms'], {columns: 80, rows: 15}, {HOME: home});
		const screen = await pty.waitForScreen(/openmpi-crash +! +Failed/);
		expect(screen).not.toContain('LAST EXIT');
		expect(screen).toMatch(/RETRY +AGE/);
	});

	test('text and json: the exit is a line (object) of its own; --once -o tui shows a job that had failed', async () => {
		const sim = await failing(2);
		const text = runCli(['-n', sim.scenario.namespace, '-s', sim.url, '-o', 'text', '--interval', '100ms']);
		await text.waitFor(/openmpi-crash .*\(listed\)\n/);
		sim.goTo(3);
		await text.waitFor(
			/cci-namespace-42263891\/openmpi-crash last-exit OOMKilled pod=openmpi-crash-mpiworker-0 container=mpiworker task=mpiworker exit=137 meaning="out of memory \(OOMKilled\)" reason=OOMKilled /,
		);

		for (let step = 4; step <= 15; step++) sim.goTo(step);
		const json = runCli(['-n', sim.scenario.namespace, '-s', sim.url, '--once', '-o', 'json']);
		expect(await json.exit()).toBe(0);
		const objects = json.jsonLines();
		expect(objects.map(object => object['event'])).toEqual(['listed', 'last-exit']);
		expect(objects[1]).toMatchObject({name: 'openmpi-crash', lastExit: 'SIGTERM', exitCode: 143, meaning: 'terminated (SIGTERM)', retryCount: 3});

		const frame = runCli(['-n', sim.scenario.namespace, '-s', sim.url, '--once', '-o', 'tui']);
		expect(await frame.exit()).toBe(0);
		expect(frame.stdout()).toMatch(/openmpi-crash +! +Failed .* 3\/3 +SIGTERM/);
	});

	test('an idle namespace makes no pod request: its lists are all it asks for', async () => {
		const sim = await startSimulator({scenario: 'static', autoplay: false, manyJobs: {count: 0, changesPerSecond: 0}});
		const run = runCli(['-n', sim.scenario.namespace, '-s', sim.url, '-o', 'text', '--poll', '--interval', '100ms']);
		await run.waitFor(/openmpi-static .*\(listed\)/);
		await waitUntil(() => jobLists(sim).length >= 6, 'six lists');
		expect(podLists(sim)).toEqual([]);
		expect(sim.requests.every(request => request.path.endsWith('/jobs?limit=500'))).toBe(true);
	});

	test('--no-details: a failure marks the row, and no pod is read', async () => {
		const sim = await failing(15);
		const run = runCli(['-n', sim.scenario.namespace, '-s', sim.url, '--once', '-o', 'tui', '--no-details']);
		expect(await run.exit()).toBe(0);
		expect(run.stdout()).toMatch(/openmpi-crash +! +Failed .* 3\/3 +\S/);
		expect(run.stdout()).not.toContain('SIGTERM');
		expect(podLists(sim)).toEqual([]);
	});
});
