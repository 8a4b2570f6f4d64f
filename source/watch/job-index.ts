import {diffJobSummary} from '../model/diff-job.js';
import {normalizeJobSummary} from '../model/normalize/normalize-job.js';
import type {Change, JobSummary} from '../model/job.js';
import {asRecord} from '../model/wire.js';

/** What one listing or one watch event changed, job by job. */
export type JobDelta =
	| {readonly kind: 'added'; readonly job: JobSummary; readonly raw: Record<string, unknown>}
	| {
			readonly kind: 'modified';
			readonly job: JobSummary;
			readonly previous: JobSummary;
			/** Never empty: a new resourceVersion that changed nothing a table shows is not a delta. */
			readonly changes: readonly Change[];
			readonly raw: Record<string, unknown>;
	  }
	/** job: as last seen. raw: the last object, when a watch sent it (a list only says the job is gone). */
	| {readonly kind: 'deleted'; readonly job: JobSummary; readonly raw?: Record<string, unknown>};

export type Normalize = (raw: unknown, fallback: {namespace: string; name: string}) => JobSummary;

export type JobIndex = {
	/** A complete listing: the jobs that are new, changed or gone since what the index knew. */
	reconcile(items: readonly unknown[]): JobDelta[];
	/** One watch event; undefined when it changes nothing a table shows. */
	apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: unknown): JobDelta | undefined;
	readonly size: number;
	jobs(): IterableIterator<JobSummary>;
};

type Entry = {resourceVersion: string; job: JobSummary};

type Identity = {readonly key: string; readonly resourceVersion: string; readonly raw: Record<string, unknown>};

// Read straight off the wire, before any normalising: comparing them is all an unchanged job costs.
function identify(object: unknown): Identity | undefined {
	const raw = asRecord(object);
	const metadata = asRecord(raw?.['metadata']);
	if (!raw || !metadata) return undefined;
	const uid = metadata['uid'];
	const name = metadata['name'];
	const resourceVersion = metadata['resourceVersion'];
	// A server that sends no uid still names its objects: the name is the key then.
	const key = typeof uid === 'string' && uid !== '' ? uid : typeof name === 'string' && name !== '' ? `name:${name}` : undefined;
	if (key === undefined) return undefined;
	return {key, resourceVersion: typeof resourceVersion === 'string' ? resourceVersion : '', raw};
}

/**
 * The jobs of a namespace by uid, each with the resourceVersion it was normalised at. An object whose
 * resourceVersion has not moved is not normalised again, nor diffed: with a thousand jobs and one change,
 * one job is read. A job deleted and created again under its name has a new uid: a delete and an add.
 */
export function createJobIndex(options: {readonly namespace: string; readonly normalize?: Normalize}): JobIndex {
	const normalize = options.normalize ?? normalizeJobSummary;
	const entries = new Map<string, Entry>();

	function upsert(identity: Identity): JobDelta | undefined {
		const known = entries.get(identity.key);
		// An empty resourceVersion says nothing: read the object then.
		if (known && identity.resourceVersion !== '' && known.resourceVersion === identity.resourceVersion) {
			return undefined;
		}

		const job = normalize(identity.raw, {namespace: options.namespace, name: '(unnamed)'});
		entries.set(identity.key, {resourceVersion: identity.resourceVersion, job});
		if (!known) return {kind: 'added', job, raw: identity.raw};
		const changes = diffJobSummary(known.job, job);
		return changes.length === 0 ? undefined : {kind: 'modified', job, previous: known.job, changes, raw: identity.raw};
	}

	return {
		reconcile(items) {
			const deltas: JobDelta[] = [];
			const seen = new Set<string>();
			for (const item of items) {
				const identity = identify(item);
				if (!identity || seen.has(identity.key)) continue;
				seen.add(identity.key);
				const delta = upsert(identity);
				if (delta) deltas.push(delta);
			}

			for (const [key, entry] of entries) {
				if (!seen.has(key)) {
					entries.delete(key);
					deltas.push({kind: 'deleted', job: entry.job});
				}
			}

			return deltas;
		},
		apply(type, object) {
			const identity = identify(object);
			if (!identity) return undefined;
			if (type !== 'DELETED') return upsert(identity);
			const known = entries.get(identity.key);
			if (!known) return undefined;
			entries.delete(identity.key);
			return {kind: 'deleted', job: known.job, raw: identity.raw};
		},
		get size() {
			return entries.size;
		},
		jobs() {
			const iterator = entries.values();
			return (function* () {
				for (const entry of iterator) yield entry.job;
			})();
		},
	};
}
