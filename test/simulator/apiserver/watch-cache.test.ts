import {describe, expect, it} from 'vitest';
import type {Simulator} from '../../../source/simulator/simulator-types.js';
import {getJson, jobRv, jobsUrl, manualClock, nextEvent, pass, rv, watchesFor, type Json} from '../http.js';

// etcd's single revision, the watch cache of each kind, a restart of the API server, and etcd compaction.

const {start, watch} = watchesFor({autoplay: false});

function coreUrl(simulator: Simulator, resource: 'pods' | 'events', query = ''): string {
	return `${simulator.url}/api/v1/namespaces/${simulator.scenario.namespace}/${resource}${query}`;
}

function podGroupsUrl(simulator: Simulator, query = ''): string {
	return `${simulator.url}/apis/scheduling.volcano.sh/v1beta1/namespaces/${simulator.scenario.namespace}/podgroups${query}`;
}

async function listRv(url: string): Promise<number> {
	const {status, body} = await getJson(url);
	expect(status).toBe(200);
	return Number(body.metadata.resourceVersion);
}

describe('one revision for the whole cluster', () => {
	it('numbers jobs, pods, PodGroups and events from one counter', async () => {
		const simulator = await start({scenario: 'demo', now: manualClock().now});
		simulator.goTo(5);
		const job = await jobRv(simulator);
		const objects = [
			...((await getJson(coreUrl(simulator, 'pods'))).body.items as Json[]),
			...((await getJson(podGroupsUrl(simulator))).body.items as Json[]),
			...((await getJson(coreUrl(simulator, 'events'))).body.items as Json[]),
		];
		expect(objects.length).toBeGreaterThan(5);
		const versions = [job, ...objects.map(object => rv(object))];
		expect(new Set(versions).size).toBe(versions.length);
		for (const version of versions) {
			expect(version).toBeGreaterThanOrEqual(7_681_358);
			expect(version).toBeLessThanOrEqual(simulator.resourceVersion);
		}

		// Pods are written after the job they belong to.
		expect(Math.min(...objects.map(object => rv(object)))).toBeGreaterThan(7_681_358);
	});

	it("gives a list the cluster's current revision, never an idle job's own, moving on between lists", async () => {
		const clock = manualClock();
		const simulator = await start({scenario: 'static', now: clock.now});
		const job = await jobRv(simulator);
		const first = await listRv(jobsUrl(simulator));
		expect(first).toBe(simulator.resourceVersion);
		expect(first).toBeGreaterThan(job);
		// Leases, other namespaces: the revision moves every 1–3 s with no job written.
		pass(clock, simulator, 10_000);
		const second = await listRv(jobsUrl(simulator));
		expect(second).toBeGreaterThan(first);
		expect(await jobRv(simulator)).toBe(job);
		const items = (await getJson(jobsUrl(simulator))).body.items as Json[];
		expect(items.map(item => rv(item))).toEqual([job]);
		// The same revision for a list of pods made now.
		expect(await listRv(coreUrl(simulator, 'pods'))).toBe(simulator.resourceVersion);
	});

	it('moves the revision by the same writes with the same seed', async () => {
		const runs: number[][] = [];
		for (const _ of [1, 2]) {
			const clock = manualClock();
			const simulator = await start({scenario: 'static', now: clock.now, seed: 42});
			const seen: number[] = [];
			for (let second = 0; second < 20; second++) {
				clock.advance(1000, simulator);
				seen.push(simulator.resourceVersion);
			}

			runs.push(seen);
		}

		expect(runs[0]).toEqual(runs[1]);
		expect(new Set(runs[0]).size).toBeGreaterThan(5);
	});
});

describe('a watch cache for each kind', () => {
	it('pushes a job out of the jobs window with changes to jobs in other namespaces, not out of the pods window', async () => {
		const clock = manualClock();
		const simulator = await start({scenario: 'static', now: clock.now, manyJobs: {count: 50, changesPerSecond: 0, namespace: 'elsewhere'}});
		const job = await jobRv(simulator);
		const early = await watch(jobsUrl(simulator, `?watch=1&fieldSelector=metadata.name%3Dopenmpi-static&resourceVersion=${job}`));
		for (let second = 0; second < 120; second++) {
			clock.advance(1000, simulator);
			simulator.changeJobs(2);
		}

		// The watch opened in time sees nothing (other jobs only) and is not cut off.
		expect(await early.next(100)).toBe('timeout');
		const late = await watch(jobsUrl(simulator, `?watch=1&resourceVersion=${job}`));
		const refused = await nextEvent(late);
		expect(refused).toMatchObject({type: 'ERROR', object: {code: 410, reason: 'Expired'}});
		expect(refused.object.message).toMatch(new RegExp(`^too old resource version: ${job} \\((\\d+)\\)$`));
		// The window keeps about 75 s: 2 changes a second, capacity 200 (doubled once).
		const floor = Number(/\((\d+)\)/.exec(refused.object.message as string)![1]);
		expect(floor).toBeGreaterThan(job);
		expect(await late.next()).toBe('end');

		// The pods window still holds their creation, just after the job's write.
		const pods = await watch(coreUrl(simulator, 'pods', `?watch=1&resourceVersion=${job}`));
		expect((await nextEvent(pods)).type).toBe('ADDED');
	});
});

describe('restart()', () => {
	it('ends every open watch cleanly, then refuses older resourceVersions with 410', async () => {
		const clock = manualClock();
		const simulator = await start({scenario: 'demo', now: clock.now});
		simulator.goTo(5);
		const job = await jobRv(simulator);
		const jobs = await watch(jobsUrl(simulator, `?watch=1&resourceVersion=${job}`));
		const pods = await watch(coreUrl(simulator, 'pods', '?watch=1'));
		expect((await nextEvent(pods)).type).toBe('ADDED');
		const listed = (await getJson(coreUrl(simulator, 'pods', '?limit=1'))).body;
		pass(clock, simulator, 5000);
		const before = simulator.resourceVersion;
		simulator.restart();
		expect(await jobs.collect(2000)).toEqual({events: [], ended: true});
		const rest = await pods.collect(2000);
		expect(rest.ended).toBe(true);
		expect(rest.events.filter(event => event.type === 'ERROR')).toEqual([]);
		expect(simulator.openWatches).toBe(0);

		const again = await watch(jobsUrl(simulator, `?watch=1&resourceVersion=${job}`));
		expect(await again.collect(2000)).toEqual({
			events: [{type: 'ERROR', object: expect.objectContaining({code: 410, message: `too old resource version: ${job} (${before})`})}],
			ended: true,
		});
		// From the restart on, watches work again.
		const fresh = await watch(jobsUrl(simulator, `?watch=1&resourceVersion=${before}`));
		simulator.goTo(6);
		expect((await nextEvent(fresh)).type).toBe('MODIFIED');

		// Exact and paged reads come from etcd: they survive the restart.
		expect((await getJson(jobsUrl(simulator, `?resourceVersion=${job}&resourceVersionMatch=Exact`))).status).toBe(200);
		const next = await getJson(coreUrl(simulator, 'pods', `?limit=1&continue=${listed.metadata.continue as string}`));
		expect([next.status, next.body.metadata.resourceVersion]).toEqual([200, listed.metadata.resourceVersion]);
	});

	it('with compact, also expires exact and paged reads', async () => {
		const clock = manualClock();
		const simulator = await start({scenario: 'demo', now: clock.now});
		simulator.goTo(5);
		const job = await jobRv(simulator);
		const listed = (await getJson(coreUrl(simulator, 'pods', '?limit=1'))).body;
		pass(clock, simulator, 5000);
		simulator.restart({compact: true});
		const exact = await getJson(jobsUrl(simulator, `?resourceVersion=${job}&resourceVersionMatch=Exact`));
		expect([exact.status, exact.body.message]).toEqual([410, 'The resourceVersion for the provided list is too old.']);
		const next = await getJson(coreUrl(simulator, 'pods', `?limit=1&continue=${listed.metadata.continue as string}`));
		expect([next.status, next.body.reason]).toEqual([410, 'Expired']);
	});

	it('answers 429 "storage is (re)initializing" with Retry-After while the caches initialize', async () => {
		const clock = manualClock();
		const simulator = await start({scenario: 'demo', now: clock.now});
		simulator.goTo(5);
		simulator.restart({initializingMs: 5000});
		const refusals = [
			jobsUrl(simulator, '?watch=1'),
			jobsUrl(simulator),
			jobsUrl(simulator, '?resourceVersion=0'),
			jobsUrl(simulator, '?limit=10&labelSelector=team%3Da'),
			coreUrl(simulator, 'pods', '?watch=1'),
			coreUrl(simulator, 'events'),
		];
		for (const url of refusals) {
			const {status, body, response} = await getJson(url);
			expect([url, status, response.headers.get('retry-after')]).toEqual([url, 429, '1']);
			expect(body).toEqual({
				kind: 'Status',
				apiVersion: 'v1',
				metadata: {},
				status: 'Failure',
				message: 'storage is (re)initializing',
				reason: 'TooManyRequests',
				details: {retryAfterSeconds: 1},
				code: 429,
			});
		}

		// A list with a limit and no selector goes to etcd (KEP 4568); so does a GET.
		expect((await getJson(jobsUrl(simulator, '?limit=500'))).status).toBe(200);
		expect((await getJson(`${jobsUrl(simulator)}/openmpi-hello`)).status).toBe(200);

		const during = simulator.resourceVersion;
		pass(clock, simulator, 5000);
		const ready = simulator.resourceVersion;
		expect((await getJson(jobsUrl(simulator))).status).toBe(200);
		// The caches were rebuilt when they became ready: resourceVersions from the initialization are too old.
		const early = await watch(jobsUrl(simulator, `?watch=1&resourceVersion=${during}`));
		expect(ready).toBeGreaterThan(during);
		expect((await nextEvent(early)).object).toMatchObject({code: 410, message: `too old resource version: ${during} (${ready})`});
	});
});

describe('etcd compaction', () => {
	it('keeps exact and paged reads for 5 to 10 minutes, then 410', async () => {
		const clock = manualClock();
		const simulator = await start({scenario: 'static', now: clock.now, manyJobs: {count: 30, changesPerSecond: 0}});
		const first = (await getJson(jobsUrl(simulator, '?limit=10'))).body;
		const at = Number(first.metadata.resourceVersion);
		pass(clock, simulator, 4 * 60_000, 5000);
		expect((await getJson(jobsUrl(simulator, `?resourceVersion=${at}&resourceVersionMatch=Exact`))).status).toBe(200);
		expect((await getJson(jobsUrl(simulator, `?limit=10&continue=${first.metadata.continue as string}`))).status).toBe(200);
		pass(clock, simulator, 7 * 60_000, 5000);
		const exact = await getJson(jobsUrl(simulator, `?resourceVersion=${at}&resourceVersionMatch=Exact`));
		expect([exact.status, exact.body.message]).toEqual([410, 'The resourceVersion for the provided list is too old.']);
		const paged = await getJson(jobsUrl(simulator, `?limit=10&continue=${first.metadata.continue as string}`));
		expect([paged.status, paged.body.reason]).toEqual([410, 'Expired']);
		expect(paged.body.metadata.continue).toEqual(expect.any(String));
		// A watch from there is the watch cache's business: nothing changed the jobs, so it is still in its window.
		const stream = await watch(jobsUrl(simulator, `?watch=1&resourceVersion=${at}`));
		expect(await stream.next(200)).toBe('timeout');
	});
});
