import {createHash, createHmac} from 'node:crypto';
import {describe, expect, test, vi} from 'vitest';
import {signatureOf, signRequest} from '../../source/connect/credentials/aksk-signer.js';
import type {Simulator} from '../../source/simulator/simulator-types.js';
import {simulatorsFor, type Json} from './http.js';

const start = simulatorsFor({scenario: 'seed', autoplay: false});

function jobUrl(simulator: Simulator): URL {
	const {namespace, jobName} = simulator.scenario;
	return new URL(`${simulator.url}/apis/batch.volcano.sh/v1alpha1/namespaces/${namespace}/jobs/${jobName}`);
}

const iam = {user: 'alice', password: 'Pa55-w0rd!', domain: 'acme', project: {name: 'cn-north-4'}};
const keys = {accessKey: 'HPUAK0000000000000001', secretKey: 'sk-0123456789abcdefghij'};

function loginBody(overrides: {user?: string; password?: string; domain?: string; project?: object} = {}) {
	return JSON.stringify({
		auth: {
			identity: {
				methods: ['password'],
				password: {user: {name: overrides.user ?? iam.user, password: overrides.password ?? iam.password, domain: {name: overrides.domain ?? iam.domain}}},
			},
			scope: {project: overrides.project ?? {name: 'cn-north-4'}},
		},
	});
}

async function login(simulator: Simulator, body = loginBody()) {
	const response = await fetch(`${simulator.url}/v3/auth/tokens?nocatalog=true`, {
		method: 'POST',
		headers: {'content-type': 'application/json'},
		body,
	});
	return {status: response.status, token: response.headers.get('x-subject-token'), body: (await response.json()) as Json};
}

describe('IAM token endpoint', () => {
	test('issues a token in X-Subject-Token with 201 and expires_at; the job path takes it', async () => {
		const simulator = await start({iam});
		const answer = await login(simulator);
		expect(answer.status).toBe(201);
		expect(answer.token!.length).toBeGreaterThan(1000);
		expect(Date.parse(answer.body['token'].expires_at) - Date.parse(answer.body['token'].issued_at)).toBe(24 * 60 * 60 * 1000);
		const job = await fetch(jobUrl(simulator), {headers: {'x-auth-token': answer.token!}});
		expect(job.status).toBe(200);
		const none = await fetch(jobUrl(simulator));
		expect(none.status).toBe(401);
		const forged = await fetch(jobUrl(simulator), {headers: {'x-auth-token': 'MIITforged'}});
		expect(forged.status).toBe(401);
	});

	test.each([
		['a wrong password', {password: 'wrong'}, 401],
		['a wrong user', {user: 'bob'}, 401],
		['a wrong domain', {domain: 'other'}, 401],
		['another project', {project: {name: 'eu-west-101'}}, 400],
		['no project scope', {project: {}}, 400],
	])('refuses %s', async (_, overrides, status) => {
		const simulator = await start({iam});
		const answer = await login(simulator, loginBody(overrides));
		expect(answer.status).toBe(status);
		expect(answer.token).toBeNull();
		expect(answer.body['error'].message).toEqual(expect.any(String));
	});

	test('a token dies at its expiry (401 Status), and all of them when revoked', async () => {
		const simulator = await start({iam: {...iam, tokenLifetimeMs: 60_000}});
		// The clock is the test's: the token lives until it is moved, however slow the machine.
		vi.useFakeTimers({toFake: ['Date'], now: Date.now()});
		try {
			const {token} = await login(simulator);
			vi.setSystemTime(Date.now() + 59_999);
			expect((await fetch(jobUrl(simulator), {headers: {'x-auth-token': token!}})).status).toBe(200);
			vi.setSystemTime(Date.now() + 1);
			const expired = await fetch(jobUrl(simulator), {headers: {'x-auth-token': token!}});
			expect(expired.status).toBe(401);
			expect(((await expired.json()) as Json)['message']).toBe('the token has expired');
		} finally {
			vi.useRealTimers();
		}

		const fresh = await login(simulator);
		simulator.revokeTokens();
		expect((await fetch(jobUrl(simulator), {headers: {'x-auth-token': fresh.token!}})).status).toBe(401);
	});
});

/** A request signed by the real signer, then optionally re-signed after `mutate` changed its canonical request. */
async function signedGet(simulator: Simulator, options: {now?: number; sk?: string; mutate?: (canonical: string) => string; headers?: Record<string, string>} = {}) {
	const url = jobUrl(simulator);
	const headers: Record<string, string> = {accept: 'application/json', ...options.headers};
	signRequest({method: 'GET', url, headers}, {...keys, ...(options.sk ? {secretKey: options.sk} : {})}, options.now ?? Date.now());
	if (options.mutate) {
		const {canonicalRequest, signedHeaders} = signatureOf({method: 'GET', url, headers}, keys);
		const stringToSign = `SDK-HMAC-SHA256\n${headers['x-sdk-date']}\n${createHash('sha256').update(options.mutate(canonicalRequest)).digest('hex')}`;
		const signature = createHmac('sha256', keys.secretKey).update(stringToSign).digest('hex');
		headers['authorization'] = `SDK-HMAC-SHA256 Access=${keys.accessKey}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
	}

	const response = await fetch(url, {headers});
	return {status: response.status, body: (await response.json()) as Json, requestId: response.headers.get('x-request-id')};
}

describe('AK/SK signature check on the job path', () => {
	test('a correct signature gets the job', async () => {
		const simulator = await start({aksk: keys});
		const answer = await signedGet(simulator);
		expect(answer.status).toBe(200);
		expect(answer.body['metadata'].name).toBe('openmpi-hello-3-com');
	});

	test.each([
		['a wrong secret key', {sk: 'not-the-secret'}],
		['a clock 20 minutes fast', {now: Date.now() + 20 * 60 * 1000}],
		['a clock 20 minutes slow', {now: Date.now() - 20 * 60 * 1000}],
		['a canonical URI without the trailing /', {mutate: (c: string) => c.replace(/openmpi-hello-3-com\/\n/, 'openmpi-hello-3-com\n')}],
		['no blank line after the canonical headers', {mutate: (c: string) => c.replace('\n\nhost;', '\nhost;')}],
		['an upper-case method spelled differently', {mutate: (c: string) => c.replace(/^GET/, 'get')}],
		['a body hash of something', {mutate: (c: string) => c.replace(/[0-9a-f]{64}$/, createHash('sha256').update('{}').digest('hex'))}],
		['an untrimmed header value', {mutate: (c: string) => c.replace(/\nx-sdk-date:/, '\nx-sdk-date: ')}],
	])('refuses %s with a 401 APIGW.0301 gateway answer', async (_, options) => {
		const simulator = await start({aksk: keys});
		const answer = await signedGet(simulator, options);
		expect(answer.status).toBe(401);
		expect(answer.body).toMatchObject({error_code: 'APIGW.0301', request_id: answer.requestId});
		expect(answer.body['error_msg']).toMatch(/^Incorrect IAM authentication information: /);
	});

	test('an unknown access key, and a project id sent but left unsigned, are refused', async () => {
		const simulator = await start({aksk: keys});
		const url = jobUrl(simulator);
		const headers: Record<string, string> = {};
		signRequest({method: 'GET', url, headers}, {...keys, accessKey: 'SOMEONE-ELSE'}, Date.now());
		const unknown = await fetch(url, {headers});
		expect(unknown.status).toBe(401);
		expect(((await unknown.json()) as Json)['error_msg']).toMatch(/ak not exist/);

		const plain: Record<string, string> = {};
		signRequest({method: 'GET', url, headers: plain}, keys, Date.now());
		const smuggled = await fetch(url, {headers: {...plain, 'x-project-id': 'p-other'}});
		expect(smuggled.status).toBe(401);
	});

	test('temporary keys need their security token; a project id must match', async () => {
		const simulator = await start({aksk: {...keys, securityToken: 'sts-1', projectId: 'p-1'}});
		const url = jobUrl(simulator);
		const sign = async (extra: {securityToken?: string; projectId?: string}) => {
			const headers: Record<string, string> = {};
			signRequest({method: 'GET', url, headers}, {...keys, ...extra}, Date.now());
			return (await fetch(url, {headers})).status;
		};

		expect(await sign({securityToken: 'sts-1', projectId: 'p-1'})).toBe(200);
		expect(await sign({projectId: 'p-1'})).toBe(401);
		expect(await sign({securityToken: 'sts-1', projectId: 'p-2'})).toBe(403);
	});
});
