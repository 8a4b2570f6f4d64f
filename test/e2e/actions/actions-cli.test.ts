import {describe, expect, test} from 'vitest';
import type {Simulator} from '../../../source/simulator/index.js';
import {e2eFixture, target} from '../support/fixture.js';
import {pause} from '../support/wait.js';

// The subcommands as a script runs them: the built CLI against the simulator, each answer and exit code.

const {startSimulator, runCli} = e2eFixture();

async function phase(sim: Simulator): Promise<string | undefined> {
	const {namespace, jobName} = sim.scenario;
	const response = await fetch(`${sim.url}/apis/batch.volcano.sh/v1alpha1/namespaces/${namespace}/jobs/${jobName}`);
	if (response.status === 404) return 'gone';
	return ((await response.json()) as {status?: {state?: {phase?: string}}}).status?.state?.phase;
}

/** Until the job's phase (or 'gone') is as wanted, 10 s at most. */
async function until(sim: Simulator, wanted: (phase: string | undefined) => boolean, what: string): Promise<void> {
	const deadline = Date.now() + 10_000;
	while (!wanted(await phase(sim))) {
		if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
		await pause(20);
	}
}

async function act(args: string[]) {
	const run = runCli(args);
	const code = await run.exit();
	return {code, stdout: run.stdout(), stderr: run.stderr(), run};
}

describe('vcjob-watch suspend|resume|restart|terminate|complete|delete NAME', () => {
	test('suspend then resume: each says what it sent, exit 0; the job goes Aborted, then Running again', async () => {
		const sim = await startSimulator({scenario: 'static', speed: 10});
		const suspended = await act(['suspend', ...target(sim)]);
		expect(suspended.code).toBe(0);
		expect(suspended.stdout).toMatch(
			/^AbortJob sent to job openmpi-static in namespace cci-namespace-42263891 \(Command openmpi-static-abortjob-[a-z\d]{5}\)\n$/,
		);
		expect(suspended.stderr).toBe('');
		await until(sim, phase => phase === 'Aborted', 'Aborted');
		const resumed = await act(['resume', ...target(sim)]);
		expect(resumed.code).toBe(0);
		expect(resumed.stdout).toMatch(/^ResumeJob sent to job openmpi-static/);
		await until(sim, phase => phase === 'Running', 'Running again');
		const posted = sim.requests.filter(request => request.method === 'POST').map(request => request.path);
		expect(posted).toEqual([
			'/apis/bus.volcano.sh/v1alpha1/namespaces/cci-namespace-42263891/commands',
			'/apis/bus.volcano.sh/v1alpha1/namespaces/cci-namespace-42263891/commands',
		]);
	});

	test('-o json: one object naming the action, the job and the Command', async () => {
		const sim = await startSimulator({scenario: 'static', speed: 10});
		const {code, stdout} = await act(['restart', ...target(sim), '-o', 'json']);
		expect(code).toBe(0);
		const object = JSON.parse(stdout) as Record<string, unknown>;
		expect(object).toMatchObject({
			verb: 'restart',
			action: 'RestartJob',
			namespace: 'cci-namespace-42263891',
			job: 'openmpi-static',
			command: expect.stringMatching(/^openmpi-static-restartjob-[a-z\d]{5}$/),
		});
	});

	test('terminate and complete send their Commands', async () => {
		for (const [verb, action, end] of [['terminate', 'TerminateJob', 'Terminated'], ['complete', 'CompleteJob', 'Completed']] as const) {
			const sim = await startSimulator({scenario: 'static', speed: 10});
			const {code, stdout} = await act([verb, ...target(sim)]);
			expect(code).toBe(0);
			expect(stdout).toContain(`${action} sent to job openmpi-static`);
			await until(sim, phase => phase === end, end);
		}
	});

	test('delete: Foreground, the job goes after its pods', async () => {
		const sim = await startSimulator({scenario: 'static', speed: 10});
		const {code, stdout} = await act(['delete', ...target(sim), '-o', 'json']);
		expect(code).toBe(0);
		expect(JSON.parse(stdout)).toMatchObject({verb: 'delete', action: 'delete', job: 'openmpi-static'});
		expect(sim.requests.find(request => request.method === 'DELETE')?.path).toBe('/apis/batch.volcano.sh/v1alpha1/namespaces/cci-namespace-42263891/jobs/openmpi-static');
		await until(sim, phase => phase === 'gone', 'the job gone');
	});

	test('a job that is not there: exit 4, named', async () => {
		const sim = await startSimulator({scenario: 'static'});
		const suspended = await act(['suspend', 'no-such-job', '-n', sim.scenario.namespace, '-s', sim.url]);
		expect(suspended.code).toBe(4);
		expect(suspended.stderr).toBe('vcjob-watch: suspend no-such-job: job no-such-job not found in namespace cci-namespace-42263891\n');
		expect((await act(['delete', 'no-such-job', '-n', sim.scenario.namespace, '-s', sim.url])).code).toBe(4);
	});

	test('403 names the verb and the resource missing: exit 3', async () => {
		const sim = await startSimulator({scenario: 'static', forbidden: ['commands', 'jobs/delete']});
		const suspended = await act(['suspend', ...target(sim)]);
		expect(suspended.code).toBe(3);
		expect(suspended.stderr).toContain('the credentials may not create commands.bus.volcano.sh in namespace cci-namespace-42263891');
		const deleted = await act(['delete', ...target(sim), '-o', 'json']);
		expect(deleted.code).toBe(3);
		expect(deleted.stderr).toContain('the credentials may not delete jobs.batch.volcano.sh in namespace cci-namespace-42263891');
		expect(JSON.parse(deleted.stdout)).toMatchObject({verb: 'delete', failed: 'refused', error: {status: 403}});
		expect(await phase(sim)).toBe('Running');
	});

	test('a server without the bus.volcano.sh group: one clear line, exit 3; delete still works', async () => {
		const sim = await startSimulator({scenario: 'static', busGroup: false});
		const suspended = await act(['suspend', ...target(sim)]);
		expect(suspended.code).toBe(3);
		expect(suspended.stderr.trim().split('\n')).toHaveLength(1);
		expect(suspended.stderr).toContain('the server has no bus.volcano.sh/v1alpha1 API');
		expect((await act(['delete', ...target(sim)])).code).toBe(0);
	});

	test('one job name, not two and not none: a usage error', async () => {
		const {code, stderr} = await act(['restart']);
		expect(code).toBe(2);
		expect(stderr).toContain('restart takes one job name');
	});
});
