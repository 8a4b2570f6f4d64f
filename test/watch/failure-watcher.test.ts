import {describe, expect, it} from 'vitest';
import {createApiClient, type ApiClient} from '../../source/api/client.js';
import type {PodInfo} from '../../source/model/cluster.js';
import {noFailures, recordFailures} from '../../source/model/failures.js';
import {normalizeJob} from '../../source/model/normalize-job.js';
import {normalizePods} from '../../source/model/normalize-pods.js';
import type {Simulator} from '../../source/simulator/server.js';
import type {DetailsListener} from '../../source/watch/details-poller.js';
import {createFailureWatcher, skippedLines, type FailureEvent, type FailureWatcherOptions} from '../../source/watch/failure-watcher.js';
import type {WatchListener} from '../../source/watch/job-watcher.js';
import {getJson, simulatorsFor} from '../simulator/http.js';

// The failure watcher fed the fail scenario's pod lists as the details loop reads them, its log reads going to the
// simulator over HTTP: steps 0–3 the OOM-killed worker, 4 Restarting, 5–8 the master's ValueError, 9 Restarting,
// 10–13 SIGTERM, 14 Restarting, 15 Failed.
const start = simulatorsFor({autoplay: false, backgroundWrites: false});
const worker = 'openmpi-crash-mpiworker-0';
const master = 'openmpi-crash-mpimaster-0';
const lastWords = 'ValueError: loss is nan; lower the learning rate';

async function sleep(ms: number): Promise<void> {
	await new Promise(resolve => setTimeout(resolve, ms));
}

/** Steps from..to, one after the other, at once. */
function play(simulator: Simulator, from: number, to: number): void {
	for (let step = from; step <= to; step++) simulator.goTo(step);
}

type Harness = {
	readonly watcher: ReturnType<typeof createFailureWatcher>;
	readonly events: FailureEvent[];
	/** The job and its pods as the details loop would read them now, fed to the watcher. */
	look(): Promise<readonly PodInfo[]>;
	/** The job and its pods as read now, not fed. */
	read(): Promise<readonly PodInfo[]>;
	/** Pods read earlier, fed now. */
	feed(pods: readonly PodInfo[]): void;
	/** The simulator's record of the log requests: path and query. */
	logRequests(): string[];
	/** Each log read's start and end (or abort), in order, as the watcher's client saw them. */
	readonly order: string[];
	/** The log reads under way at once, at most. */
	maxInFlight(): number;
	/** Held log reads wait for this before they are sent. */
	hold(): () => void;
	/** Resolves when the next log read is sent. */
	nextRead(): Promise<void>;
};

function harness(simulator: Simulator, options: Partial<FailureWatcherOptions> = {}): Harness {
	const {namespace, jobName} = simulator.scenario;
	const jobListeners = new Set<WatchListener>();
	const detailsListeners = new Set<DetailsListener>();
	const client = createApiClient({server: simulator.url, timeoutMs: 5000});
	const order: string[] = [];
	let inFlight = 0;
	let most = 0;
	let held: Promise<void> | undefined;
	let sent: (() => void) | undefined;
	const api: Pick<ApiClient, 'getBytes'> = {
		async getBytes(path, request) {
			const name = decodeURIComponent(path.split('/').at(-2)!);
			order.push(`start ${name}`);
			inFlight++;
			most = Math.max(most, inFlight);
			let end = 'end';
			try {
				if (held) await held;
				const answer = client.getBytes(path, request);
				sent?.();
				return await answer;
			} catch (error) {
				if (request.signal?.aborted) end = 'aborted';
				throw error;
			} finally {
				inFlight--;
				order.push(`${end} ${name}`);
			}
		},
	};
	const watcher = createFailureWatcher({
		api,
		namespace,
		jobWatcher: {
			subscribe(listener) {
				jobListeners.add(listener);
				return () => jobListeners.delete(listener);
			},
		},
		details: {
			subscribe(listener) {
				detailsListeners.add(listener);
				return () => detailsListeners.delete(listener);
			},
		},
		logLines: 20,
		...options,
	});
	const events: FailureEvent[] = [];
	watcher.subscribe(event => events.push(event));
	let jobUid: string | undefined;

	const read = async () => {
		const raw = (await getJson(`${simulator.url}/apis/batch.volcano.sh/v1alpha1/namespaces/${namespace}/jobs/${jobName}`)).body;
		const job = normalizeJob(raw, {namespace, name: jobName});
		jobUid = job.uid;
		for (const listener of jobListeners) listener({type: 'job', at: Date.now(), raw, job, changes: [], rvChanged: true});
		const selector = encodeURIComponent(`volcano.sh/job-name=${jobName}`);
		return normalizePods((await getJson(`${simulator.url}/api/v1/namespaces/${namespace}/pods?labelSelector=${selector}`)).body, job.uid);
	};

	const feed = (pods: readonly PodInfo[]) => {
		expect(jobUid).toBeDefined();
		for (const listener of detailsListeners) listener({type: 'details', at: Date.now(), part: 'pods', result: {status: 'ok', value: pods}});
	};

	return {
		watcher,
		events,
		read,
		feed,
		async look() {
			const pods = await read();
			feed(pods);
			return pods;
		},
		logRequests: () => simulator.requests.filter(request => /\/pods\/[^/]+\/log\?/.test(request.path)).map(request => request.path),
		order,
		maxInFlight: () => most,
		hold() {
			let open = () => {};
			held = new Promise(resolve => {
				open = resolve;
			});
			return () => {
				held = undefined;
				open();
			};
		},
		async nextRead() {
			await new Promise<void>(resolve => {
				sent = resolve;
			});
			sent = undefined;
		},
	};
}

/** The worker's container status, read over HTTP. */
async function workerStatus(simulator: Simulator): Promise<{restartCount: number}> {
	const {body} = await getJson(`${simulator.url}/api/v1/namespaces/${simulator.scenario.namespace}/pods/${worker}`);
	return body['status'].containerStatuses[0] as {restartCount: number};
}

/** The worker crash-looping (speed 100: a restart every 25 ms) until it has restarted at least `restarts` times. */
async function crashLooping(simulator: Simulator, restarts: number): Promise<void> {
	simulator.goTo(2);
	const deadline = Date.now() + 5000;
	while ((await workerStatus(simulator)).restartCount < restarts && Date.now() < deadline) await sleep(10);
	expect((await workerStatus(simulator)).restartCount).toBeGreaterThanOrEqual(restarts);
}

/** The worker's restarts as a list shows them. */
function restartsIn(pods: readonly PodInfo[]): number {
	return pods.find(pod => pod.name === worker)?.runs?.[0]?.restartCount ?? 0;
}

const logOf = (h: Harness, pod: string) => h.watcher.evidence().find(evidence => evidence.record.pod === pod)?.log;

describe('failure watcher over HTTP', () => {
	it('each failed run is recorded once however many lists show it; one log request each, never two at a time', async () => {
		const simulator = await start({scenario: 'fail', speed: 100});
		const h = harness(simulator);
		await crashLooping(simulator, 2);
		const looping = restartsIn(await h.look());
		// Read before the container runs again: a list showing it ran twice more would make that run's log gone.
		await h.watcher.settled();
		simulator.goTo(3);
		// The same runs in list after list: the failed pod, then the pods going with the restart.
		const failed = restartsIn(await h.look());
		await h.look();
		simulator.goTo(4);
		await h.look();
		await h.watcher.settled();
		const records = h.watcher.evidence().map(evidence => evidence.record);
		const keys = records.map(record => record.key);
		expect(new Set(keys).size).toBe(keys.length);
		// The run before the one the first list showed, and the last two: the one restarted, the one that ended the pod.
		expect(records.map(record => record.run)).toEqual([...new Set([looping - 1, failed - 1, failed])]);
		expect(records.map(record => record.restartedInPlace)).toEqual([...records.slice(1).map(() => true), false]);
		expect(records.every(record => record.pod === worker && record.exitCode === 137 && record.meaning === 'out of memory (OOMKilled)')).toBe(true);
		// Told twice each: when recorded (log pending) and when its log was read.
		const told = (key: string) => h.events.filter(event => event.evidence.record.key === key).map(event => event.evidence.log.status);
		for (const key of keys) expect(told(key)).toEqual(['pending', 'lines']);
		expect(h.logRequests()).toHaveLength(records.length);
		expect(h.maxInFlight()).toBe(1);
		expect(h.order).toEqual(records.flatMap(() => [`start ${worker}`, `end ${worker}`]));
		// More lists of the same runs later: nothing new, nothing read again.
		await h.look();
		await h.watcher.settled();
		expect(h.watcher.evidence()).toHaveLength(records.length);
		expect(h.logRequests()).toHaveLength(records.length);
	});

	it('a run restarted in place is read with previous=true; the run that ended the pod without', async () => {
		const simulator = await start({scenario: 'fail', speed: 100});
		const h = harness(simulator);
		await crashLooping(simulator, 1);
		simulator.goTo(3);
		await h.look();
		await h.watcher.settled();
		const evidence = h.watcher.evidence();
		const restarted = evidence.filter(entry => entry.record.restartedInPlace);
		const last = evidence.find(entry => entry.record.restartedInPlace === false);
		expect(restarted.length).toBeGreaterThanOrEqual(1);
		for (const entry of restarted) expect(entry.log).toMatchObject({status: 'lines', previous: true});
		expect(last?.log).toMatchObject({status: 'lines', previous: false});
		const requests = h.logRequests();
		expect(requests.filter(path => path.includes('previous=true'))).toHaveLength(restarted.length);
		expect(requests.every(path => path.includes('container=mpiworker') && path.includes('tailLines=20') && path.includes('limitBytes=16384'))).toBe(true);
		// SIGKILL leaves no last words: the log is the program's own lines.
		if (last?.log.status === 'lines') expect(last.log.lines[0]).toBe('Server listening on 0.0.0.0 port 22.');
	});

	it('logLines 0: no log request, each record told once with log status none', async () => {
		const simulator = await start({scenario: 'fail'});
		const h = harness(simulator, {logLines: 0});
		play(simulator, 0, 8);
		await h.look();
		await h.watcher.settled();
		expect(h.watcher.evidence()).toEqual([expect.objectContaining({log: {status: 'none'}})]);
		expect(h.watcher.evidence()[0]?.record).toMatchObject({pod: master, exitCode: 1, message: [lastWords]});
		expect(h.events.map(event => event.evidence.log.status)).toEqual(['none']);
		expect(h.logRequests()).toEqual([]);
	});

	it('a 403 on logs is a note in the record, and the watcher goes on', async () => {
		const simulator = await start({scenario: 'fail', forbidden: ['pods/log']});
		const h = harness(simulator);
		play(simulator, 0, 8);
		await h.look();
		await h.watcher.settled();
		const {namespace} = simulator.scenario;
		expect(logOf(h, master)).toEqual({status: 'unavailable', note: `no permission to read logs in ${namespace}`});
		// The next failure is recorded and its log asked for too.
		play(simulator, 9, 13);
		await h.look();
		await h.watcher.settled();
		const evidence = h.watcher.evidence();
		expect(evidence.map(entry => entry.record.exitCode)).toEqual([1, 143]);
		expect(evidence.map(entry => entry.log)).toEqual([
			{status: 'unavailable', note: `no permission to read logs in ${namespace}`},
			{status: 'unavailable', note: `no permission to read logs in ${namespace}`},
		]);
		expect(h.logRequests()).toHaveLength(2);
	});

	it('a pod deleted before its log was read: "the pod is gone"', async () => {
		const simulator = await start({scenario: 'fail'});
		const h = harness(simulator);
		play(simulator, 0, 8);
		const failed = await h.read();
		// RestartJob deleted the pods before the watcher got to the list that showed the failure.
		play(simulator, 9, 10);
		h.feed(failed);
		await h.watcher.settled();
		expect(logOf(h, master)).toEqual({status: 'unavailable', note: 'the pod is gone'});
		expect(h.logRequests()).toHaveLength(1);
	});

	it('a pod re-created under its name before its log was read: the new pod\'s log is not taken for the failed one\'s', async () => {
		const simulator = await start({scenario: 'fail'});
		const h = harness(simulator);
		play(simulator, 0, 3);
		const workerFailed = await h.read();
		play(simulator, 4, 8);
		const masterRaised = await h.read();
		// RestartJob: the pods deleted and created again under the same names, running.
		play(simulator, 9, 12);
		const recreated = await h.read();
		const release = h.hold();
		h.feed(workerFailed);
		h.feed(masterRaised);
		h.feed(recreated);
		release();
		await h.watcher.settled();
		const evidence = h.watcher.evidence();
		expect(evidence.map(entry => [entry.record.pod, entry.record.exitCode])).toEqual([
			[worker, 137],
			[master, 1],
		]);
		// The worker's read was under way when the list came: which pod answered it is not known.
		expect(evidence.map(entry => entry.log)).toEqual([
			{status: 'unavailable', note: 'the pod is gone'},
			{status: 'unavailable', note: 'the pod is gone'},
		]);
		// The master's was not sent at all.
		expect(h.order).toEqual([`start ${worker}`, `end ${worker}`]);
	});

	it('a run whose container has run twice more since: its log is gone, not taken from a later run', async () => {
		const simulator = await start({scenario: 'fail', speed: 100});
		const h = harness(simulator);
		await crashLooping(simulator, 1);
		const early = await h.read();
		const first = restartsIn(early);
		// The early run's read under way (held) while the container restarts twice more, then the pod fails.
		const release = h.hold();
		h.feed(early);
		await crashLooping(simulator, first + 2);
		simulator.goTo(3);
		const last = restartsIn(await h.look());
		release();
		await h.watcher.settled();
		const evidence = h.watcher.evidence();
		expect(evidence.map(entry => entry.record.run)).toEqual([first - 1, last - 1, last]);
		expect(evidence.map(entry => entry.log.status === 'lines' ? `lines previous=${entry.log.previous}` : entry.log)).toEqual([
			{status: 'unavailable', note: 'the run\'s log is gone: the container ran again since'},
			'lines previous=true',
			'lines previous=false',
		]);
	});

	it('the master\'s log: a 1 MiB line cuts the tail, the lines after it are read again; nothing a terminal acts on', async () => {
		const simulator = await start({scenario: 'fail'});
		const h = harness(simulator);
		play(simulator, 0, 8);
		await h.look();
		await h.watcher.settled();
		const log = logOf(h, master);
		expect(log?.status).toBe('lines');
		if (log?.status !== 'lines') return;
		expect(log.previous).toBe(false);
		expect(log.lines.at(-1)).toBe(lastWords);
		expect(log.lines.slice(-8, -6)).toEqual(['Traceback (most recent call last):', '  File "/workspace/train.py", line 214, in <module>']);
		// The long line, cut to the screen, then the mark for what the re-read may have left out.
		expect(log.lines).toContain(skippedLines);
		const long = log.lines.find(line => line.startsWith('DEBUG:train:vocab='));
		expect(long?.length).toBeLessThanOrEqual(300);
		// The first read was cut; those after it asked for fewer lines each time, one at a time, at most 4 more.
		const asked = h.logRequests().map(path => Number(new URL(path, simulator.url).searchParams.get('tailLines')));
		expect(asked[0]).toBe(20);
		expect(asked.length).toBeGreaterThan(1);
		expect(asked.length).toBeLessThanOrEqual(5);
		for (let index = 1; index < asked.length; index++) expect(asked[index]).toBeLessThan(asked[index - 1]!);
		expect(h.maxInFlight()).toBe(1);
		for (const line of log.lines) {
			expect(line).not.toMatch(/[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/);
			expect(line).not.toContain(']52;');
		}

		expect(log.lines).toContain('INFO:train:loading /data/shards (1024 shards)');
	});

	it('stop() aborts a read under way: nothing more is told, settled() resolves', async () => {
		const simulator = await start({scenario: 'fail'});
		const h = harness(simulator);
		play(simulator, 0, 8);
		const failed = await h.read();
		const sent = h.nextRead();
		h.feed(failed);
		await sent;
		h.watcher.stop();
		await h.watcher.settled();
		expect(h.order).toEqual([`start ${master}`, `aborted ${master}`]);
		expect(h.events.map(event => event.evidence.log.status)).toEqual(['pending']);
		expect(logOf(h, master)).toEqual({status: 'pending'});
		// Stopped: lists that come after it are not heard.
		await h.look();
		expect(h.events).toHaveLength(1);
	});

	it('abandon(): the program ends with reads not done; each such record is told once more with the note, and nothing more is asked', async () => {
		const simulator = await start({scenario: 'fail'});
		const h = harness(simulator);
		play(simulator, 0, 3);
		const workerFailed = await h.read();
		// The first read held: every record of the list is still pending.
		const release = h.hold();
		h.feed(workerFailed);
		const pending = h.events.length;
		expect(pending).toBeGreaterThan(0);
		expect(h.events.every(event => event.evidence.log.status === 'pending')).toBe(true);
		h.watcher.abandon('log not read: the program ended first');
		release();
		await h.watcher.settled();
		const told = h.events.slice(pending).map(event => [event.evidence.record.key, event.evidence.log]);
		expect(told).toEqual(h.events.slice(0, pending).map(event => [event.evidence.record.key, {status: 'unavailable', note: 'log not read: the program ended first'}]));
		expect(h.watcher.evidence().every(item => item.log.status === 'unavailable')).toBe(true);
		// The held read was the only one sent, and it was aborted.
		expect(h.order.filter(entry => entry.startsWith('start'))).toHaveLength(1);
	});

	it('seed(): records read elsewhere are told at once, their logs read only after the first pod list, and not twice', async () => {
		const simulator = await start({scenario: 'fail'});
		const h = harness(simulator);
		play(simulator, 0, 8);
		// The master's ValueError, as the namespace's table read it from the pods.
		const seen = recordFailures(noFailures, await h.read(), {version: 2, retryCount: 1}, Date.now()).records;
		const raised = seen.find(record => record.pod === master)!;
		expect(raised).toBeDefined();
		h.watcher.seed(seen);
		expect(h.events.map(event => [event.evidence.record.key, event.evidence.log.status])).toEqual(seen.map(record => [record.key, 'pending']));
		// No pod list yet: where the run's log is, is not known, so nothing is asked.
		await sleep(50);
		expect(h.logRequests()).toEqual([]);
		// The same pods listed: read once each, the same records not told as new again.
		await h.look();
		await h.watcher.settled();
		// One read of the tail (the re-reads after the 1 MiB line ask for fewer lines).
		expect(h.logRequests().filter(path => path.includes(master) && path.includes('tailLines=20'))).toHaveLength(1);
		expect(logOf(h, master)).toMatchObject({status: 'lines', lines: expect.arrayContaining([lastWords])});
		expect(h.events.filter(event => event.evidence.record.key === raised.key).map(event => event.evidence.log.status)).toEqual(['pending', 'lines']);
		h.watcher.seed(seen);
		expect(h.events.filter(event => event.evidence.record.key === raised.key)).toHaveLength(2);
	});

	it('seed(): a record whose pod was re-created since: the first list says so, and its log is not asked for', async () => {
		const simulator = await start({scenario: 'fail'});
		const h = harness(simulator);
		play(simulator, 0, 8);
		const seen = recordFailures(noFailures, await h.read(), {version: 2, retryCount: 1}, Date.now()).records.filter(record => record.pod === master);
		// RestartJob: the master deleted and created again under its name.
		play(simulator, 9, 12);
		h.watcher.seed(seen);
		await h.look();
		await h.watcher.settled();
		expect(logOf(h, master)).toEqual({status: 'unavailable', note: 'the pod is gone'});
		expect(h.logRequests().filter(path => path.includes(master))).toEqual([]);
	});

	it('capped: the newest records kept; one that fell off while waiting for its turn is not read', async () => {
		const simulator = await start({scenario: 'fail'});
		const h = harness(simulator, {maxRecords: 1});
		play(simulator, 0, 3);
		const workerFailed = await h.read();
		play(simulator, 4, 8);
		const masterRaised = await h.read();
		play(simulator, 9, 13);
		const masterTerminated = await h.read();
		// The worker's log read under way (held), the master's first failure waiting behind it; then the second.
		const release = h.hold();
		h.feed(workerFailed);
		h.feed(masterRaised);
		h.feed(masterTerminated);
		release();
		await h.watcher.settled();
		const evidence = h.watcher.evidence();
		expect(evidence.map(entry => [entry.record.pod, entry.record.exitCode])).toEqual([[master, 143]]);
		expect(evidence[0]?.log).toMatchObject({status: 'lines', lines: expect.arrayContaining(['INFO:train:received SIGTERM, exiting'])});
		// The worker's read was under way: its answer is dropped with its record. The ValueError's was never sent.
		expect(h.order).toEqual([`start ${worker}`, `end ${worker}`, `start ${master}`, `end ${master}`]);
		expect(h.logRequests()).toHaveLength(2);
		const told = h.events.map(event => `${event.evidence.record.exitCode} ${event.evidence.log.status}`);
		expect(told).toEqual(['137 pending', '1 pending', '143 pending', '143 lines']);
	});
});
