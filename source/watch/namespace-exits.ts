// The latest failure of each job in the namespace's table, read from its pods only when the job list says a pod
// failed: a namespace where nothing fails costs no request more than its list and watch.
import {fetchJobsPods, jobNameLabel, jobNameSelectable} from '../api/details-client.js';
import type {ApiClient} from '../api/client.js';
import {createListeners} from '../common/listeners.js';
import {failureSignal, noFailures, recordFailures, showsFailure, type FailureRecord, type FailureState} from '../model/failures.js';
import type {JobSummary} from '../model/job.js';
import {normalizePods} from '../model/normalize/normalize-pods.js';
import {asArray, asRecord, count} from '../model/wire.js';
import type {JobDelta} from './job-index.js';
import type {NamespaceEvent, NamespaceWatcher} from './namespace-watcher.js';

export type LastExitEvent = {
	readonly type: 'last-exit';
	readonly at: number;
	/** The table's key for the job: its uid, or `name:NAME` when the server sent none. */
	readonly key: string;
	readonly namespace: string;
	readonly name: string;
	readonly uid: string;
	/** The job's failure that ended last among those its pods showed. */
	readonly record: FailureRecord;
	/** Seen after the first listing: a failure that just happened, not one the namespace already had. */
	readonly news: boolean;
};

export type LastExitListener = (event: LastExitEvent) => void;

export type NamespaceExitsOptions = {
	readonly api: Pick<ApiClient, 'get'>;
	readonly namespace: string;
	readonly watcher: Pick<NamespaceWatcher, 'subscribe'>;
	/** Jobs whose pods one request lists at most (`volcano.sh/job-name in (…)`). Default 20. */
	readonly jobsPerRequest?: number;
	readonly now?: () => number;
};

export type NamespaceExits = {
	subscribe(listener: LastExitListener): () => void;
	/** Resolves when no pod list is waiting or under way: for --once. */
	settled(): Promise<void>;
	/** What the job's pods showed so far, oldest first: a job opened from the table starts with these. */
	recordsFor(name: string): readonly FailureRecord[];
	stop(): void;
};

type Wanted = {
	readonly key: string;
	readonly name: string;
	readonly uid: string;
	readonly job: {readonly version: number; readonly retryCount: number};
	readonly news: boolean;
};

const defaultJobsPerRequest = 20;
// Pods read from one answer at most: 20 jobs of a few hundred pods each.
const maxPods = 5000;
// Only the latest record is shown; a few more keep a run seen again from counting as new.
const recordsPerJob = 8;

function versionOf(raw: Record<string, unknown> | undefined): number {
	return count(asRecord(raw?.['status'])?.['version']);
}

/** The answer's pods by the job they are labelled with. */
function podsByJob(list: unknown): Map<string, unknown[]> {
	const groups = new Map<string, unknown[]>();
	for (const item of asArray(asRecord(list)?.['items'], maxPods)) {
		const name = asRecord(asRecord(asRecord(item)?.['metadata'])?.['labels'])?.[jobNameLabel];
		if (typeof name !== 'string') continue;
		const group = groups.get(name);
		if (group) group.push(item);
		else groups.set(name, [item]);
	}

	return groups;
}

// The list reports a job again only when a value the table shows changed: status.failed is one, and it counts
// the same pods as the tasks' Failed counts, so the tasks (not in a JobSummary) add nothing here.
const withoutTasks = (job: JobSummary) => ({...job, tasks: []});

/**
 * Reads the pods of a job when the namespace's list says one of them failed (failureSignal: the failed count
 * rose, or a failure phase began) or when a job is first seen already showing a failure (showsFailure), and
 * reports the latest failure record of each. One request at a time, several jobs a request; Volcano may delete
 * failed pods seconds later, so a job's pods are read at once, not at the next interval. No log is read.
 */
export function createNamespaceExits(options: NamespaceExitsOptions): NamespaceExits {
	const now = options.now ?? Date.now;
	const perRequest = Math.max(1, options.jobsPerRequest ?? defaultJobsPerRequest);
	const {emit, subscribe} = createListeners<LastExitEvent>();
	const stopper = new AbortController();
	// Jobs whose pods are to be read, by key, in the order their failures were seen.
	const queue = new Map<string, Wanted>();
	// What each job's pods showed so far; only jobs that failed while watched are here.
	const failures = new Map<string, FailureState>();
	// The key of each job name in `failures`: the latest job under that name.
	const keyOfName = new Map<string, string>();
	let reading: Promise<void> | undefined;

	function want(job: JobSummary, raw: Record<string, unknown> | undefined, news: boolean): void {
		// A name no label selector can hold has no pods to find this way.
		if (!jobNameSelectable(job.name)) return;
		const key = job.uid || `name:${job.name}`;
		if (!failures.has(key)) failures.set(key, noFailures);
		keyOfName.set(job.name, key);
		const queued = queue.get(key);
		queue.set(key, {key, name: job.name, uid: job.uid, job: {version: versionOf(raw), retryCount: job.retryCount}, news: news || queued?.news === true});
	}

	function onDelta(delta: JobDelta, first: boolean): void {
		switch (delta.kind) {
			case 'added': {
				if (showsFailure(delta.job)) want(delta.job, delta.raw, !first);
				return;
			}

			case 'modified': {
				if (failureSignal(withoutTasks(delta.previous), withoutTasks(delta.job))) want(delta.job, delta.raw, true);
				return;
			}

			case 'deleted': {
				const key = delta.job.uid || `name:${delta.job.name}`;
				queue.delete(key);
				failures.delete(key);
				if (keyOfName.get(delta.job.name) === key) keyOfName.delete(delta.job.name);
			}
		}
	}

	function record(wanted: Wanted, pods: readonly unknown[], at: number): void {
		const state = failures.get(wanted.key);
		// Deleted while its pods were read.
		if (state === undefined) return;
		const next = recordFailures(state, normalizePods({items: pods}, wanted.uid || undefined), wanted.job, at, recordsPerJob);
		if (next === state) return;
		failures.set(wanted.key, next);
		const latest = next.records.at(-1);
		if (!latest || latest.key === state.records.at(-1)?.key) return;
		emit({type: 'last-exit', at, key: wanted.key, namespace: options.namespace, name: wanted.name, uid: wanted.uid, record: latest, news: wanted.news});
	}

	async function read(batch: readonly Wanted[]): Promise<void> {
		let list: unknown;
		try {
			list = await fetchJobsPods(options.api, options.namespace, [...new Set(batch.map(wanted => wanted.name))], stopper.signal);
		} catch {
			// Not an error of the table: the column stays as it was, and the job's next failure reads again.
			return;
		}

		if (stopper.signal.aborted) return;
		const at = now();
		const groups = podsByJob(list);
		for (const wanted of batch) record(wanted, groups.get(wanted.name) ?? [], at);
	}

	async function drain(): Promise<void> {
		while (queue.size > 0 && !stopper.signal.aborted) {
			const batch = [...queue.values()].slice(0, perRequest);
			for (const wanted of batch) queue.delete(wanted.key);
			// eslint-disable-next-line no-await-in-loop
			await read(batch);
		}

		reading = undefined;
	}

	const onEvent = (event: NamespaceEvent) => {
		if (event.type !== 'jobs') return;
		for (const delta of event.deltas) onDelta(delta, event.first);
		if (queue.size > 0 && !reading && !stopper.signal.aborted) reading = drain();
	};

	const unsubscribe = options.watcher.subscribe(onEvent);

	return {
		subscribe,
		async settled() {
			while (reading) {
				// eslint-disable-next-line no-await-in-loop
				await reading;
			}
		},
		recordsFor(name) {
			const key = keyOfName.get(name);
			return (key === undefined ? undefined : failures.get(key)?.records) ?? [];
		},
		stop() {
			stopper.abort();
			unsubscribe();
		},
	};
}
