import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, test} from 'vitest';
import type {Simulator} from '../../../source/simulator/index.js';
import type {CliRun} from '../support/run-cli.js';
import {e2eFixture} from '../support/fixture.js';
import {waitUntil} from '../support/wait.js';
import {temporaryDirectory} from '../../helpers/temp-dir.js';
import {startTestProxy, type TestProxy} from '../../helpers/servers/test-proxy.js';

// The CCI credential sources through the built CLI, against the simulator's IAM endpoint and gateway checks:
// their order, renewal, refusals and proxy. secrets.test.ts searches every source in every output mode.

const secrets = {
	password: 'Pw-hunter2-SECRET-41',
	secretKey: 'SK-s3cr3t-0123456789abcdefXYZ',
	securityToken: 'STS-temporary-token-7f7f7f',
};
// Whatever the simulator's IAM issues: "MIIT" and a long base64url blob.
const issuedToken = /MIIT[\w-]{16}/;

const iamUser = {user: 'alice', password: secrets.password, domain: 'acme', project: {name: 'cn-north-4'}};
const keys = {accessKey: 'HPUAK0000000000000001', secretKey: secrets.secretKey, securityToken: secrets.securityToken, projectId: '0a1b2c3d4e5f'};

let simulator: Simulator | undefined;
let run: CliRun | undefined;
let proxy: TestProxy | undefined;

const {startSimulator, runCli} = e2eFixture(async () => {
	await proxy?.close();
	proxy = undefined;
});

const directory = () => temporaryDirectory('vcjob-watch-credentials-');

function target(sim: Simulator) {
	return [sim.scenario.jobName, '-n', sim.scenario.namespace, '-s', sim.url];
}

const iamEnv = (sim: Simulator, password = secrets.password) => ({
	HW_USER_NAME: 'alice',
	HW_USER_PASSWORD: password,
	HW_DOMAIN_NAME: 'acme',
	HW_PROJECT_NAME: 'cn-north-4',
	HW_AUTH_URL: `${sim.url}/v3`,
});

const keyEnv = (secretKey = secrets.secretKey) => ({
	HUAWEICLOUD_SDK_AK: keys.accessKey,
	HUAWEICLOUD_SDK_SK: secretKey,
	HUAWEICLOUD_SDK_SECURITY_TOKEN: keys.securityToken,
	HUAWEICLOUD_SDK_PROJECT_ID: keys.projectId,
});

/** No secret, and no token IAM issued, in anything the program wrote. */
function expectNoSecrets(...texts: string[]) {
	const all = texts.join('\n');
	for (const [name, secret] of Object.entries(secrets)) {
		expect(all, name).not.toContain(secret);
	}

	expect(all).not.toMatch(issuedToken);
}

test('--help lists the credential sources in the order they are tried', async () => {
	run = runCli(['--help']);
	expect(await run.exit()).toBe(0);
	const help = run.stdout();
	const order = ['1 --token-file PATH', '2 HW_AUTH_TOKEN', '3 HW_USER_NAME, HW_USER_PASSWORD, HW_DOMAIN_NAME', '4 HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK'];
	const positions = order.map(entry => help.indexOf(entry));
	expect(positions.every(position => position > 0)).toBe(true);
	expect([...positions].sort((a, b) => a - b)).toEqual(positions);
	for (const name of ['HW_PROJECT_NAME', 'HW_PROJECT_ID', 'HW_AUTH_URL', 'HW_ACCESS_KEY', 'HW_SECRET_KEY', 'HUAWEICLOUD_SDK_SECURITY_TOKEN', 'HW_SECURITY_TOKEN', 'HUAWEICLOUD_SDK_PROJECT_ID']) {
		expect(help).toContain(name);
	}
});

describe('IAM password', () => {
	test('a token that lives 2.5 s is renewed before it expires, and the watch goes on without a 401', async () => {
		simulator = await startSimulator({scenario: 'static', autoplay: false, iam: {...iamUser, tokenLifetimeMs: 2500}});
		const debug = join(directory(), 'debug.log');
		run = runCli(['--no-details', ...target(simulator), '-o', 'text', '--poll', '--interval', '250ms', '--debug', debug], iamEnv(simulator));
		await run.waitFor(/phase=Running/);
		const sim = simulator;
		const posts = () => sim.requests.filter(request => request.method === 'POST');
		// Polling goes on after the third login: three polls after it (at 250 ms, so the signal comes between
		// two logins, well before the next one at 2.25 s).
		await waitUntil(
			() => posts().length >= 3 && sim.requests.filter(request => request.method === 'GET' && request.at > posts()[2]!.at).length > 2,
			'three IAM logins and three polls after the third',
			15_000,
		);
		run.child.kill('SIGTERM');
		expect(await run.exit()).toBe(143);
		const requests = simulator.requests;
		const logins = requests.filter(request => request.method === 'POST');
		expect(logins.every(login => login.status === 201)).toBe(true);
		// Renewed at 90% of the token's 2.5 s, counted from its answer: never sooner after the login before.
		for (let index = 1; index < logins.length; index++) {
			expect(logins[index]!.at - logins[index - 1]!.at).toBeGreaterThanOrEqual(2250);
		}

		// Before it expired: every request with a token was accepted.
		const jobGets = requests.filter(request => request.method === 'GET');
		expect(jobGets.every(request => request.status === 200)).toBe(true);
		// One line: the job as first seen; nothing went wrong.
		expect(run.stdout().trim().split('\n')).toHaveLength(1);
		expect(run.stdout()).not.toMatch(/error|retry/);
		const log = readFileSync(debug, 'utf8');
		expect(log.match(/ POST \S+\/v3\/auth\/tokens\?nocatalog=true 201 /g)).toHaveLength(logins.length);
		expectNoSecrets(run.stdout(), run.stderr(), log);
	});

	test('a wrong password: a clear message and exit 3 with --once', async () => {
		simulator = await startSimulator({scenario: 'seed', autoplay: false, iam: iamUser});
		run = runCli(['--no-details', ...target(simulator), '--once', '-o', 'text'], iamEnv(simulator, 'not-the-password-99'));
		expect(await run.exit()).toBe(3);
		expect(run.stdout()).toMatch(
			/error: IAM login refused: 401 Unauthorized: The username or password is wrong\. \(request id \w+\) \(check HW_USER_NAME \(alice\), HW_USER_PASSWORD and HW_DOMAIN_NAME \(acme, the account name\); no new login before \d\d:\d\d:\d\d/,
		);
		expect(simulator.requests).toHaveLength(1);
		expectNoSecrets(run.stdout(), run.stderr());
		expect(run.stdout() + run.stderr()).not.toContain('not-the-password-99');
	});

	test('a wrong password is tried once, not at every re-check (IAM would lock the user)', async () => {
		simulator = await startSimulator({scenario: 'seed', autoplay: false, iam: iamUser});
		run = runCli(['--no-details', ...target(simulator), '-o', 'json', '--interval', '100ms', '--recheck', '300ms'], iamEnv(simulator, 'not-the-password-99'));
		await run.waitFor(/"event":"error"/);
		await new Promise(resolve => setTimeout(resolve, 2500));
		run.child.kill('SIGTERM');
		await run.exit();
		expect(simulator.requests.filter(request => request.method === 'POST')).toHaveLength(1);
		// Nothing reached the job path without a token.
		expect(simulator.requests.filter(request => request.method === 'GET')).toHaveLength(0);
		const errors = run
			.stdout()
			.trim()
			.split('\n')
			.map(line => JSON.parse(line) as {event: string; error: Record<string, unknown>});
		expect(errors).toHaveLength(1);
		expect(errors[0]!.error).toMatchObject({category: 'unauthorized', status: 401, retryable: false});
		expect(run.stdout()).not.toContain('not-the-password-99');
	});

	test('the login and the job requests both go through HTTP_PROXY (the same dispatcher)', async () => {
		simulator = await startSimulator({scenario: 'seed', autoplay: false, iam: iamUser});
		proxy = await startTestProxy();
		// IAM at another origin (localhost) than the API (127.0.0.1): each gets a tunnel of its own.
		const env = {...iamEnv(simulator), HW_AUTH_URL: `http://localhost:${simulator.port}/v3`, HTTP_PROXY: proxy.url};
		run = runCli(['--no-details', ...target(simulator), '--once'], env);
		expect(await run.exit()).toBe(0);
		expect(run.stdout()).toContain('phase=Inqueue');
		expect(proxy.connects).toEqual([`localhost:${simulator.port}`, `127.0.0.1:${simulator.port}`]);
		expect(simulator.requests.map(request => `${request.method} ${request.status}`)).toEqual(['POST 201', 'GET 200']);
	});
});

describe('AK/SK', () => {
	test('a wrong secret key: one 401 per re-check, reported each time, never a tight loop', async () => {
		simulator = await startSimulator({scenario: 'seed', autoplay: false, aksk: keys});
		const recheckMs = 500;
		run = runCli(['--no-details', ...target(simulator), '-o', 'json', '--interval', '100ms', '--recheck', `${recheckMs}ms`], keyEnv('SK-wrong-key-000000'));
		await run.waitFor(/"event":"error"/);
		const sim = simulator;
		await waitUntil(() => sim.requests.length >= 4, 'four signed requests', 15_000);
		run.child.kill('SIGTERM');
		await run.exit();
		const requests = simulator.requests;
		expect(requests.every(request => request.status === 401)).toBe(true);
		// One a --recheck, counted from the refusal: never the 100 ms interval.
		for (let index = 1; index < requests.length; index++) {
			expect(requests[index]!.at - requests[index - 1]!.at).toBeGreaterThanOrEqual(recheckMs - 1);
		}

		const errors = run
			.stdout()
			.trim()
			.split('\n')
			.map(line => JSON.parse(line) as {event: string; error: Record<string, any>} & Record<string, unknown>);
		// Each refusal is its own line (its own request id): one per request that reached the gateway.
		expect(errors.length).toBeGreaterThanOrEqual(requests.length - 1);
		expect(errors.length).toBeLessThanOrEqual(requests.length);
		for (const line of errors) {
			const {event, error} = line;
			// The documented members, nothing else (no connection, no credentials object).
			expect(Object.keys(line)).toEqual(['time', 'event', 'namespace', 'name', 'delayMs', 'error']);
			expect(event).toBe('error');
			expect(error).toMatchObject({category: 'unauthorized', status: 401, code: 'APIGW.0301', retryable: false});
			expect(error['summary']).toMatch(/^401 Unauthorized: Incorrect IAM authentication information: verify aksk signature fail/);
			expect(error['hint']).toMatch(/check the keys in HUAWEICLOUD_SDK_AK\/SK .*clock \(X-Sdk-Date must be within 15 minutes/);
		}

		expectNoSecrets(run.stdout(), run.stderr());
		expect(run.stdout()).not.toContain('SK-wrong-key-000000');
	});

	test('with --once a refused signature exits 3 after a single request', async () => {
		simulator = await startSimulator({scenario: 'seed', autoplay: false, aksk: keys});
		run = runCli(['--no-details', ...target(simulator), '--once', '-o', 'text'], keyEnv('SK-wrong-key-000000'));
		expect(await run.exit()).toBe(3);
		expect(simulator.requests).toHaveLength(1);
		expect(run.stdout()).toMatch(/error: 401 Unauthorized: Incorrect IAM authentication information: .*\[APIGW\.0301\].*check the keys in HUAWEICLOUD_SDK_AK\/SK/);
	});
});
