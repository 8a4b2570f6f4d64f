import type {IncomingMessage} from 'node:http';
import {Agent} from 'undici';
import {afterEach, describe, expect, test} from 'vitest';
import {ApiError} from '../../source/api/api-error.js';
import {createApiClient} from '../../source/api/client.js';
import {staticTokenCredentials} from '../../source/connect/credentials/token.js';
import {statusBody} from '../../source/simulator/index.js';
import {httpServersFor} from '../helpers/servers/http-server.js';

// POST and DELETE of the API client against a plain node:http server on 127.0.0.1: what goes on the wire
// (method, JSON body, its type, the credentials), what comes back, and a refusal as the ApiError it is.

const serve = httpServersFor();
const agents: Agent[] = [];
afterEach(async () => {
	await Promise.all(agents.splice(0).map(async agent => agent.close()));
});

type Seen = {method: string; url: string; headers: IncomingMessage['headers']; body: string};

async function recording(status: number, answer: unknown) {
	const seen: Seen[] = [];
	const server = await serve((request, response) => {
		let body = '';
		request.setEncoding('utf8');
		request.on('data', chunk => {
			body += chunk;
		});
		request.on('end', () => {
			seen.push({method: request.method ?? '', url: request.url ?? '', headers: request.headers, body});
			response.writeHead(status, {'content-type': 'application/json'}).end(JSON.stringify(answer));
		});
	});
	return {url: server.url, seen};
}

const job = {apiVersion: 'batch.volcano.sh/v1alpha1', kind: 'Job', metadata: {generateName: 'mpi-'}, spec: {tasks: []}};

describe.each([
	['node:http', false],
	['undici (a dispatcher: proxies, TLS settings)', true],
])('writes through %s', (_name, withDispatcher) => {
	const options = (server: string) => {
		const agent = withDispatcher ? new Agent() : undefined;
		if (agent) agents.push(agent);
		return {server, timeoutMs: 2000, credentials: staticTokenCredentials('secret-token-1', 'a test'), ...(agent ? {dispatcher: agent} : {})};
	};

	test('POST: the object as JSON, typed, with the credentials and the query; the created object comes back', async () => {
		const created = {...job, metadata: {name: 'mpi-x7k2q', uid: 'u-1', resourceVersion: '12'}};
		const {url, seen} = await recording(201, created);
		const answer = await createApiClient(options(url)).post('/apis/batch.volcano.sh/v1alpha1/namespaces/team-a/jobs', {body: job, query: {dryRun: 'All'}, what: 'a job'});
		expect(answer.raw).toEqual(created);
		expect(seen).toHaveLength(1);
		expect(seen[0]).toMatchObject({method: 'POST', url: '/apis/batch.volcano.sh/v1alpha1/namespaces/team-a/jobs?dryRun=All'});
		expect(JSON.parse(seen[0]!.body)).toEqual(job);
		expect(seen[0]!.headers['content-type']).toBe('application/json');
		expect(seen[0]!.headers['x-auth-token']).toBe('secret-token-1');
	});

	test('DELETE: its options as the body; a GET still sends none', async () => {
		const {url, seen} = await recording(200, {kind: 'Status', status: 'Success'});
		const client = createApiClient(options(url));
		await client.delete('/apis/batch.volcano.sh/v1alpha1/namespaces/team-a/jobs/mpi', {body: {propagationPolicy: 'Foreground'}});
		await client.get('/apis/batch.volcano.sh/v1alpha1/namespaces/team-a/jobs/mpi');
		expect(seen.map(request => [request.method, request.body])).toEqual([
			['DELETE', '{"propagationPolicy":"Foreground"}'],
			['GET', ''],
		]);
		expect(seen[1]!.headers['content-type']).toBeUndefined();
	});

	test('a refusal is the ApiError of its Status: 409 AlreadyExists, with the server\'s words', async () => {
		const {url} = await recording(409, statusBody(409, {reason: 'AlreadyExists', message: 'jobs.batch.volcano.sh "mpi" already exists'}));
		const refused = createApiClient(options(url)).post('/apis/batch.volcano.sh/v1alpha1/namespaces/team-a/jobs', {body: job});
		await expect(refused).rejects.toBeInstanceOf(ApiError);
		await expect(refused).rejects.toMatchObject({status: 409, reason: 'AlreadyExists', summary: expect.stringContaining('already exists')});
	});
});
