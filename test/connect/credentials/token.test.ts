import {utimesSync, writeFileSync} from 'node:fs';
import {mkdtemp, rm, utimes, writeFile} from 'node:fs/promises';
import {createServer, type Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import type {Credentials} from '../../../source/api/credentials.js';
import {createJobClient} from '../../../source/api/job-client.js';
import {staticTokenCredentials, tokenFileCredentials} from '../../../source/connect/credentials/token.js';

/** The token a source would send, as the X-Auth-Token header it adds. */
function tokenOf(credentials: ReturnType<typeof tokenFileCredentials>) {
	return async () => {
		const headers: Record<string, string> = {};
		await credentials.authorize({method: 'GET', url: new URL('http://127.0.0.1/'), headers});
		return headers['x-auth-token'];
	};
}

const fileTokenSource = (path: string) => tokenOf(tokenFileCredentials(path));
const staticTokenSource = (token: string | undefined) => (token === undefined ? async () => undefined : tokenOf(staticTokenCredentials(token, 'HW_AUTH_TOKEN')));

let directory: string;

beforeEach(async () => {
	directory = await mkdtemp(join(tmpdir(), 'vcjob-watch-token-'));
});

const servers: Server[] = [];

afterEach(async () => {
	for (const server of servers.splice(0)) {
		server.closeAllConnections();
		await new Promise(resolve => server.close(resolve));
	}

	await rm(directory, {recursive: true, force: true});
});

/** An API server on 127.0.0.1 that takes one token (X-Auth-Token), which the test may change; it records every token sent. */
async function apiServer(accepted: string) {
	const state: {accepted: string; sent: Array<string | undefined>; beforeAnswer?: () => void} = {accepted, sent: []};
	const server = createServer((request, response) => {
		const token = request.headers['x-auth-token'] as string | undefined;
		state.sent.push(token);
		state.beforeAnswer?.();
		const ok = token === state.accepted;
		response.writeHead(ok ? 200 : 401, {'content-type': 'application/json'});
		response.end(ok ? '{"kind":"Job","metadata":{"name":"job"}}' : '{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Unauthorized","code":401}');
	});
	servers.push(server);
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	return {state, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`};
}

function jobClient(server: string, credentials: Credentials) {
	return createJobClient({server, namespace: 'team-a', name: 'job', timeoutMs: 5000, credentials});
}

describe('fileTokenSource', () => {
	test('reads the token, trimmed of the newline an editor adds', async () => {
		const path = join(directory, 'token');
		await writeFile(path, 'MIIabc.token\n');
		expect(await fileTokenSource(path)()).toBe('MIIabc.token');
	});

	test('picks up a renewed token without a restart', async () => {
		const path = join(directory, 'token');
		await writeFile(path, 'first');
		const token = fileTokenSource(path);
		expect(await token()).toBe('first');
		await writeFile(path, 'second-token');
		expect(await token()).toBe('second-token');
	});

	test('a renewal of the same size is noticed by its modification time', async () => {
		const path = join(directory, 'token');
		await writeFile(path, 'aaaa');
		await utimes(path, new Date('2024-01-01T00:00:00Z'), new Date('2024-01-01T00:00:00Z'));
		const token = fileTokenSource(path);
		expect(await token()).toBe('aaaa');
		await writeFile(path, 'bbbb');
		await utimes(path, new Date('2024-01-01T00:01:00Z'), new Date('2024-01-01T00:01:00Z'));
		expect(await token()).toBe('bbbb');
	});

	test('a file that vanishes (mid-rewrite) keeps the last token', async () => {
		const path = join(directory, 'token');
		await writeFile(path, 'kept');
		const token = fileTokenSource(path);
		expect(await token()).toBe('kept');
		await rm(path);
		expect(await token()).toBe('kept');
	});

	test('an empty file, or one that never existed, gives no token', async () => {
		const path = join(directory, 'token');
		await writeFile(path, '  \n');
		expect(await fileTokenSource(path)()).toBeUndefined();
		expect(await fileTokenSource(join(directory, 'missing'))()).toBeUndefined();
	});
});

describe('a 401 with a token file', () => {
	// A renewal in place that keeps the size and the time (a copy with -p, a coarse clock): only a 401 tells.
	const sameStamp = new Date('2024-01-01T00:00:00Z');
	async function renewInPlace(path: string, token: string) {
		await writeFile(path, `${token}\n`);
		await utimes(path, sameStamp, sameStamp);
	}

	test('the file is re-read after a 401 even when its size and modification time did not change', async () => {
		const path = join(directory, 'token');
		await renewInPlace(path, 'token-aaaa');
		const api = await apiServer('token-aaaa');
		const client = jobClient(api.url, tokenFileCredentials(path));
		await client.getJob();
		api.state.accepted = 'token-bbbb';
		await renewInPlace(path, 'token-bbbb');
		expect((await client.getJob()).raw['kind']).toBe('Job');
		expect(api.state.sent).toEqual(['token-aaaa', 'token-aaaa', 'token-bbbb']);
	});

	test('once per 401: a renewed token that is refused too is an error, not another read', async () => {
		const path = join(directory, 'token');
		await renewInPlace(path, 'token-aaaa');
		const api = await apiServer('accepted-never');
		// Each refusal is followed by a renewal in place, before the answer reaches the client.
		const renewals = ['token-bbbb', 'token-cccc'];
		api.state.beforeAnswer = () => {
			const next = renewals.shift();
			if (next === undefined) return;
			writeFileSync(path, `${next}\n`);
			utimesSync(path, sameStamp, sameStamp);
		};
		const error = await jobClient(api.url, tokenFileCredentials(path))
			.getJob()
			.catch((error: unknown) => error);
		expect(error).toMatchObject({category: 'unauthorized', hint: `the token in ${path} has expired or is invalid; it is re-read when the file changes`});
		expect(api.state.sent).toEqual(['token-aaaa', 'token-bbbb']);
	});

	test('a 401 with the same token in the file is not asked again', async () => {
		const path = join(directory, 'token');
		await renewInPlace(path, 'token-aaaa');
		const api = await apiServer('accepted-never');
		await expect(jobClient(api.url, tokenFileCredentials(path)).getJob()).rejects.toMatchObject({category: 'unauthorized'});
		expect(api.state.sent).toEqual(['token-aaaa']);
	});
});

describe('a 401 with HW_AUTH_TOKEN', () => {
	test('says the token expired (after 24 hours) or is invalid, and asks for a fresh one; the request is not repeated', async () => {
		const api = await apiServer('fresh');
		const error = await jobClient(api.url, staticTokenCredentials('stale', 'HW_AUTH_TOKEN'))
			.getJob()
			.catch((error: unknown) => error);
		expect(error).toMatchObject({category: 'unauthorized', retryable: false});
		expect((error as {hint: string}).hint).toMatch(/^the token in HW_AUTH_TOKEN has expired \(after 24 hours\) or is invalid: set a fresh one and restart/);
		expect(api.state.sent).toEqual(['stale']);
	});
});

describe('staticTokenSource', () => {
	test('gives what it was given', async () => {
		expect(await staticTokenSource('t')()).toBe('t');
		expect(await staticTokenSource(undefined)()).toBeUndefined();
	});
});
