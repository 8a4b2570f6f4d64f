import type {IncomingHttpHeaders, ServerResponse} from 'node:http';
import {describe, expect, test} from 'vitest';
import {ApiError} from '../../source/api/api-error.js';
import {createJobClient, jobUrl, type JobClientOptions} from '../../source/api/job-client.js';
import {noCredentials, type Credentials} from '../../source/api/credentials.js';
import {staticTokenCredentials} from '../../source/connect/credentials/token.js';

const staticTokenSource = (token: string | undefined): Credentials =>
	token === undefined ? noCredentials : staticTokenCredentials(token, 'HW_AUTH_TOKEN');

/** Credentials that hand out the next token of a list on each request (none when it gives nothing). */
function tokenSequence(tokens: Array<string | undefined>): Credentials {
	return {
		description: 'a sequence of tokens',
		async authorize(request) {
			const token = tokens.shift();
			if (token) request.headers['x-auth-token'] = token;
		},
	};
}
import {gatewayFault, proxyHtmlFault, type Scenario, type Simulator, statusFault, throttleFault} from '../../source/simulator/index.js';
import {loadFixture} from '../helpers/objects/fixtures.js';
import {httpServersFor} from '../helpers/servers/http-server.js';
import {apiRejectionOf, rejectionOf} from '../helpers/fakes/rejection.js';
import {simulatorsFor} from '../simulator/http.js';

const start = simulatorsFor({scenario: 'seed', autoplay: false});
const serve = httpServersFor();

function clientFor(simulator: Simulator, options: Partial<JobClientOptions> = {}) {
	return createJobClient({
		server: simulator.url,
		namespace: simulator.scenario.namespace,
		name: simulator.scenario.jobName,
		timeoutMs: 5000,
		...options,
	});
}

/** A plain HTTP server that records request headers and answers with `reply`. */
async function recordingServer(reply: (response: ServerResponse) => void) {
	const seen: IncomingHttpHeaders[] = [];
	const {url} = await serve((request, response) => {
		seen.push(request.headers);
		reply(response);
	});
	return {url, seen};
}

describe('jobUrl', () => {
	test('the Volcano Job path under the server', () => {
		expect(jobUrl('https://cci.cn-north-4.myhuaweicloud.com', 'cci-namespace-42263891', 'openmpi-hello-3-com').href).toBe(
			'https://cci.cn-north-4.myhuaweicloud.com/apis/batch.volcano.sh/v1alpha1/namespaces/cci-namespace-42263891/jobs/openmpi-hello-3-com',
		);
	});

	test('a path prefix on the server is kept, with or without trailing slashes', () => {
		for (const server of ['https://gw.example/cci', 'https://gw.example/cci/', 'https://gw.example/cci//']) {
			expect(jobUrl(server, 'ns', 'job').href).toBe('https://gw.example/cci/apis/batch.volcano.sh/v1alpha1/namespaces/ns/jobs/job');
		}
	});

	test('query and fragment of the server are dropped', () => {
		expect(jobUrl('https://gw.example/?pretty=true#x', 'ns', 'job').href).toBe(
			'https://gw.example/apis/batch.volcano.sh/v1alpha1/namespaces/ns/jobs/job',
		);
	});

	test('names are URL-encoded, so they cannot change the path', () => {
		expect(jobUrl('https://gw.example', 'ns', '../../secrets?x=1#y').pathname).toBe(
			'/apis/batch.volcano.sh/v1alpha1/namespaces/ns/jobs/..%2F..%2Fsecrets%3Fx%3D1%23y',
		);
		expect(jobUrl('https://gw.example', 'a b', 'c/d').pathname).toBe('/apis/batch.volcano.sh/v1alpha1/namespaces/a%20b/jobs/c%2Fd');
	});
});

describe('getJob over HTTP against the simulator', () => {
	test('200: the job exactly as served (CCI\'s example document), with its request id and size', async () => {
		const simulator = await start();
		const response = await clientFor(simulator).getJob();
		expect(response.raw).toEqual(loadFixture('seed-inqueue'));
		expect(response.requestId).toMatch(/^[\da-f]{32}$/);
		expect(response.bytes).toBeGreaterThan(1000);
		expect(simulator.requests.map(request => [request.method, request.path, request.status])).toEqual([
			['GET', '/apis/batch.volcano.sh/v1alpha1/namespaces/cci-namespace-42263891/jobs/openmpi-hello-3-com', 200],
		]);
	});

	test('the client\'s url names the job', async () => {
		const simulator = await start();
		expect(clientFor(simulator).url).toBe(
			`${simulator.url}/apis/batch.volcano.sh/v1alpha1/namespaces/cci-namespace-42263891/jobs/openmpi-hello-3-com`,
		);
	});

	test('a job that does not exist: a 404 Status → not-found', async () => {
		const simulator = await start();
		const error = await apiRejectionOf(clientFor(simulator, {name: 'not-there'}).getJob());
		expect(error.category).toBe('not-found');
		expect(error.status).toBe(404);
		expect(error.summary).toContain('jobs.batch.volcano.sh "not-there" not found');
		expect(error.requestId).toMatch(/^[\da-f]{32}$/);
	});

	test('names with characters that need encoding reach the server intact', async () => {
		const scenario: Scenario = {
			name: 'odd',
			description: 'a job whose name needs URL encoding',
			namespace: 'team a',
			jobName: 'job/with?odd#name',
			steps: [{holdMs: 60_000, job: {phase: 'Running', counters: {running: 3}}}],
		};
		const simulator = await start({scenario});
		const response = await clientFor(simulator).getJob();
		expect((response.raw['metadata'] as {name: string}).name).toBe('job/with?odd#name');
		expect(simulator.requests[0]!.path).toBe('/apis/batch.volcano.sh/v1alpha1/namespaces/team%20a/jobs/job%2Fwith%3Fodd%23name');
	});

	test('a server path prefix is requested as given; the gateway\'s 404 there is bad-endpoint, not not-found', async () => {
		const simulator = await start();
		const error = await apiRejectionOf(clientFor(simulator, {server: `${simulator.url}/prefix/`}).getJob());
		expect(simulator.requests[0]!.path).toBe(
			'/prefix/apis/batch.volcano.sh/v1alpha1/namespaces/cci-namespace-42263891/jobs/openmpi-hello-3-com',
		);
		expect(error.category).toBe('bad-endpoint');
		expect(error.code).toBe('APIGW.0101');
		expect(error.retryable).toBe(false);
	});
});

describe('X-Auth-Token', () => {
	test('the right token: 200', async () => {
		const simulator = await start({token: 'right-token'});
		const response = await clientFor(simulator, {credentials: staticTokenSource('right-token')}).getJob();
		expect(response.raw['kind']).toBe('Job');
	});

	test('a wrong token: 401 unauthorized, not retried, and the token is not in the message', async () => {
		const simulator = await start({token: 'right-token'});
		const error = await apiRejectionOf(clientFor(simulator, {credentials: staticTokenSource('wrong-token')}).getJob());
		expect(error.category).toBe('unauthorized');
		expect(error.retryable).toBe(false);
		expect(JSON.stringify(error.toJSON())).not.toContain('wrong-token');
		expect(error.stack ?? '').not.toContain('wrong-token');
	});

	test('no token source, or one that gives nothing: no header, so a server that wants one says 401', async () => {
		const simulator = await start({token: 'right-token'});
		expect((await apiRejectionOf(clientFor(simulator).getJob())).category).toBe('unauthorized');
		expect((await apiRejectionOf(clientFor(simulator, {credentials: staticTokenSource(undefined)}).getJob())).category).toBe('unauthorized');
	});

	test('the header is sent only when the token source gives a token; the token source is asked on every request', async () => {
		const {url, seen} = await recordingServer(response => {
			response.writeHead(200, {'content-type': 'application/json'});
			response.end('{"kind":"Job"}');
		});
		const tokens = ['t-1', undefined, '', 't-2'];
		const client = createJobClient({server: url, namespace: 'ns', name: 'job', timeoutMs: 5000, credentials: tokenSequence(tokens)});
		for (let index = 0; index < 4; index++) {
			await client.getJob();
		}

		expect(seen.map(headers => headers['x-auth-token'])).toEqual(['t-1', undefined, undefined, 't-2']);
		expect(seen.every(headers => headers.accept === 'application/json')).toBe(true);
	});
});

describe('faults', () => {
	test('a Status 503 → server, retryable', async () => {
		const simulator = await start();
		simulator.injectFaults(statusFault(503));
		const error = await apiRejectionOf(clientFor(simulator).getJob());
		expect([error.category, error.status, error.retryable]).toEqual(['server', 503, true]);
		// The fault was served once; the next request gets the job.
		expect((await clientFor(simulator).getJob()).raw['kind']).toBe('Job');
	});

	test('the API server\'s throttling: Retry-After carried on the error', async () => {
		const simulator = await start();
		simulator.injectFaults(throttleFault(3));
		const error = await apiRejectionOf(clientFor(simulator).getJob());
		expect([error.category, error.retryAfterMs]).toEqual(['throttled', 3000]);
	});

	test('the gateway\'s throttling APIGW.0308', async () => {
		const simulator = await start();
		simulator.injectFaults(gatewayFault(429, 'APIGW.0308', 'The throttling threshold has been reached'));
		const error = await apiRejectionOf(clientFor(simulator).getJob());
		expect([error.category, error.code]).toEqual(['throttled', 'APIGW.0308']);
		expect(error.requestId).toMatch(/^[\da-f]{32}$/);
	});

	test('a proxy\'s HTML 502 page → server, summarised without markup', async () => {
		const simulator = await start();
		simulator.injectFaults(proxyHtmlFault(502));
		const error = await apiRejectionOf(clientFor(simulator).getJob());
		expect(error.category).toBe('server');
		expect(error.summary).toContain('"502 Bad Gateway"');
		expect(error.summary).not.toContain('<');
	});

	test('a 403 Status with CCI\'s errorCode → forbidden', async () => {
		const simulator = await start();
		simulator.injectFaults(statusFault(403, {errorCode: 'CCI.02.403101'}));
		const error = await apiRejectionOf(clientFor(simulator).getJob());
		expect([error.category, error.code, error.retryable]).toEqual(['forbidden', 'CCI.02.403101', false]);
	});

	test('reset: the socket closes with no answer → network, retryable', async () => {
		const simulator = await start();
		simulator.injectFaults({kind: 'reset'});
		const error = await apiRejectionOf(clientFor(simulator).getJob());
		expect(error.category).toBe('network');
		expect(error.retryable).toBe(true);
		expect(error.summary).toContain(new URL(simulator.url).host);
	});

	test('truncated: half the document, then the socket closes → a retryable error, never a job', async () => {
		const simulator = await start();
		simulator.injectFaults({kind: 'truncated'});
		const error = await apiRejectionOf(clientFor(simulator).getJob());
		expect(['network', 'malformed']).toContain(error.category);
		expect(error.retryable).toBe(true);
	});

	test('garbage: 200 with a body that is not JSON → malformed', async () => {
		const simulator = await start();
		simulator.injectFaults({kind: 'garbage'});
		const error = await apiRejectionOf(clientFor(simulator).getJob());
		expect(error.category).toBe('malformed');
		expect(error.summary).toBe('200: an answer that is not JSON (or was cut short) instead of a job');
		expect(error.retryable).toBe(true);
	});

	test('empty 200 → malformed "an empty answer"', async () => {
		const simulator = await start();
		simulator.injectFaults({kind: 'empty', status: 200});
		const error = await apiRejectionOf(clientFor(simulator).getJob());
		expect([error.category, error.summary]).toEqual(['malformed', '200: an empty answer instead of a job']);
	});

	test('empty 503 → server', async () => {
		const simulator = await start();
		simulator.injectFaults({kind: 'empty', status: 503});
		const error = await apiRejectionOf(clientFor(simulator).getJob());
		expect([error.category, error.summary]).toEqual(['server', expect.stringMatching(/^503 ServiceUnavailable/)]);
	});

	test('an HTML page with 200 → malformed', async () => {
		const simulator = await start();
		simulator.injectFaults({kind: 'html', status: 200});
		const error = await apiRejectionOf(clientFor(simulator).getJob());
		expect([error.category, error.summary]).toEqual(['malformed', '200: an HTML page instead of a job']);
	});

	test('JSON that is not an object → malformed', async () => {
		const simulator = await start();
		simulator.injectFaults({kind: 'status', status: 200, body: '[1,2,3]', contentType: 'application/json'});
		const error = await apiRejectionOf(clientFor(simulator).getJob());
		expect([error.category, error.summary]).toEqual(['malformed', '200: JSON that is not a job']);
	});

	test('hang: no answer within timeoutMs → timeout, retryable', async () => {
		const simulator = await start();
		simulator.injectFaults({kind: 'hang'});
		const started = performance.now();
		const error = await apiRejectionOf(clientFor(simulator, {timeoutMs: 150}).getJob());
		expect(error.category).toBe('timeout');
		expect(error.retryable).toBe(true);
		expect(error.summary).toBe(`no answer from ${new URL(simulator.url).host} within 0.15s`);
		// Not before its time (how much later depends on the machine, so it is not checked).
		expect(performance.now() - started).toBeGreaterThanOrEqual(145);
	});

	test('a slow answer within the timeout is fine', async () => {
		const simulator = await start();
		simulator.injectFaults({kind: 'delay', ms: 50});
		expect((await clientFor(simulator, {timeoutMs: 2000}).getJob()).raw['kind']).toBe('Job');
	});

	test('a slow answer past the timeout → timeout', async () => {
		const simulator = await start();
		simulator.injectFaults({kind: 'delay', ms: 1000});
		expect((await apiRejectionOf(clientFor(simulator, {timeoutMs: 100}).getJob())).category).toBe('timeout');
	});

	test('huge: more than maxBodyBytes is refused, not buffered → malformed "larger than"', async () => {
		const simulator = await start();
		simulator.injectFaults({kind: 'huge', bytes: 2 * 1024 * 1024});
		const error = await apiRejectionOf(clientFor(simulator, {maxBodyBytes: 64 * 1024}).getJob());
		expect(error.category).toBe('malformed');
		expect(error.summary).toContain('larger than 64 KB');
	});

	test('huge but within maxBodyBytes is read whole', async () => {
		const simulator = await start();
		simulator.injectFaults({kind: 'huge', bytes: 256 * 1024});
		const response = await clientFor(simulator, {maxBodyBytes: 1024 * 1024}).getJob();
		expect(response.bytes).toBe(256 * 1024);
		expect(response.raw['kind']).toBe('Job');
	});

	test('a streamed answer without Content-Length is cut off at maxBodyBytes too', async () => {
		const {url} = await recordingServer(response => {
			response.writeHead(200, {'content-type': 'application/json'});
			const chunk = 'x'.repeat(16 * 1024);
			let sent = 0;
			const pump = () => {
				while (sent < 100 && !response.destroyed) {
					sent++;
					if (!response.write(chunk)) {
						response.once('drain', pump);
						return;
					}
				}

				response.end();
			};

			pump();
		});
		const error = await apiRejectionOf(createJobClient({server: url, namespace: 'ns', name: 'job', timeoutMs: 5000, maxBodyBytes: 32 * 1024}).getJob());
		expect(error.category).toBe('malformed');
		expect(error.summary).toContain('larger than 32 KB');
	});

	test('nothing listening → network "connection refused"', async () => {
		const simulator = await start();
		const {url} = simulator;
		await simulator.close();
		const error = await apiRejectionOf(createJobClient({server: url, namespace: 'ns', name: 'job', timeoutMs: 5000}).getJob());
		expect(error.category).toBe('network');
		expect(error.code).toBe('ECONNREFUSED');
		expect(error.summary).toBe(`connection refused (${new URL(url).host})`);
	});

	test('a redirect is not followed (it could leak the token to another host)', async () => {
		const {url, seen} = await recordingServer(response => {
			response.writeHead(302, {location: 'http://127.0.0.1:1/elsewhere'});
			response.end();
		});
		const error = await apiRejectionOf(createJobClient({server: url, namespace: 'ns', name: 'job', timeoutMs: 5000, credentials: staticTokenSource('secret')}).getJob());
		expect(error.category).toBe('bad-endpoint');
		expect(error.summary).toContain('302: redirected to http://127.0.0.1:1/elsewhere, not followed');
		expect(seen).toHaveLength(1);
		expect(error.summary).not.toContain('secret');
	});
});

describe('cancellation by the caller', () => {
	test('an aborted signal rejects with the abort reason, not an ApiError', async () => {
		const simulator = await start();
		simulator.injectFaults({kind: 'hang'});
		const controller = new AbortController();
		const reason = new Error('user quit');
		const pending = clientFor(simulator, {timeoutMs: 10_000}).getJob(controller.signal);
		setTimeout(() => controller.abort(reason), 30);
		const error = await rejectionOf(pending);
		expect(error).toBe(reason);
		expect(error).not.toBeInstanceOf(ApiError);
	});

	test('a signal aborted before the call rejects at once with its reason', async () => {
		const simulator = await start();
		const controller = new AbortController();
		controller.abort(new Error('already stopped'));
		const error = await rejectionOf(clientFor(simulator).getJob(controller.signal));
		expect((error as Error).message).toBe('already stopped');
		expect(simulator.requestCount).toBe(0);
	});
});

describe('listJob: the job as a list of one, and where the collection stands', () => {
	test('the job by field selector, with the list\'s resourceVersion (the collection\'s, not the job\'s)', async () => {
		const simulator = await start();
		const listing = await clientFor(simulator).listJob();
		expect((listing.raw?.['metadata'] as {name?: string} | undefined)?.name).toBe(simulator.scenario.jobName);
		expect(listing.resourceVersion).toBe(String(simulator.resourceVersion));
		const request = simulator.requests.at(-1)!;
		expect(request.path).toBe(`/apis/batch.volcano.sh/v1alpha1/namespaces/${simulator.scenario.namespace}/jobs?fieldSelector=metadata.name%3D${simulator.scenario.jobName}`);
	});

	test('a job that does not exist: no job, and a version to watch for its creation from', async () => {
		const simulator = await start();
		const listing = await clientFor(simulator, {name: 'not-there-yet'}).listJob();
		expect(listing.raw).toBeUndefined();
		expect(listing.resourceVersion).toBe(String(simulator.resourceVersion));
	});

	test('a hop that drops the field selector: only the job of this name is taken', async () => {
		const body = JSON.stringify({kind: 'JobList', metadata: {resourceVersion: '900'}, items: [{metadata: {name: 'other', resourceVersion: '5'}}, {metadata: {name: 'job', resourceVersion: '7'}}]});
		const {url} = await recordingServer(response => response.writeHead(200, {'Content-Type': 'application/json'}).end(body));
		const listing = await createJobClient({server: url, namespace: 'ns', name: 'job', timeoutMs: 5000}).listJob();
		expect(listing.raw).toEqual({metadata: {name: 'job', resourceVersion: '7'}});
		expect(listing.resourceVersion).toBe('900');
	});

	test('JSON that is not a list (a job, an error page\'s JSON) → malformed, never a job', async () => {
		const {url} = await recordingServer(response => response.writeHead(200, {'Content-Type': 'application/json'}).end('{"metadata":{"name":"job"}}'));
		const error = await apiRejectionOf(createJobClient({server: url, namespace: 'ns', name: 'job', timeoutMs: 5000}).listJob());
		expect(error.category).toBe('malformed');
		expect(error.summary).toContain('not a job list');
	});
});
