import {describe, expect, it} from 'vitest';
import {createApiClient} from '../../source/api/client.js';
import type {Simulator} from '../../source/simulator/index.js';
import {createLogFollower, type LogFollower, type LogFollowerOptions, type LogFollowState} from '../../source/watch/log-follower.js';
import {manualSleep} from '../helpers/fakes/fake-time.js';
import {httpServersFor} from '../helpers/servers/http-server.js';
import {simulatorsFor} from '../simulator/http.js';
import {eventually, sleep} from '../helpers/waits.js';

const followers: LogFollower[] = [];
// Followers stop before the simulators close, so no close waits on a stream still open.
const start = simulatorsFor({autoplay: false, backgroundWrites: false}, () => {
	for (const follower of followers.splice(0)) follower.stop();
});
const serve = httpServersFor();
const demoRunning = 5;
const demoMasterDone = 6;
const master = 'openmpi-hello-mpimaster-0';

/** Notifications batched by hand: a scheduled one runs when the test says. */
function manualSchedule() {
	const due: Array<() => void> = [];
	return {
		schedule(run: () => void) {
			due.push(run);
			return () => {
				due.splice(due.indexOf(run), 1);
			};
		},
		get pending() {
			return due.length;
		},
		runAll() {
			for (const run of due.splice(0)) run();
		},
	};
}

/** The demo with every pod running for `ms` of real time at speed 100 (a line every 4–26 ms). */
async function running(ms = 200): Promise<Simulator> {
	const simulator = await start({scenario: 'demo', speed: 100});
	simulator.goTo(demoRunning);
	await sleep(ms);
	return simulator;
}

function follow(simulator: Simulator, options: Partial<LogFollowerOptions> = {}) {
	const notified: LogFollowState[] = [];
	const follower = createLogFollower({
		api: createApiClient({server: simulator.url, timeoutMs: 5000}),
		namespace: simulator.scenario.namespace,
		pod: master,
		container: 'mpimaster',
		...options,
	});
	followers.push(follower);
	follower.subscribe(state => notified.push(state));
	return {follower, notified, state: () => follower.getState()};
}

const logRequests = (simulator: Simulator) => simulator.requests.filter(request => request.path.includes('/log?'));

async function plainLog(simulator: Simulator, pod = master): Promise<string[]> {
	const response = await fetch(`${simulator.url}/api/v1/namespaces/${simulator.scenario.namespace}/pods/${pod}/log`);
	return (await response.text()).split('\n').slice(0, -1);
}

/** `lines` occur in `log` one after the other: in order, nothing twice, nothing skipped. */
function expectRunOf(log: readonly string[], lines: readonly string[]): void {
	const at = log.indexOf(lines[0]!);
	expect(at, `${lines[0]} in the log`).toBeGreaterThanOrEqual(0);
	expect(log.slice(at, at + lines.length)).toEqual(lines);
}

describe('a followed log', () => {
	it('connects, then follows: the tail, then lines as they are written, the oldest dropped past maxLines', async () => {
		const simulator = await running();
		const {state} = follow(simulator, {tailLines: 3, maxLines: 8});
		expect(state()).toEqual({pod: master, container: 'mpimaster', status: 'connecting', lines: []});
		await eventually(() => state().status === 'following' && state().lines.length === 8, 'eight lines');
		const shown = state().lines;
		expectRunOf(await plainLog(simulator), shown);
		expect(logRequests(simulator).map(request => request.path)).toEqual([
			`/api/v1/namespaces/${simulator.scenario.namespace}/pods/${master}/log?container=mpimaster&follow=true&tailLines=3&timestamps=true`,
		]);
		await eventually(() => state().lines[0] !== shown[0], 'the oldest line to go');
		expect(state().lines).toHaveLength(8);
	});

	it('ends with a note when the container stops, and asks no more', async () => {
		const simulator = await running();
		const {state} = follow(simulator, {tailLines: 2});
		await eventually(() => state().status === 'following', 'the stream to open');
		simulator.goTo(demoMasterDone);
		await eventually(() => state().status === 'ended', 'the end');
		expect(state().note).toBe('the container stopped; its log ends here');
		expect(state().lines.at(-1)).toBe('mpiexec: all 2 processes exited normally');
		expect(simulator.openLogs).toBe(0);
		expect(logRequests(simulator)).toHaveLength(1);
	});

	it('is unavailable, once, for a 403 on pods/log and for a pod that is gone', async () => {
		const forbidden = await start({scenario: 'demo', speed: 100, forbidden: ['pods/log']});
		forbidden.goTo(demoRunning);
		const waits: number[] = [];
		const {sleep: noSleep} = manualSleep(ms => waits.push(ms));
		const refused = follow(forbidden, {sleep: noSleep});
		await eventually(() => refused.state().status === 'unavailable', 'the refusal');
		expect(refused.state()).toEqual({pod: master, container: 'mpimaster', status: 'unavailable', lines: [], note: `no permission to read logs in ${forbidden.scenario.namespace}`});
		const simulator = await running(0);
		const gone = follow(simulator, {pod: 'openmpi-hello-mpimaster-7', sleep: noSleep});
		await eventually(() => gone.state().status === 'unavailable', 'the 404');
		expect(gone.state().note).toBe('the pod is gone');
		expect(waits).toEqual([]);
		expect(logRequests(forbidden)).toHaveLength(1);
		expect(logRequests(simulator)).toHaveLength(1);
	});

	it('says what failed and when it tries again, then does', async () => {
		const simulator = await start({scenario: 'demo', speed: 1});
		simulator.goTo(4);
		const waits = manualSleep();
		const {state} = follow(simulator, {pod: 'openmpi-hello-mpiworker-0', container: 'mpiworker', sleep: waits.sleep});
		await eventually(() => state().status === 'error', 'the error');
		expect(state().note).toMatch(/^400 BadRequest: container "mpiworker" in pod "openmpi-hello-mpiworker-0" is waiting to start: ContainerCreating.*; retrying in 2s$/);
		expect(waits.sleeping()).toBe(2000);
		expect(logRequests(simulator)).toHaveLength(1);
		simulator.goTo(demoRunning);
		expect(waits.end()).toBe(true);
		await eventually(() => state().status === 'following' && state().lines.length > 0, 'the log');
		expect(state().note).toBeUndefined();
		expect(logRequests(simulator)).toHaveLength(2);
	});

	it('reopens a stream cut short from where it was: nothing twice, nothing missed', async () => {
		const simulator = await running(1200);
		const {state} = follow(simulator, {tailLines: 5});
		await eventually(() => state().lines.length >= 15, 'fifteen lines');
		simulator.dropLogs();
		const before = state().lines.length;
		await eventually(() => logRequests(simulator).length === 2 && state().lines.length >= before + 15, 'lines after the cut');
		expect(state().status).toBe('following');
		const shown = state().lines;
		expectRunOf(await plainLog(simulator), shown);
		const reopened = new URL(logRequests(simulator)[1]!.path, simulator.url).searchParams;
		expect(reopened.get('sinceTime')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
		expect(reopened.get('tailLines')).toBe('1000');
	});

	it('holds the lines while paused, and shows what came meanwhile on resume', async () => {
		const simulator = await running();
		const {follower, state} = follow(simulator, {tailLines: 3});
		await eventually(() => state().lines.length >= 3, 'the tail');
		follower.setPaused(true);
		const held = state().lines;
		expect(state().status).toBe('paused');
		await eventually(() => /^\d+ new lines$/.test(state().note ?? ''), 'lines to come while paused');
		expect(state().lines).toEqual(held);
		follower.setPaused(false);
		expect(state().status).toBe('following');
		expect(state().note).toBeUndefined();
		expect(state().lines.length).toBeGreaterThan(held.length);
		expect(state().lines.slice(0, held.length)).toEqual(held);
		expectRunOf(await plainLog(simulator), state().lines);
	});

	it('keeps at most maxLines of what comes while paused', async () => {
		const simulator = await running();
		const {follower, state} = follow(simulator, {tailLines: 0, maxLines: 4});
		await eventually(() => state().status === 'following', 'the stream to open');
		follower.setPaused(true);
		await eventually(() => /^\d+ new lines, the last 4 kept$/.test(state().note ?? ''), 'more lines than kept');
		follower.setPaused(false);
		expect(state().lines).toHaveLength(4);
		expectRunOf(await plainLog(simulator), state().lines);
	});

	it('tells its listeners once per burst of lines', async () => {
		const simulator = await running();
		const timer = manualSchedule();
		const {notified, state} = follow(simulator, {tailLines: 0, now: () => 0, schedule: timer.schedule});
		await eventually(() => state().lines.length >= 10, 'ten lines');
		// The first change was told at once; everything since waits for the one notification scheduled.
		expect(notified).toHaveLength(1);
		expect(timer.pending).toBe(1);
		timer.runAll();
		expect(notified).toHaveLength(2);
		expect(notified[1]!.lines.length).toBeGreaterThanOrEqual(10);
		await eventually(() => timer.pending === 1, 'the next burst');
		timer.runAll();
		expect(notified).toHaveLength(3);
		expect(notified.at(-1)).toBe(state());
	});

	it('stop() closes the stream; no request and no notification after it, not even from a backoff', async () => {
		const simulator = await running();
		const {follower, notified, state} = follow(simulator);
		await eventually(() => state().status === 'following', 'the stream to open');
		follower.stop();
		await eventually(() => simulator.openLogs === 0, 'the stream to close');
		const told = notified.length;
		const asked = simulator.requestCount;
		await sleep(200);
		expect(simulator.requestCount).toBe(asked);
		expect(notified).toHaveLength(told);

		const pending = await start({scenario: 'demo', speed: 1});
		pending.goTo(4);
		const waits = manualSleep();
		const waiting = follow(pending, {pod: 'openmpi-hello-mpiworker-0', container: 'mpiworker', sleep: waits.sleep});
		await eventually(() => waiting.state().status === 'error', 'the error');
		waiting.follower.stop();
		expect(waits.sleeping()).toBe(2000);
		await sleep(50);
		expect(logRequests(pending)).toHaveLength(1);
	});

	it('asks again at once when no headers come in time: a container that has written nothing sends none', async () => {
		const {url, requests} = await serve(() => {
			// Nothing: as the kubelet does for a follow of a container that has not written yet.
		});
		const waits = manualSleep();
		const follower = createLogFollower({
			api: createApiClient({server: url, timeoutMs: 50}),
			namespace: 'ns',
			pod: 'p',
			container: 'c',
			sleep: waits.sleep,
		});
		followers.push(follower);
		await eventually(() => requests.length >= 3, 'three requests');
		expect(follower.getState()).toMatchObject({status: 'connecting', note: expect.stringMatching(/^no answer from 127\.0\.0\.1:\d+ within 0\.05s; asking again$/)});
		expect(waits.sleeping()).toBeUndefined();
		follower.stop();
	});
});
