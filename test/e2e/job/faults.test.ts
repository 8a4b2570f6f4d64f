import {type AddressInfo, createServer} from 'node:net';
import {describe, expect, onTestFinished, test} from 'vitest';
import {type Fault, gatewayFault, proxyHtmlFault, type Simulator, statusFault} from '../../../source/simulator/index.js';
import {cliPath, type CliRun} from '../support/run-cli.js';
import {e2eFixture, quickPoll} from '../support/fixture.js';
import {waitUntil} from '../support/wait.js';

// Fault injection against the real program over real HTTP: for each fault the watcher keeps running,
// says what happened in one line, and recovers when the server does. The faults are served to job GETs:
// the watcher polls here (--poll); faults of watch streams are in watch.test.ts.

const quick = ['-o', 'text', ...quickPoll];
let simulator: Simulator | undefined;
let run: CliRun | undefined;

const {startSimulator, runCli} = e2eFixture();

async function watching(): Promise<{sim: Simulator; cli: CliRun}> {
	simulator = await startSimulator({scenario: 'static', autoplay: false});
	run = runCli(['--no-details', simulator.scenario.jobName, '-n', simulator.scenario.namespace, '-s', simulator.url, ...quick]);
	await run.waitFor(/phase=Running .*\(first seen\)/);
	return {sim: simulator, cli: run};
}

/** Injects one fault, waits for its line and for the recovery that follows it. */
async function expectFault(sim: Simulator, cli: CliRun, fault: Fault, line: RegExp) {
	const before = cli.stdout().length;
	sim.injectFaults(fault);
	await cli.waitFor(new RegExp(`[\\s\\S]{${before}}[\\s\\S]*${line.source}[^\\n]*\\n[\\s\\S]*recovered after 1 failed attempt: rv=\\d+ phase=Running`));
	const lines = cli.stdout().slice(before).trim().split('\n');
	// Exactly one line for the fault, then one for the recovery.
	expect(lines, lines.join('\n')).toHaveLength(2);
	expect(lines[0]).toMatch(line);
	expect(lines[0]).not.toMatch(/<|\u001B/);
}

describe('every status code in the API document, and then some', () => {
	test('retryable: 429, 500, 502/504 HTML from a proxy, 503, 504, gateway throttling', async () => {
		const {sim, cli} = await watching();
		const cases: Array<[Fault, RegExp]> = [
			[statusFault(429), /retry attempt=1 .*error: 429 TooManyRequests/],
			[statusFault(500), /retry attempt=1 .*error: 500 InternalError/],
			[statusFault(503), /retry attempt=1 .*error: 503 ServiceUnavailable/],
			[statusFault(504), /retry attempt=1 .*error: 504 Timeout/],
			[proxyHtmlFault(502), /retry attempt=1 .*error: 502 BadGateway: "502 Bad Gateway" HTML page from a proxy or gateway/],
			[proxyHtmlFault(504), /retry attempt=1 .*error: 504 ServerTimeout: "504 Gateway Time-out" HTML page/],
			[gatewayFault(429, 'APIGW.0308', 'The throttling threshold has been reached'), /retry attempt=1 .*429 TooManyRequests: The throttling threshold has been reached \[APIGW\.0308\]/],
		];
		for (const [fault, line] of cases) {
			await expectFault(sim, cli, fault, line);
		}
	}, 60_000);

	test('refused for good: 400, 401, 403, 405, 406, 409, 415, 422 are reported with their reason and re-checked', async () => {
		const {sim, cli} = await watching();
		const cases: Array<[number, RegExp]> = [
			[400, /error: 400 BadRequest/],
			[401, /error: 401 Unauthorized.*\(the token is missing, expired or invalid/],
			[403, /error: 403 Forbidden.*\(the credentials may not get Volcano jobs in namespace cci-namespace-42263891\)/],
			[405, /error: 405 MethodNotAllowed/],
			[406, /error: 406 NotAcceptable/],
			[409, /error: 409 Conflict/],
			[415, /error: 415 UnsupportedMediaType/],
			[422, /error: 422 Invalid/],
		];
		for (const [status, line] of cases) {
			await expectFault(sim, cli, statusFault(status), new RegExp(`${line.source}.*; checking again in 0\\.3s`));
		}
	}, 60_000);

	test('404: the job went away, then is back', async () => {
		const {sim, cli} = await watching();
		sim.injectFaults(statusFault(404, {message: 'jobs.batch.volcano.sh "openmpi-static" not found'}));
		await cli.waitFor(/waiting for cci-namespace-42263891\/openmpi-static to appear\n.*rv=\d+ phase=Running/);
	});
});

describe('broken transport and broken bodies', () => {
	test('a reset connection, a server that never answers, truncated, empty and non-JSON bodies, a huge body', async () => {
		const {sim, cli} = await watching();
		const cases: Array<[Fault, RegExp]> = [
			[{kind: 'reset'}, /retry attempt=1 .*error: connection (reset|closed) by the server/],
			[{kind: 'hang'}, /retry attempt=1 .*error: no answer from 127\.0\.0\.1:\d+ within 0\.5s/],
			[{kind: 'truncated'}, /retry attempt=1 .*error: (200: an answer that is not JSON \(or was cut short\)|connection (reset|closed) by the server)/],
			[{kind: 'empty', status: 200}, /retry attempt=1 .*error: 200: an empty answer instead of a job/],
			[{kind: 'garbage'}, /retry attempt=1 .*error: 200: an answer that is not JSON/],
			[{kind: 'empty', status: 503}, /retry attempt=1 .*error: 503 ServiceUnavailable/],
			[{kind: 'huge', bytes: 6 * 1024 * 1024}, /retry attempt=1 .*error: answer refused: larger than 4096 KB/],
		];
		for (const [fault, line] of cases) {
			await expectFault(sim, cli, fault, line);
		}
	}, 60_000);

	test('a refused connection: retried, and recovered once the server is back on its port', async () => {
		const first = await startSimulator({scenario: 'static', autoplay: false});
		const {port} = first;
		const {namespace, jobName} = first.scenario;
		await first.close();
		run = runCli(['--no-details', jobName, '-n', namespace, '-s', `http://127.0.0.1:${port}`, ...quick]);
		await run.waitFor(/retry attempt=2 .*error: connection refused \(127\.0\.0\.1:\d+\)/);
		simulator = await startSimulator({scenario: 'static', autoplay: false, port});
		await run.waitFor(/recovered after \d+ failed attempts: rv=\d+ phase=Running/);
	});

	test('a TLS handshake failure: one line naming TLS, the host and the code, re-checked, never retried in a loop', async () => {
		// A plain HTTP server's answer to the client hello: no TLS. Each attempt is a new connection.
		let connections = 0;
		const server = createServer(socket => {
			connections++;
			socket.on('error', () => {});
			socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n'));
		});
		await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
		onTestFinished(async () => {
			await new Promise(resolve => server.close(resolve));
		});
		const {port} = server.address() as AddressInfo;
		run = runCli(['--no-details', 'openmpi-static', '-n', 'cci-namespace-42263891', '-s', `https://127.0.0.1:${port}`, ...quick]);
		// The first attempt and two re-checks, --recheck (0.3 s) apart.
		await waitUntil(() => connections >= 3, 'the first attempt and two re-checks (3 connections)');
		await run.waitFor(/\n/);
		// One line, however many re-checks fail the same way; a retry would have said "retry attempt=1".
		expect(run.stdout().split('\n')).toEqual([expect.stringMatching(
			new RegExp(
				`^\\S+Z cci-namespace-42263891/openmpi-static error: TLS failure talking to 127\\.0\\.0\\.1:${port} \\(EPROTO\\) ` +
					"\\(the server did not answer in TLS: check that the address is https and the port is the API server's\\); " +
					'checking again in 0\\.3s$',
			),
		), '']);
		expect(run.child.exitCode).toBeNull();
	});

	test('a host name that does not resolve: DNS failure in one line, still running', async () => {
		// In a network namespace of its own with no network at all, the lookup fails here and now,
		// without a query leaving the machine.
		run = runCli(['job', '-s', 'http://cci.example-region.invalid', '--allow-http', ...quick], {}, {command: ['unshare', '-n', process.execPath, cliPath]});
		await run.waitFor(/retry attempt=2/);
		expect(run.stdout()).toMatch(/retry attempt=1 .*error: host name (not found|lookup failed for now) \(DNS\) \(cci\.example-region\.invalid\)/);
		expect(run.child.exitCode).toBeNull();
	});
});
