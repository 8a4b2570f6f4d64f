import {describe, expect, it} from 'vitest';
import type {Scenario} from '../../../source/simulator/index.js';
import type {Simulator} from '../../../source/simulator/simulator-types.js';
import {seedJob} from '../../../source/simulator/cluster/seed-job.js';
import {simulatorsFor, type Json} from '../http.js';
import {sleep} from '../../helpers/waits.js';

const start = simulatorsFor({autoplay: false, backgroundWrites: false});
const demoRunning = 5;
const demoMasterDone = 6;
const failCrashLooping = 2;

function logPath(simulator: Simulator, pod: string, query = ''): string {
	return `${simulator.url}/api/v1/namespaces/${simulator.scenario.namespace}/pods/${pod}/log${query}`;
}

async function log(simulator: Simulator, pod: string, query = ''): Promise<{status: number; type: string | null; text: string}> {
	const response = await fetch(logPath(simulator, pod, query));
	return {status: response.status, type: response.headers.get('content-type'), text: await response.text()};
}

async function refusal(simulator: Simulator, pod: string, query = ''): Promise<{status: number; body: Json}> {
	const response = await fetch(logPath(simulator, pod, query));
	return {status: response.status, body: (await response.json()) as Json};
}

function badRequest(message: string): Json {
	return {kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'BadRequest', code: 400};
}

// The seed job with a sidecar in the master's pods, running.
const twoContainers: Scenario = (() => {
	const job = structuredClone(seedJob.verbatim) as Json;
	job.spec.tasks[0].template.spec.containers.push({name: 'log-agent', image: 'fluent-bit:3.1', resources: {}});
	job.status = {state: {phase: 'Running'}, running: 3, taskStatusCount: {mpimaster: {phase: {Running: 1}}, mpiworker: {phase: {Running: 2}}}};
	return {name: 'sidecar', description: 'a pod with two containers', namespace: job.metadata.namespace, jobName: job.metadata.name, steps: [{holdMs: 60_000, job: {verbatim: job}}]};
})();

/** The demo with every pod running for `ms` of real time at speed 100 (a line every 4–26 ms). */
async function running(ms = 300): Promise<Simulator> {
	const simulator = await start({scenario: 'demo', speed: 100});
	simulator.goTo(demoRunning);
	await sleep(ms);
	return simulator;
}

describe('pod logs', () => {
	it('answers text/plain with the container’s lines, the same at each read', async () => {
		const simulator = await running();
		const first = await log(simulator, 'openmpi-hello-mpimaster-0');
		expect(first.status).toBe(200);
		expect(first.type).toBe('text/plain');
		expect(first.text).toMatch(/^Server listening on 0\.0\.0\.0 port 22\.\n/);
		expect(first.text).toContain('Hello world from processor openmpi-hello-mpiworker-0, rank 0 out of 2 processors\n');
		const again = await log(simulator, 'openmpi-hello-mpimaster-0');
		expect(again.text.startsWith(first.text)).toBe(true);
		const worker = await log(simulator, 'openmpi-hello-mpiworker-1');
		expect(worker.text).toMatch(/^Server listening on 0\.0\.0\.0 port 22\.\nServer listening on :: port 22\.\n/);
	});

	it('answers 404 with the Status for a pod that does not exist', async () => {
		const simulator = await running(0);
		expect(await refusal(simulator, 'nope')).toEqual({
			status: 404,
			body: {kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'pods "nope" not found', reason: 'NotFound', details: {name: 'nope', kind: 'pods'}, code: 404},
		});
	});

	it('wants a container named when the pod has more than one, and a valid one', async () => {
		const simulator = await start({scenario: twoContainers, speed: 100});
		const pod = 'openmpi-hello-3-com-mpimaster-0';
		expect(await refusal(simulator, pod)).toEqual({
			status: 400,
			body: badRequest(`a container name must be specified for pod ${pod}, choose one of: [mpimaster log-agent]`),
		});
		expect(await refusal(simulator, pod, '?container=sidecar')).toEqual({status: 400, body: badRequest(`container sidecar is not valid for pod ${pod}`)});
		expect(await refusal(simulator, 'openmpi-hello-3-com-mpiworker-0', '?container=mpimaster')).toEqual({
			status: 400,
			body: badRequest('container mpimaster is not valid for pod openmpi-hello-3-com-mpiworker-0'),
		});
		await sleep(100);
		const agent = await log(simulator, pod, '?container=log-agent');
		expect(agent.status).toBe(200);
		expect(agent.text.length).toBeGreaterThan(0);
		expect((await log(simulator, 'openmpi-hello-3-com-mpiworker-0')).status).toBe(200);
	});

	it('keeps the last tailLines lines', async () => {
		const simulator = await running();
		const tail = (await log(simulator, 'openmpi-hello-mpimaster-0', '?tailLines=3&timestamps=true')).text.split('\n').slice(0, -1);
		const all = (await log(simulator, 'openmpi-hello-mpimaster-0', '?timestamps=true')).text.split('\n').slice(0, -1);
		expect(all.length).toBeGreaterThan(6);
		expect(tail).toHaveLength(3);
		// Read first, so the full log, read later, may have grown past it.
		const at = all.indexOf(tail[0]!);
		expect(at).toBeGreaterThan(2);
		expect(all.slice(at, at + 3)).toEqual(tail);
		expect((await log(simulator, 'openmpi-hello-mpimaster-0', '?tailLines=0')).text).toBe('');
	});

	it('stops after limitBytes, mid-line, timestamps counted', async () => {
		const simulator = await running();
		const cut = await log(simulator, 'openmpi-hello-mpimaster-0', '?limitBytes=30');
		expect(cut.text).toBe('Server listening on 0.0.0.0 po');
		const stamped = await log(simulator, 'openmpi-hello-mpimaster-0', '?limitBytes=45&timestamps=true');
		expect(Buffer.byteLength(stamped.text)).toBe(45);
		expect(stamped.text).not.toContain('\n');
	});

	it('prefixes each line with its RFC3339Nano time with timestamps=true, and sinceSeconds keeps the recent ones', async () => {
		const simulator = await running();
		const {text} = await log(simulator, 'openmpi-hello-mpiworker-0', '?timestamps=true');
		const lines = text.split('\n').slice(0, -1);
		for (const line of lines) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{0,8}[1-9])?Z \S/);
		const times = lines.map(line => Date.parse(line.slice(0, line.indexOf(' '))));
		expect(times).toEqual([...times].sort((a, b) => a - b));
		expect(Math.abs(times.at(-1)! - Date.now())).toBeLessThan(2000);

		await sleep(1100);
		// Lines written in the last second: the ones from before the sleep are gone.
		const recent = (await log(simulator, 'openmpi-hello-mpiworker-0', '?timestamps=true&sinceSeconds=1')).text.split('\n').slice(0, -1);
		const since = Date.now() - 1000;
		expect(recent.length).toBeGreaterThan(0);
		for (const line of recent) expect(Date.parse(line.slice(0, line.indexOf(' ')))).toBeGreaterThanOrEqual(since - 100);
		expect(recent.some(line => lines.includes(line))).toBe(false);
	});

	it('answers previous=true with the run before the current one, or the kubelet’s 400 when there was none', async () => {
		const simulator = await start({scenario: 'fail', speed: 100});
		simulator.goTo(failCrashLooping);
		// No run before the first one: asked of the master (restartPolicy Never), not of the crash-looping worker,
		// whose first run may already have ended when the request comes (a restart every 25 ms at this speed).
		expect(await refusal(simulator, 'openmpi-crash-mpimaster-0', '?previous=true')).toEqual({
			status: 400,
			body: badRequest('previous terminated container "mpimaster" in pod "openmpi-crash-mpimaster-0" not found'),
		});
		// 2.5 s between restarts at speed 100: 25 ms, 40 % of it in back-off, when the current log is the last run's.
		await sleep(120);
		const deadline = Date.now() + 3000;
		let previous = await log(simulator, 'openmpi-crash-mpiworker-0', '?previous=true&timestamps=true');
		let current = await log(simulator, 'openmpi-crash-mpiworker-0', '?timestamps=true');
		while ((previous.text === current.text || current.text === '') && Date.now() < deadline) {
			previous = await log(simulator, 'openmpi-crash-mpiworker-0', '?previous=true&timestamps=true');
			current = await log(simulator, 'openmpi-crash-mpiworker-0', '?timestamps=true');
		}

		expect(previous.status).toBe(200);
		expect(current.status).toBe(200);
		expect(previous.text).toMatch(/^\S+ Server listening on 0\.0\.0\.0 port 22\./);
		expect(current.text).toMatch(/^\S+ Server listening on 0\.0\.0\.0 port 22\./);
		const startOf = (text: string) => Date.parse(text.slice(0, text.indexOf(' ')));
		expect(startOf(previous.text)).toBeLessThan(startOf(current.text));
		// A healthy pod has no previous run.
		expect((await refusal(simulator, 'openmpi-crash-mpiworker-1', '?previous=1')).status).toBe(400);
	});

	it('follows: new lines arrive in chunks as they are written, and the stream ends with the container', async () => {
		const simulator = await running(50);
		const response = await fetch(logPath(simulator, 'openmpi-hello-mpimaster-0', '?follow=true&timestamps=true'));
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('text/plain');
		expect(response.headers.get('transfer-encoding')).toBe('chunked');
		const reader = response.body!.getReader();
		const chunks: string[] = [];
		const decoder = new TextDecoder();
		const deadline = Date.now() + 3000;
		while (chunks.join('').split('\n').length < 12 && Date.now() < deadline) {
			const {value, done} = await reader.read();
			if (done) break;
			chunks.push(decoder.decode(value));
		}

		expect(chunks.length).toBeGreaterThan(1);
		simulator.goTo(demoMasterDone);
		let ended = false;
		const endBy = Date.now() + 3000;
		while (Date.now() < endBy) {
			const {value, done} = await reader.read();
			if (done) {
				ended = true;
				break;
			}

			chunks.push(decoder.decode(value));
		}

		expect(ended).toBe(true);
		const text = chunks.join('');
		expect(text.endsWith(' mpiexec: all 2 processes exited normally\n')).toBe(true);
		// Nothing twice, nothing missing: the followed text is the finished run's log.
		expect(text).toBe((await log(simulator, 'openmpi-hello-mpimaster-0', '?timestamps=true')).text);
	});

	it('follow on an ended container sends its log and ends', async () => {
		const simulator = await running();
		simulator.goTo(demoMasterDone);
		const followed = await log(simulator, 'openmpi-hello-mpimaster-0', '?follow=true&tailLines=1');
		expect(followed.text).toBe('mpiexec: all 2 processes exited normally\n');
	});

	it('keeps the lines written at or after sinceTime, taken to the second as the API server passes it on', async () => {
		const simulator = await running(1300);
		const stamped = (await log(simulator, 'openmpi-hello-mpiworker-0', '?timestamps=true')).text.split('\n').slice(0, -1);
		const times = stamped.map(line => line.slice(0, line.indexOf(' ')));
		// A line past the first second of the log: the ones of its second before it come too, the earlier ones do not.
		const pick = times.find(time => Math.floor(Date.parse(time) / 1000) > Math.floor(Date.parse(times[0]!) / 1000))!;
		const second = Math.floor(Date.parse(pick) / 1000) * 1000;
		const since = (await log(simulator, 'openmpi-hello-mpiworker-0', `?timestamps=true&sinceTime=${encodeURIComponent(pick)}`)).text.split('\n').slice(0, -1);
		const expected = stamped.filter(line => Date.parse(line.slice(0, line.indexOf(' '))) >= second);
		expect(since.slice(0, expected.length)).toEqual(expected);
		expect(expected.length).toBeLessThan(stamped.length);
		expect(Date.parse(since[0]!.slice(0, since[0]!.indexOf(' ')))).toBeLessThanOrEqual(Date.parse(pick));
	});

	it('refuses sinceTime with sinceSeconds (422) and a sinceTime that is not RFC3339 (400)', async () => {
		const simulator = await running(0);
		const pod = 'openmpi-hello-mpimaster-0';
		const both = await refusal(simulator, pod, '?sinceSeconds=10&sinceTime=2026-12-05T10:00:00Z');
		expect(both.status).toBe(422);
		expect(both.body).toMatchObject({
			reason: 'Invalid',
			message: `PodLogOptions "${pod}" is invalid: : Forbidden: at most one of \`sinceTime\` or \`sinceSeconds\` may be specified`,
			details: {causes: [{reason: 'FieldValueForbidden', message: 'Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified'}]},
		});
		expect(await refusal(simulator, pod, '?sinceTime=yesterday')).toEqual({
			status: 400,
			body: badRequest('parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"'),
		});
	});

	it('counts the log answers still open, and can cut them mid-stream', async () => {
		const simulator = await running(50);
		expect(simulator.openLogs).toBe(0);
		const response = await fetch(logPath(simulator, 'openmpi-hello-mpimaster-0', '?follow=true'));
		const reader = response.body!.getReader();
		await reader.read();
		expect(simulator.openLogs).toBe(1);
		simulator.dropLogs();
		const cut = await (async () => {
			for (;;) {
				const {done} = await reader.read();
				if (done) return false;
			}
		})().catch(() => true);
		expect(cut).toBe(true);
		// The server hears of the close in its own time.
		const closedBy = Date.now() + 3000;
		while (simulator.openLogs > 0 && Date.now() < closedBy) await sleep(10);
		expect(simulator.openLogs).toBe(0);
	});

	it('answers 403 Forbidden for pods/log in the forbidden mode, the pods themselves still readable', async () => {
		const simulator = await start({scenario: 'demo', speed: 100, forbidden: ['pods/log']});
		simulator.goTo(demoRunning);
		const {namespace} = simulator.scenario;
		expect(await refusal(simulator, 'openmpi-hello-mpimaster-0')).toEqual({
			status: 403,
			body: {
				kind: 'Status',
				apiVersion: 'v1',
				metadata: {},
				status: 'Failure',
				message: `pods "openmpi-hello-mpimaster-0" is forbidden: User "demo" cannot get resource "pods/log" in API group "" in the namespace "${namespace}"`,
				reason: 'Forbidden',
				details: {name: 'openmpi-hello-mpimaster-0', kind: 'pods'},
				code: 403,
			},
		});
		expect((await fetch(`${simulator.url}/api/v1/namespaces/${namespace}/pods/openmpi-hello-mpimaster-0`)).status).toBe(200);
	});

	it('refuses invalid options with 422 and unparsable numbers with 400', async () => {
		const simulator = await running(0);
		const {status, body} = await refusal(simulator, 'openmpi-hello-mpimaster-0', '?tailLines=-1');
		expect(status).toBe(422);
		expect(body).toMatchObject({
			reason: 'Invalid',
			message: 'PodLogOptions "openmpi-hello-mpimaster-0" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0',
			details: {name: 'openmpi-hello-mpimaster-0', kind: 'PodLogOptions', causes: [{reason: 'FieldValueInvalid', field: 'tailLines'}]},
		});
		expect((await refusal(simulator, 'openmpi-hello-mpimaster-0', '?limitBytes=0')).body.message).toContain('limitBytes: Invalid value: 0: must be greater than 0');
		expect((await refusal(simulator, 'openmpi-hello-mpimaster-0', '?sinceSeconds=0')).status).toBe(422);
		expect((await refusal(simulator, 'openmpi-hello-mpimaster-0', '?tailLines=ten')).status).toBe(400);
	});

	it('answers an empty log for a pod not bound yet, and the kubelet’s 400 for a container still waiting', async () => {
		const seed = await start({scenario: 'seed'});
		expect(await log(seed, 'openmpi-hello-3-com-mpimaster-0')).toEqual({status: 200, type: 'text/plain', text: ''});
		const pull = await start({scenario: 'image-pull', speed: 1});
		pull.goTo(3);
		const waiting = await refusal(pull, 'openmpi-pull-mpiworker-1');
		expect(waiting.status).toBe(400);
		expect(waiting.body['message']).toMatch(/^container "mpiworker" in pod "openmpi-pull-mpiworker-1" is waiting to start: (image can't be pulled|trying and failing to pull image)$/);
		const demo = await start({scenario: 'demo'});
		demo.goTo(4);
		expect((await refusal(demo, 'openmpi-hello-mpiworker-0')).body['message']).toBe(
			'container "mpiworker" in pod "openmpi-hello-mpiworker-0" is waiting to start: ContainerCreating',
		);
	});
});
