import {describe, expect, it} from 'vitest';
import type {Simulator} from '../../../source/simulator/simulator-types.js';
import {everythingSent, expiredEvent, getJson, manualClock, nextEvent, pass, rv, watchesFor, type Json} from '../http.js';

// Pods, events and PodGroups are listed and watched by the same rules as jobs.

const {start, watch} = watchesFor({autoplay: false});

function url(simulator: Simulator, resource: 'pods' | 'events' | 'podgroups', query = '', prefix = ''): string {
	const {namespace} = simulator.scenario;
	return resource === 'podgroups'
		? `${simulator.url}/apis/scheduling.volcano.sh/v1beta1/${prefix}namespaces/${namespace}/podgroups${query}`
		: `${simulator.url}/api/v1/${prefix}namespaces/${namespace}/${resource}${query}`;
}

const jobPods = `labelSelector=${encodeURIComponent('volcano.sh/job-name=openmpi-hello')}`;


describe('watching pods, events and PodGroups', () => {
	it('streams pods: ADDED, MODIFIED as they run, DELETED as the job completes, each at a newer resourceVersion', async () => {
		const simulator = await start({scenario: 'demo', now: manualClock().now});
		simulator.goTo(3);
		const listed = (await getJson(url(simulator, 'pods', `?${jobPods}`))).body;
		expect(listed.items).toHaveLength(3);
		const stream = await watch(url(simulator, 'pods', `?watch=1&${jobPods}&resourceVersion=${listed.metadata.resourceVersion as string}`));
		expect(stream.response.headers.get('transfer-encoding')).toBe('chunked');
		expect(stream.response.headers.get('content-type')).toBe('application/json');
		for (let step = 4; step < simulator.scenario.steps.length; step++) simulator.goTo(step);
		const events = await everythingSent(simulator, stream);
		const types = new Set(events.map(event => event.type as string));
		expect(types).toEqual(new Set(['MODIFIED', 'DELETED']));
		const versions = events.map(event => rv(event.object));
		expect(versions).toEqual([...versions].sort((a, b) => a - b));
		expect(versions[0]).toBeGreaterThan(Number(listed.metadata.resourceVersion));
		for (const event of events) expect(event.object).toMatchObject({kind: 'Pod', apiVersion: 'v1'});
		const running = events.find(event => event.type === 'MODIFIED' && event.object.status.phase === 'Running');
		expect(running).toBeDefined();
		// Gone with the job: the list agrees with the stream.
		expect((await getJson(url(simulator, 'pods', `?${jobPods}`))).body.items).toEqual([]);
		expect(events.filter(event => event.type === 'DELETED').map(event => event.object.metadata.name).sort()).toEqual(
			listed.items.map((item: Json) => item.metadata.name).sort(),
		);
	});

	it('streams the PodGroup through its phases, and its deletion on the kill path', async () => {
		const simulator = await start({scenario: 'demo', now: manualClock().now});
		simulator.goTo(2);
		const stream = await watch(url(simulator, 'podgroups', '?watch=1'));
		const added = await nextEvent(stream);
		expect(added).toMatchObject({type: 'ADDED', object: {kind: 'PodGroup', apiVersion: 'scheduling.volcano.sh/v1beta1', status: {phase: 'Pending'}}});
		for (let step = 3; step <= 7; step++) simulator.goTo(step);
		const events = await everythingSent(simulator, stream);
		expect(events.filter(event => event.type === 'MODIFIED').map(event => event.object.status.phase)).toEqual(
			expect.arrayContaining(['Inqueue', 'Running']),
		);
		expect(events.at(-1)).toMatchObject({type: 'DELETED', object: {metadata: {name: added.object.metadata.name}}});
	});

	it('streams events as their counts rise', async () => {
		const simulator = await start({scenario: 'unschedulable', speed: 50});
		simulator.goTo(1);
		simulator.goTo(2);
		const listed = (await getJson(url(simulator, 'events', '?fieldSelector=type%3DWarning'))).body;
		const stream = await watch(url(simulator, 'events', `?watch=1&fieldSelector=type%3DWarning&resourceVersion=${listed.metadata.resourceVersion as string}`));
		// One retry every 5 s of scenario time: every 100 ms here; the simulator writes what changed as it ticks.
		const modified = await nextEvent(stream, 3000);
		expect(modified).toMatchObject({type: 'MODIFIED', object: {kind: 'Event', type: 'Warning'}});
		const before = (listed.items as Json[]).find(item => item.metadata.uid === modified.object.metadata.uid)!;
		expect(modified.object.count).toBeGreaterThan(before.count as number);
	});

	it('serves the deprecated /watch/ paths, and a named one as a watch of that object', async () => {
		const simulator = await start({scenario: 'static', now: manualClock().now});
		const all = await watch(url(simulator, 'pods', '', 'watch/'));
		expect((await everythingSent(simulator, all)).map(event => event.type)).toEqual(['ADDED', 'ADDED', 'ADDED']);
		const one = await watch(url(simulator, 'pods', '/openmpi-static-mpiworker-1', 'watch/'));
		expect((await everythingSent(simulator, one)).map(event => event.object.metadata.name)).toEqual(['openmpi-static-mpiworker-1']);
	});

	it('refuses a watch from a resourceVersion out of the window with 410, and forbidden resources with 403', async () => {
		const clock = manualClock();
		const simulator = await start({scenario: 'demo', now: clock.now, forbidden: ['events']});
		simulator.goTo(5);
		const old = Number((await getJson(url(simulator, 'pods'))).body.metadata.resourceVersion);
		pass(clock, simulator, 3000);
		simulator.restart();
		const stream = await watch(url(simulator, 'pods', `?watch=1&resourceVersion=${old}`));
		const refused = await stream.collect(2000);
		expect(refused.ended).toBe(true);
		expect(refused.events).toEqual([
			expiredEvent(old, simulator.resourceVersion),
		]);

		const forbidden = await getJson(url(simulator, 'events', '?watch=1'));
		expect(forbidden.status).toBe(403);
		expect(forbidden.body.message).toBe(
			`events is forbidden: User "demo" cannot watch resource "events" in API group "" in the namespace "${simulator.scenario.namespace}"`,
		);
	});
});

describe('listing pods, events and PodGroups', () => {
	it('pages with limit and continue at one resourceVersion, as for jobs', async () => {
		const simulator = await start({scenario: 'demo', now: manualClock().now});
		simulator.goTo(5);
		const first = await getJson(url(simulator, 'pods', '?limit=2'));
		expect(first.body).toMatchObject({kind: 'PodList', apiVersion: 'v1'});
		expect(first.body.items).toHaveLength(2);
		expect(first.body.items[0]).not.toHaveProperty('kind');
		expect(first.body.metadata).toEqual({resourceVersion: String(simulator.resourceVersion), continue: expect.any(String), remainingItemCount: 1});
		simulator.goTo(6);
		const second = await getJson(url(simulator, 'pods', `?limit=2&continue=${first.body.metadata.continue as string}`));
		expect(second.body.metadata).toEqual({resourceVersion: first.body.metadata.resourceVersion});
		const names = [...first.body.items, ...second.body.items].map((item: Json) => item.metadata.name as string);
		expect(names).toEqual(['openmpi-hello-mpimaster-0', 'openmpi-hello-mpiworker-0', 'openmpi-hello-mpiworker-1']);
		// As listed then: the master still Running.
		expect(first.body.items[0].status.phase).toBe('Running');

		simulator.expireContinueTokens();
		const gone = await getJson(url(simulator, 'pods', `?limit=2&continue=${first.body.metadata.continue as string}`));
		expect([gone.status, gone.body.reason]).toEqual([410, 'Expired']);

		const groups = await getJson(url(simulator, 'podgroups', '?limit=1'));
		expect(groups.body).toMatchObject({apiVersion: 'scheduling.volcano.sh/v1beta1', kind: 'PodGroupList', metadata: {continue: ''}});
		const exact = await getJson(url(simulator, 'events', `?resourceVersion=${first.body.metadata.resourceVersion as string}&resourceVersionMatch=Exact`));
		expect([exact.status, exact.body.metadata.resourceVersion]).toEqual([200, first.body.metadata.resourceVersion]);
	});
});
