import {readFileSync} from 'node:fs';
import {createServer, type Server} from 'node:http';
import {createServer as createNetServer} from 'node:net';
import {join} from 'node:path';
import {describe, expect, test} from 'vitest';
import {scenarios, type Scenario} from '../../../source/simulator/index.js';
import {temporaryDirectory} from '../../helpers/temp-dir.js';
import {expectScreenRestored} from '../support/pty.js';
import {e2eFixture, fast, target} from '../support/fixture.js';
import {pause, waitUntil} from '../support/wait.js';

// How a run ends (exit codes, the TUI included), the --debug log, `simulate`'s flags and the answer size caps,
// each as the README and docs/output.md promise it.

const servers: Server[] = [];
const {startSimulator, runCli, runInPty} = e2eFixture(async () => {
	for (const server of servers.splice(0)) {
		server.closeAllConnections();
		await new Promise(resolve => server.close(resolve));
	}
});

/** A job that runs, then goes through `through` to `end`; the steps move only when the test says. */
function endingIn(through: string, end: string): Scenario {
	const demo = scenarios['demo']!;
	return {
		...demo,
		name: `ends-${end}`,
		jobName: 'openmpi-end',
		steps: [
			{holdMs: 60_000, job: {phase: 'Running', counters: {running: 3}, pods: {mpimaster: {Running: 1}, mpiworker: {Running: 2}}}},
			{holdMs: 60_000, job: {phase: through, counters: {terminating: 3}}},
			{holdMs: 60_000, job: {phase: end}},
		],
	};
}

describe('--exit-on-finish', () => {
	test.each([
		['Terminated', 'Terminating'],
		['Aborted', 'Aborting'],
	])('text: %s exits 1, and the phase on its way there does not end the watch', async (end, through) => {
		const sim = await startSimulator({scenario: endingIn(through, end), autoplay: false});
		const run = runCli([...target(sim), '-o', 'text', '--exit-on-finish', ...fast]);
		await run.waitFor(/phase=Running/);
		sim.advance();
		await run.waitFor(new RegExp(`phase=${through} .*terminating=3`));
		sim.advance();
		expect(await run.exit()).toBe(1);
		// The change that ended it (the details read at the end may write a line after it), then the failure
		// summary last (no pod failed here).
		const lines = run.stdout().trim().split('\n');
		const summary = lines.at(-1);
		const change = lines.findLast(line => / rv=\d+ /.test(line));
		expect(change).toMatch(new RegExp(`rv=\\d+ phase=${end} .*\\(phase ${through}→${end}`));
		expect(summary).toMatch(new RegExp(`openmpi-end summary: phase=${end} failures=0 \\(no failed pod was seen while watched\\)$`));
	});

	test.each(['Terminated', 'Aborted'])('json: %s exits 1 after the change object that says so and the failure summary', async end => {
		const sim = await startSimulator({scenario: endingIn('Running', end), autoplay: false});
		sim.goTo(2);
		const run = runCli([...target(sim), '-o', 'json', '--exit-on-finish', ...fast]);
		expect(await run.exit()).toBe(1);
		const objects = run
			.stdout()
			.trim()
			.split('\n')
			.map(line => JSON.parse(line) as {event: string; phase: string});
		expect(objects.findLast(object => object.event === 'change')).toMatchObject({event: 'change', phase: end});
		expect(objects.at(-1)).toMatchObject({event: 'failure-summary', phase: end, failures: 0});
	});

	test('tui: Completed exits 0, the terminal restored, the last state left in the scrollback', async () => {
		const sim = await startSimulator({scenario: 'demo', autoplay: false});
		sim.goTo(5);
		const pty = runInPty([...target(sim), '--exit-on-finish', '--interval', '200ms'], {columns: 100, rows: 30});
		await pty.waitForScreen(/Running/);
		sim.goTo(sim.scenario.steps.length - 1);
		expect(await pty.exit()).toBe(0);
		expect(expectScreenRestored(pty.raw())).toMatch(/openmpi-hello rv=\d+ phase=Completed/);
	});

	test('tui: Failed exits 1, the terminal restored', async () => {
		const sim = await startSimulator({scenario: 'fail', autoplay: false});
		sim.goTo(0);
		const pty = runInPty([...target(sim), '--exit-on-finish', '--interval', '200ms'], {columns: 100, rows: 30});
		await pty.waitForScreen(/openmpi-crash/);
		sim.goTo(sim.scenario.steps.length - 1);
		expect(await pty.exit()).toBe(1);
		expect(expectScreenRestored(pty.raw())).toMatch(/openmpi-crash rv=\d+ phase=Failed/);
	});

	test('tui: without it, a finished job stays on screen until q', async () => {
		const sim = await startSimulator({scenario: 'demo', autoplay: false});
		sim.goTo(sim.scenario.steps.length - 1);
		const pty = runInPty([...target(sim), '--poll', '--interval', '200ms'], {columns: 100, rows: 30});
		await pty.waitForScreen(/Completed/);
		// Polls go on after the end: the program is still there for the next ones.
		const seen = sim.requestCount;
		await waitUntil(() => sim.requestCount >= seen + 3, 'three more requests after Completed was shown');
		expect(pty.child.exitCode).toBeNull();
		pty.type('q');
		expect(await pty.exit()).toBe(0);
	});
});

describe('--once stopped by a signal while it retries', () => {
	test.each(['text', 'json', 'tui'])('-o %s: SIGTERM ends it with 143, quietly, not with a stack trace', async output => {
		// A server that keeps failing: the look is in its retry wait when the signal comes.
		let requests = 0;
		const server = createServer((_request, response) => {
			requests++;
			response.writeHead(503, {'content-type': 'text/plain'}).end('busy');
		});
		servers.push(server);
		await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
		const {port} = server.address() as {port: number};
		const run = runCli(['mpi-demo', '-n', 'team-a', '-s', `http://127.0.0.1:${port}`, '--once', '-o', output]);
		await waitUntil(() => requests >= 1, 'the first request');
		run.child.kill('SIGTERM');
		expect(await run.exit()).toBe(143);
		expect(run.stderr()).not.toMatch(/Error: stopped|\bat .*\.js:\d+/);
	});
});

describe('--debug FILE', () => {
	test('a line per request: method, URL, status, duration, request id; never a header or a body', async () => {
		const token = 'debug-log-token-7f3a';
		const sim = await startSimulator({scenario: 'seed', autoplay: false, token});
		const log = join(temporaryDirectory(), 'requests.log');
		const run = runCli([...target(sim), '--once', '-o', 'text', '--debug', log], {HW_AUTH_TOKEN: token});
		expect(await run.exit()).toBe(0);
		const lines = readFileSync(log, 'utf8').trim().split('\n');
		expect(lines.length).toBeGreaterThan(0);
		for (const line of lines) {
			expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z GET http:\/\/127\.0\.0\.1:\d+\/\S+ \d{3} \d+ms request-id=[\w-]+$/);
		}

		expect(lines.some(line => line.includes('/jobs/openmpi-hello-3-com 200 '))).toBe(true);
		// The request ids are the server's own.
		const served = await fetch(`${sim.url}/apis/batch.volcano.sh/v1alpha1/namespaces/${sim.scenario.namespace}/jobs/${sim.scenario.jobName}`, {headers: {'X-Auth-Token': token}});
		expect(served.headers.get('x-request-id')).toMatch(/^[\w-]+$/);
		const job = (await served.json()) as {metadata: {uid: string}};
		const text = lines.join('\n');
		expect(text).not.toContain(token);
		expect(text).not.toMatch(/X-Auth-Token|Authorization|Bearer/i);
		// Nothing of an answer's body: no JSON, and not the job's uid (which outside its body is only in the
		// PodGroup's name).
		expect(text).not.toMatch(/[{}"]/);
		expect(text.replaceAll(`openmpi-hello-3-com-${job.metadata.uid}`, '')).not.toContain(job.metadata.uid);
	});

	test('a request that got no answer: "no-answer", and still its duration', async () => {
		const port = await freePort();
		const log = join(temporaryDirectory(), 'requests.log');
		const run = runCli(['job', '-n', 'ns', '-s', `http://127.0.0.1:${port}`, '--once', '-o', 'text', ...fast, '--debug', log]);
		expect(await run.exit()).toBe(5);
		const lines = readFileSync(log, 'utf8').trim().split('\n');
		// The first try and its retries, every one written.
		expect(lines).toHaveLength(6);
		for (const line of lines) expect(line).toMatch(/ GET http:\/\/127\.0\.0\.1:\d+\/apis\/batch\.volcano\.sh\/v1alpha1\/namespaces\/ns\/jobs\/job no-answer \d+ms$/);
	});
});

/** A port nothing listens on, found by listening on 0 and closing. */
async function freePort(): Promise<number> {
	const server = createNetServer();
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as {port: number};
	await new Promise(resolve => server.close(resolve));
	return port;
}

describe('simulate', () => {
	const jobPath = '/apis/batch.volcano.sh/v1alpha1/namespaces/cci-namespace-42263891/jobs';

	test('--port N: listens on N, and says so', async () => {
		const port = await freePort();
		const run = runCli(['simulate', '--port', String(port), '--scenario', 'seed']);
		const banner = await run.waitFor(/^watch it: .*$/m);
		expect(banner).toContain(`simulator listening on http://127.0.0.1:${port} (scenario seed)`);
		const answer = await fetch(`http://127.0.0.1:${port}${jobPath}/openmpi-hello-3-com`);
		expect(answer.status).toBe(200);
		expect(await answer.json()).toMatchObject({status: {state: {phase: 'Inqueue'}}});
	});

	test('VCJOB_SIMULATOR_TOKEN: required as X-Auth-Token when set, not asked for otherwise', async () => {
		const token = 'simulator-token-5c1d';
		const guarded = runCli(['simulate', '--scenario', 'seed'], {VCJOB_SIMULATOR_TOKEN: token});
		const open = runCli(['simulate', '--scenario', 'seed']);
		const url = (banner: string) => /^simulator listening on (\S+)/m.exec(banner)![1]!;
		const guardedUrl = url(await guarded.waitFor(/^watch it: .*$/m));
		expect(guarded.stdout()).toContain('(scenario seed, token required)');
		const job = `${guardedUrl}${jobPath}/openmpi-hello-3-com`;
		const refused = await fetch(job);
		expect(refused.status).toBe(401);
		expect(await refused.json()).toMatchObject({kind: 'Status', reason: 'Unauthorized'});
		expect((await fetch(job, {headers: {'X-Auth-Token': 'wrong'}})).status).toBe(401);
		expect((await fetch(job, {headers: {'X-Auth-Token': token}})).status).toBe(200);

		const openUrl = url(await open.waitFor(/^watch it: .*$/m));
		expect(open.stdout()).not.toContain('token required');
		expect((await fetch(`${openUrl}${jobPath}/openmpi-hello-3-com`)).status).toBe(200);
	});

	test('--loop: after the end the scenario starts over as a new job; without it the job stays as it ended', async () => {
		// The demo lasts about a minute of simulated time: two seconds at --speed 30, Completed for a third of one.
		const looping = runCli(['simulate', '--scenario', 'demo', '--speed', '30', '--loop']);
		const once = runCli(['simulate', '--scenario', 'demo', '--speed', '30']);
		const url = (banner: string) => /^simulator listening on (\S+)/m.exec(banner)![1]!;
		const jobs = {looping: `${url(await looping.waitFor(/^watch it: .*$/m))}${jobPath}/openmpi-hello`, once: `${url(await once.waitFor(/^watch it: .*$/m))}${jobPath}/openmpi-hello`};
		const read = async (job: string) => {
			const answer = await fetch(job);
			if (answer.status !== 200) return undefined;
			const body = (await answer.json()) as {metadata: {uid: string}; status?: {state?: {phase?: string}}};
			return {uid: body.metadata.uid, phase: body.status?.state?.phase ?? ''};
		};

		// Every incarnation the looping simulator served, in order, with the phases seen of each.
		const seen: Array<{uid: string; phases: Set<string>}> = [];
		let onceFirst: {uid: string; phase: string} | undefined;
		let onceLast: {uid: string; phase: string} | undefined;
		const deadline = Date.now() + 15_000;
		while (seen.length < 3) {
			if (Date.now() > deadline) throw new Error(`gave up waiting for a third incarnation of the looping job; saw ${seen.length}`);
			const job = await read(jobs.looping);
			if (job && seen.at(-1)?.uid !== job.uid) seen.push({uid: job.uid, phases: new Set()});
			if (job) seen.at(-1)!.phases.add(job.phase);
			onceLast = (await read(jobs.once)) ?? onceLast;
			onceFirst ??= onceLast;
			await pause(20);
		}

		// Each incarnation before the last ran to its end, and the next one started over.
		for (const incarnation of seen.slice(0, -1)) expect(incarnation.phases).toContain('Completed');
		expect(new Set(seen.map(incarnation => incarnation.uid)).size).toBe(seen.length);
		// In the same time, the other ended (two loops' worth) and stayed: the same job, Completed.
		expect(onceLast).toEqual({uid: onceFirst!.uid, phase: 'Completed'});
	});
});

describe('answer size caps, by default', () => {
	const namespace = 'team-a';
	// About 600 KB a job: ten of them are a list past one job's 4 MB cap and far below a list's 32 MB.
	const padding = 'x'.repeat(600 * 1024);
	const job = (name: string, rv: number) => ({
		apiVersion: 'batch.volcano.sh/v1alpha1',
		kind: 'Job',
		metadata: {name, namespace, uid: `uid-${name}`, resourceVersion: String(rv), annotations: {padding}},
		spec: {minAvailable: 1, queue: 'default'},
		status: {state: {phase: 'Running'}, running: 1},
	});

	/** A server on 127.0.0.1 that answers every request with this body, and counts the requests. */
	async function serve(body: string): Promise<{url: string; requests: string[]}> {
		const requests: string[] = [];
		const server = createServer((request, response) => {
			requests.push(request.url ?? '');
			response.writeHead(200, {'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body)});
			response.end(body);
		});
		servers.push(server);
		await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
		return {url: `http://127.0.0.1:${(server.address() as {port: number}).port}`, requests};
	}

	test('a list of about 6 MB (ten jobs): read whole, every job written', async () => {
		const items = Array.from({length: 10}, (_, index) => job(`big-${index}`, 100 + index));
		const list = JSON.stringify({apiVersion: 'batch.volcano.sh/v1alpha1', kind: 'JobList', metadata: {resourceVersion: '200'}, items});
		expect(list.length).toBeGreaterThan(4 * 1024 * 1024);
		const {url} = await serve(list);
		const run = runCli(['-n', namespace, '-s', url, '--once', '-o', 'text']);
		expect(await run.exit()).toBe(0);
		const lines = run.stdout().trim().split('\n');
		expect(lines).toHaveLength(10);
		expect(lines[0]).toMatch(/ team-a\/big-0 rv=100 phase=Running .*\(listed\)$/);
	});

	test('one job of about 6 MB: refused as too large, never taken as the job', async () => {
		const big = JSON.stringify({...job('huge', 7), metadata: {...job('huge', 7).metadata, annotations: {padding: padding.repeat(10)}}});
		expect(big.length).toBeGreaterThan(4 * 1024 * 1024);
		const {url, requests} = await serve(big);
		const run = runCli(['huge', '-n', namespace, '-s', url, '--once', '-o', 'text', ...fast]);
		expect(await run.exit()).toBe(5);
		expect(run.stdout()).toMatch(/answer refused: larger than 4096 KB \(status 200\)/);
		expect(run.stdout()).not.toMatch(/phase=Running/);
		expect(requests.length).toBeGreaterThan(1);
	});

	test('a list over 32 MB: refused as too large', async () => {
		const list = JSON.stringify({kind: 'JobList', metadata: {resourceVersion: '1'}, items: [], padding: 'x'.repeat(33 * 1024 * 1024)});
		const {url} = await serve(list);
		const run = runCli(['-n', namespace, '-s', url, '--once', '-o', 'text', ...fast]);
		expect(await run.exit()).toBe(5);
		expect(run.stdout()).toMatch(/answer refused: larger than 32768 KB/);
	});
});
