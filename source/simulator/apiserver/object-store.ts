import type {Labels} from '../selectors/label-selector.js';
import type {Etcd} from './etcd.js';

/** One version of an object as stored; the document is kept serialised, so a list costs a join, not a render. */
export type StoredObject = {
	readonly namespace: string;
	readonly name: string;
	readonly uid: string;
	/** metadata.resourceVersion as a number (ordering inside the simulator only). */
	readonly resourceVersion: number;
	readonly labels: Labels;
	/** What field selectors look at. */
	readonly fields: Readonly<Record<string, string>>;
	/** The document as a GET and a watch serve it, without a trailing newline. */
	readonly json: string;
	/** As a list item, when that differs (built-in kinds: no kind and apiVersion). */
	readonly item?: string;
	/** The document as an object, kept only when the writer asked (the scenario's job: verbatim documents). */
	readonly object?: Readonly<Record<string, unknown>>;
	/** The content apart from resourceVersion, for writers that write only on change. */
	readonly key?: string;
};

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

export type StoreEvent = {
	readonly type: ChangeType;
	readonly resourceVersion: number;
	/** For DELETED: the last state, its resourceVersion set to the deletion's (what a watch sends). */
	readonly object: StoredObject;
	/** The state this change replaced (MODIFIED, DELETED). */
	readonly previous?: StoredObject;
};

export type WriteOptions = {
	readonly keepObject?: boolean;
	readonly key?: string;
	/** Default: metadata.labels. */
	readonly labels?: Labels;
	/** Default: metadata.name and metadata.namespace. */
	readonly fields?: Readonly<Record<string, string>>;
	/** The list item's JSON for the document, when it is not the document's. */
	readonly item?: (document: Readonly<Record<string, unknown>>) => string;
};

/** One kind's objects in etcd, with the changes since the last compaction (for exact and paged reads). */
export type ObjectStore = {
	get(namespace: string, name: string): StoredObject | undefined;
	/** Current objects of a namespace in key order (by name, as etcd returns them). */
	list(namespace: string): readonly StoredObject[];
	/** The namespace as it was at resourceVersion; undefined when etcd has compacted that revision. */
	listAt(namespace: string, resourceVersion: number): readonly StoredObject[] | undefined;
	/**
	 * Create or update; a different uid under the same name is a delete and a create (two resourceVersions).
	 * render gets the new resourceVersion and returns the document; unchanged content is the caller's concern.
	 */
	write(
		namespace: string,
		name: string,
		uid: string,
		render: (resourceVersion: string) => Readonly<Record<string, unknown>>,
		options?: WriteOptions,
	): Readonly<Record<string, unknown>>;
	/** A document with its own resourceVersion (served exactly as written); the revision moves past it. */
	writeVerbatim(namespace: string, name: string, document: Readonly<Record<string, unknown>>): void;
	remove(namespace: string, name: string): void;
	/** Objects that existed before the simulation: no events, resourceVersions below the first write's. */
	seed(object: StoredObject): void;
	subscribe(listener: (event: StoreEvent) => void): () => void;
	readonly size: number;
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

// Byte order, as etcd keys sort (not localeCompare).
function byName(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

export function createObjectStore(etcd: Etcd): ObjectStore {
	// Changes since etcd's last compaction, oldest first.
	let history: StoreEvent[] = [];
	const namespaces = new Map<string, Map<string, StoredObject>>();
	// Names in key order per namespace, rebuilt only when an object comes or goes (not on every update).
	const sortedNames = new Map<string, string[]>();
	const listeners = new Set<(event: StoreEvent) => void>();
	let size = 0;

	etcd.onCompact(revision => {
		const kept = firstAfter(revision);
		if (kept > 0) {
			history = history.slice(kept);
		}
	});

	function objectsOf(namespace: string): Map<string, StoredObject> {
		let objects = namespaces.get(namespace);
		if (!objects) {
			objects = new Map();
			namespaces.set(namespace, objects);
		}

		return objects;
	}

	function names(namespace: string): string[] {
		let sorted = sortedNames.get(namespace);
		if (!sorted) {
			sorted = [...(namespaces.get(namespace)?.keys() ?? [])].sort(byName);
			sortedNames.set(namespace, sorted);
		}

		return sorted;
	}

	function record(event: StoreEvent): void {
		history.push(event);
		for (const listener of listeners) {
			listener(event);
		}
	}

	function set(object: StoredObject): StoredObject | undefined {
		const objects = objectsOf(object.namespace);
		const previous = objects.get(object.name);
		objects.set(object.name, object);
		if (!previous) {
			size++;
			sortedNames.delete(object.namespace);
		}

		return previous;
	}

	function remove(namespace: string, name: string): void {
		const objects = namespaces.get(namespace);
		const previous = objects?.get(name);
		if (!objects || !previous) {
			return;
		}

		objects.delete(name);
		size--;
		sortedNames.delete(namespace);
		const resourceVersion = etcd.next();
		const json = withResourceVersion(previous.json, resourceVersion);
		const {object: _object, item: _item, ...rest} = previous;
		record({type: 'DELETED', resourceVersion, object: {...rest, resourceVersion, json}, previous});
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

	function put(object: StoredObject): void {
		const previous = set(object);
		const {resourceVersion} = object;
		record(previous ? {type: 'MODIFIED', resourceVersion, object, previous} : {type: 'ADDED', resourceVersion, object});
	}

	const store: ObjectStore = {
		get size() {
			return size;
		},
		get(namespace, name) {
			return namespaces.get(namespace)?.get(name);
		},
		list(namespace) {
			const objects = namespaces.get(namespace);
			return objects ? names(namespace).map(name => objects.get(name)!) : [];
		},
		listAt(namespace, at) {
			if (at >= etcd.revision) {
				return store.list(namespace);
			}

			if (at < etcd.compactedAt) {
				return undefined;
			}

			// Undo the changes made since, newest first.
			const objects = new Map(namespaces.get(namespace));
			const undo = history.slice(firstAfter(at));
			for (let index = undo.length - 1; index >= 0; index--) {
				const {type, object, previous} = undo[index]!;
				if (object.namespace !== namespace) {
					continue;
				}

				if (type === 'ADDED') {
					objects.delete(object.name);
				} else if (previous) {
					objects.set(object.name, previous);
				}
			}

			return [...objects.keys()].sort(byName).map(name => objects.get(name)!);
		},
		write(namespace, name, uid, render, options = {}) {
			const existing = store.get(namespace, name);
			if (existing && existing.uid !== uid) {
				remove(namespace, name);
			}

			const resourceVersion = etcd.next();
			const document = render(String(resourceVersion));
			put({
				namespace,
				name,
				uid,
				resourceVersion,
				labels: options.labels ?? labelsOf(document),
				fields: options.fields ?? {'metadata.name': name, 'metadata.namespace': namespace},
				json: JSON.stringify(document),
				...(options.item ? {item: options.item(document)} : {}),
				...(options.keepObject ? {object: document} : {}),
				...(options.key === undefined ? {} : {key: options.key}),
			});
			return document;
		},
		writeVerbatim(namespace, name, document) {
			const uid = metadataString(document, 'uid') ?? '';
			const existing = store.get(namespace, name);
			if (existing && existing.uid !== uid) {
				remove(namespace, name);
			}

			// A document that carries a later resourceVersion moves the revision to it; an earlier or odd one
			// stays as written and the change gets the next number.
			const own = Number(metadataString(document, 'resourceVersion'));
			let resourceVersion: number;
			if (Number.isSafeInteger(own) && own > etcd.revision) {
				etcd.reach(own);
				resourceVersion = own;
			} else {
				resourceVersion = etcd.next();
			}

			put({
				namespace,
				name,
				uid,
				resourceVersion,
				labels: labelsOf(document),
				fields: {'metadata.name': name, 'metadata.namespace': namespace},
				json: JSON.stringify(document),
				object: document,
			});
		},
		remove,
		seed(object) {
			set(object);
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
