import type {ServerResponse} from 'node:http';
import {describe, expect, it} from 'vitest';
import {createApiClient} from '../../source/api/client.js';
import {followPodLog, logTimeNanos, sinceTimeOf, type FollowedLine, type PodLogFollow} from '../../source/api/pod-log-stream.js';
import type {Simulator} from '../../source/simulator/index.js';
import {httpServersFor} from '../helpers/servers/http-server.js';
import {simulatorsFor} from '../simulator/http.js';
import {eventually, sleep} from '../helpers/waits.js';

const start = simulatorsFor({autoplay: false, backgroundWrites: false});
const serve = httpServersFor();
const demoRunning = 5;
const demoMasterDone = 6;
const master = 'openmpi-hello-mpimaster-0';

function apiFor(server: string, urls: string[] = []) {
	return createApiClient({server, timeoutMs: 5000, onRequest: record => urls.push(record.url)});
}

function streamOf(follow: PodLogFollow): AsyncIterable<readonly FollowedLine[]> {
	if (follow.kind !== 'stream') throw new Error(`expected a stream, got ${follow.kind}: ${follow.message}`);
	return follow.lines;
}

/** Batches until `enough` says so (the iteration is left, which closes the stream), or to the stream's end. */
async function read(lines: AsyncIterable<readonly FollowedLine[]>, enough: (all: FollowedLine[]) => boolean = () => false) {
	const all: FollowedLine[] = [];
	let batches = 0;
	let ended = true;
	for await (const batch of lines) {
		all.push(...batch);
		batches++;
		if (enough(all)) {
			ended = false;
			break;
		}
	}

	return {all, batches, ended};
}

/** The demo with every pod running for `ms` of real time at speed 100 (a line every 4–26 ms). */
async function running(ms = 200): Promise<Simulator> {
	const simulator = await start({scenario: 'demo', speed: 100});
	simulator.goTo(demoRunning);
	await sleep(ms);
	return simulator;
}

async function fullLog(simulator: Simulator, pod: string): Promise<string[]> {
	const response = await fetch(`${simulator.url}/api/v1/namespaces/${simulator.scenario.namespace}/pods/${pod}/log?timestamps=true`);
	return (await response.text()).split('\n').slice(0, -1);
}

describe('followPodLog against the simulator', () => {
	it('asks with follow, tailLines and timestamps; the tail, then lines as they are written, each with its time', async () => {
		const simulator = await running();
		const urls: string[] = [];
		const {namespace} = simulator.scenario;
		const follow = await followPodLog(apiFor(simulator.url, urls), {namespace, pod: master, container: 'mpimaster', tailLines: 5});
		const {all, batches, ended} = await read(streamOf(follow), lines => lines.length >= 20);
		expect(urls).toEqual([`${simulator.url}/api/v1/namespaces/${namespace}/pods/${master}/log?container=mpimaster&follow=true&tailLines=5&timestamps=true`]);
		expect(ended).toBe(false);
		expect(batches).toBeGreaterThan(1);
		// Leaving the iteration closed the request.
		await eventually(() => simulator.openLogs === 0, 'the stream to close');
		// What came is the log as the kubelet keeps it, in order, nothing twice, nothing left out.
		const log = await fullLog(simulator, master);
		const stamped = all.map(line => `${line.time!} ${line.text}`);
		const at = log.indexOf(stamped[0]!);
		expect(at).toBeGreaterThan(0);
		expect(log.slice(at, at + stamped.length)).toEqual(stamped);
		const times = all.map(line => logTimeNanos(line.time!)!);
		expect(times).toEqual([...times].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
	});

	it('ends when the container stops, with its last line', async () => {
		const simulator = await running();
		const follow = await followPodLog(apiFor(simulator.url), {namespace: simulator.scenario.namespace, pod: master, container: 'mpimaster', tailLines: 2});
		const lines = streamOf(follow);
		const iterator = lines[Symbol.asyncIterator]();
		expect((await iterator.next()).done).toBe(false);
		simulator.goTo(demoMasterDone);
		const rest = await read({[Symbol.asyncIterator]: () => iterator});
		expect(rest.ended).toBe(true);
		expect(rest.all.at(-1)?.text).toBe('mpiexec: all 2 processes exited normally');
		await eventually(() => simulator.openLogs === 0, 'the stream to close');
	});

	it('starts from sinceTime when asked', async () => {
		const simulator = await running(1300);
		const log = await fullLog(simulator, master);
		const time = log.at(-1)!.slice(0, log.at(-1)!.indexOf(' '));
		const urls: string[] = [];
		const follow = await followPodLog(apiFor(simulator.url, urls), {namespace: simulator.scenario.namespace, pod: master, container: 'mpimaster', sinceTime: sinceTimeOf(time)});
		const {all} = await read(streamOf(follow), lines => lines.length > 0);
		expect(urls[0]).toContain(`&sinceTime=${encodeURIComponent(sinceTimeOf(time)!)}&`);
		expect(logTimeNanos(all[0]!.time!)! / 1_000_000_000n).toBe(logTimeNanos(time)! / 1_000_000_000n);
		expect(logTimeNanos(log[0]!.slice(0, log[0]!.indexOf(' ')))! / 1_000_000_000n).toBeLessThan(logTimeNanos(time)! / 1_000_000_000n);
	});

	it('answers a 403 and a Status 404 as results', async () => {
		const forbidden = await start({scenario: 'demo', speed: 100, forbidden: ['pods/log']});
		forbidden.goTo(demoRunning);
		const {namespace} = forbidden.scenario;
		expect(await followPodLog(apiFor(forbidden.url), {namespace, pod: master, container: 'mpimaster'})).toEqual({
			kind: 'forbidden',
			message: `no permission to read logs in ${namespace}`,
		});
		const simulator = await running(0);
		expect(await followPodLog(apiFor(simulator.url), {namespace, pod: 'gone-0', container: 'mpimaster'})).toEqual({kind: 'gone', message: 'the pod is gone'});
	});

	it('defuses what a training program writes to a tty: escape sequences removed, the 1 MiB line cut', async () => {
		const simulator = await start({scenario: 'fail', speed: 100});
		for (const step of [5, 6, 7]) {
			simulator.goTo(step);
			await sleep(100);
		}

		const follow = await followPodLog(apiFor(simulator.url), {namespace: simulator.scenario.namespace, pod: 'openmpi-crash-mpimaster-0', container: 'mpimaster'});
		const {all} = await read(streamOf(follow), lines => lines.some(line => line.text.startsWith('epoch')));
		const texts = all.map(line => line.text);
		expect(texts.slice(0, 3)).toEqual(['INFO:train:world size 3, rank 0, backend gloo', 'INFO:train:loading /data/shards (1024 shards)', 'INFO:train:checkpoint dir /ckpt/run-txt.exe']);
		expect(texts[3]).toMatch(/^DEBUG:train:vocab=0:0,1:\S+…$/);
		expect(texts[3]!.length).toBeLessThanOrEqual(300);
		for (const text of texts) expect(text).not.toMatch(/[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/);
		expect(all.every(line => line.time !== undefined)).toBe(true);
	});

	it('closes the request when its signal aborts', async () => {
		const simulator = await running();
		const controller = new AbortController();
		const follow = await followPodLog(apiFor(simulator.url), {namespace: simulator.scenario.namespace, pod: master, container: 'mpimaster', signal: controller.signal});
		const reading = read(streamOf(follow), lines => {
			if (lines.length > 0) controller.abort(new Error('done'));
			return false;
		});
		await expect(reading).rejects.toThrow('done');
		await eventually(() => simulator.openLogs === 0, 'the stream to close');
	});
});

describe('followPodLog with a server of its own', () => {
	/** A log server that writes these pieces, a turn of the event loop apart, then ends. */
	async function writing(pieces: ReadonlyArray<string | Buffer>) {
		const {url, requests} = await serve((_request, response: ServerResponse) => {
			response.writeHead(200, {'content-type': 'text/plain'});
			void (async () => {
				for (const piece of pieces) {
					response.write(piece);
					await sleep(5);
				}

				response.end();
			})();
		});
		const follow = await followPodLog(apiFor(url), {namespace: 'ns', pod: 'p', container: 'c'});
		return {...(await read(streamOf(follow))), requests};
	}

	it('holds a line until its newline, and hands over a last line without one at the end', async () => {
		const {all} = await writing(['2026-12-05T10:00:00.5Z ab', 'c\n2026-12-05T10:00:01Z de', 'f\n', 'no time, no newline']);
		expect(all).toEqual([
			{text: 'abc', time: '2026-12-05T10:00:00.5Z'},
			{text: 'def', time: '2026-12-05T10:00:01Z'},
			{text: 'no time, no newline'},
		]);
	});

	it('cuts a line longer than it keeps, arriving in pieces, and shows bytes that are not UTF-8 as escapes', async () => {
		const long = 'x'.repeat(40_000);
		const {all} = await writing([`2026-12-05T10:00:00Z ${long.slice(0, 10_000)}`, long.slice(10_000, 30_000), `${long.slice(30_000)}\nnext\n`, Buffer.from([0x66, 0xff, 0x67, 0x0a])]);
		expect(all.map(line => line.text)).toEqual([`${'x'.repeat(299)}…`, 'next', 'f\\xffg']);
		expect(all[0]!.time).toBe('2026-12-05T10:00:00Z');
	});

	it('sinceTimeOf keeps the second; logTimeNanos orders nanosecond stamps', () => {
		expect(sinceTimeOf('2026-12-05T10:00:07.123456789Z')).toBe('2026-12-05T10:00:07Z');
		expect(sinceTimeOf('not a time')).toBeUndefined();
		expect(logTimeNanos('2026-12-05T10:00:07.000000002Z')! - logTimeNanos('2026-12-05T10:00:07.000000001Z')!).toBe(1n);
		expect(logTimeNanos('2026-12-05T11:00:07+01:00')).toBe(logTimeNanos('2026-12-05T10:00:07Z'));
	});
});
