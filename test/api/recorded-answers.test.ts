import {readFileSync} from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {ApiError, errorFromResponse, errorHint, type ApiErrorDetails} from '../../source/api/api-error.js';
import {createJobClient} from '../../source/api/job-client.js';
import {parseWatchLine} from '../../source/api/watch-decoder.js';
import {accessKeyCredentials} from '../../source/connect/credentials/aksk-signer.js';
import {staticTokenCredentials} from '../../source/connect/credentials/token.js';
import {gatewayBody, startSimulator, statusBody, statusFault, throttleFault, type Simulator} from '../../source/simulator/index.js';
import {bodyJson, headerOf, recorded, recordedNames, recordedRoot, replay, type RecordedAnswer, type ReplayServer} from '../fixtures/recorded/recorded.js';

const open: Array<ReplayServer | Simulator> = [];
afterEach(async () => {
	await Promise.all(open.splice(0).map(async server => server.close()));
});

/** What the client makes of a recorded answer, as errorFromResponse reads it off the wire. */
function parsed(answer: RecordedAnswer): ApiError {
	return errorFromResponse(
		{
			status: answer.status,
			body: answer.body,
			retryAfter: headerOf(answer, 'Retry-After') ?? null,
			requestId: headerOf(answer, 'X-Request-Id') ?? null,
			contentType: headerOf(answer, 'Content-Type') ?? null,
		},
		0,
	);
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
	try {
		await promise;
	} catch (error) {
		expect(error).toBeInstanceOf(ApiError);
		return error as ApiError;
	}

	throw new Error('expected the request to fail');
}

describe('the recorded answers', () => {
	test('each names where it came from, and each JSON body parses', () => {
		const names = recordedNames();
		expect(names.length).toBeGreaterThanOrEqual(20);
		const readme = readFileSync(path.join(recordedRoot, 'README.md'), 'utf8');
		for (const name of names) {
			const answer = recorded(name);
			expect([name, answer.source]).toEqual([name, expect.stringMatching(/https:\/\/(github\.com|support\.huaweicloud\.com)\//)]);
			expect([name, answer.origin]).toEqual([name, expect.stringMatching(/^(recorded|written-from-reference)$/)]);
			expect([name, answer.date, answer.note]).toEqual([name, expect.stringMatching(/\S/), expect.stringMatching(/\S/)]);
			// The README's table lists every file with its source.
			expect([name, readme.includes(`\`${name}\``)]).toEqual([name, true]);
			if (/json/.test(headerOf(answer, 'Content-Type') ?? '')) {
				expect(() => bodyJson(answer), name).not.toThrow();
			}
		}
	});
});

type Expected = Omit<ApiErrorDetails, 'hint'> & {retryable: boolean; hint?: string};

// What a person reads for each answer: the summary line, the category the watcher acts on, and the hint.
const expectations: Array<[string, Expected]> = [
	[
		'kubernetes/401-unauthorized.json',
		{
			category: 'unauthorized',
			summary: '401 Unauthorized: Unauthorized',
			status: 401,
			reason: 'Unauthorized',
			retryable: false,
			hint: 'the token is missing, expired or invalid (HW_AUTH_TOKEN or --token-file)',
		},
	],
	[
		'kubernetes/403-forbidden.json',
		{
			category: 'forbidden',
			summary: '403 Forbidden: jobs.batch is forbidden: User "system:anonymous" cannot list resource "jobs" in API group "batch" at the cluster scope',
			status: 403,
			reason: 'Forbidden',
			retryable: false,
			hint: 'the credentials may not get Volcano jobs in namespace team-a',
		},
	],
	[
		'kubernetes/404-volcano-job-not-found.json',
		{category: 'not-found', summary: '404 NotFound: jobs.batch.volcano.sh "test-job" not found', status: 404, reason: 'NotFound', retryable: false},
	],
	[
		'kubernetes/409-already-exists.json',
		{category: 'client', summary: '409 AlreadyExists: services "mock-2" already exists', status: 409, reason: 'AlreadyExists', retryable: false},
	],
	[
		'kubernetes/409-conflict.json',
		{
			category: 'client',
			summary:
				'409 Conflict: Operation cannot be fulfilled on jobs.batch.volcano.sh "mpi-job": the object has been modified; please apply your changes to the latest version and try again',
			status: 409,
			reason: 'Conflict',
			retryable: false,
		},
	],
	[
		'kubernetes/410-expired-list.json',
		{category: 'client', summary: '410 Expired: The resourceVersion for the provided list is too old.', status: 410, reason: 'Expired', retryable: false},
	],
	[
		'kubernetes/429-max-in-flight.json',
		{
			category: 'throttled',
			summary: '429 TooManyRequests: Too many requests, please try again later.',
			status: 429,
			reason: 'TooManyRequests',
			retryAfterMs: 1000,
			retryable: true,
		},
	],
	[
		'kubernetes/429-too-many-requests.json',
		{category: 'throttled', summary: '429 TooManyRequests: storage is (re)initializing', status: 429, reason: 'TooManyRequests', retryAfterMs: 1000, retryable: true},
	],
	[
		'kubernetes/500-internal-error.json',
		{
			category: 'server',
			summary: '500 InternalError: Internal error occurred: etcdserver: request timed out',
			status: 500,
			reason: 'InternalError',
			retryable: true,
			// The Status's details.causes, as it sent them.
			causes: [{message: 'etcdserver: request timed out'}],
		},
	],
	[
		'kubernetes/503-service-unavailable.json',
		{
			category: 'server',
			summary: '503 ServiceUnavailable: the server is currently unable to handle the request',
			status: 503,
			reason: 'ServiceUnavailable',
			retryable: true,
		},
	],
	[
		'kubernetes/504-timeout.json',
		{
			category: 'server',
			summary: '504 Timeout: Timeout: request did not complete within requested timeout - context deadline exceeded',
			status: 504,
			reason: 'Timeout',
			retryable: true,
		},
	],
	[
		'gateway/apigw-0301-ak-not-exist.json',
		{
			category: 'unauthorized',
			summary:
				'401 Unauthorized: Incorrect IAM authentication information: ak LTAI5tDvssj9BBMtAGT3HoTT not exist [APIGW.0301] (request id 8080d377bffeb6d519b0567c09cebe6b)',
			status: 401,
			reason: 'Unauthorized',
			code: 'APIGW.0301',
			requestId: '8080d377bffeb6d519b0567c09cebe6b',
			retryable: false,
			hint: 'the token is missing, expired or invalid (HW_AUTH_TOKEN or --token-file)',
		},
	],
	[
		'gateway/apig-0301-decrypt-token-fail.json',
		{
			category: 'unauthorized',
			summary: '401 Unauthorized: Incorrect IAM authentication information: decrypt token fail [APIG.0301] (request id ******)',
			status: 401,
			reason: 'Unauthorized',
			code: 'APIG.0301',
			requestId: '******',
			retryable: false,
			hint: 'the token is missing, expired or invalid (HW_AUTH_TOKEN or --token-file)',
		},
	],
	[
		'gateway/apigw-0303-app-auth.json',
		{
			category: 'unauthorized',
			summary: '401 Unauthorized: Incorrect app authentication information: app not found [APIGW.0303] (request id 3f2a7c9d1e4b58a06c7d8e9f0a1b2c3d)',
			status: 401,
			reason: 'Unauthorized',
			code: 'APIGW.0303',
			requestId: '3f2a7c9d1e4b58a06c7d8e9f0a1b2c3d',
			retryable: false,
			hint: 'the token is missing, expired or invalid (HW_AUTH_TOKEN or --token-file)',
		},
	],
	[
		'gateway/apigw-0308-throttled.json',
		{
			category: 'throttled',
			summary:
				'429 TooManyRequests: The throttling threshold has been reached: policy user over ratelimit,limit:XX,time:1 minute [APIGW.0308] (request id 9358b62bd3a9fa53ecd37ab3762ac464)',
			status: 429,
			reason: 'TooManyRequests',
			code: 'APIGW.0308',
			requestId: '9358b62bd3a9fa53ecd37ab3762ac464',
			retryable: true,
		},
	],
	[
		'gateway/apigw-0101-no-such-api.json',
		{
			category: 'bad-endpoint',
			summary:
				'404 NotFound: The API does not exist or has not been published in the environment; wrong server or path, or no Volcano API there [APIGW.0101] (request id c5f1e0a2b3d4e5f60718293a4b5c6d7e)',
			status: 404,
			reason: 'NotFound',
			code: 'APIGW.0101',
			requestId: 'c5f1e0a2b3d4e5f60718293a4b5c6d7e',
			retryable: false,
		},
	],
	[
		'gateway/nginx-502.json',
		{category: 'server', summary: '502 BadGateway: "502 Bad Gateway" HTML page from a proxy or gateway', status: 502, reason: 'BadGateway', retryable: true},
	],
	[
		'iam/401-keystone.json',
		{
			category: 'unauthorized',
			summary: '401 Unauthorized: Unauthorized.',
			status: 401,
			reason: 'Unauthorized',
			retryable: false,
			hint: 'the token is missing, expired or invalid (HW_AUTH_TOKEN or --token-file)',
		},
	],
	['iam/400-error-code.json', {category: 'client', summary: '400 BadRequest: Request body is invalid. [IAM.0011]', status: 400, reason: 'BadRequest', code: 'IAM.0011', retryable: false}],
];

describe('the client reads every recorded error answer', () => {
	test('every error answer on file has its expectation here', () => {
		const errors = recordedNames().filter(name => recorded(name).status >= 400 && name !== 'kubernetes/422-invalid.json');
		expect(expectations.map(([name]) => name).sort()).toEqual(errors);
	});

	test.each(expectations)('%s', (name, expected) => {
		const error = parsed(recorded(name));
		const {hint, ...details} = expected;
		expect(error.toJSON()).toEqual(details);
		expect(errorHint(error, 'team-a')).toBe(hint);
	});

	test('422 Invalid with details.causes: one line, cut at 300 characters of message, never the raw JSON', () => {
		const error = parsed(recorded('kubernetes/422-invalid.json'));
		expect(error.toJSON()).toMatchObject({category: 'client', status: 422, reason: 'Invalid', retryable: false});
		expect(error.summary).toMatch(/^422 Invalid: Deployment\.apps "test_deploy" is invalid: \[metadata\.name: Invalid value: .*…$/);
		expect(error.summary.length).toBe('422 Invalid: '.length + 300);
		expect(error.summary).not.toMatch(/[\n{}]/);
	});

	test('the watch ERROR event: a 410 Expired Status inside a 200 stream', () => {
		const answer = recorded('kubernetes/410-watch-error-event.json');
		const event = parseWatchLine(answer.body.trimEnd());
		expect(event).toEqual({
			type: 'ERROR',
			object: {kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version: 657887 (680402)', reason: 'Expired', code: 410},
		});
	});
});

describe('recorded answers served to the job client over HTTP', () => {
	const target = {namespace: 'default', name: 'test-job', timeoutMs: 5000};

	async function serving(name: string): Promise<ReplayServer> {
		const server = await replay(() => recorded(name));
		open.push(server);
		return server;
	}

	test('404 for the job: "not found", the job may come later', async () => {
		const server = await serving('kubernetes/404-volcano-job-not-found.json');
		const error = await rejection(createJobClient({server: server.url, ...target}).getJob());
		expect([error.category, error.summary]).toEqual(['not-found', '404 NotFound: jobs.batch.volcano.sh "test-job" not found']);
		expect(server.requests.map(request => request.path)).toEqual(['/apis/batch.volcano.sh/v1alpha1/namespaces/default/jobs/test-job']);
	});

	test('429 in plain text: the wait comes from the Retry-After header alone', async () => {
		const server = await serving('kubernetes/429-max-in-flight.json');
		const error = await rejection(createJobClient({server: server.url, ...target}).getJob());
		expect(error.toJSON()).toMatchObject({category: 'throttled', retryAfterMs: 1000, retryable: true});
		expect(server.requests).toHaveLength(1);
	});

	test('APIGW.0301 to signed requests: the hint is about the keys, and the request is not sent again', async () => {
		const server = await serving('gateway/apigw-0301-ak-not-exist.json');
		const credentials = accessKeyCredentials({accessKey: 'AKEXAMPLE', secretKey: 'SKEXAMPLE'}, {from: 'HUAWEICLOUD_SDK_AK/SK', now: () => Date.UTC(2026, 0, 1)});
		const error = await rejection(createJobClient({server: server.url, ...target, credentials}).getJob());
		expect(error.toJSON()).toMatchObject({category: 'unauthorized', code: 'APIGW.0301', requestId: '8080d377bffeb6d519b0567c09cebe6b', retryable: false});
		expect(errorHint(error, 'default')).toMatch(/^the request signature was refused: check the keys in HUAWEICLOUD_SDK_AK\/SK/);
		expect(server.requests).toHaveLength(1);
		expect(server.requests[0]!.headers['authorization']).toMatch(/^SDK-HMAC-SHA256 Access=AKEXAMPLE, /);
	});

	test("401 Status to a token: the hint names the token's source", async () => {
		const server = await serving('kubernetes/401-unauthorized.json');
		const credentials = staticTokenCredentials('a-token', 'HW_AUTH_TOKEN');
		const error = await rejection(createJobClient({server: server.url, ...target, credentials}).getJob());
		expect([error.category, error.summary]).toEqual(['unauthorized', '401 Unauthorized: Unauthorized']);
		expect(errorHint(error, 'default')).toBe('the token in HW_AUTH_TOKEN has expired (after 24 hours) or is invalid: set a fresh one and restart, or use --token-file');
	});

	test("a proxy's HTML page: summarised by its title, never shown raw", async () => {
		const server = await serving('gateway/nginx-502.json');
		const error = await rejection(createJobClient({server: server.url, ...target}).getJob());
		expect(error.toJSON()).toMatchObject({category: 'server', summary: '502 BadGateway: "502 Bad Gateway" HTML page from a proxy or gateway', retryable: true});
	});

	test('the watch stream carrying the recorded ERROR event', async () => {
		const server = await serving('kubernetes/410-watch-error-event.json');
		const stream = await createJobClient({server: server.url, ...target}).watchJob({timeoutSeconds: 60, idleTimeoutMs: 5000});
		const events = [];
		for await (const event of stream.events) events.push(event);
		expect(events).toEqual([{type: 'ERROR', object: expect.objectContaining({code: 410, reason: 'Expired'})}]);
		expect(server.requests[0]!.path).toMatch(/^\/apis\/batch\.volcano\.sh\/v1alpha1\/namespaces\/default\/jobs\?watch=1&fieldSelector=metadata\.name%3Dtest-job&/);
	});
});

/** Each key with the JSON type of its value, nested; an array by the shape of its first element. */
function shape(value: unknown): unknown {
	if (Array.isArray(value)) return value.length === 0 ? [] : [shape(value[0])];
	if (typeof value === 'object' && value !== null) {
		return Object.fromEntries(
			Object.keys(value)
				.sort()
				.map(key => [key, shape((value as Record<string, unknown>)[key])]),
		);
	}

	return value === null ? 'null' : typeof value;
}

// metav1.StatusDetails and StatusCause, as the API server serialises them (empty fields left out).
const detailTypes: Record<string, string> = {name: 'string', group: 'string', kind: 'string', uid: 'string', retryAfterSeconds: 'number'};
const causeTypes: Record<string, string> = {reason: 'string', message: 'string', field: 'string'};

function detailsProblems(details: unknown): string[] {
	if (details === undefined) return [];
	if (typeof details !== 'object' || details === null || Array.isArray(details)) return ['details is not an object'];
	return Object.entries(details).flatMap(([key, value]) => {
		if (key === 'causes') {
			if (!Array.isArray(value)) return ['causes is not an array'];
			return value.flatMap((cause: Record<string, unknown>) =>
				Object.entries(cause).filter(([field, text]) => causeTypes[field] !== typeof text).map(([field]) => `cause.${field}`),
			);
		}

		return detailTypes[key] === typeof value ? [] : [`details.${key}`];
	});
}

/** A Status's shape without details (checked on their own: present or not depending on the error). */
function statusShape(body: Record<string, unknown>): unknown {
	const {details: _details, ...rest} = body;
	return shape(rest);
}

describe("the simulator's answers have the recorded answers' shape", () => {
	const kubernetesErrors = recordedNames().filter(name => name.startsWith('kubernetes/') && recorded(name).status >= 400 && /json/.test(headerOf(recorded(name), 'Content-Type')!));

	test('the recorded Status bodies themselves: the same fields, details as metav1 has them', () => {
		const shapes = new Set(kubernetesErrors.map(name => JSON.stringify(statusShape(bodyJson(recorded(name))))));
		expect([...shapes]).toEqual([
			JSON.stringify({apiVersion: 'string', code: 'number', kind: 'string', message: 'string', metadata: {}, reason: 'string', status: 'string'}),
		]);
		for (const name of kubernetesErrors) expect([name, detailsProblems(bodyJson(recorded(name)).details)]).toEqual([name, []]);
	});

	test.each(kubernetesErrors)("a fault with %s's code", name => {
		const answer = recorded(name);
		const real = bodyJson(answer);
		const fault = statusFault(answer.status);
		expect(fault.kind === 'status' && typeof fault.body === 'object').toBe(true);
		const simulated = (fault as {body: Record<string, unknown>}).body;
		expect(statusShape(simulated)).toEqual(statusShape(real));
		expect(detailsProblems(simulated['details'])).toEqual([]);
		expect([simulated['code'], simulated['reason']]).toEqual([real.code, answer.name.includes('already-exists') ? 'Conflict' : real.reason]);
	});

	test('the throttling fault: details.retryAfterSeconds and Retry-After, as the recorded 429', () => {
		const fault = throttleFault(1);
		const real = bodyJson(recorded('kubernetes/429-too-many-requests.json'));
		expect(fault).toMatchObject({kind: 'status', status: 429, headers: {'Retry-After': '1'}});
		expect(shape((fault as {body: unknown}).body)).toEqual(shape(real));
	});

	test('a missing job over HTTP: the recorded 404, field for field', async () => {
		const simulator = await startSimulator({scenario: 'seed', autoplay: false});
		open.push(simulator);
		const response = await fetch(`${simulator.url}/apis/batch.volcano.sh/v1alpha1/namespaces/${simulator.scenario.namespace}/jobs/test-job`);
		const real = recorded('kubernetes/404-volcano-job-not-found.json');
		expect([response.status, response.headers.get('content-type')]).toEqual([404, headerOf(real, 'Content-Type')]);
		const body = (await response.json()) as Record<string, unknown>;
		expect(shape(body)).toEqual(shape(bodyJson(real)));
		expect(body).toEqual(bodyJson(real));
	});

	test("the API gateway's bodies: error_code, error_msg and request_id, all strings", () => {
		const simulated = shape(gatewayBody('APIGW.0308', 'The throttling threshold has been reached', 'a1b2'));
		for (const name of recordedNames().filter(file => file.startsWith('gateway/') && file.endsWith('.json') && !file.includes('nginx'))) {
			expect([name, shape(bodyJson(recorded(name)))]).toEqual([name, simulated]);
		}
	});

	test('a Status the simulator builds with options keeps the shape (message, details, retry)', () => {
		const body = statusBody(404, {message: 'jobs.batch.volcano.sh "x" not found', details: {name: 'x', group: 'batch.volcano.sh', kind: 'jobs'}});
		expect(shape(body)).toEqual(shape(bodyJson(recorded('kubernetes/404-volcano-job-not-found.json'))));
	});
});
