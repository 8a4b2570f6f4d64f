import {describe, expect, it} from 'vitest';
import {initializingFault, proxyHtmlFault, statusFault, tooLargeFault} from '../../../source/simulator/faults.js';
import type {Scenario} from '../../../source/simulator/scenarios.js';
import {getJson, jobsUrl, manualClock, nextEvent, watchesFor} from '../http.js';

// Faults on lists and watches: opt-in, by injectCollectionFaults or a step's collectionFaults.

const {start, watch} = watchesFor({autoplay: false});

const running = {phase: 'Running', counters: {running: 3}, pods: {mpimaster: {Running: 1}, mpiworker: {Running: 2}}};

function podsUrl(namespace: string, query = ''): string {
	return `/api/v1/namespaces/${namespace}/pods${query}`;
}

describe('injectCollectionFaults', () => {
	it('serves 429 "storage is (re)initializing" with Retry-After, then the list', async () => {
		const simulator = await start({scenario: 'static', now: manualClock().now});
		simulator.injectCollectionFaults(initializingFault(), statusFault(503));
		const throttled = await getJson(jobsUrl(simulator));
		expect([throttled.status, throttled.response.headers.get('retry-after')]).toEqual([429, '1']);
		expect(throttled.body).toMatchObject({reason: 'TooManyRequests', message: 'storage is (re)initializing', details: {retryAfterSeconds: 1}, code: 429});
		expect((await getJson(jobsUrl(simulator, '?watch=1&timeoutSeconds=1'))).status).toBe(503);
		expect((await getJson(jobsUrl(simulator))).status).toBe(200);
		// Job GETs are left alone.
		simulator.injectCollectionFaults(statusFault(500));
		expect((await getJson(`${jobsUrl(simulator)}/openmpi-static`)).status).toBe(200);
	});

	it('aims at one resource and one verb', async () => {
		const simulator = await start({scenario: 'static', now: manualClock().now});
		const {namespace} = simulator.scenario;
		simulator.injectCollectionFaults({fault: statusFault(503), resource: 'pods', verb: 'watch'});
		expect((await getJson(jobsUrl(simulator))).status).toBe(200);
		expect((await getJson(`${simulator.url}${podsUrl(namespace)}`)).status).toBe(200);
		const refused = await fetch(`${simulator.url}${podsUrl(namespace, '?watch=1')}`);
		expect(refused.status).toBe(503);
		await refused.arrayBuffer();
		const served = await watch(`${simulator.url}${podsUrl(namespace, '?watch=1')}`);
		expect((await nextEvent(served)).type).toBe('ADDED');
	});

	it('answers as a lagging HA replica: 504 Too large resource version after its wait, as an ERROR event to a watch', async () => {
		const simulator = await start({scenario: 'static', now: manualClock().now, tooLargeWaitMs: 50});
		const at = simulator.resourceVersion;
		simulator.injectCollectionFaults(tooLargeFault(), tooLargeFault());
		const list = await getJson(jobsUrl(simulator, `?resourceVersion=${at}`));
		expect([list.status, list.response.headers.get('retry-after')]).toEqual([504, '1']);
		expect(list.body).toMatchObject({
			reason: 'Timeout',
			code: 504,
			details: {causes: [{reason: 'ResourceVersionTooLarge', message: 'Too large resource version'}], retryAfterSeconds: 1},
		});
		expect(list.body.message).toMatch(new RegExp(`^Too large resource version: ${at}, current: \\d+$`));
		const stream = await watch(jobsUrl(simulator, `?watch=1&resourceVersion=${at}`));
		expect(stream.response.status).toBe(200);
		const {events, ended} = await stream.collect(2000);
		expect(ended).toBe(true);
		expect(events).toEqual([{type: 'ERROR', object: expect.objectContaining({code: 504, reason: 'Timeout'})}]);
	});

	it('bends lists like job GETs: proxy pages, truncated bodies, resets', async () => {
		const simulator = await start({scenario: 'static', now: manualClock().now});
		simulator.injectCollectionFaults(proxyHtmlFault(502), {kind: 'truncated'}, {kind: 'reset'});
		const html = await fetch(jobsUrl(simulator));
		expect([html.status, html.headers.get('content-type')]).toEqual([502, 'text/html']);
		await html.arrayBuffer();
		await expect((async () => JSON.parse(await (await fetch(jobsUrl(simulator))).text()) as unknown)()).rejects.toThrow('terminated');
		await expect(fetch(jobsUrl(simulator, '?watch=1'))).rejects.toThrow('fetch failed');
		expect((await getJson(jobsUrl(simulator))).status).toBe(200);
	});
});

describe("a step's collection faults", () => {
	it('are served in rotation among lists and watches of that step, every collectionFaultEvery-th', async () => {
		const scenario: Scenario = {
			name: 'custom',
			description: 'test',
			namespace: 'ns',
			jobName: 'job',
			steps: [{holdMs: 1000, job: running, collectionFaults: [statusFault(500), initializingFault()], collectionFaultEvery: 2}],
		};
		const simulator = await start({scenario, now: manualClock().now});
		const statuses: number[] = [];
		for (let index = 0; index < 4; index++) {
			statuses.push((await getJson(jobsUrl(simulator))).status);
		}

		expect(statuses).toEqual([200, 500, 200, 429]);
	});

	it('are none by default: the flaky scenario still hits job GETs only', async () => {
		const simulator = await start({scenario: 'flaky', now: manualClock().now});
		simulator.goTo(5);
		const lists: number[] = [];
		const gets: number[] = [];
		for (let index = 0; index < 6; index++) {
			lists.push((await fetch(jobsUrl(simulator)).then(async response => [response.status, await response.arrayBuffer()] as const))[0]);
			gets.push(await fetch(`${jobsUrl(simulator)}/openmpi-hello`).then(async response => (await response.arrayBuffer(), response.status), () => 0));
		}

		expect(lists).toEqual([200, 200, 200, 200, 200, 200]);
		expect(gets.some(status => status !== 200)).toBe(true);
	});
});
