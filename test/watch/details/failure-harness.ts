import {expect} from 'vitest';
import {createApiClient, type ApiClient} from '../../../source/api/client.js';
import type {PodInfo} from '../../../source/model/cluster.js';
import {normalizeJob} from '../../../source/model/normalize/normalize-job.js';
import {normalizePods} from '../../../source/model/normalize/normalize-pods.js';
import type {Simulator} from '../../../source/simulator/simulator-types.js';
import type {DetailsListener} from '../../../source/watch/details-poller.js';
import {createFailureWatcher, type FailureEvent, type FailureWatcherOptions} from '../../../source/watch/failure-watcher.js';
import type {WatchListener} from '../../../source/watch/job-watcher.js';
import {getJson, simulatorsFor} from '../../simulator/http.js';
import {sleep} from '../../helpers/waits.js';

// The failure watcher fed the fail scenario's pod lists as the details loop reads them, its log reads going to the
// simulator over HTTP: steps 0–3 the OOM-killed worker, 4 Restarting, 5–8 the master's ValueError, 9 Restarting,
// 10–13 SIGTERM, 14 Restarting, 15 Failed.
export const start = simulatorsFor({autoplay: false, backgroundWrites: false});
export const worker = 'openmpi-crash-mpiworker-0';
export const master = 'openmpi-crash-mpimaster-0';
export const lastWords = 'ValueError: loss is nan; lower the learning rate';

/** Steps from..to, one after the other, at once. */
export function play(simulator: Simulator, from: number, to: number): void {
	for (let step = from; step <= to; step++) simulator.goTo(step);
}

export type Harness = {
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

export function harness(simulator: Simulator, options: Partial<FailureWatcherOptions> = {}): Harness {
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
export async function workerStatus(simulator: Simulator): Promise<{restartCount: number}> {
	const {body} = await getJson(`${simulator.url}/api/v1/namespaces/${simulator.scenario.namespace}/pods/${worker}`);
	return body['status'].containerStatuses[0] as {restartCount: number};
}

/** The worker crash-looping (speed 100: a restart every 25 ms) until it has restarted at least `restarts` times. */
export async function crashLooping(simulator: Simulator, restarts: number): Promise<void> {
	simulator.goTo(2);
	const deadline = Date.now() + 5000;
	while ((await workerStatus(simulator)).restartCount < restarts && Date.now() < deadline) await sleep(10);
	expect((await workerStatus(simulator)).restartCount).toBeGreaterThanOrEqual(restarts);
}

/** The worker's restarts as a list shows them. */
export function restartsIn(pods: readonly PodInfo[]): number {
	return pods.find(pod => pod.name === worker)?.runs?.[0]?.restartCount ?? 0;
}

export const logOf = (h: Harness, pod: string) => h.watcher.evidence().find(evidence => evidence.record.pod === pod)?.log;
