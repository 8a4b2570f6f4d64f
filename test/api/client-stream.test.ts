import type {ServerResponse} from 'node:http';
import {Agent} from 'undici';
import {afterEach, describe, expect, test} from 'vitest';
import type {Credentials} from '../../source/api/credentials.js';
import {createJobClient, type JobClientOptions} from '../../source/api/job-client.js';
import type {EventStream, RequestRecord} from '../../source/api/client.js';
import type {RawWatchEvent} from '../../source/api/watch-decoder.js';
import {statusBody} from '../../source/simulator/index.js';
import {httpServersFor} from '../helpers/servers/http-server.js';
import {apiRejectionOf} from '../helpers/fakes/rejection.js';

// The watch request of the API client against a plain node:http server on 127.0.0.1: real sockets, chunks
// as the server writes them, nothing mocked.

const agents: Agent[] = [];

// After-each hooks run last-registered first: the servers close (cutting their streams) before the agents.
afterEach(async () => {
	await Promise.all(agents.splice(0).map(async agent => agent.close()));
});

const serve = httpServersFor();

function client(url: string, options: Partial<JobClientOptions> = {}) {
	return createJobClient({server: url, namespace: 'team-a', name: 'mpi-demo', timeoutMs: 2000, ...options});
}

const line = (type: string, rv: string, extra: Record<string, unknown> = {}) =>
	`${JSON.stringify({type, object: {kind: 'Job', metadata: {name: 'mpi-demo', resourceVersion: rv}, ...extra}})}\n`;

const rvOf = (event: RawWatchEvent) => (event.object['metadata'] as {resourceVersion: string}).resourceVersion;

async function drain(stream: EventStream): Promise<RawWatchEvent[]> {
	const events: RawWatchEvent[] = [];
	for await (const event of stream.events) events.push(event);
	return events;
}

describe('the watch request', () => {
	test('the collection, filtered by name, from the resourceVersion, with bookmarks and a timeout', async () => {
		const {url, requests} = await serve((_request, response) => {
			response.writeHead(200, {'content-type': 'application/json'});
			response.end();
		});
		const stream = await client(url).watchJob({resourceVersion: '7681362', timeoutSeconds: 317, idleTimeoutMs: 5000});
		await drain(stream);
		expect(requests[0]!.url).toBe(
			'/apis/batch.volcano.sh/v1alpha1/namespaces/team-a/jobs?watch=1&fieldSelector=metadata.name%3Dmpi-demo&resourceVersion=7681362&allowWatchBookmarks=true&timeoutSeconds=317',
		);
		expect(requests[0]!.headers.accept).toBe('application/json');
	});

	test('without a resourceVersion the parameter is left out (the server starts with the job as it is)', async () => {
		const {url, requests} = await serve((_request, response) => response.end());
		await drain(await client(url).watchJob({timeoutSeconds: 300, idleTimeoutMs: 5000}));
		expect(requests[0]!.url).not.toContain('resourceVersion');
	});

	test('a GET with a resourceVersion asks for "not older than" it', async () => {
		const {url, requests} = await serve((_request, response) => {
			response.writeHead(200, {'content-type': 'application/json'});
			response.end(JSON.stringify({kind: 'Job', metadata: {name: 'mpi-demo', resourceVersion: '12'}}));
		});
		await client(url).getJob(undefined, {resourceVersion: '12'});
		await client(url).getJob();
		expect(requests.map(request => request.url)).toEqual([
			'/apis/batch.volcano.sh/v1alpha1/namespaces/team-a/jobs/mpi-demo?resourceVersion=12',
			'/apis/batch.volcano.sh/v1alpha1/namespaces/team-a/jobs/mpi-demo',
		]);
	});
});

describe('reading the stream', () => {
	test('each event is handed over as it arrives, while the stream stays open', async () => {
		let respond: ServerResponse | undefined;
		const {url} = await serve((_request, response) => {
			response.writeHead(200, {'content-type': 'application/json', 'x-request-id': 'req-7'});
			response.write(line('ADDED', '1'));
			respond = response;
		});
		const stream = await client(url).watchJob({timeoutSeconds: 300, idleTimeoutMs: 5000});
		expect(stream.requestId).toBe('req-7');
		const iterator = stream.events[Symbol.asyncIterator]();
		expect(rvOf((await iterator.next()).value as RawWatchEvent)).toBe('1');
		respond!.write(line('MODIFIED', '2').slice(0, 25));
		respond!.write(line('MODIFIED', '2').slice(25) + line('BOOKMARK', '3'));
		expect(rvOf((await iterator.next()).value as RawWatchEvent)).toBe('2');
		expect(((await iterator.next()).value as RawWatchEvent).type).toBe('BOOKMARK');
		respond!.end();
		expect((await iterator.next()).done).toBe(true);
	});

	test('the same through undici (the transport used with a proxy or TLS settings)', async () => {
		const {url} = await serve((_request, response) => {
			response.writeHead(200, {'content-type': 'application/json'});
			response.write(line('ADDED', '1'));
			setTimeout(() => response.end(line('MODIFIED', '2')), 50);
		});
		const agent = new Agent();
		agents.push(agent);
		const events = await drain(await client(url, {dispatcher: agent}).watchJob({timeoutSeconds: 300, idleTimeoutMs: 5000}));
		expect(events.map(rvOf)).toEqual(['1', '2']);
	});

	test('headers that do not come within the timeout: a timeout error', async () => {
		const {url} = await serve(() => {});
		const error = await apiRejectionOf(client(url, {timeoutMs: 200}).watchJob({timeoutSeconds: 300, idleTimeoutMs: 5000}));
		expect(error.category).toBe('timeout');
		expect(error.summary).toMatch(/^no answer from 127\.0\.0\.1:\d+ within 0\.2s$/);
	});

	test('a stream open longer than the request timeout is fine while bytes keep coming', async () => {
		const {url} = await serve((_request, response) => {
			response.writeHead(200, {'content-type': 'application/json'});
			let rv = 0;
			const timer = setInterval(() => {
				rv++;
				if (rv === 6) {
					clearInterval(timer);
					response.end();
				} else {
					response.write(line('BOOKMARK', String(rv)));
				}
			}, 80);
		});
		const events = await drain(await client(url, {timeoutMs: 150}).watchJob({timeoutSeconds: 300, idleTimeoutMs: 300}));
		expect(events).toHaveLength(5);
	});

	test('silence longer than idleTimeoutMs: the stream is given up as stalled, after what came before', async () => {
		const {url} = await serve((_request, response) => {
			response.writeHead(200, {'content-type': 'application/json'});
			response.write(line('ADDED', '1'));
		});
		const stream = await client(url).watchJob({timeoutSeconds: 300, idleTimeoutMs: 200});
		const seen: RawWatchEvent[] = [];
		const started = performance.now();
		const error = await apiRejectionOf(
			(async () => {
				for await (const event of stream.events) seen.push(event);
			})(),
		);
		expect(seen).toHaveLength(1);
		expect(performance.now() - started).toBeGreaterThanOrEqual(150);
		expect(error.category).toBe('timeout');
		expect(error.retryable).toBe(true);
		expect(error.summary).toMatch(/^the watch stream from 127\.0\.0\.1:\d+ went silent \(nothing for 0\.2s, not even a bookmark\)$/);
	});

	test('a line larger than the body cap is refused, and the connection closed', async () => {
		let closed = false;
		const {url} = await serve((_request, response) => {
			response.writeHead(200, {'content-type': 'application/json'});
			response.on('close', () => {
				closed = true;
			});
			response.write(line('ADDED', '1'));
			// A runaway line: far more than the cap, never a newline.
			const timer = setInterval(() => {
				if (response.destroyed) clearInterval(timer);
				else response.write('x'.repeat(16 * 1024));
			}, 1);
		});
		const stream = await client(url, {maxBodyBytes: 64 * 1024}).watchJob({timeoutSeconds: 300, idleTimeoutMs: 5000});
		const error = await apiRejectionOf(drain(stream));
		expect(error.category).toBe('malformed');
		expect(error.summary).toBe('watch event refused: larger than 64 KB');
		await expect.poll(() => closed).toBe(true);
	});

	test('the connection cut mid-stream: a network error after the events before it', async () => {
		const {url} = await serve((_request, response) => {
			response.writeHead(200, {'content-type': 'application/json'});
			response.write(line('ADDED', '1'), () => setTimeout(() => response.socket?.destroy(), 20));
		});
		const stream = await client(url).watchJob({timeoutSeconds: 300, idleTimeoutMs: 5000});
		const seen: RawWatchEvent[] = [];
		const error = await apiRejectionOf(
			(async () => {
				for await (const event of stream.events) seen.push(event);
			})(),
		);
		expect(seen).toHaveLength(1);
		expect(error.category).toBe('network');
	});

	test('the caller\'s abort ends the stream with the caller\'s reason, not an ApiError', async () => {
		const {url} = await serve((_request, response) => {
			response.writeHead(200, {'content-type': 'application/json'});
			response.write(line('ADDED', '1'));
		});
		const controller = new AbortController();
		const stream = await client(url).watchJob({timeoutSeconds: 300, idleTimeoutMs: 5000, signal: controller.signal});
		const reason = new Error('user quit');
		let caught: unknown;
		try {
			for await (const _event of stream.events) controller.abort(reason);
		} catch (error) {
			caught = error;
		}

		expect(caught).toBe(reason);
	});
});

describe('errors when opening, as for a GET', () => {
	test.each([
		[405, 'MethodNotAllowed', 'client'],
		[404, 'NotFound', 'not-found'],
		[410, 'Expired', 'client'],
		[503, 'ServiceUnavailable', 'server'],
	] as const)('%i Status → %s (%s)', async (status, reason, category) => {
		const {url} = await serve((_request, response) => {
			response.writeHead(status, {'content-type': 'application/json'});
			response.end(JSON.stringify(statusBody(status)));
		});
		const error = await apiRejectionOf(client(url).watchJob({timeoutSeconds: 300, idleTimeoutMs: 5000}));
		expect([error.status, error.reason, error.category]).toEqual([status, reason, category]);
	});

	test('429 with Retry-After: the wait is carried on the error', async () => {
		const {url} = await serve((_request, response) => {
			response.writeHead(429, {'content-type': 'application/json', 'retry-after': '3'});
			response.end(JSON.stringify(statusBody(429)));
		});
		const error = await apiRejectionOf(client(url).watchJob({timeoutSeconds: 300, idleTimeoutMs: 5000}));
		expect(error.retryAfterMs).toBe(3000);
	});

	test('a 401 renews the credentials once and opens the stream with the new ones; the token never shows', async () => {
		const tokens = ['expired-secret-1', 'fresh-secret-2'];
		let current = tokens[0]!;
		const credentials: Credentials = {
			description: 'a renewable token',
			async authorize(request) {
				request.headers['x-auth-token'] = current;
			},
			async renew() {
				current = tokens[1]!;
				return true;
			},
		};
		const records: RequestRecord[] = [];
		const {url, requests} = await serve((request, response) => {
			if (request.headers['x-auth-token'] === 'fresh-secret-2') {
				response.writeHead(200, {'content-type': 'application/json'});
				response.end(line('ADDED', '5'));
			} else {
				response.writeHead(401, {'content-type': 'application/json'});
				response.end(JSON.stringify(statusBody(401)));
			}
		});
		const events = await drain(await client(url, {credentials, onRequest: record => records.push(record)}).watchJob({timeoutSeconds: 300, idleTimeoutMs: 5000}));
		expect(events.map(rvOf)).toEqual(['5']);
		expect(requests.map(request => request.headers['x-auth-token'])).toEqual(['expired-secret-1', 'fresh-secret-2']);
		expect(records.map(record => record.status)).toEqual([401, 200]);
		expect(JSON.stringify(records)).not.toMatch(/secret/);
	});
});
