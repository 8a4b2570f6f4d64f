import {describe, expect, it} from 'vitest';
import type {Simulator} from '../../../source/simulator/simulator-types.js';
import {megabyteLine} from '../../../source/simulator/cluster/pods/pod-log.js';
import {getJson, simulatorsFor, type Json} from '../http.js';
import {sleep} from '../../helpers/waits.js';

// The fail scenario's three failures, read over HTTP: steps 0–3 the OOM-killed worker, 4 Restarting, 5–8 the
// master's ValueError, 9 Restarting, 10–13 the master's SIGTERM, 14 Restarting, 15 Failed.
const start = simulatorsFor({autoplay: false, backgroundWrites: false});
const master = 'openmpi-crash-mpimaster-0';

function podPath(simulator: Simulator, name = ''): string {
	return `${simulator.url}/api/v1/namespaces/${simulator.scenario.namespace}/pods${name ? `/${name}` : ''}`;
}

async function pod(simulator: Simulator, name: string): Promise<Json> {
	const {status, body} = await getJson(podPath(simulator, name));
	expect(status).toBe(200);
	return body;
}

async function pods(simulator: Simulator): Promise<Json[]> {
	return (await getJson(podPath(simulator))).body.items as Json[];
}

async function job(simulator: Simulator): Promise<Json> {
	const {namespace, jobName} = simulator.scenario;
	return (await getJson(`${simulator.url}/apis/batch.volcano.sh/v1alpha1/namespaces/${namespace}/jobs/${jobName}`)).body;
}

async function log(simulator: Simulator, name: string, query = ''): Promise<{status: number; text: string}> {
	const response = await fetch(`${podPath(simulator, name)}/log${query}`);
	return {status: response.status, text: await response.text()};
}

/** Plays steps from..to, holding each `holdMs` of real time (speed 100: a log line every 4–26 ms). */
async function play(simulator: Simulator, from: number, to: number, holdMs = 0): Promise<void> {
	for (let step = from; step <= to; step++) {
		simulator.goTo(step);
		if (holdMs > 0) await sleep(holdMs);
	}
}

const terminatedKeys = ['containerID', 'exitCode', 'finishedAt', 'reason', 'startedAt'];

describe('fail scenario', () => {
	it('second attempt: the master (restartPolicy Never) fails with exit 1, a termination message and a traceback', async () => {
		const simulator = await start({scenario: 'fail', speed: 100});
		await play(simulator, 5, 7, 150);
		simulator.goTo(8);
		const failed = await pod(simulator, master);
		expect(failed.spec.restartPolicy).toBe('Never');
		expect(failed.status.phase).toBe('Failed');
		const status = failed.status.containerStatuses[0] as Json;
		expect(status.restartCount).toBe(0);
		expect(status.lastState).toEqual({});
		const terminated = status.state.terminated as Json;
		expect(Object.keys(terminated).sort()).toEqual([...terminatedKeys, 'message'].sort());
		expect(terminated).toMatchObject({exitCode: 1, reason: 'Error', message: 'ValueError: loss is nan; lower the learning rate\n', containerID: status.containerID});
		expect(Date.parse(terminated.finishedAt as string)).toBeGreaterThanOrEqual(Date.parse(terminated.startedAt as string));
		// Volcano's policies: the job-level one plus the master's own PodFailed → RestartJob.
		expect((await job(simulator)).spec.tasks[0].policies).toEqual([
			{event: 'TaskCompleted', action: 'CompleteJob'},
			{event: 'PodFailed', action: 'RestartJob'},
		]);

		const current = await log(simulator, master);
		expect(current.status).toBe(200);
		const lines = current.text.split('\n');
		expect(lines.at(-1)).toBe('');
		expect(lines.slice(-9, -1)).toEqual([
			'Traceback (most recent call last):',
			'  File "/workspace/train.py", line 214, in <module>',
			'    main()',
			'  File "/workspace/train.py", line 198, in main',
			'    loss = train_step(model, batch)',
			'  File "/workspace/train.py", line 121, in train_step',
			'    raise ValueError(f"loss is {loss}; lower the learning rate")',
			'ValueError: loss is nan; lower the learning rate',
		]);
		// What the log holds for a client to defuse: a screen clear, a clipboard write, a bidi override, 1 MiB in one line.
		expect(lines[0]).toMatch(/^\u001B\[2J\u001B\[H/);
		expect(lines[1]).toMatch(/^\u001B\]52;c;[A-Za-z\d+/=]+\u001B\\/);
		expect(current.text).toContain('\u202E');
		const long = lines.filter(line => line.length > 10_000);
		expect(long).toHaveLength(1);
		expect(Buffer.byteLength(long[0]!)).toBe(1_048_576);
		expect(long[0]).toBe(megabyteLine);
		expect((await log(simulator, master)).text).toBe(current.text);
		expect(await log(simulator, master, '?previous=true')).toMatchObject({status: 400});
		expect((await log(simulator, master, '?tailLines=1')).text).toBe('ValueError: loss is nan; lower the learning rate\n');
	});

	it('RestartJob deletes the pods, failed one included, and creates them again: same names, new uids, retryCount 2', async () => {
		const simulator = await start({scenario: 'fail'});
		await play(simulator, 5, 8);
		const before = await pods(simulator);
		expect(before.map(item => [item.metadata.name, item.status.phase])).toEqual([
			[master, 'Failed'],
			['openmpi-crash-mpiworker-0', 'Running'],
			['openmpi-crash-mpiworker-1', 'Running'],
		]);
		simulator.goTo(9);
		const restarting = await pods(simulator);
		expect(restarting.map(item => item.metadata.uid)).toEqual(before.map(item => item.metadata.uid));
		expect(restarting.every(item => typeof item.metadata.deletionTimestamp === 'string')).toBe(true);
		expect((await job(simulator)).status).toMatchObject({state: {phase: 'Restarting'}, retryCount: 2, version: 3});
		simulator.goTo(10);
		expect(await pods(simulator)).toEqual([]);
		await play(simulator, 11, 12);
		const after = await pods(simulator);
		expect(after.map(item => item.metadata.name)).toEqual(before.map(item => item.metadata.name));
		const old = new Set(before.map(item => item.metadata.uid as string));
		expect(after.filter(item => old.has(item.metadata.uid as string))).toEqual([]);
		for (const item of after) {
			expect(item.metadata.annotations).toMatchObject({'volcano.sh/job-retry-count': '2', 'volcano.sh/job-version': '4'});
			expect(item.status.phase).toBe('Running');
		}

		expect((await job(simulator)).status).toMatchObject({state: {phase: 'Running'}, retryCount: 2, version: 4});
	});

	it('third attempt: the master is stopped by SIGTERM (143, reason Error) and says so last', async () => {
		const simulator = await start({scenario: 'fail', speed: 100});
		await play(simulator, 10, 12, 100);
		simulator.goTo(13);
		const failed = await pod(simulator, master);
		expect(failed.status.phase).toBe('Failed');
		const terminated = failed.status.containerStatuses[0].state.terminated as Json;
		expect(Object.keys(terminated).sort()).toEqual(terminatedKeys);
		expect(terminated).toMatchObject({exitCode: 143, reason: 'Error'});
		const {status, text} = await log(simulator, master);
		expect(status).toBe(200);
		expect(text).toMatch(/^INFO:train:world size 3/);
		expect(text).toMatch(/\nINFO:train:received SIGTERM, exiting\n$/);
		expect(text).not.toContain('\u001B');
		// Kept through the last restart and the job's end.
		await play(simulator, 14, 15);
		expect((await pods(simulator)).map(item => item.metadata.name)).toEqual([master]);
		expect((await job(simulator)).status).toMatchObject({state: {phase: 'Failed'}, retryCount: 3, failed: 1});
		expect((await log(simulator, master)).text).toBe(text);
	});

	it('first attempt: the OOM-killed runs end without last words; previous=true reads one of them', async () => {
		const simulator = await start({scenario: 'fail', speed: 100});
		simulator.goTo(2);
		const worker = 'openmpi-crash-mpiworker-0';
		const deadline = Date.now() + 3000;
		let status = (await pod(simulator, worker)).status.containerStatuses[0] as Json;
		while ((status.restartCount as number) < 2 && Date.now() < deadline) {
			await sleep(20);
			status = (await pod(simulator, worker)).status.containerStatuses[0] as Json;
		}

		expect(status.lastState.terminated).toMatchObject({exitCode: 137, reason: 'OOMKilled'});
		expect(status.lastState.terminated.message).toBeUndefined();
		const previous = await log(simulator, worker, '?previous=true');
		expect(previous.status).toBe(200);
		const lines = previous.text.trimEnd().split('\n');
		expect(lines[0]).toBe('Server listening on 0.0.0.0 port 22.');
		// Every line is the program's own: SIGKILL left it no chance to say anything.
		for (const line of lines) expect(line).toMatch(/^(Server listening|Accepted publickey|orted\[\d+\]: rank heartbeat)/);
		simulator.goTo(3);
		const failed = (await pod(simulator, worker)).status.containerStatuses[0] as Json;
		expect(failed.state.terminated).toMatchObject({exitCode: 137, reason: 'OOMKilled'});
		expect((await log(simulator, worker)).text).not.toMatch(/mpiexec|signal/i);
	});
});
