import {seededRandom, type Now} from '../../apiserver/clock.js';
import type {ObjectStore} from '../../apiserver/object-store.js';
import {renderJob} from '../job-template.js';
import {snapshot, type FleetJob} from './fleet-job.js';
import {changeJob} from './job-changes.js';
import {initialJob, type FleetDraw} from './job-kinds.js';

// The fleet: jobs seeded into the jobs store before the simulator's history begins, then changed, one write at a
// time, as the simulator's clock runs (or on changeJobs()).

/** A busy namespace: many Volcano Jobs beside the scenario's, some of them changing all the time. */
export type ManyJobsOptions = {
	/** Jobs besides the scenario's, named train-0001, train-0002, … */
	readonly count: number;
	/**
	 * Changes per second of the simulator's clock across them, each one write (one resourceVersion); 0: only by
	 * changeJobs().
	 */
	readonly changesPerSecond: number;
	/** Default: the scenario's namespace. Several: the jobs are dealt out among them in turn. */
	readonly namespace?: string | readonly string[];
	/** The same seed gives the same jobs and the same sequence of changes (uids aside). Default 1. */
	readonly seed?: number;
};

export type Fleet = {
	/** Make this many changes now. */
	change(count: number): void;
	/** Make the changes that have fallen due on the clock. */
	tick(): void;
	close(): void;
};

export function createFleet(
	store: ObjectStore,
	options: ManyJobsOptions & {readonly namespace: string | readonly string[]; readonly firstResourceVersion: number; readonly now: Now},
): Fleet {
	const namespaces = typeof options.namespace === 'string' ? [options.namespace] : options.namespace;
	if (namespaces.length === 0) {
		throw new RangeError('manyJobs.namespace must name at least one namespace');
	}

	if (!Number.isInteger(options.count) || options.count < 0) {
		throw new RangeError(`manyJobs.count must be a whole number, got ${options.count}`);
	}

	if (!(options.changesPerSecond >= 0) || !Number.isFinite(options.changesPerSecond)) {
		throw new RangeError(`manyJobs.changesPerSecond must be a number of at least 0, got ${options.changesPerSecond}`);
	}

	const random = seededRandom(options.seed ?? 1);
	const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
	const digits = Math.max(4, String(options.count).length);
	const jobs: FleetJob[] = [];
	const draw: FleetDraw = {random, pick, digits, namespaces};

	function render(job: FleetJob, resourceVersion: string, writtenAt: Date): Readonly<Record<string, unknown>> {
		return renderJob({
			namespace: job.namespace,
			name: job.name,
			uid: job.uid,
			resourceVersion,
			creationTimestamp: job.createdAt,
			writtenAt,
			lastTransitionTime: writtenAt,
			conditions: job.conditions,
			snapshot: snapshot(job),
			template: job.template,
		});
	}

	function change(): void {
		// Finished jobs mostly sit there; changes go mainly to live ones.
		let job = pick(jobs);
		for (let tries = 0; tries < 5 && job.present && (job.phase === 'Completed' || job.phase === 'Failed') && random() > 0.25; tries++) {
			job = pick(jobs);
		}

		const now = new Date();
		if (changeJob(job, now, random) === 'delete') {
			job.present = false;
			store.remove(job.namespace, job.name);
			return;
		}

		store.write(job.namespace, job.name, job.uid, resourceVersion => render(job, resourceVersion, now));
	}

	const now = Date.now();
	for (let index = 0; index < options.count; index++) {
		const job = initialJob(index, now, draw);
		jobs.push(job);
		// Written before the simulator's history begins: below the first write's resourceVersion, spread out.
		const resourceVersion = Math.max(1, options.firstResourceVersion - 1 - (options.count - index) * 7);
		const writtenAt = job.conditions.at(-1)!.lastTransitionTime;
		const document = render(job, String(resourceVersion), writtenAt);
		store.seed({
			namespace: job.namespace,
			name: job.name,
			uid: job.uid,
			resourceVersion,
			labels: job.template.labels,
			fields: {'metadata.name': job.name, 'metadata.namespace': job.namespace},
			json: JSON.stringify(document),
		});
	}

	// Changes fall due with the simulator's clock; its ticks and this timer (finer at high rates) make them.
	const rate = jobs.length > 0 ? options.changesPerSecond : 0;
	let due = 0;
	let last = options.now();
	function catchUp(): void {
		const at = options.now();
		due += (Math.max(0, at - last) / 1000) * rate;
		last = at;
		const changes = Math.floor(due);
		due -= changes;
		for (let index = 0; index < changes; index++) {
			change();
		}
	}

	let timer: NodeJS.Timeout | undefined;
	if (rate > 0) {
		timer = setInterval(catchUp, Math.min(100, Math.max(10, 1000 / rate)));
		timer.unref();
	}

	return {
		change(changes) {
			for (let index = 0; index < changes && jobs.length > 0; index++) {
				change();
			}
		},
		tick() {
			if (rate > 0) catchUp();
		},
		close() {
			clearInterval(timer);
		},
	};
}
