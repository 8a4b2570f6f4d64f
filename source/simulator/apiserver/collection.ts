import type {Now} from './clock.js';
import type {CollectionContext, CollectionRequest, ServerState, WatchCache, WatchSettings, Watcher} from './collection-types.js';
import type {Etcd} from './etcd.js';
import type {Kind} from './kinds.js';
import {listText} from './list.js';
import type {ObjectStore, StoreEvent} from './object-store.js';
import {queryBool} from './request.js';
import {serveWatch} from './watch.js';
import {createWatchWindow} from './watch-window.js';

/** One kind's cacher: its store, its watch cache, its watchers, and its list and watch. */
export type Collection = {
	readonly kind: Kind;
	readonly store: ObjectStore;
	readonly cache: WatchCache;
	readonly watchers: ReadonlySet<Watcher>;
	isWatch(request: CollectionRequest): boolean;
	/** The list's JSON text; throws RequestError for what the API server refuses. */
	listText(request: CollectionRequest): Promise<string>;
	/** Starts the watch stream; throws RequestError for what is refused before it starts. */
	watch(request: CollectionRequest): Promise<void>;
	close(): void;
};

export type CollectionDependencies = {
	readonly etcd: Etcd;
	readonly now: Now;
	readonly random: () => number;
	readonly state: ServerState;
	readonly settings: WatchSettings;
	/** historySize: a window of this many events, never resized. */
	readonly capacity?: number;
	readonly reach: CollectionContext['reach'];
	readonly ready: () => boolean;
};

export function createCollection(kind: Kind, store: ObjectStore, dependencies: CollectionDependencies): Collection {
	const {etcd, now} = dependencies;
	// The cache starts with the simulation: a relist at the revision before the first write.
	let resourceVersion = etcd.revision;
	const window = createWatchWindow<StoreEvent>(resourceVersion, dependencies.capacity === undefined ? {} : {capacity: dependencies.capacity});
	const cache: WatchCache = {
		window,
		get resourceVersion() {
			return resourceVersion;
		},
		progress() {
			resourceVersion = Math.max(resourceVersion, etcd.revision);
		},
		reset() {
			resourceVersion = etcd.revision;
			window.reset(resourceVersion);
		},
	};
	const watchers = new Set<Watcher>();
	const unsubscribe = store.subscribe(event => {
		window.push(event, now());
		resourceVersion = Math.max(resourceVersion, event.resourceVersion);
		for (const watcher of watchers) {
			watcher.deliver(event);
		}
	});
	const context: CollectionContext = {
		kind,
		store,
		etcd,
		cache,
		state: dependencies.state,
		settings: dependencies.settings,
		now,
		random: dependencies.random,
		watchers,
		reach: dependencies.reach,
		ready: dependencies.ready,
	};

	return {
		kind,
		store,
		cache,
		watchers,
		isWatch(request) {
			return request.forceWatch || (queryBool(request.query, 'watch') ?? false);
		},
		async listText(request) {
			return listText(context, request);
		},
		async watch(request) {
			return serveWatch(context, request);
		},
		close() {
			unsubscribe();
			for (const watcher of [...watchers]) {
				watcher.end('close');
			}
		},
	};
}
