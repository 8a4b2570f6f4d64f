import {describe, expect, it} from 'vitest';
import {ApiError} from '../../source/api/api-error.js';
import {createApiClient} from '../../source/api/client.js';
import {decodeUtf8Visible, readPodLogTail, type PodLogTail} from '../../source/api/pod-log.js';
import type {Scenario, Simulator} from '../../source/simulator/index.js';
import {seedJob} from '../../source/simulator/cluster/seed-job.js';
import {httpServersFor} from '../helpers/servers/http-server.js';
import {simulatorsFor, type Json} from '../simulator/http.js';
import {sleep} from '../helpers/waits.js';

const start = simulatorsFor({autoplay: false, backgroundWrites: false});
const serve = httpServersFor();
const demoRunning = 5;
const failCrashLooping = 2;

function apiFor(server: string, onUrl?: (url: string) => void) {
	return createApiClient({server, timeoutMs: 5000, ...(onUrl ? {onRequest: record => onUrl(record.url)} : {})});
}

function linesOf(tail: PodLogTail): readonly string[] {
	if (tail.kind !== 'lines') throw new Error(`expected lines, got ${tail.kind}: ${tail.message}`);
	return tail.lines;
}

/** The demo with every pod running for `ms` of real time at speed 100 (a line every 4–26 ms). */
async function running(ms = 400): Promise<Simulator> {
	const simulator = await start({scenario: 'demo', speed: 100});
	simulator.goTo(demoRunning);
	await sleep(ms);
	return simulator;
}

/** A server of the test's own that answers every log request with these bytes. */
async function serving(body: Buffer) {
	const {url, requests} = await serve((_request, response) => {
		response.writeHead(200, {'content-type': 'text/plain'});
		response.end(body);
	});
	return {api: apiFor(url), requests};
}

const target = {namespace: 'ns', pod: 'p', container: 'c'};

describe('readPodLogTail against the simulator', () => {
	it('asks once, with container, tailLines and limitBytes, and answers the last 20 lines by default', async () => {
		const simulator = await running();
		const urls: string[] = [];
		const {namespace} = simulator.scenario;
		const tail = await readPodLogTail(apiFor(simulator.url, url => urls.push(url)), {namespace, pod: 'openmpi-hello-mpimaster-0', container: 'mpimaster'});
		expect(urls).toEqual([`${simulator.url}/api/v1/namespaces/${namespace}/pods/openmpi-hello-mpimaster-0/log?container=mpimaster&tailLines=20&limitBytes=16384`]);
		const lines = linesOf(tail);
		expect(lines.length).toBeGreaterThan(2);
		expect(lines.length).toBeLessThanOrEqual(20);
		expect(tail).toMatchObject({cut: false});
		const all = (await (await fetch(`${simulator.url}/api/v1/namespaces/${namespace}/pods/openmpi-hello-mpimaster-0/log`)).text()).split('\n');
		// The full log, read later, may have grown past the tail.
		const at = all.indexOf(lines[0]!);
		expect(at).toBeGreaterThanOrEqual(0);
		expect(all.slice(at, at + lines.length)).toEqual(lines);
	});

	it('keeps to tailLines, and says when limitBytes cut the text, mid-line', async () => {
		const simulator = await running();
		const {namespace} = simulator.scenario;
		const request = {namespace, pod: 'openmpi-hello-mpimaster-0', container: 'mpimaster'};
		const api = apiFor(simulator.url);
		expect(linesOf(await readPodLogTail(api, {...request, tailLines: 3}))).toHaveLength(3);
		const cut = await readPodLogTail(api, {...request, tailLines: 100, limitBytes: 30});
		expect(cut).toEqual({kind: 'lines', lines: ['Server listening on 0.0.0.0 po…'], cut: true, bytes: 30});
	});

	it('reads the previous run with previous=true', async () => {
		const simulator = await start({scenario: 'fail', speed: 100});
		simulator.goTo(failCrashLooping);
		const urls: string[] = [];
		const api = apiFor(simulator.url, url => urls.push(url));
		const {namespace} = simulator.scenario;
		// No run before the first one (the master, restartPolicy Never, runs its first): the kubelet's 400, as an
		// ApiError with its message. Asked of the crash-looping worker instead, the answer would depend on whether
		// its first run ended before the request came.
		const first = await readPodLogTail(api, {namespace, pod: 'openmpi-crash-mpimaster-0', container: 'mpimaster', previous: true}).catch(
			(error: unknown) => error,
		);
		expect(first).toBeInstanceOf(ApiError);
		expect(first).toMatchObject({status: 400, category: 'client'});
		expect((first as ApiError).summary).toContain('previous terminated container "mpimaster" in pod "openmpi-crash-mpimaster-0" not found');
		// The worker, OOM-killed over and over (a restart every 25 ms at this speed): its run before the current one.
		const request = {namespace, pod: 'openmpi-crash-mpiworker-0', container: 'mpiworker', previous: true};
		const deadline = Date.now() + 3000;
		let tail: PodLogTail | undefined;
		while (Date.now() < deadline) {
			tail = await readPodLogTail(api, request).catch(() => undefined);
			if (tail) break;
			await sleep(20);
		}

		expect(urls.at(-1)).toMatch(/\/log\?container=mpiworker&tailLines=20&limitBytes=16384&previous=true$/);
		expect(linesOf(tail!)[0]).toMatch(/^Server listening on 0\.0\.0\.0 port 22\./);
	});

	it('surfaces the 400 for a missing container choice as an ApiError with the server’s message', async () => {
		const job = structuredClone(seedJob.verbatim) as Json;
		job.spec.tasks[0].template.spec.containers.push({name: 'log-agent', image: 'fluent-bit:3.1', resources: {}});
		job.status = {state: {phase: 'Running'}, running: 3, taskStatusCount: {mpimaster: {phase: {Running: 1}}, mpiworker: {phase: {Running: 2}}}};
		const scenario: Scenario = {name: 'sidecar', description: 'two containers', namespace: job.metadata.namespace, jobName: job.metadata.name, steps: [{holdMs: 60_000, job: {verbatim: job}}]};
		const simulator = await start({scenario, speed: 100});
		const pod = 'openmpi-hello-3-com-mpimaster-0';
		const error = await readPodLogTail(apiFor(simulator.url), {namespace: simulator.scenario.namespace, pod, container: ''}).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(ApiError);
		expect(error).toMatchObject({category: 'client', status: 400});
		expect((error as ApiError).summary).toMatch(
			new RegExp(`^400 BadRequest: a container name must be specified for pod ${pod}, choose one of: \\[mpimaster log-agent\\]( \\(request id \\w+\\))?$`),
		);
	});

	it('answers a 403 and a 404 as results, not errors', async () => {
		const forbidden = await start({scenario: 'demo', speed: 100, forbidden: ['pods/log']});
		forbidden.goTo(demoRunning);
		const {namespace} = forbidden.scenario;
		expect(await readPodLogTail(apiFor(forbidden.url), {namespace, pod: 'openmpi-hello-mpimaster-0', container: 'mpimaster'})).toEqual({
			kind: 'forbidden',
			message: `no permission to read logs in ${namespace}`,
		});
		const simulator = await running(0);
		expect(await readPodLogTail(apiFor(simulator.url), {namespace, pod: 'gone-0', container: 'mpimaster'})).toEqual({kind: 'gone', message: 'the pod is gone'});
	});
});

describe('readPodLogTail with hostile text', () => {
	it('removes escape sequences and bidi controls, shows other controls, keeps indentation', async () => {
		const body = Buffer.from(
			[
				'\u001B[31mred\u001B[0m plain',
				'\u001B]0;owned\u0007title \u001B]52;c;ZXZpbA==\u0007clipboard',
				'abc\u202Edef\u2066x\u2069',
				'bell\u0007 nul\u0000 csi\u009B2J',
				'\tat frame (file.js:1:2)\r',
				'',
			].join('\n'),
		);
		const {api, requests} = await serving(body);
		const tail = await readPodLogTail(api, target);
		expect(requests).toHaveLength(1);
		expect(tail).toEqual({
			kind: 'lines',
			lines: ['red plain', 'title clipboard', 'abcdefx', 'bell\\x07 nul\\x00 csi', '    at frame (file.js:1:2)'],
			cut: false,
			bytes: body.byteLength,
		});
		for (const line of linesOf(tail)) {
			expect(line).not.toMatch(/[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/);
		}
	});

	it('shows invalid UTF-8 as \\xNN escapes, keeps valid text, and drops a character the cut broke', async () => {
		const body = Buffer.concat([Buffer.from('ok é 漢\n'), Buffer.from([0x66, 0xff, 0xfe, 0x67, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0x0a])]);
		expect(linesOf(await readPodLogTail((await serving(body)).api, target))).toEqual(['ok é 漢', 'f\\xff\\xfeg\\xc3(\\xed\\xa0\\x80']);
		expect(linesOf(await readPodLogTail((await serving(Buffer.from([0x41, 0xf0, 0x9f]))).api, target))).toEqual(['A\\xf0\\x9f']);
		// limitBytes cut the emoji in two: not binary, just cut.
		expect(decodeUtf8Visible(Buffer.from([0x41, 0xf0, 0x9f]), true)).toBe('A');
	});

	it('cuts a long line to 300 cells, wide characters counted as two', async () => {
		const body = Buffer.from(`${'x'.repeat(1000)}\n${'漢'.repeat(400)}\nshort\n`);
		const lines = linesOf(await readPodLogTail((await serving(body)).api, target));
		expect(lines[0]).toBe(`${'x'.repeat(299)}…`);
		expect(lines[1]).toBe(`${'漢'.repeat(149)}…`);
		expect(lines[2]).toBe('short');
	});

	it('keeps the last tailLines lines and reads no further than limitBytes when the server ignores both', async () => {
		const body = Buffer.from(Array.from({length: 5000}, (_, i) => `line ${i}\n`).join(''));
		const {api} = await serving(body);
		const tail = await readPodLogTail(api, {...target, tailLines: 5, limitBytes: 1000});
		expect(tail).toMatchObject({kind: 'lines', cut: true, bytes: 1000});
		expect(linesOf(tail)).toHaveLength(5);
		// The 1000th byte falls inside a line: that line ends with an ellipsis.
		expect(linesOf(tail).slice(0, 4)).toEqual(Array.from({length: 4}, () => expect.stringMatching(/^line \d+$/)));
		expect(linesOf(tail).at(-1)).toMatch(/^l[ine \d]*…$/);
	});
});
