import {afterEach, describe, expect, test} from 'vitest';
import {ApiError} from '../../../source/api/api-error.js';
import {iamPasswordCredentials, type IamPasswordSettings} from '../../../source/connect/credentials/iam-password.js';
import {startSimulator, type Simulator} from '../../../source/simulator/index.js';
import {bodyJson, headerOf, recorded, replay, type RecordedAnswer, type ReplayServer} from '../../fixtures/recorded/recorded.js';

// IAM's documented and recorded answers to POST /v3/auth/tokens, served from 127.0.0.1 to the password login.

const open: Array<ReplayServer | Simulator> = [];
afterEach(async () => {
	await Promise.all(open.splice(0).map(async server => server.close()));
});

async function serving(...names: string[]): Promise<ReplayServer> {
	const answers = names.map(name => recorded(name));
	let next = 0;
	const server = await replay(() => answers[Math.min(next++, answers.length - 1)]!);
	open.push(server);
	return server;
}

const settings = (server: {url: string}): IamPasswordSettings => ({
	user: 'IAMUser',
	password: 'IAMPassword-0',
	domain: 'IAMDomain',
	project: {name: 'cn-north-1'},
	authUrl: `${server.url}/v3`,
});

async function tokenFrom(credentials: ReturnType<typeof iamPasswordCredentials>): Promise<string | undefined> {
	const headers: Record<string, string> = {};
	await credentials.authorize({method: 'GET', url: new URL('http://127.0.0.1/'), headers});
	return headers['x-auth-token'];
}

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
	try {
		await promise;
	} catch (error) {
		expect(error).toBeInstanceOf(ApiError);
		return error as ApiError;
	}

	throw new Error('expected the login to fail');
}

const token201 = recorded('iam/token-201.json');
const issuedAt = Date.parse(bodyJson(token201).token.issued_at as string);

describe("IAM's documented token answer", () => {
	test('its times, with six fraction digits, are read to the millisecond', () => {
		const {token} = bodyJson(token201);
		expect([Date.parse(token.issued_at), Date.parse(token.expires_at)]).toEqual([Date.UTC(2020, 0, 3, 9, 5, 22, 701), Date.UTC(2020, 0, 4, 9, 5, 22, 701)]);
	});

	test('the token is the X-Subject-Token header, sent as X-Auth-Token; one login until 90% of its 24 hours', async () => {
		const server = await serving('iam/token-201.json');
		let now = issuedAt;
		const credentials = iamPasswordCredentials(settings(server), {timeoutMs: 5000, now: () => now});
		expect(await tokenFrom(credentials)).toBe(headerOf(token201, 'X-Subject-Token'));
		now = issuedAt + 21 * 3_600_000;
		await tokenFrom(credentials);
		expect(server.requests).toHaveLength(1);
		now = issuedAt + 22 * 3_600_000;
		await tokenFrom(credentials);
		expect(server.requests).toHaveLength(2);
		// The documented request: the path with nocatalog, the documented content type, a password identity, a project scope.
		const [login] = server.requests;
		expect([login!.method, login!.path, login!.headers['content-type']]).toEqual(['POST', '/v3/auth/tokens?nocatalog=true', 'application/json;charset=utf8']);
	});
});

describe("IAM's refusals, as recorded", () => {
	test("401 in Keystone's form: the message, not the JSON, and the names to check", async () => {
		const server = await serving('iam/401-keystone.json');
		const error = await refusal(tokenFrom(iamPasswordCredentials(settings(server), {timeoutMs: 5000, now: () => issuedAt})));
		expect(error.toJSON()).toMatchObject({category: 'unauthorized', status: 401, summary: 'IAM login refused: 401 Unauthorized: Unauthorized.', retryable: false});
		expect(error.hint).toMatch(/^check HW_USER_NAME \(IAMUser\), HW_USER_PASSWORD and HW_DOMAIN_NAME \(IAMDomain, the account name\); no new login before /);
		expect(JSON.stringify(error)).not.toContain('IAMPassword-0');
	});

	test("400 with Huawei's error_code: the code shown, the project named in the hint", async () => {
		const server = await serving('iam/400-error-code.json');
		const error = await refusal(tokenFrom(iamPasswordCredentials(settings(server), {timeoutMs: 5000, now: () => issuedAt})));
		expect(error.toJSON()).toMatchObject({category: 'client', status: 400, code: 'IAM.0011', summary: 'IAM login refused: 400 BadRequest: Request body is invalid. [IAM.0011]'});
		expect(error.hint).toMatch(/^check HW_PROJECT_NAME or HW_PROJECT_ID \(now project cn-north-1; default: the region name\)/);
	});

	test('a refused login is not tried again at once: a second request gets the same refusal without asking IAM', async () => {
		const server = await serving('iam/401-keystone.json', 'iam/token-201.json');
		const credentials = iamPasswordCredentials(settings(server), {timeoutMs: 5000, now: () => issuedAt});
		await refusal(tokenFrom(credentials));
		const again = await refusal(tokenFrom(credentials));
		expect(again.summary).toBe('IAM login refused: 401 Unauthorized: Unauthorized.');
		expect(server.requests).toHaveLength(1);
	});
});

/** Every key path of a JSON value with the type found there. */
function paths(value: unknown, prefix = ''): string[] {
	if (Array.isArray(value)) return [`${prefix}: array`, ...(value.length > 0 ? paths(value[0], `${prefix}[]`) : [])];
	if (typeof value === 'object' && value !== null) {
		return Object.entries(value).flatMap(([key, inner]) => paths(inner, prefix ? `${prefix}.${key}` : key));
	}

	return [`${prefix}: ${typeof value}`];
}

describe("the simulator's IAM answers like the recorded one", () => {
	async function simulatedLogin(password: string): Promise<{status: number; token: string | null; body: unknown}> {
		const simulator = await startSimulator({scenario: 'seed', autoplay: false, iam: {user: 'IAMUser', password: 'IAMPassword-0', domain: 'IAMDomain'}});
		open.push(simulator);
		const body = {auth: {identity: {methods: ['password'], password: {user: {name: 'IAMUser', password, domain: {name: 'IAMDomain'}}}}, scope: {project: {name: 'cn-north-1'}}}};
		const response = await fetch(`${simulator.url}/v3/auth/tokens?nocatalog=true`, {method: 'POST', headers: {'content-type': 'application/json;charset=utf8'}, body: JSON.stringify(body)});
		return {status: response.status, token: response.headers.get('x-subject-token'), body: await response.json()};
	}

	test('201: every field of the documented token, of the same type, and the times in the same format', async () => {
		const answer = await simulatedLogin('IAMPassword-0');
		expect([answer.status, typeof answer.token]).toEqual([token201.status, 'string']);
		const simulated = new Set(paths(answer.body));
		expect(paths(bodyJson(token201)).filter(path => !simulated.has(path))).toEqual([]);
		const times = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
		const {token} = answer.body as {token: {expires_at: string; issued_at: string}};
		expect([token.expires_at, token.issued_at, bodyJson(token201).token.expires_at]).toEqual([expect.stringMatching(times), expect.stringMatching(times), expect.stringMatching(times)]);
	});

	test("401: Keystone's error object, as the recorded refusal", async () => {
		const answer = await simulatedLogin('wrong');
		const real: RecordedAnswer = recorded('iam/401-keystone.json');
		expect(answer.status).toBe(real.status);
		expect(paths(answer.body).sort()).toEqual(paths(bodyJson(real)).sort());
	});
});
