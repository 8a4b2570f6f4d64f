import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, test} from 'vitest';
import {type Fault, proxyHtmlFault, scenarios, type Simulator, statusFault, throttleFault} from '../../../source/simulator/index.js';
import type {CliRun} from '../support/run-cli.js';
import {e2eFixture} from '../support/fixture.js';
import {temporaryDirectory} from '../../helpers/temp-dir.js';

const demo = scenarios['demo']!;
const fast = ['--interval', '100ms', '--max-wait', '300ms'];
let simulator: Simulator | undefined;
let run: CliRun | undefined;

const {startSimulator, runCli} = e2eFixture();

async function start(scenario = 'demo', options: {token?: string} = {}) {
	simulator = await startSimulator({scenario, autoplay: false, ...options});
	return simulator;
}

function target(sim: Simulator) {
	return [sim.scenario.jobName, '-n', sim.scenario.namespace, '-s', sim.url];
}

describe('text output', () => {
	test('waits for a job that does not exist yet, then writes one line per change, and exits 0 on Completed', async () => {
		const sim = await start();
		run = runCli([...target(sim), '-o', 'text', '--exit-on-finish', ...fast]);
		await run.waitFor(/waiting for cci-namespace-42263891\/openmpi-hello to appear/);
		sim.goTo(3); // Pending, 3 pods pending
		await run.waitFor(/rv=\d+ phase=Pending pending=3 running=0 succeeded=0 failed=0 \(appeared\)/);
		sim.goTo(5); // Running
		const out = await run.waitFor(/phase=Running pending=0 running=3/);
		expect(out).toMatch(/\(phase Pending→Running, pending 3→0, running 0→3/);
		sim.goTo(demo.steps.length - 1); // Completed
		expect(await run.exit()).toBe(0);
		expect(run.stdout()).toMatch(/phase=Completed/);
		// Piped output carries no escape code at all.
		expect(run.stdout()).not.toContain('\u001B');
		// "Still waiting" is written once, not once per poll.
		expect(run.stdout().match(/waiting for/g)).toHaveLength(1);
	});

	test('retries 429/5xx/HTML/reset with lines that say so, and recovers', async () => {
		const sim = await start();
		sim.goTo(5);
		// Watching, the job's first request is a list of it by name: the faults go there.
		const onTheList = (fault: Fault) => ({fault, resource: 'jobs' as const, verb: 'list' as const});
		sim.injectCollectionFaults(...[statusFault(503), proxyHtmlFault(502), {kind: 'reset'} as const, statusFault(503, {retryAfterSeconds: 1}), throttleFault(1)].map(onTheList));
		run = runCli([...target(sim), '-o', 'text', '--interval', '100ms', '--max-wait', '5s']);
		const out = await run.waitFor(/phase=Running/, 15_000);
		expect(out).toMatch(/retry attempt=1 in=\S+ error: 503 ServiceUnavailable/);
		expect(out).toMatch(/retry attempt=2 .*502 BadGateway: "502 Bad Gateway" HTML page from a proxy/);
		expect(out).toMatch(/retry attempt=3 .*connection (reset|closed)/);
		// The server's wait is honoured even though the interval is 100 ms; a throttle waits at least 2 s.
		expect(out).toMatch(/retry attempt=4 in=1\.\ds error: 503 ServiceUnavailable/);
		expect(out).toMatch(/retry attempt=5 in=2\.\ds error: 429 TooManyRequests/);
		expect(out).not.toMatch(/<html|<body/i);
	});

	test('a Failed job exits 1 with --exit-on-finish', async () => {
		const sim = await start('fail');
		sim.goTo(sim.scenario.steps.length - 1);
		run = runCli([...target(sim), '-o', 'text', '--exit-on-finish', ...fast]);
		expect(await run.exit()).toBe(1);
		expect(run.stdout()).toMatch(/phase=Failed .*retries=3\/3/);
	});

	test('SIGTERM stops the watch with exit code 143', async () => {
		const sim = await start();
		sim.goTo(5);
		run = runCli([...target(sim), '-o', 'text', ...fast]);
		await run.waitFor(/phase=Running/);
		run.child.kill('SIGTERM');
		expect(await run.exit()).toBe(143);
	});
});

describe('json output', () => {
	test('one object per change, with the job exactly as served and the changes as path/old/new', async () => {
		const sim = await start();
		sim.goTo(3);
		run = runCli([...target(sim), '-o', 'json', ...fast]);
		await run.waitFor(/"event":"change"[^\n]*"phase":"Pending"/);
		sim.goTo(5);
		await run.waitFor(/"event":"change"[^\n]*"phase":"Running"/);
		run.child.kill('SIGTERM');
		await run.exit();
		const objects = run
			.stdout()
			.trim()
			.split('\n')
			.map(line => JSON.parse(line) as Record<string, any>);
		const [first, second] = objects.filter(object => object['event'] === 'change');
		expect(first!['first']).toBe(true);
		expect(first!['job'].metadata.name).toBe('openmpi-hello');
		expect(first!['job'].status.pending).toBe(3);
		expect(first!['time']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
		expect(second!['changes']).toContainEqual({path: 'status.state.phase', old: 'Pending', new: 'Running'});
		expect(second!['changes']).toContainEqual({path: 'status.running', old: 0, new: 3});
		expect(Number(second!['resourceVersion'])).toBeGreaterThan(Number(first!['resourceVersion']));
	});

	test('errors are objects with an "error" member', async () => {
		const sim = await start();
		sim.goTo(5);
		sim.injectCollectionFaults({fault: statusFault(500, {errorCode: 'CCI.02.500101'}), resource: 'jobs', verb: 'list'});
		run = runCli([...target(sim), '-o', 'json', ...fast]);
		await run.waitFor(/"event":"change"/);
		const retry = JSON.parse(run.stdout().split('\n')[0]!) as Record<string, any>;
		expect(retry['event']).toBe('retry');
		expect(retry['error']).toMatchObject({status: 500, category: 'server', code: 'CCI.02.500101', retryable: true});
	});
});

describe('--once', () => {
	test('prints the job once and exits 0; an unknown phase is shown as sent', async () => {
		const sim = await start('seed');
		run = runCli([...target(sim), '--once']);
		expect(await run.exit()).toBe(0);
		const lines = run.stdout().trim().split('\n');
		expect(lines[0]).toMatch(/phase=Inqueue pending=3 running=0 succeeded=0 failed=0/);
		// And the PodGroup's side, named after the job as in 2019's Volcano.
		expect(lines.slice(1)).toEqual([expect.stringMatching(/ podgroup openmpi-hello-3-com phase=Inqueue$/)]);
	});

	test('a static frame of the panels with -o tui', async () => {
		const sim = await start('seed');
		run = runCli([...target(sim), '--once', '-o', 'tui']);
		expect(await run.exit()).toBe(0);
		const out = run.stdout();
		for (const text of ['openmpi-hello-3-com', 'Inqueue', 'pending', 'mpimaster', 'mpiworker', 'TaskCompleted', 'CompleteJob']) {
			expect(out).toContain(text);
		}
	});

	test('exits 4 when the job does not exist', async () => {
		const sim = await start();
		run = runCli([...target(sim), '--once', ...fast]);
		expect(await run.exit()).toBe(4);
		expect(run.stdout()).toContain('waiting for');
	});

	test('exits 3 on 401, without ever printing the token', async () => {
		const secret = 'tok-9f8e7d6c5b4a-SECRET';
		const sim = await start('seed', {token: 'the-right-token'});
		run = runCli([...target(sim), '--once', '-o', 'json'], {HW_AUTH_TOKEN: secret});
		expect(await run.exit()).toBe(3);
		const line = JSON.parse(run.stdout().trim()) as Record<string, any>;
		expect(line['error']).toMatchObject({status: 401, category: 'unauthorized'});
		expect(run.stdout() + run.stderr()).not.toContain(secret);
	});

	test('a refusal in --once promises no other look: no "checking again", no delayMs, in every output', async () => {
		const sim = await start('seed', {token: 'the-right-token'});
		for (const output of ['text', 'json', 'tui']) {
			run = runCli([...target(sim), '--once', '-o', output], {HW_AUTH_TOKEN: 'a-wrong-token'});
			expect(await run.exit(), output).toBe(3);
			expect(run.stdout(), output).toMatch(/401 Unauthorized/);
			expect(run.stdout(), output).not.toMatch(/checking again|delayMs/);
		}
	});

	test('sends the token from --token-file and gets the job', async () => {
		const sim = await start('seed', {token: 'file-token-123'});
		const directory = temporaryDirectory();
		const file = join(directory, 'token');
		writeFileSync(file, 'file-token-123\n', {mode: 0o600});
		run = runCli([...target(sim), '--once', '--token-file', file]);
		expect(await run.exit()).toBe(0);
		expect(run.stdout()).toContain('phase=Inqueue');
		expect(run.stdout() + run.stderr()).not.toContain('file-token-123');
	});

	test('exits 5 when the server cannot be reached through every retry', async () => {
		const sim = await start();
		const {url} = sim;
		await sim.close();
		simulator = undefined;
		run = runCli(['some-job', '-s', url, '--once', '--interval', '50ms', '--max-wait', '100ms']);
		expect(await run.exit()).toBe(5);
		expect(run.stdout()).toMatch(/retry attempt=1 .*connection refused/);
		expect(run.stderr()).toMatch(/gave up after 6 tries: connection refused/);
	});

	test('a gateway 404 is a wrong server or path, not a job that does not exist yet', async () => {
		const sim = await start('seed');
		run = runCli([sim.scenario.jobName, '-n', sim.scenario.namespace, '-s', `${sim.url}/wrong-prefix`, '--once']);
		expect(await run.exit()).toBe(3);
		expect(run.stdout()).toMatch(/404 NotFound: .*wrong server or path.*\[APIGW\.0101\]/);
		expect(run.stdout()).not.toContain('waiting for');
	});
});

// glibc reads MALLOC_ARENA_MAX once, at start-up, so the program starts itself again in place (source/cli/boot/malloc-arenas.ts).
describe.runIf(process.platform === 'linux')('memory: at most two malloc arenas', () => {
	test('the process that watches is the one started (signals and exit codes reach it), with MALLOC_ARENA_MAX=2; a value of the user\'s own is kept', async () => {
		const sim = await start();
		sim.goTo(5);
		for (const [given, expected] of [[undefined, '2'], ['8', '8']] as const) {
			run = runCli([...target(sim), '-o', 'text', ...fast], {MALLOC_ARENA_MAX: given});
			await run.waitFor(/phase=Running/);
			const environment = readFileSync(`/proc/${run.child.pid}/environ`, 'utf8').split('\0');
			expect(environment).toContain(`MALLOC_ARENA_MAX=${expected}`);
			run.child.kill('SIGTERM');
			expect(await run.exit()).toBe(143);
		}
	});
});

describe('usage errors exit 2 before any request', () => {
	test.each([
		[['Bad_Name', '-s', 'http://127.0.0.1:9'], /invalid job name "Bad_Name"/],
		[['job', '-n', 'Team A', '-s', 'http://127.0.0.1:9'], /invalid namespace "Team A"/],
		[['job', '-s', 'http://127.0.0.1:9', '--interval', 'soon'], /--interval "soon" is not a duration/],
		[['job', '-s', 'ftp://example.com'], /--server must be an http:\/\/ or https:\/\/ URL/],
		[['job'], /no API server/],
		[[], /which job\?/],
		[['job', '-s', 'http://127.0.0.1:9', '--token', 'abc'], /no token on the command line/],
		[['job', '-s', 'http://127.0.0.1:9', '--token-file', '/nonexistent/token'], /cannot read --token-file/],
		[['job', '-s', 'http://127.0.0.1:9', '-o', 'xml'], /--output "xml": use tui, text or json/],
		[['job', '-s', 'http://127.0.0.1:9', '--watch', '--poll'], /--watch and --poll: choose one/],
		[['job', '-s', 'http://127.0.0.1:9', '--watch-idle', 'a while'], /--watch-idle "a while" is not a duration/],
	])('%j', async (args, message) => {
		run = runCli(args);
		expect(await run.exit()).toBe(2);
		expect(run.stderr()).toMatch(message);
	});
});

test('a hostile job cannot send escape sequences to the terminal', async () => {
	const hostile = {
		apiVersion: 'batch.volcano.sh/v1alpha1',
		kind: 'Job',
		metadata: {name: 'evil', namespace: 'default', uid: 'u-1', resourceVersion: '1'},
		spec: {queue: '\u001B]0;pwned\u0007q', tasks: [{name: 'a\u001B[2Jb', replicas: 1, template: {spec: {containers: [{image: '\u001B]8;;http://x\u001B\\img\u001B]8;;\u001B\\'}]}}}]},
		status: {state: {phase: 'Running\u001B[31m', message: 'line1\r\nline2\u0007\u009B31m \u202Eevil'}, running: 1},
	};
	simulator = await startSimulator({
		autoplay: false,
		scenario: {name: 'hostile', description: 'escape sequences', namespace: 'default', jobName: 'evil', steps: [{holdMs: 1000, job: {verbatim: hostile}}]},
	});
	for (const output of ['text', 'tui', 'json']) {
		run = runCli(['evil', '-s', simulator.url, '--once', '-o', output]);
		expect(await run.exit()).toBe(0);
		const out = run.stdout();
		expect(out, output).not.toMatch(/\u001B[\]P_^X]|\u001B\[[0-9;]*[A-Za-ln-z]|\u0007|\u009B|\u202E|\r/);
		if (output === 'json') {
			// The raw object survives, escaped: the same values come back out of the JSON.
			expect((JSON.parse(out.split('\n')[0]!) as {job: unknown}).job).toEqual(hostile);
		}
	}
});
