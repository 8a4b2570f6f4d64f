import type {Labels} from './selectors.js';

/** One version of a job as stored; the document is kept serialised, so a list costs a join, not a render. */
export type StoredJob = {
	readonly namespace: string;
	readonly name: string;
	readonly uid: string;
	/** metadata.resourceVersion as a number (ordering inside the simulator only). */
	readonly resourceVersion: number;
	readonly labels: Labels;
	/** The document as served, without a trailing newline. */
	readonly json: string;
	/** The document as an object, kept only when the writer asked (the scenario's job: verbatim documents). */
	readonly object?: Readonly<Record<string, unknown>>;
};

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

export type StoreEvent = {
	readonly type: ChangeType;
	readonly resourceVersion: number;
	/** For DELETED: the last state, its resourceVersion set to the deletion's (what a watch sends). */
	readonly job: StoredJob;
	/** The state this change replaced (MODIFIED, DELETED). */
	readonly previous?: StoredJob;
};

export type JobStore = {
	/** The newest resourceVersion: what a list made now reports. */
	readonly resourceVersion: number;
	/** Watches and exact lists can start at this resourceVersion or later; before it the history is gone. */
	readonly compactedAt: number;
	get(namespace: string, name: string): StoredJob | undefined;
	/** Current jobs of a namespace in key order (by name, as etcd returns them). */
	list(namespace: string): readonly StoredJob[];
	/** The namespace as it was at resourceVersion; undefined when that is before compactedAt. */
	listAt(namespace: string, resourceVersion: number): readonly StoredJob[] | undefined;
	/** Every change after resourceVersion, oldest first; undefined when some of them are no longer kept. */
	eventsAfter(resourceVersion: number): readonly StoreEvent[] | undefined;
	/**
	 * Create or update; a different uid under the same name is a delete and a create (two resourceVersions).
	 * render gets the new resourceVersion and returns the document; unchanged content is the caller's concern.
	 */
	write(
		namespace: string,
		name: string,
		uid: string,
		render: (resourceVersion: string) => Readonly<Record<string, unknown>>,
		options?: {readonly keepObject?: boolean},
	): Readonly<Record<string, unknown>>;
	/** A document with its own resourceVersion (served exactly as written); the counter moves past it. */
	writeVerbatim(namespace: string, name: string, document: Readonly<Record<string, unknown>>): void;
	remove(namespace: string, name: string): void;
	/** Jobs that existed before the history starts: no events, resourceVersions below the first write's. */
	seed(job: StoredJob): void;
	/** Forget the history: every resourceVersion before now is too old for a watch or an exact list. */
	compact(): void;
	/**
	 * Move the counter on with no job changed, as a write to any other object in the cluster does (etcd has one
	 * revision for everything). Returns the new resourceVersion.
	 */
	advance(): number;
	subscribe(listener: (event: StoreEvent) => void): () => void;
	readonly size: number;
};

export type JobStoreOptions = {
	/** The first write's resourceVersion. */
	readonly firstResourceVersion: number;
	/** Changes kept for watches and exact lists (a watch cache keeps a bounded window, etcd compacts). */
	readonly historySize: number;
};

function labelsOf(document: Readonly<Record<string, unknown>>): Labels {
	const metadata = document['metadata'] as {labels?: unknown} | undefined;
	const labels = metadata?.labels;
	if (typeof labels !== 'object' || labels === null) {
		return {};
	}

	return Object.fromEntries(Object.entries(labels).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

function metadataString(document: Readonly<Record<string, unknown>>, key: string): string | undefined {
	const value = (document['metadata'] as Record<string, unknown> | undefined)?.[key];
	return typeof value === 'string' ? value : undefined;
}

/** The same document with another metadata.resourceVersion (key order kept). */
export function withResourceVersion(json: string, resourceVersion: number): string {
	const document = JSON.parse(json) as {metadata?: Record<string, unknown>};
	if (document.metadata) {
		document.metadata['resourceVersion'] = String(resourceVersion);
	}

	return JSON.stringify(document);
}

export function createJobStore(options: JobStoreOptions): JobStore {
	if (!Number.isInteger(options.historySize) || options.historySize < 0) {
		throw new RangeError(`historySize must be a whole number, got ${options.historySize}`);
	}

	let resourceVersion = options.firstResourceVersion - 1;
	let compactedAt = resourceVersion;
	let history: StoreEvent[] = [];
	const namespaces = new Map<string, Map<string, StoredJob>>();
	// Names in key order per namespace, rebuilt only when a job comes or goes (not on every update).
	const sortedNames = new Map<string, string[]>();
	const listeners = new Set<(event: StoreEvent) => void>();
	let size = 0;

	function jobsOf(namespace: string): Map<string, StoredJob> {
		let jobs = namespaces.get(namespace);
		if (!jobs) {
			jobs = new Map();
			namespaces.set(namespace, jobs);
		}

		return jobs;
	}

	function names(namespace: string): string[] {
		let sorted = sortedNames.get(namespace);
		if (!sorted) {
			// Byte order, as etcd keys sort (not localeCompare).
			sorted = [...(namespaces.get(namespace)?.keys() ?? [])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
			sortedNames.set(namespace, sorted);
		}

		return sorted;
	}

	function record(event: StoreEvent): void {
		history.push(event);
		if (history.length > options.historySize * 2) {
			const dropped = history.length - options.historySize;
			compactedAt = history[dropped - 1]!.resourceVersion;
			history = history.slice(dropped);
		}

		for (const listener of listeners) {
			listener(event);
		}
	}

	function set(job: StoredJob): StoredJob | undefined {
		const jobs = jobsOf(job.namespace);
		const previous = jobs.get(job.name);
		jobs.set(job.name, job);
		if (!previous) {
			size++;
			sortedNames.delete(job.namespace);
		}

		return previous;
	}

	function remove(namespace: string, name: string): void {
		const jobs = namespaces.get(namespace);
		const previous = jobs?.get(name);
		if (!jobs || !previous) {
			return;
		}

		jobs.delete(name);
		size--;
		sortedNames.delete(namespace);
		resourceVersion++;
		const json = withResourceVersion(previous.json, resourceVersion);
		const {object: _object, ...rest} = previous;
		record({type: 'DELETED', resourceVersion, job: {...rest, resourceVersion, json}, previous});
	}

	function firstAfter(after: number): number {
		let low = 0;
		let high = history.length;
		while (low < high) {
			const middle = (low + high) >>> 1;
			if (history[middle]!.resourceVersion > after) {
				high = middle;
			} else {
				low = middle + 1;
			}
		}

		return low;
	}

	const store: JobStore = {
		get resourceVersion() {
			return resourceVersion;
		},
		get compactedAt() {
			return compactedAt;
		},
		get size() {
			return size;
		},
		get(namespace, name) {
			return namespaces.get(namespace)?.get(name);
		},
		list(namespace) {
			const jobs = namespaces.get(namespace);
			return jobs ? names(namespace).map(name => jobs.get(name)!) : [];
		},
		listAt(namespace, at) {
			if (at >= resourceVersion) {
				return store.list(namespace);
			}

			if (at < compactedAt) {
				return undefined;
			}

			// Undo the changes made since, newest first.
			const jobs = new Map(namespaces.get(namespace));
			const undo = history.slice(firstAfter(at));
			for (let index = undo.length - 1; index >= 0; index--) {
				const {type, job, previous} = undo[index]!;
				if (job.namespace !== namespace) {
					continue;
				}

				if (type === 'ADDED') {
					jobs.delete(job.name);
				} else if (previous) {
					jobs.set(job.name, previous);
				}
			}

			return [...jobs.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(name => jobs.get(name)!);
		},
		eventsAfter(after) {
			return after < compactedAt ? undefined : history.slice(firstAfter(after));
		},
		write(namespace, name, uid, render, writeOptions) {
			const existing = store.get(namespace, name);
			if (existing && existing.uid !== uid) {
				remove(namespace, name);
			}

			resourceVersion++;
			const document = render(String(resourceVersion));
			const job: StoredJob = {
				namespace,
				name,
				uid,
				resourceVersion,
				labels: labelsOf(document),
				json: JSON.stringify(document),
				...(writeOptions?.keepObject ? {object: document} : {}),
			};
			const previous = set(job);
			record(previous ? {type: 'MODIFIED', resourceVersion, job, previous} : {type: 'ADDED', resourceVersion, job});
			return document;
		},
		writeVerbatim(namespace, name, document) {
			const uid = metadataString(document, 'uid') ?? '';
			const existing = store.get(namespace, name);
			if (existing && existing.uid !== uid) {
				remove(namespace, name);
			}

			// A document that carries a later resourceVersion moves the counter to it; an earlier or odd one
			// stays as written and the change gets the next number.
			const own = Number(metadataString(document, 'resourceVersion'));
			resourceVersion = Number.isSafeInteger(own) && own > resourceVersion ? own : resourceVersion + 1;
			const job: StoredJob = {namespace, name, uid, resourceVersion, labels: labelsOf(document), json: JSON.stringify(document), object: document};
			const previous = set(job);
			record(previous ? {type: 'MODIFIED', resourceVersion, job, previous} : {type: 'ADDED', resourceVersion, job});
		},
		remove,
		seed(job) {
			set(job);
		},
		compact() {
			compactedAt = resourceVersion;
			history = [];
		},
		advance() {
			return ++resourceVersion;
		},
		subscribe(listener) {
			listeners.add(listener);
			return () => {
				listeners.delete(listener);
			};
		},
	};
	return store;
}
