// The details loop's tests' world: a fake API server over the cluster fixtures, a job watcher the test drives,
// and a clock and sleep that move only when told.
import {setImmediate as tick} from 'node:timers/promises';
import {expect} from 'vitest';
import type {ApiObject} from '../../../source/api/client.js';
import {eventsPath, podGroupPath, podsPath} from '../../../source/api/paths.js';
import type {Job} from '../../../source/model/job.js';
import {createDetailsWatcher, everythingWanted, type DetailsEvent, type DetailsWatcher, type DetailsWatcherOptions} from '../../../source/watch/details-poller.js';
import type {WatchEvent, WatchListener} from '../../../source/watch/job-watcher.js';
import {manualSleep} from '../../helpers/fakes/fake-time.js';
import {status} from '../../helpers/objects/api-status.js';
import {loadClusterFixture, podGroupName} from '../../helpers/objects/cluster-fixtures.js';
import {edited, loadFixture, normalize, type RawObject} from '../../helpers/objects/fixtures.js';
import {jobEvent} from '../../helpers/objects/jobs.js';

export const namespace = 'cci-namespace-42263891';
export const t0 = Date.parse('2024-03-11T08:20:00Z');

export const job = normalize(loadFixture('running-mpi'));
// The job deleted and created again under the same name.
export const laterUid = 'c3d4e5f6-0718-4293-a4b5-c6d7e8f90a1b';
export const recreated = normalize(edited(loadFixture('running-mpi'), raw => (raw['metadata'].uid = laterUid)));

export type Call = {readonly path: string; readonly query?: Readonly<Record<string, string>>; readonly what?: string; readonly signal?: AbortSignal};
/** An answer the fake server gives instead of what the cluster holds: an error to throw, or a function. */
export type Fault = Error | ((call: Call) => Promise<RawObject>);

/**
 * A fake API server over the fixtures: pods by label selector, PodGroups by name (404 Status for others),
 * events by involvedObject.name, as a kube-apiserver answers. Faults, keyed by the request's label
 * ("pods", "podgroup NAME", "events NAME"), are served first, one per request.
 */
export class FakeCluster {
	pods: RawObject[] = structuredClone(loadClusterFixture('pods')['items'] as RawObject[]);
	events: RawObject[] = structuredClone(loadClusterFixture('events')['items'] as RawObject[]);
	podGroups = new Map<string, RawObject>([[podGroupName, loadClusterFixture('podgroup-unschedulable')]]);
	readonly faults = new Map<string, Fault[]>();
	readonly calls: string[] = [];
	readonly raw: Call[] = [];
	inFlight = 0;
	maxInFlight = 0;

	constructor(private readonly log: string[]) {}

	fail(label: string, ...faults: Fault[]): void {
		this.faults.set(label, [...(this.faults.get(label) ?? []), ...faults]);
	}

	label(call: Call): string {
		if (call.path === podsPath(namespace)) return 'pods';
		if (call.path === eventsPath(namespace)) return `events ${call.query?.['fieldSelector']?.replace('involvedObject.name=', '')}`;
		const prefix = podGroupPath(namespace, '');
		if (call.path.startsWith(prefix)) return `podgroup ${decodeURIComponent(call.path.slice(prefix.length))}`;
		return `? ${call.path}`;
	}

	async get(path: string, options: Omit<Call, 'path'> = {}): Promise<ApiObject> {
		const call = {path, ...options};
		const label = this.label(call);
		this.calls.push(label);
		this.raw.push(call);
		this.log.push(`GET ${label}`);
		this.inFlight++;
		this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
		try {
			// A real asynchronous hop, so that anything started meanwhile would overlap.
			await tick();
			const fault = this.faults.get(label)?.shift();
			if (fault instanceof Error) throw fault;
			const raw = fault ? await fault(call) : this.answer(label, call);
			return {raw, bytes: JSON.stringify(raw).length};
		} finally {
			this.inFlight--;
		}
	}

	private answer(label: string, call: Call): RawObject {
		if (label === 'pods') {
			const selector = call.query?.['labelSelector'] ?? '';
			const [key, value] = selector.split('=');
			return {kind: 'PodList', apiVersion: 'v1', items: this.pods.filter(pod => pod['metadata'].labels?.[key!] === value)};
		}

		if (label.startsWith('events ')) {
			const name = label.slice('events '.length);
			return {kind: 'EventList', apiVersion: 'v1', items: this.events.filter(event => event['involvedObject'].name === name)};
		}

		const group = this.podGroups.get(label.slice('podgroup '.length));
		if (!group) throw status(404, {message: `podgroups.scheduling.volcano.sh "${label.slice(9)}" not found`});
		return group;
	}
}

/** A job watcher that the test drives: its listeners get what the test emits. */
export class FakeJobWatcher {
	readonly listeners = new Set<WatchListener>();

	subscribe(listener: WatchListener): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	emit(event: WatchEvent): void {
		for (const listener of this.listeners) listener(event);
	}

	job(next: Job, at: number): void {
		this.emit(jobEvent(next, at));
	}

	/** The same resourceVersion again (a poll, a relist): nothing moved. */
	same(next: Job, at: number): void {
		this.emit({type: 'job', at, raw: {}, job: next, previous: next, changes: [], rvChanged: false});
	}
}

export type Harness = {
	readonly watcher: DetailsWatcher;
	readonly cluster: FakeCluster;
	readonly jobs: FakeJobWatcher;
	readonly events: DetailsEvent[];
	/** One line per thing that happened, in order: "GET pods", "pods ok", "wait 10000", "reset". */
	readonly log: string[];
	/** The clock now() reads; moved by elapse() and by the test. */
	clock: number;
	/** Whether the loop is asleep, and for how long it asked to be. */
	readonly sleeping: () => number | undefined;
	/** Ends the current sleep as if its time had passed, and lets the loop run until it sleeps again. */
	elapse(): Promise<void>;
	/** Lets the loop run until it sleeps again (or `condition` holds: `what` says what was waited for). */
	settle(condition?: () => boolean, what?: string): Promise<void>;
	ofPart<P extends 'pods' | 'podGroup' | 'events'>(part: P): Array<Extract<DetailsEvent, {part: P}>>;
};

export function harness(options: Partial<Omit<DetailsWatcherOptions, 'api' | 'jobWatcher' | 'sleep' | 'now'>> = {}): Harness {
	const log: string[] = [];
	const events: DetailsEvent[] = [];
	const cluster = new FakeCluster(log);
	const jobs = new FakeJobWatcher();
	const {sleep, sleeping, end} = manualSleep(ms => log.push(`wait ${ms}`));

	const state: Harness = {
		watcher: undefined as unknown as DetailsWatcher,
		cluster,
		jobs,
		events,
		log,
		clock: t0,
		sleeping,
		async elapse() {
			const ms = sleeping();
			if (ms === undefined) throw new Error(`not asleep; log: ${log.join(' | ')}`);
			state.clock += ms;
			end();
			await tick();
			await state.settle();
		},
		async settle(condition, what) {
			// Until the loop sleeps again and nothing is in flight; a paused loop is settled too.
			for (let index = 0; index < 500; index++) {
				await tick();
				if (condition ? condition() : sleeping() !== undefined && cluster.inFlight === 0) return;
			}

			if (condition) expect(condition(), `waited 500 turns of the event loop for ${what ?? 'the condition'}; log: ${log.join(' | ')}`).toBe(true);
		},
		ofPart<P extends 'pods' | 'podGroup' | 'events'>(part: P) {
			return events.filter((event): event is Extract<DetailsEvent, {part: P}> => event.type === 'details' && event.part === part);
		},
	};
	const watcher = createDetailsWatcher({
		api: cluster,
		namespace,
		jobWatcher: jobs,
		intervalMs: 10_000,
		maxWaitMs: 60_000,
		refusedWaitMs: 60_000,
		wanted: everythingWanted,
		sleep,
		now: () => state.clock,
		random: () => 1,
		...options,
	});
	watcher.subscribe(event => {
		events.push(event);
		log.push(event.type === 'details' ? `${event.part} ${event.result.status}` : 'reset');
	});
	(state as {watcher: DetailsWatcher}).watcher = watcher;
	return state;
}

