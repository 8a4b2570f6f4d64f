import type {Now} from './clock.js';

/**
 * etcd as the API server sees it: one revision for every write in the cluster (jobs, pods, events, PodGroups, and
 * everything the simulator does not serve: leases, other namespaces' objects), and compaction, after which exact
 * and paged reads of older revisions fail.
 */
export type Etcd = {
	/** The newest revision: what a consistent list made now reports. */
	readonly revision: number;
	/** Reads at an exact revision below this one are gone (410). */
	readonly compactedAt: number;
	/** The revision of a write made now. */
	next(): number;
	/** A write that carries its own revision (a verbatim document): the counter moves up to it, never back. */
	reach(revision: number): void;
	/** Writes to objects the simulator does not serve; returns the new revision. */
	advance(by?: number): number;
	/** Compact everything before the current revision (kube-apiserver's compactor, or a test). */
	compact(): void;
	onCompact(listener: (revision: number) => void): () => void;
	/** Background writes and scheduled compactions that have fallen due on the clock. */
	tick(): void;
};

export type EtcdOptions = {
	/** The first write's revision. */
	readonly firstRevision: number;
	readonly now: Now;
	readonly random: () => number;
	/** Writes elsewhere in the cluster every 1–3 s of simulated time, a few revisions each; false: none. */
	readonly backgroundWrites: boolean;
	/**
	 * kube-apiserver's --etcd-compaction-interval (5 min): every interval it compacts to the revision it noted at
	 * the previous one, so exact and paged reads live 5–10 min. 0: only by compact().
	 */
	readonly compactionIntervalMs: number;
};

// A step of simulated time per loop turn is bounded, so that a clock moved by days does not hang a tick.
const maxCatchUp = 1_000_000;

export function createEtcd(options: EtcdOptions): Etcd {
	const {now, random} = options;
	let revision = options.firstRevision - 1;
	let compactedAt = 0;
	const listeners = new Set<(revision: number) => void>();
	const started = now();
	const gap = () => 1000 + random() * 2000;
	let nextWriteAt = started + gap();
	let nextCompactionAt = started + options.compactionIntervalMs;
	let noted = revision;

	function compactTo(to: number): void {
		if (to <= compactedAt) {
			return;
		}

		compactedAt = to;
		for (const listener of listeners) {
			listener(to);
		}
	}

	const etcd: Etcd = {
		get revision() {
			return revision;
		},
		get compactedAt() {
			return compactedAt;
		},
		next() {
			return ++revision;
		},
		reach(to) {
			revision = Math.max(revision, to);
		},
		advance(by = 1) {
			revision += Math.max(1, Math.floor(by));
			return revision;
		},
		compact() {
			compactTo(revision);
		},
		onCompact(listener) {
			listeners.add(listener);
			return () => {
				listeners.delete(listener);
			};
		},
		tick() {
			const at = now();
			const writeAt = () => (options.backgroundWrites ? nextWriteAt : Number.POSITIVE_INFINITY);
			const compactionAt = () => (options.compactionIntervalMs > 0 ? nextCompactionAt : Number.POSITIVE_INFINITY);
			// In time order, so that a clock moved far at once compacts what it would have compacted on the way.
			for (let turns = 0; Math.min(writeAt(), compactionAt()) <= at && turns < maxCatchUp; turns++) {
				if (writeAt() <= compactionAt()) {
					// A lease renewal, an event, a pod elsewhere: one to eight writes.
					revision += 1 + Math.floor(random() * 8);
					nextWriteAt += gap();
				} else {
					compactTo(noted);
					noted = revision;
					nextCompactionAt += options.compactionIntervalMs;
				}
			}
		},
	};
	return etcd;
}
