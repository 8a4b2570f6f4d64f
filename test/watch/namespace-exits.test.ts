import {afterEach, describe, expect, test} from 'vitest';
import {createApiClient} from '../../source/api/client.js';
import {exitLabel} from '../../source/model/exit-label.js';
import type {Simulator} from '../../source/simulator/index.js';
import {createNamespaceExits, type LastExitEvent, type NamespaceExits} from '../../source/watch/namespace-exits.js';
import {createNamespaceWatcher, type NamespaceWatcher} from '../../source/watch/namespace-watcher.js';
import {simulatorsFor} from '../simulator/http.js';

// The fail scenario's steps: 0–3 the OOM-killed worker (3: failed 0→1), 4 Restarting, 5–8 the master's exit 1,
// 9 Restarting, 10–13 the master's SIGTERM, 14 Restarting with the failed pod kept, 15 Failed.
const start = simulatorsFor({autoplay: false, backgroundWrites: false});
const stops: Array<() => void> = [];
afterEach(() => {
	for (const stop of stops.splice(0)) stop();
});

type Harness = {
	readonly watcher: NamespaceWatcher;
	readonly exits: NamespaceExits;
	readonly events: LastExitEvent[];
	/** One list of the jobs, and the pod lists it leads to. */
	look(): Promise<void>;
	/** The pod lists asked of the simulator so far, their label selectors decoded. */
	podLists(): string[];
};

function harness(simulator: Simulator, jobsPerRequest?: number): Harness {
	const api = createApiClient({server: simulator.url, timeoutMs: 5000});
	const {namespace} = simulator.scenario;
	const watcher = createNamespaceWatcher({api, namespace, mode: 'poll', intervalMs: 60_000, maxWaitMs: 60_000, refusedWaitMs: 60_000});
	const exits = createNamespaceExits({api, namespace, watcher, ...(jobsPerRequest ? {jobsPerRequest} : {})});
	const events: LastExitEvent[] = [];
	exits.subscribe(event => events.push(event));
	stops.push(() => exits.stop(), () => watcher.stop());
	return {
		watcher,
		exits,
		events,
		async look() {
			await watcher.pollOnce(0);
			await exits.settled();
		},
		podLists: () =>
			simulator.requests
				.filter(request => request.path.includes('/pods?'))
				.map(request => new URL(request.path, simulator.url).searchParams.get('labelSelector') ?? ''),
	};
}

async function play(simulator: Simulator, {look}: Harness, from: number, to: number): Promise<void> {
	for (let step = from; step <= to; step++) {
		simulator.goTo(step);
		await look();
	}
}

describe('createNamespaceExits', () => {
	test('no pod list while nothing fails; each failure the list shows reads the job\'s pods at once and reports its exit', async () => {
		const simulator = await start({scenario: 'fail', speed: 100});
		const run = harness(simulator);
		await play(simulator, run, 0, 2);
		expect(run.podLists()).toEqual([]);
		expect(run.events).toEqual([]);

		await play(simulator, run, 3, 3);
		expect(run.podLists()).toEqual(['volcano.sh/job-name=openmpi-crash']);
		expect(run.events).toHaveLength(1);
		expect(run.events[0]).toMatchObject({
			type: 'last-exit',
			namespace: simulator.scenario.namespace,
			name: 'openmpi-crash',
			news: true,
			record: {pod: 'openmpi-crash-mpiworker-0', container: 'mpiworker', exitCode: 137, reason: 'OOMKilled', retryCount: 0},
		});
		expect(run.events[0]!.key).toBe(run.events[0]!.uid);

		// Restarting is a failure phase: the pods are read again, and the same run is not reported twice.
		await play(simulator, run, 4, 4);
		expect(run.podLists()).toHaveLength(2);
		expect(run.events).toHaveLength(1);

		await play(simulator, run, 5, 15);
		expect(run.events.map(event => exitLabel(event.record))).toEqual(['OOMKilled', 'exit 1', 'SIGTERM']);
		expect(run.events.map(event => event.record.retryCount)).toEqual([0, 1, 2]);
		// Failed 0→1 three times, Restarting three times, Failed once; nothing between them.
		expect(run.podLists()).toHaveLength(7);

		// Listed again with nothing new: no pod list.
		await run.look();
		await run.look();
		expect(run.podLists()).toHaveLength(7);
	});

	test('recordsFor: every failure its pods showed, oldest first, for the view a job opened from the table starts with', async () => {
		const simulator = await start({scenario: 'fail', speed: 100});
		const run = harness(simulator);
		expect(run.exits.recordsFor('openmpi-crash')).toEqual([]);
		await play(simulator, run, 0, 8);
		const records = run.exits.recordsFor('openmpi-crash');
		expect(records.map(record => [record.pod, record.exitCode])).toEqual(
			expect.arrayContaining([
				['openmpi-crash-mpiworker-0', 137],
				['openmpi-crash-mpimaster-0', 1],
			]),
		);
		expect(records.at(-1)).toMatchObject({pod: 'openmpi-crash-mpimaster-0', exitCode: 1});
		expect(run.exits.recordsFor('another-job')).toEqual([]);
	});

	test('a job first seen already failed is read once, its exit the one it had, not news', async () => {
		const simulator = await start({scenario: 'fail', speed: 100});
		simulator.goTo(15);
		const run = harness(simulator);
		await run.look();
		expect(run.events.map(event => [exitLabel(event.record), event.news])).toEqual([['SIGTERM', false]]);
		await run.look();
		expect(run.podLists()).toEqual(['volcano.sh/job-name=openmpi-crash']);
	});

	test('many jobs that show a failure are read a few to a request, and only on the listing that showed it', async () => {
		const simulator = await start({scenario: 'static', manyJobs: {count: 60, changesPerSecond: 0}});
		const run = harness(simulator, 4);
		await run.look();
		const lists = run.podLists();
		expect(lists.length).toBeGreaterThan(1);
		const names = lists.flatMap(selector => /^volcano\.sh\/job-name(?:=(\S+)| in \((\S+)\))$/.exec(selector)!.slice(1).filter(Boolean).join(',').split(','));
		for (const selector of lists) expect(selector.split(',').length).toBeLessThanOrEqual(4);
		expect(new Set(names).size).toBe(names.length);
		// The fleet's jobs that failed, restart or are going: those the list shows a failure for, and only those.
		const jobs = (await (await fetch(`${simulator.url}/apis/batch.volcano.sh/v1alpha1/namespaces/${simulator.scenario.namespace}/jobs`)).json()) as {
			items: Array<{metadata: {name: string}; status?: {state?: {phase?: string}; failed?: number}}>;
		};
		const failing = jobs.items
			.filter(job => (job.status?.failed ?? 0) > 0 || ['Failed', 'Restarting', 'Aborting', 'Terminating'].includes(job.status?.state?.phase ?? ''))
			.map(job => job.metadata.name);
		expect(failing.length).toBeGreaterThan(1);
		expect(names.sort()).toEqual(failing.sort());
		// Their pods are gone (the fleet has none): nothing to report, and an idle namespace asks no more.
		expect(run.events).toEqual([]);
		await run.look();
		await run.look();
		expect(run.podLists()).toEqual(lists);
	});

	test('pods the user may not list (403): no exit and no error, and the next failure asks again', async () => {
		const simulator = await start({scenario: 'fail', speed: 100, forbidden: ['pods']});
		const run = harness(simulator);
		await play(simulator, run, 0, 4);
		expect(run.events).toEqual([]);
		expect(simulator.requests.filter(request => request.path.includes('/pods?')).map(request => request.status)).toEqual([403, 403]);
	});

	test('stop() ends the reading: a failure listed after it reads nothing', async () => {
		const simulator = await start({scenario: 'fail', speed: 100});
		const run = harness(simulator);
		await play(simulator, run, 0, 2);
		run.exits.stop();
		await play(simulator, run, 3, 3);
		expect(run.podLists()).toEqual([]);
	});
});
