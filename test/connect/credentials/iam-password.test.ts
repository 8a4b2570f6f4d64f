import {createServer, type Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import {Agent, type Dispatcher} from 'undici';
import {afterEach, describe, expect, test} from 'vitest';
import {ApiError} from '../../../source/api/api-error.js';
import {formatClock} from '../../../source/common/duration.js';
import {iamPasswordCredentials, tokensUrl, type IamOptions, type IamPasswordSettings} from '../../../source/connect/credentials/iam-password.js';
import {createJobClient} from '../../../source/api/job-client.js';
import type {RequestRecord} from '../../../source/api/client.js';
import {type Simulator, startSimulator} from '../../../source/simulator/index.js';

const password = 'Sup3r-Secret-Passw0rd';
const iam = {user: 'alice', password, domain: 'acme', project: {name: 'cn-north-4'}};

const open: Array<Simulator | Server> = [];
afterEach(async () => {
	await Promise.all(
		open.splice(0).map(async thing => ('close' in thing && 'scenario' in thing ? thing.close() : new Promise<void>(resolve => (thing as Server).close(() => resolve())))),
	);
});

async function simulator(tokenLifetimeMs?: number): Promise<Simulator> {
	const sim = await startSimulator({scenario: 'seed', autoplay: false, iam: {...iam, ...(tokenLifetimeMs ? {tokenLifetimeMs} : {})}});
	open.push(sim);
	return sim;
}

function settings(sim: {url: string}, overrides: Partial<IamPasswordSettings> = {}): IamPasswordSettings {
	return {user: 'alice', password, domain: 'acme', project: {name: 'cn-north-4'}, authUrl: `${sim.url}/v3`, ...overrides};
}

const logins = (sim: Simulator) => sim.requests.filter(request => request.method === 'POST' && request.path.startsWith('/v3/auth/tokens')).length;

async function tokenFrom(credentials: ReturnType<typeof iamPasswordCredentials>, signal?: AbortSignal) {
	const headers: Record<string, string> = {};
	await credentials.authorize({method: 'GET', url: new URL('http://127.0.0.1/'), headers, ...(signal ? {signal} : {})});
	return headers['x-auth-token'];
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof ApiError) return error;
		throw error;
	}

	throw new Error('expected a rejection');
}

describe('IAM password credentials, against the simulator over HTTP', () => {
	test('log in once with the documented body, and send the token until it is due for renewal', async () => {
		const sim = await simulator();
		const records: RequestRecord[] = [];
		const credentials = iamPasswordCredentials(settings(sim), {timeoutMs: 5000, onRequest: record => records.push(record)});
		const first = await tokenFrom(credentials);
		expect(first).toMatch(/^MIIT/);
		expect(await tokenFrom(credentials)).toBe(first);
		expect(logins(sim)).toBe(1);
		expect(sim.requests[0]!.path).toBe('/v3/auth/tokens?nocatalog=true');
		expect(sim.requests[0]!.status).toBe(201);
		// --debug sees the login as a line of its own: no body, no header.
		expect(records).toEqual([expect.objectContaining({method: 'POST', url: `${sim.url}/v3/auth/tokens?nocatalog=true`, status: 201})]);
		expect(credentials.description).toBe('IAM token for user alice (domain acme, project cn-north-4)');
	});

	test('renews at 90% of the token life, measured on IAM clock, whatever this machine clock says', async () => {
		const sim = await simulator(10_000);
		// This machine's clock is two hours ahead of IAM's: expires_at is in its past from the start.
		let now = Date.now() + 2 * 60 * 60 * 1000;
		const credentials = iamPasswordCredentials(settings(sim), {timeoutMs: 5000, now: () => now});
		const first = await tokenFrom(credentials);
		now += 8_900;
		expect(await tokenFrom(credentials)).toBe(first);
		expect(logins(sim)).toBe(1);
		now += 200; // 9.1 s of a 10 s life
		const second = await tokenFrom(credentials);
		expect(second).not.toBe(first);
		expect(logins(sim)).toBe(2);
	});

	test('a 401 from the API (token revoked) logs in again once and the request goes through', async () => {
		const sim = await simulator();
		const credentials = iamPasswordCredentials(settings(sim), {timeoutMs: 5000});
		const client = createJobClient({server: sim.url, namespace: sim.scenario.namespace, name: sim.scenario.jobName, timeoutMs: 5000, credentials});
		await client.getJob();
		sim.revokeTokens();
		const answer = await client.getJob();
		expect(answer.raw['kind']).toBe('Job');
		expect(logins(sim)).toBe(2);
		expect(sim.requests.map(request => request.status)).toEqual([201, 200, 401, 201, 200]);
	});

	test('a wrong password: a clear unauthorized error without the password, and no new login for minutes', async () => {
		const sim = await simulator();
		let now = Date.now();
		const credentials = iamPasswordCredentials(settings(sim, {password: 'wrong-password-1234'}), {timeoutMs: 5000, now: () => now});
		const error = await rejection(tokenFrom(credentials));
		expect(error.category).toBe('unauthorized');
		expect(error.retryable).toBe(false);
		expect(error.summary).toMatch(/^IAM login refused: 401 Unauthorized: The username or password is wrong\. \(request id [0-9a-f]+\)$/);
		expect(error.hint).toMatch(/^check HW_USER_NAME \(alice\), HW_USER_PASSWORD and HW_DOMAIN_NAME \(acme, the account name\); no new login before \d\d:\d\d:\d\d/);
		expect(JSON.stringify(error) + error.message + error.stack).not.toContain('wrong-password-1234');

		// The watcher re-checks, a person presses r: none of it reaches IAM before the wait is over.
		for (let index = 0; index < 5; index++) {
			now += 30_000;
			expect((await rejection(tokenFrom(credentials))).summary).toBe(error.summary);
		}

		expect(await rejection(credentials.renew!(error))).toBeInstanceOf(ApiError);
		expect(logins(sim)).toBe(1);
		now += 5 * 60 * 1000;
		await rejection(tokenFrom(credentials));
		expect(logins(sim)).toBe(2);
		// The next wait is twice as long.
		now += 5 * 60 * 1000 + 1000;
		await rejection(tokenFrom(credentials));
		expect(logins(sim)).toBe(2);
	});

	test('an unknown project is a 400 that points at HW_PROJECT_NAME', async () => {
		const sim = await simulator();
		const credentials = iamPasswordCredentials(settings(sim, {project: {name: 'ap-southeast-9'}}), {timeoutMs: 5000});
		const error = await rejection(tokenFrom(credentials));
		expect(error.category).toBe('client');
		expect(error.summary).toMatch(/400 BadRequest: The project does not exist/);
		expect(error.hint).toMatch(/^check HW_PROJECT_NAME or HW_PROJECT_ID \(now project ap-southeast-9; default: the region name\)/);
	});

	test('IAM out of reach is a retryable network error that names the IAM host', async () => {
		const sim = await simulator();
		const {url} = sim;
		await sim.close();
		const credentials = iamPasswordCredentials(settings({url}), {timeoutMs: 5000});
		const error = await rejection(tokenFrom(credentials));
		expect(error.category).toBe('network');
		expect(error.retryable).toBe(true);
		expect(error.summary).toBe(`IAM login: connection refused (${new URL(url).host})`);
	});

	test('a wrong HW_AUTH_URL (a gateway 404) says so', async () => {
		const sim = await simulator();
		const credentials = iamPasswordCredentials(settings(sim, {authUrl: `${sim.url}/v2.0`}), {timeoutMs: 5000});
		const error = await rejection(tokenFrom(credentials));
		expect(error.category).toBe('bad-endpoint');
		expect(error.hint).toMatch(/check HW_AUTH_URL/);
	});

	test('a 201 without X-Subject-Token, and an answer that never comes', async () => {
		let hang = false;
		const server = createServer((request, response) => {
			if (hang) return;
			response.writeHead(201, {'content-type': 'application/json'});
			response.end('{"token":{}}');
		});
		open.push(server);
		await new Promise<void>(resolve => server.listen(0, '127.0.0.1', () => resolve()));
		const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		const missing = await rejection(tokenFrom(iamPasswordCredentials(settings({url}), {timeoutMs: 5000})));
		expect(missing.category).toBe('malformed');
		expect(missing.summary).toMatch(/without an X-Subject-Token header/);

		hang = true;
		const timedOut = await rejection(tokenFrom(iamPasswordCredentials(settings({url}), {timeoutMs: 200})));
		expect(timedOut.category).toBe('timeout');
		expect(timedOut.summary).toMatch(/^IAM login: no answer from 127\.0\.0\.1:\d+ within 0\.2s$/);

		// Through the job client (the same timeout for both, as the CLI sets them), a silent IAM is named, not
		// the API server, which was never asked.
		const api = await simulator();
		const client = createJobClient({
			server: api.url,
			namespace: 'ns',
			name: 'job',
			timeoutMs: 200,
			credentials: iamPasswordCredentials(settings({url}), {timeoutMs: 200}),
		});
		const viaClient = await rejection(client.getJob());
		expect(viaClient.summary).toMatch(/^IAM login: no answer from 127\.0\.0\.1:\d+ within 0\.2s$/);
		expect(api.requestCount).toBe(0);

		// Quitting does not wait for the login's timeout: the abort ends it well before those 10 s.
		const controller = new AbortController();
		const pending = tokenFrom(iamPasswordCredentials(settings({url}), {timeoutMs: 10_000}), controller.signal);
		controller.abort(new Error('stopped'));
		let deadline: NodeJS.Timeout | undefined;
		const outcome = await Promise.race([
			pending.then(
				() => 'a token',
				(error: Error) => error.message,
			),
			new Promise(resolve => {
				deadline = setTimeout(resolve, 5000, 'still waiting for the login 5 s after the abort');
			}),
		]);
		clearTimeout(deadline);
		expect(outcome).toBe('stopped');
		server.closeAllConnections();
	});

	test('an early renewal that fails keeps the current token until it expires', async () => {
		const sim = await simulator(10_000);
		let now = Date.now();
		const credentials = iamPasswordCredentials(settings(sim), {timeoutMs: 5000, now: () => now});
		const first = await tokenFrom(credentials);
		// IAM goes away: its port is closed.
		await sim.close();
		now += 9_500;
		expect(await tokenFrom(credentials)).toBe(first);
		now += 1_000; // expired
		const error = await rejection(tokenFrom(credentials));
		expect(error.category).toBe('network');
		expect(error.summary).toBe(`IAM login: connection refused (${new URL(sim.url).host})`);
	});

	test('refused logins wait 5, 10, 20, 40 minutes, then an hour each time, and say until when', async () => {
		const sim = await simulator();
		let now = Date.now();
		const credentials = iamPasswordCredentials(settings(sim, {password: 'wrong-password-1234'}), {timeoutMs: 5000, now: () => now});
		await rejection(tokenFrom(credentials));
		expect(logins(sim)).toBe(1);
		const minutes = [5, 10, 20, 40, 60, 60, 60];
		for (const [index, wait] of minutes.entries()) {
			const until = now + wait * 60_000;
			now = until - 1000;
			const waiting = await rejection(tokenFrom(credentials));
			expect(waiting.hint).toContain(`no new login before ${formatClock(until)}`);
			expect(logins(sim), `a login before the wait of ${wait} minutes is over`).toBe(index + 1);
			now = until;
			await rejection(tokenFrom(credentials));
			expect(logins(sim), `a login once the wait of ${wait} minutes is over`).toBe(index + 2);
		}
	});

	test('the login goes through the dispatcher it is given (TLS settings, proxies)', async () => {
		const sim = await simulator();
		const seen: string[] = [];
		class Recording extends Agent {
			override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
				seen.push(`${options.method} ${options.path}`);
				return super.dispatch(options, handler);
			}
		}

		const dispatcher = new Recording();
		const credentials = iamPasswordCredentials(settings(sim), {timeoutMs: 5000, dispatcher} satisfies IamOptions);
		await tokenFrom(credentials);
		expect(seen).toEqual(['POST /v3/auth/tokens?nocatalog=true']);
		await dispatcher.close();
	});
});

test('the tokens URL takes HW_AUTH_URL with or without a trailing slash or /auth/tokens', () => {
	for (const url of ['https://iam.example.com/v3', 'https://iam.example.com/v3/', 'https://iam.example.com/v3/auth/tokens']) {
		expect(tokensUrl(url).href).toBe('https://iam.example.com/v3/auth/tokens?nocatalog=true');
	}
});
