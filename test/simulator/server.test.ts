import {describe, expect, it} from 'vitest';
import {gatewayFault, statusFault, throttleFault} from '../../source/simulator/faults.js';
import {goDuration} from '../../source/simulator/cluster/job-template.js';
import {scenarioNames, scenarios, type Scenario} from '../../source/simulator/scenarios.js';
import {startSimulator} from '../../source/simulator/server.js';
import type {Simulator} from '../../source/simulator/simulator-types.js';
import {getJson, manualClock, simulatorsFor, type Json, type JsonResponse} from './http.js';

const running = {phase: 'Running', counters: {running: 3}, pods: {mpimaster: {Running: 1}, mpiworker: {Running: 2}}};

function custom(steps: Scenario['steps']): Scenario {
	return {name: 'custom', description: 'test', namespace: 'ns', jobName: 'job', steps};
}

const start = simulatorsFor({autoplay: false, backgroundWrites: false});

function jobUrl(simulator: Simulator, query = ''): string {
	const {namespace, jobName} = simulator.scenario;
	return `${simulator.url}/apis/batch.volcano.sh/v1alpha1/namespaces/${namespace}/jobs/${jobName}${query}`;
}

async function getJob(simulator: Simulator, init?: RequestInit): Promise<JsonResponse> {
	return getJson(jobUrl(simulator), init);
}

describe('job lifecycle', () => {
	it('answers 404 until the job is submitted, then serves it', async () => {
		const simulator = await start({scenario: 'demo'});
		const absent = await getJob(simulator);
		expect(absent.status).toBe(404);
		expect(absent.response.headers.get('content-type')).toBe('application/json');
		expect(absent.response.headers.get('x-request-id')).toMatch(/^[\da-f]{32}$/);
		expect(absent.body).toMatchObject({
			kind: 'Status',
			apiVersion: 'v1',
			status: 'Failure',
			reason: 'NotFound',
			code: 404,
			message: 'jobs.batch.volcano.sh "openmpi-hello" not found',
			details: {name: 'openmpi-hello', group: 'batch.volcano.sh', kind: 'jobs'},
		});

		simulator.advance();
		expect(simulator.stepIndex).toBe(1);
		const uninitialised = await getJob(simulator);
		expect(uninitialised.status).toBe(200);
		expect(uninitialised.body.status).toBeUndefined();
		expect(uninitialised.body.metadata).toMatchObject({
			name: 'openmpi-hello',
			namespace: 'cci-namespace-42263891',
			resourceVersion: '7681358',
		});
		expect(uninitialised.body.spec.tasks.map((task: Json) => [task.name, task.replicas])).toEqual([
			['mpimaster', 1],
			['mpiworker', 2],
		]);

		simulator.advance();
		const pending = await getJob(simulator);
		expect(pending.body.metadata.resourceVersion).toBe('7681359');
		expect(pending.body.metadata.uid).toBe(uninitialised.body.metadata.uid);
		expect(pending.body.status.state.phase).toBe('Pending');
		expect(pending.body.status.state.lastTransitionTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
		expect(pending.body.status.conditions).toHaveLength(1);
	});

	it('serves 404 for another name or namespace', async () => {
		const simulator = await start({scenario: 'static'});
		const response = await fetch(
			`${simulator.url}/apis/batch.volcano.sh/v1alpha1/namespaces/${simulator.scenario.namespace}/jobs/other`,
		);
		expect(response.status).toBe(404);
		expect(((await response.json()) as Json).message).toBe('jobs.batch.volcano.sh "other" not found');
		const elsewhere = await fetch(`${simulator.url}/apis/batch.volcano.sh/v1alpha1/namespaces/x/jobs/${simulator.scenario.jobName}`);
		expect(elsewhere.status).toBe(404);
	});

	it('bumps resourceVersion only when the content changes', async () => {
		const simulator = await start({
			scenario: custom([
				{holdMs: 1000, job: running},
				{holdMs: 1000, job: {...running}, faults: []},
				{holdMs: 1000, job: {phase: 'Running', counters: {running: 2, succeeded: 1}}},
			]),
		});
		const first = (await getJob(simulator)).body;
		const again = (await getJob(simulator)).body;
		expect(again).toEqual(first);

		simulator.advance();
		expect((await getJob(simulator)).body).toEqual(first);

		simulator.advance();
		const changed = (await getJob(simulator)).body;
		// Later, not next: the pods' writes came in between, on the same revision counter.
		expect(Number(changed.metadata.resourceVersion)).toBeGreaterThan(Number(first.metadata.resourceVersion) + 1);
		expect(changed.status.succeeded).toBe(1);
		// Same phase: no new condition.
		expect(changed.status.conditions).toHaveLength(1);
	});

	it('omits zero counters, empty task counts and zero retryCount/version', async () => {
		const simulator = await start({scenario: 'demo'});
		simulator.goTo(5);
		const status = (await getJob(simulator)).body.status as Json;
		expect(status).toMatchObject({running: 3, minAvailable: 3, state: {phase: 'Running'}});
		for (const key of ['pending', 'succeeded', 'failed', 'terminating', 'unknown', 'retryCount', 'version', 'runningDuration']) {
			expect(status).not.toHaveProperty(key);
		}

		expect(status.taskStatusCount).toEqual({mpimaster: {phase: {Running: 1}}, mpiworker: {phase: {Running: 2}}});
		expect(status.controlledResources).toEqual({'plugin-ssh': 'ssh', 'plugin-svc': 'svc'});

		simulator.goTo(simulator.scenario.steps.length - 1);
		const completed = (await getJob(simulator)).body.status as Json;
		expect(completed.state.phase).toBe('Completed');
		for (const key of ['pending', 'running', 'succeeded', 'failed', 'terminating', 'unknown', 'taskStatusCount']) {
			expect(completed).not.toHaveProperty(key);
		}

		expect(completed.runningDuration).toMatch(/^(\d+h)?(\d+m)?[\d.]+m?s$/);
		expect(completed.conditions.map((condition: Json) => condition.status)).toEqual(['Running', 'Completed']);
	});

	it('pretty-prints on request and ignores resourceVersion', async () => {
		const simulator = await start({scenario: 'static'});
		const text = await (await fetch(jobUrl(simulator, '?pretty=true&resourceVersion=0'))).text();
		expect(text).toContain('\n  "apiVersion": "batch.volcano.sh/v1alpha1"');
		const compact = await (await fetch(jobUrl(simulator, '?resourceVersion=1'))).text();
		expect(compact.trimEnd()).not.toContain('\n');
		expect(JSON.parse(compact)).toEqual(JSON.parse(text));
	});

	it('serves the seed document verbatim', async () => {
		const simulator = await start({scenario: 'seed'});
		const {body} = await getJob(simulator);
		expect(body.status).toEqual({minAvailable: 1, pending: 3, state: {phase: 'Inqueue'}});
		expect(body.metadata.resourceVersion).toBe('7681358');
		expect(body.spec.tasks[0].policies).toEqual([{action: 'CompleteJob', event: 'TaskCompleted'}]);
	});

	it('ends the fail scenario Failed with retryCount 3', async () => {
		const simulator = await start({scenario: 'fail'});
		simulator.goTo(simulator.scenario.steps.length - 1);
		const {status} = (await getJob(simulator)).body;
		expect(status).toMatchObject({state: {phase: 'Failed'}, retryCount: 3, failed: 1});
		expect(simulator.scenario.steps.some(step => step.job !== 'absent' && 'phase' in step.job && step.job.phase === 'Restarting')).toBe(
			true,
		);
	});

	it('plays the demo to Completed as its clock moves', async () => {
		// Moved by hand, a second at a time (no step is held shorter): every step is there to be seen.
		const clock = manualClock();
		const simulator = await start({scenario: 'demo', autoplay: true, now: clock.now});
		expect(Math.min(...simulator.scenario.steps.map(step => step.holdMs))).toBeGreaterThanOrEqual(1000);
		const seen = new Set<string>();
		for (let seconds = 0; seconds < 3600 && !seen.has('Completed'); seconds++) {
			const {status, body} = await getJob(simulator);
			seen.add(status === 404 ? 'absent' : ((body.status?.state?.phase as string | undefined) ?? ''));
			clock.advance(1000, simulator);
		}

		expect([...seen]).toEqual(expect.arrayContaining(['absent', 'Pending', 'Running', 'Completed']));
		expect(simulator.stepIndex).toBe(simulator.scenario.steps.length - 1);
	});

	it('starts a new incarnation when looping', async () => {
		const simulator = await start({scenario: 'static', loop: true});
		const first = (await getJob(simulator)).body;
		simulator.advance();
		expect(simulator.stepIndex).toBe(0);
		const second = (await getJob(simulator)).body;
		expect(second.metadata.uid).not.toBe(first.metadata.uid);
		expect(Number(second.metadata.resourceVersion)).toBeGreaterThan(Number(first.metadata.resourceVersion));
	});

	it('stays on the last step without loop', async () => {
		const simulator = await start({scenario: 'static'});
		simulator.advance();
		expect(simulator.stepIndex).toBe(0);
		expect(() => {
			simulator.goTo(1);
		}).toThrow(RangeError);
	});
});

describe('HTTP surface', () => {
	it('requires the token when one is set', async () => {
		const simulator = await start({scenario: 'static', token: 'secret'});
		const denied = await getJob(simulator);
		expect(denied.status).toBe(401);
		expect(denied.body).toMatchObject({kind: 'Status', reason: 'Unauthorized', code: 401});
		expect((await getJob(simulator, {headers: {'X-Auth-Token': 'wrong'}})).status).toBe(401);
		expect((await getJob(simulator, {headers: {'X-Auth-Token': 'secret'}})).status).toBe(200);
		expect(await (await fetch(`${simulator.url}/healthz`)).text()).toBe('ok');
	});

	it('requires basic auth when set, and records the credential each request carried', async () => {
		const simulator = await start({scenario: 'static', basicAuth: {username: 'bob', password: 'pw'}});
		const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;
		expect((await getJob(simulator)).status).toBe(401);
		expect((await getJob(simulator, {headers: {Authorization: basic('bob:wrong')}})).status).toBe(401);
		expect((await getJob(simulator, {headers: {Authorization: 'Bearer pw'}})).status).toBe(401);
		expect((await getJob(simulator, {headers: {Authorization: basic('bob:pw'), 'X-Auth-Token': 't1'}})).status).toBe(200);
		expect(simulator.requests.map(({status, authorization, authToken}) => ({status, authorization, authToken}))).toEqual([
			{status: 401, authorization: undefined, authToken: undefined},
			{status: 401, authorization: basic('bob:wrong'), authToken: undefined},
			{status: 401, authorization: 'Bearer pw', authToken: undefined},
			{status: 200, authorization: basic('bob:pw'), authToken: 't1'},
		]);
	});

	it('answers unknown paths like the API gateway', async () => {
		const simulator = await start({scenario: 'static'});
		const response = await fetch(`${simulator.url}/api/v1/namespaces`);
		expect(response.status).toBe(404);
		const body = (await response.json()) as Json;
		expect(body).toMatchObject({
			error_code: 'APIGW.0101',
			error_msg: 'The API does not exist or has not been published in the environment',
		});
		expect(body.request_id).toBe(response.headers.get('x-request-id'));
	});

	it('refuses other methods on the job with 405 (DELETE is served: test/simulator/actions.test.ts)', async () => {
		const simulator = await start({scenario: 'static'});
		const response = await fetch(jobUrl(simulator), {method: 'PATCH'});
		expect(response.status).toBe(405);
		expect(await response.json()).toMatchObject({kind: 'Status', reason: 'MethodNotAllowed', code: 405});
	});

	it('serves discovery', async () => {
		const simulator = await start({scenario: 'static'});
		const body = (await (await fetch(`${simulator.url}/apis/batch.volcano.sh/v1alpha1`)).json()) as Json;
		expect(body).toMatchObject({kind: 'APIResourceList', groupVersion: 'batch.volcano.sh/v1alpha1'});
		expect(body.resources[0]).toMatchObject({name: 'jobs', kind: 'Job', namespaced: true});
	});

	it('records requests', async () => {
		const simulator = await start({scenario: 'static'});
		await getJob(simulator);
		await fetch(`${simulator.url}/nope`);
		expect(simulator.requestCount).toBe(2);
		expect(simulator.requests.map(({method, status}) => [method, status])).toEqual([
			['GET', 200],
			['GET', 404],
		]);
		expect(simulator.requests[1]!.path).toBe('/nope');
	});

	it('rejects an unknown scenario name', async () => {
		await expect(startSimulator({scenario: 'nope'})).rejects.toThrow(/demo/);
		await expect(startSimulator({scenario: 'constructor'})).rejects.toThrow(/Unknown scenario/);
		expect(scenarios['toString']).toBeUndefined();
		expect(scenarioNames).toEqual(['demo', 'fail', 'flaky', 'static', 'seed', 'unschedulable', 'image-pull', 'recreate', 'namespace', 'idle', 'quiet', 'empty']);
	});
});

describe('faults', () => {
	it('serves Status faults with headers and the throttle hint', async () => {
		const simulator = await start({scenario: 'static'});
		simulator.injectFaults(throttleFault(1), statusFault(403, {errorCode: 'CCI.02.403101'}));
		const throttled = await getJob(simulator);
		expect(throttled.status).toBe(429);
		expect(throttled.response.headers.get('retry-after')).toBe('1');
		expect(throttled.body).toMatchObject({reason: 'TooManyRequests', code: 429, details: {retryAfterSeconds: 1}});
		const forbidden = await getJob(simulator);
		expect(forbidden.body).toMatchObject({reason: 'Forbidden', code: 403, errorCode: 'CCI.02.403101'});
		expect((await getJob(simulator)).status).toBe(200);
	});

	it('echoes the request id in gateway bodies', async () => {
		const simulator = await start({scenario: 'static'});
		simulator.injectFaults(gatewayFault(429, 'APIGW.0308', 'The throttling threshold has been reached'));
		const {status, body, response} = await getJob(simulator);
		expect(status).toBe(429);
		expect(body.error_code).toBe('APIGW.0308');
		expect(body.request_id).toBe(response.headers.get('x-request-id'));
	});

	it('resets the connection', async () => {
		const simulator = await start({scenario: 'static'});
		simulator.injectFaults({kind: 'reset'});
		await expect(fetch(jobUrl(simulator))).rejects.toThrow('fetch failed');
		expect(simulator.requests.at(-1)!.status).toBe(0);
		expect((await getJob(simulator)).status).toBe(200);
	});

	it('truncates the body', async () => {
		const simulator = await start({scenario: 'static'});
		simulator.injectFaults({kind: 'truncated'});
		await expect(
			(async () => {
				const response = await fetch(jobUrl(simulator));
				JSON.parse(await response.text());
			})(),
		).rejects.toThrow('terminated');
	});

	it('sends a proxy HTML page', async () => {
		const simulator = await start({scenario: 'static'});
		simulator.injectFaults({kind: 'html', status: 502});
		const response = await fetch(jobUrl(simulator));
		expect(response.status).toBe(502);
		expect(response.headers.get('content-type')).toBe('text/html');
		expect(await response.text()).toContain('<h1>502 Bad Gateway</h1>');
	});

	it('hangs until the client gives up, and close() still returns', async () => {
		const simulator = await start({scenario: 'static'});
		simulator.injectFaults({kind: 'hang'});
		await expect(fetch(jobUrl(simulator), {signal: AbortSignal.timeout(100)})).rejects.toMatchObject({name: 'TimeoutError'});
		simulator.injectFaults({kind: 'hang'});
		const pending = fetch(jobUrl(simulator)).catch(() => 'released');
		// Closed while the request hangs there, not before it came.
		const asked = simulator.requestCount + 1;
		const deadline = Date.now() + 5000;
		while (simulator.requestCount < asked) {
			if (Date.now() > deadline) throw new Error('gave up after 5000 ms waiting for the request to reach the server');
			await new Promise(resolve => setTimeout(resolve, 10));
		}

		await simulator.close();
		expect(await pending).toBe('released');
	});

	it('sends empty, garbage, delayed and huge bodies', async () => {
		const simulator = await start({scenario: 'static'});
		simulator.injectFaults({kind: 'empty', status: 503}, {kind: 'garbage'}, {kind: 'delay', ms: 80}, {kind: 'huge', bytes: 300_000});

		const empty = await fetch(jobUrl(simulator));
		expect([empty.status, await empty.text()]).toEqual([503, '']);

		const garbage = await fetch(jobUrl(simulator));
		expect(garbage.headers.get('content-type')).toBe('application/json');
		const garbageText = await garbage.text();
		expect(() => JSON.parse(garbageText)).toThrow(SyntaxError);

		const started = Date.now();
		expect((await getJob(simulator)).status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(70);

		const huge = await (await fetch(jobUrl(simulator))).text();
		expect(Buffer.byteLength(huge)).toBe(300_000);
		expect((JSON.parse(huge) as Json).kind).toBe('Job');
	});

	it("rotates a step's faults between normal answers", async () => {
		const simulator = await start({
			scenario: custom([{holdMs: 1000, job: running, faults: [statusFault(500), statusFault(503)]}]),
		});
		const statuses: number[] = [];
		for (let index = 0; index < 6; index++) {
			const response = await fetch(jobUrl(simulator));
			await response.arrayBuffer();
			statuses.push(response.status);
		}

		expect(statuses).toEqual([200, 500, 200, 503, 200, 500]);
	});

	it('gives flaky every fault it promises', () => {
		const faults = scenarios.flaky!.steps.flatMap(step => step.faults ?? []);
		const statuses = faults.map(fault => ('status' in fault ? fault.status : fault.kind));
		expect(statuses).toEqual(expect.arrayContaining([429, 500, 502, 503, 'reset']));
		expect(faults.some(fault => fault.kind === 'status' && JSON.stringify(fault.body).includes('APIGW.0308'))).toBe(true);
	});
});

describe('goDuration', () => {
	it('formats like Go', () => {
		expect(goDuration(0)).toBe('0s');
		expect(goDuration(250)).toBe('250ms');
		expect(goDuration(45_120)).toBe('45.12s');
		expect(goDuration(61_000)).toBe('1m1s');
		expect(goDuration(3_600_000)).toBe('1h0m0s');
	});
});
