import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, test} from 'vitest';
import {scenarios, type Scenario} from '../../../source/simulator/index.js';
import {temporaryDirectory} from '../../helpers/temp-dir.js';
import {waitUntil} from '../support/wait.js';
import {e2eFixture, target} from '../support/fixture.js';

// --on-finish end to end: the built program against the simulator, the command a real shell runs.

const {startSimulator, runCli, runInPty} = e2eFixture();

const quick = ['--interval', '100ms', '--details-interval', '200ms', '--max-wait', '300ms'];

/** The `VCJOB_*` lines of `env` as the command wrote them, as an object. */
function variables(file: string): Record<string, string> {
	const lines = readFileSync(file, 'utf8').split('\n');
	return Object.fromEntries(lines.filter(line => line.startsWith('VCJOB_')).map(line => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

describe('--on-finish', () => {
	test('runs once when the job completes, with the finish in its environment, and says how it went', async () => {
		const dir = temporaryDirectory();
		const simulator = await startSimulator({scenario: 'demo', speed: 20});
		const command = `env > ${dir}/env; echo ran >> ${dir}/count; echo "done: $VCJOB_NAME $VCJOB_PHASE"`;
		const run = runCli([...target(simulator), '-o', 'text', '--exit-on-finish', '--on-finish', command, ...quick]);
		expect(await run.exit(30_000)).toBe(0);
		expect(variables(join(dir, 'env'))).toEqual({
			VCJOB_NAME: 'openmpi-hello',
			VCJOB_NAMESPACE: simulator.scenario.namespace,
			VCJOB_PHASE: 'Completed',
			VCJOB_EXIT: '0',
		});
		// The program's own environment is passed on (the test gives it PATH and HOME).
		expect(readFileSync(join(dir, 'env'), 'utf8')).toMatch(/^PATH=/m);
		expect(readFileSync(join(dir, 'count'), 'utf8')).toBe('ran\n');
		const lines = run.stdout().trimEnd().split('\n');
		expect(lines.at(-1)).toMatch(
			new RegExp(`^\\S+Z ${simulator.scenario.namespace}/openmpi-hello hook phase=Completed job-exit=0 exit=0 took=\\S+ output="done: openmpi-hello Completed"$`),
		);
		expect(lines.filter(line => line.includes(' hook '))).toHaveLength(1);
	}, 40_000);

	test('a failed job: VCJOB_EXIT 1 and the latest failure; a command that fails is shown with its status and first line', async () => {
		const dir = temporaryDirectory();
		const simulator = await startSimulator({scenario: 'fail', speed: 10});
		const command = `env > ${dir}/env; echo; echo "could not post" >&2; exit 3`;
		const run = runCli([...target(simulator), '-o', 'json', '--exit-on-finish', '--on-finish', command, ...quick]);
		expect(await run.exit(40_000)).toBe(1);
		expect(variables(join(dir, 'env'))).toMatchObject({VCJOB_PHASE: 'Failed', VCJOB_EXIT: '1'});
		// The master stopped by SIGTERM is the last failure of the scenario.
		expect(variables(join(dir, 'env'))['VCJOB_FAILURE']).toBe('openmpi-crash-mpimaster-0/mpimaster exit 143: terminated (SIGTERM)');
		const objects = run.jsonLines();
		const hooks = objects.filter(object => object['event'] === 'hook');
		expect(hooks).toEqual([
			expect.objectContaining({
				event: 'hook',
				namespace: simulator.scenario.namespace,
				name: 'openmpi-crash',
				phase: 'Failed',
				jobExit: 1,
				status: 'exited',
				exitCode: 3,
				signal: null,
				output: 'could not post',
			}),
		]);
		// The failure summary stays the last word.
		expect(objects.at(-1)?.['event']).toBe('failure-summary');
	}, 50_000);

	test('a command still running at --on-finish-timeout is stopped with what it started, and reported', async () => {
		const dir = temporaryDirectory();
		const simulator = await startSimulator({scenario: 'demo', autoplay: false});
		simulator.goTo(simulator.scenario.steps.length - 1);
		const command = `echo waiting; sleep 100 & echo $! > ${dir}/pid; wait`;
		const run = runCli([...target(simulator), '-o', 'text', '--exit-on-finish', '--on-finish-timeout', '500ms', '--on-finish', command, ...quick]);
		expect(await run.exit(20_000)).toBe(0);
		expect(run.stdout()).toMatch(/ hook phase=Completed job-exit=0 status=timed-out signal=SIGTERM timeout=0\.5s took=\S+ output=waiting\n$/);
		const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
		expect(pid).toBeGreaterThan(0);
		// The background sleep was in the command's process group: gone with it (once its parent reaped it).
		await waitUntil(() => !alive(pid), 'the hung command to be gone', 5000);
	}, 30_000);

	test('Ctrl+C while the command runs: it is stopped, not left behind', async () => {
		const dir = temporaryDirectory();
		const simulator = await startSimulator({scenario: 'demo', autoplay: false});
		simulator.goTo(simulator.scenario.steps.length - 1);
		const command = `sleep 100 & echo $! > ${dir}/pid; wait`;
		const run = runCli([...target(simulator), '-o', 'text', '--on-finish', command, ...quick]);
		await waitUntil(() => existsSync(join(dir, 'pid')) && readFileSync(join(dir, 'pid'), 'utf8').endsWith('\n'), 'the command to start', 10_000);
		run.child.kill('SIGINT');
		expect(await run.exit(10_000)).toBe(130);
		expect(run.stdout()).toMatch(/ hook phase=Completed job-exit=0 status=stopped signal=SIGTERM took=\S+\n$/);
		await waitUntil(() => !alive(Number(readFileSync(join(dir, 'pid'), 'utf8'))), 'the command to be gone', 5000);
	}, 30_000);

	test('what the cluster says reaches the command as a value, never as shell text', async () => {
		const dir = temporaryDirectory();
		const seed = scenarios['seed']!;
		const job = structuredClone((seed.steps[0]!.job as {verbatim: Record<string, any>}).verbatim);
		// Without the pods (--no-details) the job's own reason is the failure: here one written to be run.
		// Short enough to arrive whole (the model cuts long reasons); the command runs in the program's folder.
		const reason = '$(touch pwned) `touch pwned`; touch pwned';
		job['status'] = {state: {phase: 'Failed', reason}, failed: 1};
		const failed: Scenario = {...seed, name: 'failed-with-shell-text', steps: [{holdMs: 60_000, job: {verbatim: job}}]};
		const simulator = await startSimulator({scenario: failed});
		const command = `printf '%s' "$VCJOB_FAILURE" > ${dir}/failure`;
		const run = runCli([...target(simulator), '-o', 'text', '--exit-on-finish', '--no-details', '--on-finish', command, ...quick], {}, {cwd: dir});
		expect(await run.exit(20_000)).toBe(1);
		expect(readFileSync(join(dir, 'failure'), 'utf8')).toBe(reason);
		expect(existsSync(join(dir, 'pwned'))).toBe(false);
	}, 30_000);

	test('usage errors: an empty command, no job named, --once', async () => {
		const cases: Array<[string[], RegExp]> = [
			[['job-a', '-n', 'ns', '--on-finish', ''], /--on-finish is empty/],
			[['-n', 'ns', '--on-finish', 'true'], /--on-finish runs when one job finishes: give its name/],
			[['job-a', '-n', 'ns', '--once', '--on-finish', 'true'], /--once only looks once/],
			[['job-a', '-n', 'ns', '--on-finish', 'true', '--on-finish-timeout', 'soon'], /--on-finish-timeout "soon" is not a duration/],
		];
		for (const [args, message] of cases) {
			const run = runCli([...args, '-s', 'http://127.0.0.1:9']);
			expect(await run.exit()).toBe(2);
			expect(run.stderr()).toMatch(message);
		}
	}, 30_000);
});

describe('--on-finish in the TUI', () => {
	test('a line under the header says how the command did, with its first line of output', async () => {
		const simulator = await startSimulator({scenario: 'demo', autoplay: false});
		simulator.goTo(simulator.scenario.steps.length - 1);
		const pty = runInPty([...target(simulator), ...quick, '--on-finish', 'echo; echo "posted to #builds"; exit 4'], {columns: 100, rows: 30});
		const screen = await pty.waitForScreen(/on-finish: exit 4/);
		expect(screen).toMatch(/⚠ on-finish: exit 4 · posted to #builds/);
		pty.type('q');
		expect(await pty.exit()).toBe(0);
	}, 30_000);
});
