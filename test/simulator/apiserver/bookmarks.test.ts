import {describe, expect, it} from 'vitest';
import type {Simulator} from '../../../source/simulator/simulator-types.js';
import {everythingSent, jobRv, jobsUrl, manualClock, nextEvent, pass, passUntilEvent, pending, watchesFor} from '../http.js';

// Bookmarks as the cacher sends them: about once a minute, only once the kind's cache has moved past the
// resourceVersion the watch started from; one 2 s before the deadline; the initial-events-end one.

const {start, watch} = watchesFor({autoplay: false});
const minute = 60_000;

async function quietJob(options: {bookmarks?: 'none'; bookmarkIntervalMs?: number} = {}) {
	const clock = manualClock();
	const simulator = await start({scenario: 'static', now: clock.now, manyJobs: {count: 5, changesPerSecond: 0, namespace: 'elsewhere'}, ...options});
	return {clock, simulator, job: await jobRv(simulator)};
}

function watchJob(simulator: Simulator, from: number, extra = '') {
	return watch(jobsUrl(simulator, `?watch=1&fieldSelector=metadata.name%3D${simulator.scenario.jobName}&allowWatchBookmarks=true&resourceVersion=${from}${extra}`));
}

describe('periodic bookmarks', () => {
	it('sends none while the jobs cache stays where the watch started, however long, then about one a minute after a progress notification', async () => {
		const {clock, simulator, job} = await quietJob();
		const stream = await watchJob(simulator, job);
		// The revision moves all the time (writes elsewhere), the jobs cache does not.
		pass(clock, simulator, 9 * minute);
		expect(simulator.resourceVersion).toBeGreaterThan(job + 100);
		expect(await pending(stream)).toEqual([]);

		// etcd's progress notification every 10 minutes brings the cache to the current revision.
		pass(clock, simulator, 1 * minute);
		const notified = simulator.resourceVersion;
		const first = await passUntilEvent(clock, simulator, stream, 80_000);
		expect(first.afterMs).toBeLessThanOrEqual(76_000);
		expect(first.event).toEqual({
			type: 'BOOKMARK',
			object: {apiVersion: 'batch.volcano.sh/v1alpha1', kind: 'Job', metadata: {resourceVersion: expect.any(String)}},
		});
		expect(Number(first.event.object.metadata.resourceVersion)).toBe(notified);

		// From then on one about every minute (45–75 s), even with nothing new: the watch started before it.
		const second = await passUntilEvent(clock, simulator, stream, 80_000);
		expect(second.event).toEqual(first.event);
		expect(second.afterMs).toBeGreaterThanOrEqual(44_000);
		expect(second.afterMs).toBeLessThanOrEqual(76_000);
		pass(clock, simulator, 10 * minute);
		const later = await everythingSent(simulator, stream);
		expect(later.every(event => event.type === 'BOOKMARK')).toBe(true);
		expect(later.length).toBeGreaterThanOrEqual(8);
		expect(later.length).toBeLessThanOrEqual(14);
	});

	it('sends one at the next heartbeat once a job in any namespace changes', async () => {
		const {clock, simulator, job} = await quietJob();
		const stream = await watchJob(simulator, job);
		pass(clock, simulator, 2 * minute);
		expect(await pending(stream)).toEqual([]);
		simulator.changeJobs(1);
		const changed = simulator.resourceVersion;
		// The other job is not selected: no event for it, but the bookmark carries its resourceVersion.
		const {event, afterMs} = await passUntilEvent(clock, simulator, stream, 80_000);
		expect(afterMs).toBeLessThanOrEqual(76_000);
		expect(event).toMatchObject({type: 'BOOKMARK', object: {metadata: {resourceVersion: String(changed)}}});
	});

	it('sends none at all with bookmarks: none', async () => {
		const {clock, simulator, job} = await quietJob({bookmarks: 'none'});
		const stream = await watchJob(simulator, job);
		simulator.changeJobs(3);
		pass(clock, simulator, 12 * minute, 5000);
		expect(await pending(stream)).toEqual([]);
		const initial = await watch(jobsUrl(simulator, '?watch=1&allowWatchBookmarks=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan'));
		const events = await everythingSent(simulator, initial);
		expect(events.length).toBeGreaterThan(0);
		expect(events.every(event => event.type === 'ADDED')).toBe(true);
	});

	it('sends one 2 s before the deadline if the cache has moved, then ends the stream', async () => {
		const {simulator, job} = await quietJob({bookmarkIntervalMs: 3_600_000});
		const moved = await watchJob(simulator, job, '&timeoutSeconds=3');
		// A progress notification moves the cache past the first watch's start; the second starts where it then is.
		simulator.progressNotify();
		const from = simulator.resourceVersion;
		const unmoved = await watchJob(simulator, from, '&timeoutSeconds=3');
		const [first, second] = await Promise.all([moved.collect(6000), unmoved.collect(6000)]);
		expect(first).toEqual({events: [{type: 'BOOKMARK', object: expect.objectContaining({metadata: {resourceVersion: String(from)}})}], ended: true});
		expect(second).toEqual({events: [], ended: true});
	});
});

describe('the initial-events-end bookmark', () => {
	it('follows the initial state for resourceVersion unset or 0 with allowWatchBookmarks (servers ≥1.34)', async () => {
		const clock = manualClock();
		const simulator = await start({scenario: 'static', now: clock.now, manyJobs: {count: 2, changesPerSecond: 0}});
		pass(clock, simulator, 10_000);
		const job = await jobRv(simulator);
		const unset = await watch(jobsUrl(simulator, '?watch=1&allowWatchBookmarks=true'));
		const events = [await nextEvent(unset), await nextEvent(unset), await nextEvent(unset), await nextEvent(unset)];
		expect(events.map(event => event.type)).toEqual(['ADDED', 'ADDED', 'ADDED', 'BOOKMARK']);
		// Unset: a consistent read, at the current revision.
		expect(events[3]!.object).toEqual({
			apiVersion: 'batch.volcano.sh/v1alpha1',
			kind: 'Job',
			metadata: {annotations: {'k8s.io/initial-events-end': 'true'}, resourceVersion: String(simulator.resourceVersion)},
		});

		// "0": whatever the cache has.
		const any = await start({scenario: 'static', now: manualClock().now});
		const zero = await watch(jobsUrl(any, '?watch=1&allowWatchBookmarks=true&resourceVersion=0'));
		expect((await nextEvent(zero)).type).toBe('ADDED');
		expect(await nextEvent(zero)).toMatchObject({
			type: 'BOOKMARK',
			object: {metadata: {annotations: {'k8s.io/initial-events-end': 'true'}, resourceVersion: String(await jobRv(any))}},
		});
		expect(job).toBeLessThan(simulator.resourceVersion);

		// Without allowWatchBookmarks: the state, and nothing else.
		const plain = await watch(jobsUrl(simulator, '?watch=1'));
		expect((await everythingSent(simulator, plain)).map(event => event.type)).toEqual(['ADDED', 'ADDED', 'ADDED']);
	});

	it('is not sent with initialEventsEndBookmark: false unless sendInitialEvents=true is asked for', async () => {
		const simulator = await start({scenario: 'static', now: manualClock().now, initialEventsEndBookmark: false});
		for (const query of ['?watch=1&allowWatchBookmarks=true', '?watch=1&allowWatchBookmarks=true&resourceVersion=0']) {
			const stream = await watch(jobsUrl(simulator, query));
			expect((await everythingSent(simulator, stream)).map(event => event.type)).toEqual(['ADDED']);
		}

		const asked = await watch(jobsUrl(simulator, '?watch=1&allowWatchBookmarks=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan'));
		expect((await everythingSent(simulator, asked)).map(event => [event.type, event.object.metadata.annotations])).toEqual([
			['ADDED', undefined],
			['BOOKMARK', {'k8s.io/initial-events-end': 'true'}],
		]);
	});

	it('takes the shape of the built-in kinds for pods and events', async () => {
		const simulator = await start({scenario: 'static', now: manualClock().now});
		const base = `${simulator.url}/api/v1/namespaces/${simulator.scenario.namespace}`;
		const pods = await watch(`${base}/pods?watch=1&allowWatchBookmarks=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan`);
		const podEvents = await everythingSent(simulator, pods);
		expect(podEvents.map(event => event.type)).toEqual(['ADDED', 'ADDED', 'ADDED', 'BOOKMARK']);
		expect(podEvents[0]!.object).toMatchObject({kind: 'Pod', apiVersion: 'v1'});
		expect(podEvents[3]!.object).toEqual({
			kind: 'Pod',
			apiVersion: 'v1',
			metadata: {annotations: {'k8s.io/initial-events-end': 'true'}, resourceVersion: String(simulator.resourceVersion), creationTimestamp: null},
			spec: {containers: null},
			status: {},
		});
		const events = await watch(`${base}/events?watch=1&allowWatchBookmarks=true`);
		const last = (await everythingSent(simulator, events)).at(-1)!;
		expect(last.object).toMatchObject({kind: 'Event', apiVersion: 'v1', involvedObject: {}, eventTime: null});
	});
});
