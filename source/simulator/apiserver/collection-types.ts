import type {IncomingMessage, ServerResponse} from 'node:http';
import type {Now} from './clock.js';
import type {Etcd} from './etcd.js';
import type {Kind} from './kinds.js';
import type {ObjectStore, StoreEvent} from './object-store.js';
import type {WatchWindow} from './watch-window.js';

/** How the simulated API server lists and watches (SimulatorOptions carries these). */
export type WatchSimulatorOptions = {
	/**
	 * The gap between two BOOKMARKs to a watch that allows them, in simulated ms, ±25% jitter. Default 60000: the
	 * cacher's "roughly every minute". A bookmark goes out only once the kind's cache has moved past the
	 * resourceVersion the watch started from (an event of that kind anywhere, or an etcd progress notification).
	 */
	readonly bookmarkIntervalMs?: number;
	/** 'none': no BOOKMARK at all, as from an old server or a hop that strips them. Default 'cacher'. */
	readonly bookmarks?: 'cacher' | 'none';
	/**
	 * A watch with resourceVersion unset or "0" and allowWatchBookmarks gets its initial ADDED events, then a
	 * BOOKMARK annotated k8s.io/initial-events-end (servers ≥1.34: WatchList on). Default true; false: only when
	 * sendInitialEvents=true is sent (servers ≤1.31 and 1.33).
	 */
	readonly initialEventsEndBookmark?: boolean;
	/** etcd progress notifications (which move every kind's cache to the current revision), simulated ms; default 600000. */
	readonly progressNotifyMs?: number;
	/**
	 * A watch without timeoutSeconds ends by itself at a random point between half of this and all of it (real
	 * seconds). Default 600 (5–10 min, what client-go's reflectors ask for); kube-apiserver's own limit is
	 * --min-request-timeout (1800 s) × (1 + rand).
	 */
	readonly maxWatchSeconds?: number;
	/** A hop that does not pass watches: 404 or 405 Status, or a stream that closes at once with nothing in it. */
	readonly refuseWatch?: 404 | 405 | 'close';
	/** How long (real ms) a read for a resourceVersion newer than the newest waits for it before 504 (API server: 3 s). */
	readonly tooLargeWaitMs?: number;
};

export type WatchSettings = {
	readonly bookmarkIntervalMs: number;
	readonly bookmarks: 'cacher' | 'none';
	readonly initialEventsEndBookmark: boolean;
	readonly maxWatchSeconds: number;
	readonly tooLargeWaitMs: number;
};

/** What every kind's cacher shares: the state the test hooks set. */
export type ServerState = {
	stalled: boolean;
	refuseWatch: 404 | 405 | 'close' | undefined;
	/** Continue tokens below this resourceVersion are expired (expireContinueTokens()). */
	continueFloor: number;
	/** Until this simulated time the caches (re)initialize; undefined: ready. */
	initializingUntil: number | undefined;
};

/** One kind's watch cache: its history window and lastProcessedResourceVersion. */
export type WatchCache = {
	readonly window: WatchWindow<StoreEvent>;
	/** The newest resourceVersion the cache has seen: an event of this kind, or an etcd progress notification. */
	readonly resourceVersion: number;
	/** An etcd progress notification: the cache is at the current revision. */
	progress(): void;
	/** Rebuilt by a relist at the current revision: the window is empty. */
	reset(): void;
};

export type CollectionRequest = {
	readonly request: IncomingMessage;
	readonly response: ServerResponse;
	readonly namespace: string;
	/** A watch on a deprecated /watch/…/{name} path. */
	readonly name?: string;
	readonly forceWatch: boolean;
	readonly query: URLSearchParams;
	readonly pretty: boolean;
	/** Records the status sent, for the request log. */
	readonly onStatus: (status: number) => void;
};

export type Watcher = {
	/** Every change up to here has been written or filtered out. */
	sentUpTo: number;
	/** The deadline passed while stalled: end at resume. */
	timedOut: boolean;
	/** Set while the watch waits for a stall to end before writing anything, even its headers. */
	start?: () => void;
	deliver(event: StoreEvent): void;
	/** Write what was missed while stalled; false when that is no longer kept (the stream then ends with 410). */
	catchUp(): boolean;
	/** Bookmarks that have fallen due. */
	pump(): void;
	end(how: 'close' | 'end'): void;
};

/** What the list and the watch of one kind work with. */
export type CollectionContext = {
	readonly kind: Kind;
	readonly store: ObjectStore;
	readonly etcd: Etcd;
	readonly cache: WatchCache;
	readonly state: ServerState;
	readonly settings: WatchSettings;
	readonly now: Now;
	readonly random: () => number;
	readonly watchers: Set<Watcher>;
	/** Resolves true once etcd reaches resourceVersion, false after tooLargeWaitMs or when the client goes. */
	reach(resourceVersion: number, response: ServerResponse): Promise<boolean>;
	ready(): boolean;
};
