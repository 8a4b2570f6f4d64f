import {describe, expect, test} from 'vitest';
import type {Simulator} from '../../../source/simulator/index.js';
import {e2eFixture, target} from '../support/fixture.js';

// "Why did it fail?" end to end: the fail scenario's three failures (a worker OOM-killed, the master's ValueError,
// the master stopped by SIGTERM), each followed by RestartJob, which deletes the pods, then Failed.

const {startSimulator, runCli} = e2eFixture();

const master = 'openmpi-crash-mpimaster-0';
const lastWords = 'ValueError: loss is nan; lower the learning rate';
const sigterm = 'INFO:train:received SIGTERM, exiting';
// The whole scenario lasts about 55 s of simulated time: 5.5 s at speed 10.
const speed = 10;
// Short enough that each failure's pods are read before RestartJob deletes them.
const quick = ['--interval', '100ms', '--details-interval', '200ms', '--max-wait', '300ms'];

/** The simulator with its steps moved by the test, at a step: 8 the master's ValueError, 15 Failed. */
async function at(step: number, options: Parameters<typeof startSimulator>[0] = {}): Promise<Simulator> {
	const simulator = await startSimulator({scenario: 'fail', autoplay: false, ...options});
	for (let index = 0; index <= step; index++) simulator.goTo(index);
	return simulator;
}

/** The `failure` lines of a text output, each with the indented lines under it. */
function failureBlocks(out: string): Array<{line: string; evidence: string[]}> {
	const lines = out.split('\n');
	const blocks: Array<{line: string; evidence: string[]}> = [];
	for (const [index, line] of lines.entries()) {
		if (!/^\S+ \S+ failure /.test(line)) continue;
		const evidence: string[] = [];
		for (let next = index + 1; next < lines.length && lines[next]!.startsWith('    '); next++) evidence.push(lines[next]!);
		blocks.push({line, evidence});
	}

	return blocks;
}

const logRequests = (simulator: Simulator) => simulator.requests.filter(request => /\/pods\/[^/]+\/log\?/.test(request.path));

describe('--exit-on-finish through the whole fail scenario', () => {
	test('text: a failure line for each, with its message and log; exit 1; the summary and its evidence last', async () => {
		const simulator = await startSimulator({scenario: 'fail', speed});
		const run = runCli([...target(simulator), '-o', 'text', '--exit-on-finish', ...quick]);
		expect(await run.exit(30_000)).toBe(1);
		const out = run.stdout();
		const blocks = failureBlocks(out);
		const oom = blocks.find(block => block.line.includes(' exit=137 '));
		expect(oom?.line).toMatch(/ failure pod=openmpi-crash-mpiworker-0 container=mpiworker task=mpiworker exit=137 meaning="out of memory \(OOMKilled\)" reason=OOMKilled /);

		const raised = blocks.find(block => block.line.includes(' exit=1 '));
		expect(raised?.line).toMatch(/ failure pod=openmpi-crash-mpimaster-0 container=mpimaster task=mpimaster exit=1 meaning=error reason=Error .* version=2 retries=1$/);
		expect(raised?.evidence[0]).toBe(`    message: ${lastWords}`);
		expect(raised?.evidence[1]).toMatch(/^ {4}log: last \d+ lines of the container$/);
		expect(raised?.evidence.at(-1)).toBe(`    | ${lastWords}`);
		expect(raised?.evidence).toContain('    | Traceback (most recent call last):');

		const stopped = blocks.find(block => block.line.includes(' exit=143 '));
		expect(stopped?.line).toMatch(/ failure pod=openmpi-crash-mpimaster-0 container=mpimaster task=mpimaster exit=143 meaning="terminated \(SIGTERM\)" reason=Error /);
		expect(stopped?.evidence.at(-1)).toBe(`    | ${sigterm}`);

		// The output ends with the summary: the latest failure and its evidence.
		const lines = out.trimEnd().split('\n');
		const summary = lines.findLastIndex(line => / summary: /.test(line));
		expect(lines[summary]).toMatch(
			new RegExp(`^\\S+ ${simulator.scenario.namespace}/openmpi-crash summary: phase=Failed failures=${blocks.length} latest: pod=${master} container=mpimaster .*exit=143 `),
		);
		expect(lines.slice(summary + 1).every(line => line.startsWith('    '))).toBe(true);
		expect(lines.at(-1)).toBe(`    | ${sigterm}`);
		// Nothing a terminal acts on, however the log was written.
		expect(out).not.toMatch(/[\u001B\u0007\u202E]/);
	}, 40_000);

	test('json: pod-failure objects with their logs as arrays; the last object the failure-summary', async () => {
		const simulator = await startSimulator({scenario: 'fail', speed});
		const run = runCli([...target(simulator), '-o', 'json', '--exit-on-finish', ...quick]);
		expect(await run.exit(30_000)).toBe(1);
		const objects = run.jsonLines();
		const failures = objects.filter(object => object['event'] === 'pod-failure');
		for (const failure of failures) {
			expect(failure).toMatchObject({namespace: simulator.scenario.namespace, name: 'openmpi-crash', logStatus: 'read'});
			expect(Array.isArray(failure['log'])).toBe(true);
		}

		expect(failures.find(failure => failure['exitCode'] === 137)).toMatchObject({pod: 'openmpi-crash-mpiworker-0', meaning: 'out of memory (OOMKilled)', reason: 'OOMKilled'});
		const raised = failures.find(failure => failure['exitCode'] === 1);
		expect(raised).toMatchObject({pod: master, container: 'mpimaster', meaning: 'error', message: [lastWords], version: 2, retryCount: 1});
		expect((raised?.['log'] as string[] | undefined)?.at(-1)).toBe(lastWords);
		const stopped = failures.find(failure => failure['exitCode'] === 143);
		expect((stopped?.['log'] as string[] | undefined)?.at(-1)).toBe(sigterm);
		expect(objects.at(-1)).toMatchObject({
			event: 'failure-summary',
			namespace: simulator.scenario.namespace,
			name: 'openmpi-crash',
			phase: 'Failed',
			failures: failures.length,
			latest: {pod: master, exitCode: 143, meaning: 'terminated (SIGTERM)', logStatus: 'read'},
		});
		expect((objects.at(-1)!['latest'] as {log: string[]}).log.at(-1)).toBe(sigterm);
	}, 40_000);
});

describe('--once', () => {
	test('text, the master\'s pod Failed: its failure line, message and log tail', async () => {
		const simulator = await at(8);
		const run = runCli([...target(simulator), '--once', '-o', 'text']);
		expect(await run.exit()).toBe(0);
		const [raised, ...others] = failureBlocks(run.stdout());
		expect(others).toEqual([]);
		expect(raised?.line).toMatch(/ failure pod=openmpi-crash-mpimaster-0 container=mpimaster task=mpimaster exit=1 meaning=error /);
		expect(raised?.evidence[0]).toBe(`    message: ${lastWords}`);
		expect(raised?.evidence.at(-1)).toBe(`    | ${lastWords}`);
		// The 1 MiB line cut to a screen line, and what could hide or run something left out.
		expect(Math.max(...raised!.evidence.map(line => line.length))).toBeLessThanOrEqual(310);
		expect(run.stdout()).not.toMatch(/[\u001B\u0007\u202E]/);
	});

	test('json, the master\'s pod Failed: a pod-failure object with its log', async () => {
		const simulator = await at(8);
		const run = runCli([...target(simulator), '--once', '-o', 'json']);
		expect(await run.exit()).toBe(0);
		const failures = run.jsonLines().filter(object => object['event'] === 'pod-failure');
		expect(failures).toHaveLength(1);
		expect(failures[0]).toMatchObject({pod: master, exitCode: 1, message: [lastWords], logStatus: 'read'});
		expect((failures[0]!['log'] as string[]).at(-1)).toBe(lastWords);
	});

	test('--log-lines 0: the failure without its log, and no log request', async () => {
		const simulator = await at(8);
		const run = runCli([...target(simulator), '--once', '-o', 'text', '--log-lines', '0']);
		expect(await run.exit()).toBe(0);
		const [raised, ...others] = failureBlocks(run.stdout());
		expect(others).toEqual([]);
		expect(raised?.line).toMatch(/ failure pod=openmpi-crash-mpimaster-0 .*exit=1 /);
		expect(raised?.evidence).toEqual([`    message: ${lastWords}`]);
		expect(simulator.requests.some(request => request.path.includes('/pods?'))).toBe(true);
		expect(logRequests(simulator)).toEqual([]);
	});
});

describe('logs the user may not read', () => {
	test('a 403 on pods/log: the failure line says so, the summary too, and the exit code is the job\'s', async () => {
		const simulator = await at(15, {forbidden: ['pods/log']});
		const run = runCli([...target(simulator), '-o', 'text', '--exit-on-finish', ...quick]);
		expect(await run.exit()).toBe(1);
		const note = `    log: no permission to read logs in ${simulator.scenario.namespace}`;
		const [stopped, ...others] = failureBlocks(run.stdout());
		expect(others).toEqual([]);
		expect(stopped?.line).toMatch(/ failure pod=openmpi-crash-mpimaster-0 .*exit=143 meaning="terminated \(SIGTERM\)"/);
		expect(stopped?.evidence).toEqual([note]);
		const lines = run.stdout().trimEnd().split('\n');
		expect(lines.at(-2)).toMatch(/ summary: phase=Failed failures=1 latest: pod=openmpi-crash-mpimaster-0 /);
		expect(lines.at(-1)).toBe(note);
		expect(logRequests(simulator).map(request => request.status)).toEqual([403]);
	});
});

describe('--no-details', () => {
	test('no pod is read: the summary says there is no failure known, and why', async () => {
		const simulator = await at(15);
		const run = runCli([...target(simulator), '-o', 'text', '--exit-on-finish', '--no-details', ...quick]);
		expect(await run.exit()).toBe(1);
		expect(failureBlocks(run.stdout())).toEqual([]);
		expect(run.stdout().trimEnd().split('\n').at(-1)).toMatch(/ summary: phase=Failed failures=0 \(no failed pod known: pods are not read with --no-details\)$/);
		expect(simulator.requests.filter(request => request.path.includes('/pods'))).toEqual([]);
	});
});

describe('--log-lines', () => {
	test.each(['-1', 'abc', '2000', '1.5'])('%s: a usage error', async value => {
		const run = runCli(['job', '-s', 'http://127.0.0.1:9', '--log-lines', value]);
		expect(await run.exit()).toBe(2);
		expect(run.stderr()).toMatch(/--log-lines must be a whole number from 0 to 1000/);
		expect(run.stdout()).toBe('');
	});
});
