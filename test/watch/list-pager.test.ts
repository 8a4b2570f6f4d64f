import {describe, expect, test} from 'vitest';
import {ApiError} from '../../source/api/api-error.js';
import {createApiClient, type ApiClient, type ApiObject} from '../../source/api/client.js';
import {jobsPath, listJobs} from '../../source/watch/list-pager.js';
import {namespace, rawJob} from '../helpers/objects/namespace-jobs.js';
import {simulatorsFor} from '../simulator/http.js';

type Call = {path: string; query: Record<string, string>};

/** An API that answers the pages given, in order, and records what was asked. */
function scripted(answers: Array<Record<string, unknown> | ApiError>) {
	const calls: Call[] = [];
	const api: Pick<ApiClient, 'get'> = {
		async get(path, options) {
			calls.push({path, query: {...options?.query}});
			const answer = answers.shift();
			if (!answer) throw new Error('no more answers');
			if (answer instanceof ApiError) throw answer;
			return {raw: answer, bytes: 0} satisfies ApiObject;
		},
	};
	return {api, calls};
}

function page(names: string[], next: string, resourceVersion = '500') {
	return {kind: 'JobList', items: names.map(name => rawJob({name})), metadata: {continue: next, resourceVersion}};
}

const expired = () => new ApiError({category: 'client', status: 410, reason: 'Expired', summary: '410 Expired: continue token too old'});

describe('listJobs', () => {
	test('pages with limit and continue until the server sends none; the first page names the version', async () => {
		const {api, calls} = scripted([page(['a', 'b'], 'token-1', '700'), page(['c', 'd'], 'token-2', '700'), page(['e'], '', '700')]);
		const list = await listJobs(api, {namespace, selector: 'team=a', limit: 2});
		expect(list.items.map(item => (item as {metadata: {name: string}}).metadata.name)).toEqual(['a', 'b', 'c', 'd', 'e']);
		expect(list).toMatchObject({resourceVersion: '700', pages: 3, restarts: 0});
		expect(calls.map(call => call.path)).toEqual(Array.from({length: 3}, () => jobsPath(namespace)));
		expect(calls.map(call => call.query)).toEqual([
			{limit: '2', labelSelector: 'team=a'},
			{limit: '2', labelSelector: 'team=a', continue: 'token-1'},
			{limit: '2', labelSelector: 'team=a', continue: 'token-2'},
		]);
	});

	test('asks 500 a page by default and sends no selector when there is none', async () => {
		const {api, calls} = scripted([page(['a'], '')]);
		await listJobs(api, {namespace});
		expect(calls[0]!.query).toEqual({limit: '500'});
	});

	test('a 410 on a later page (the token expired) starts the list over from the first page', async () => {
		const {api, calls} = scripted([page(['a', 'b'], 'old'), expired(), page(['a', 'b'], 'new', '900'), page(['c'], '', '900')]);
		const list = await listJobs(api, {namespace, limit: 2});
		expect(list.items).toHaveLength(3);
		expect(list).toMatchObject({resourceVersion: '900', restarts: 1, pages: 2});
		expect(calls.map(call => call.query['continue'] ?? 'first')).toEqual(['first', 'old', 'first', 'new']);
	});

	test('a 410 that keeps coming is reported after three fresh starts, not looped on', async () => {
		const answers: Array<Record<string, unknown> | ApiError> = [];
		for (let index = 0; index < 4; index++) answers.push(page(['a'], 'token'), expired());
		const {api, calls} = scripted(answers);
		await expect(listJobs(api, {namespace, limit: 1})).rejects.toMatchObject({status: 410});
		expect(calls).toHaveLength(8);
	});

	test('an answer that is not a list, or a token handed back unchanged, is an error, not an endless list', async () => {
		await expect(listJobs(scripted([{kind: 'Status'}]).api, {namespace})).rejects.toMatchObject({category: 'malformed'});
		const {api} = scripted([page(['a'], 'same'), page(['b'], 'same')]);
		await expect(listJobs(api, {namespace})).rejects.toMatchObject({category: 'malformed'});
	});
});

describe('listJobs against the simulator over HTTP', () => {
	const start = simulatorsFor({scenario: 'static', autoplay: false});

	test('1,200 jobs in pages of 500: every job once, in name order', async () => {
		const simulator = await start({manyJobs: {count: 1200, changesPerSecond: 0}});
		const api = createApiClient({server: simulator.url, timeoutMs: 10_000, maxBodyBytes: 32 * 1024 * 1024});
		const list = await listJobs(api, {namespace: simulator.scenario.namespace});
		const names = list.items.map(item => (item as {metadata: {name: string}}).metadata.name);
		expect(list.pages).toBe(3);
		expect(names).toHaveLength(1201);
		expect(new Set(names).size).toBe(1201);
		expect(names).toEqual([...names].sort());
		expect(simulator.requests.filter(request => request.path.includes('continue=')).length).toBe(2);
	});

	test('a continue token that expires between pages: the list starts over and still holds every job', async () => {
		const sim = await start({manyJobs: {count: 120, changesPerSecond: 0}});
		const http = createApiClient({server: sim.url, timeoutMs: 10_000});
		let pages = 0;
		const api: Pick<ApiClient, 'get'> = {
			async get(path, options) {
				const answer = await http.get(path, options);
				// After the first page, the server compacts past the list's version: its token is now too old.
				if (++pages === 1) sim.expireContinueTokens();
				return answer;
			},
		};
		const list = await listJobs(api, {namespace: sim.scenario.namespace, limit: 50});
		expect(list.restarts).toBe(1);
		expect(list.items).toHaveLength(121);
		expect(sim.requests.some(request => request.status === 410)).toBe(true);
	});

	test('the label selector is applied by the server', async () => {
		const simulator = await start({manyJobs: {count: 60, changesPerSecond: 0}});
		const api = createApiClient({server: simulator.url, timeoutMs: 10_000});
		const list = await listJobs(api, {namespace: simulator.scenario.namespace, selector: 'team=b,app.kubernetes.io/name=mpi'});
		expect(list.items.length).toBeGreaterThan(0);
		expect(list.items.length).toBeLessThan(30);
		for (const item of list.items) {
			expect((item as {metadata: {labels: Record<string, string>}}).metadata.labels).toMatchObject({team: 'b', 'app.kubernetes.io/name': 'mpi'});
		}
	});
});
