import type {IncomingMessage, ServerResponse} from 'node:http';
import type {FaultReplies} from './fault-replies.js';
import {statusBody, type Fault} from '../faults.js';
import type {Now} from './clock.js';
import {createCollection, type Collection} from './collection.js';
import type {CollectionRequest, ServerState, WatchSettings, WatchSimulatorOptions} from './collection-types.js';
import type {Etcd} from './etcd.js';
import {collectionResources, kinds, type CollectionPath, type CollectionResource} from './kinds.js';
import type {ObjectStore} from './object-store.js';
import {forbiddenReply, parseResourceVersion, RequestError, tooLarge, type CollectionReply} from './request.js';
import {sendReply} from './watch.js';

// The API server in front of etcd for the four kinds: one cacher each (a watch cache with its own window and
// resourceVersion), the etcd progress notifications that move them all, and the test hooks.

/** Test hooks on the simulator for lists and watches. */
export type WatchHooks = {
	/**
	 * etcd compaction now: exact and paged reads of older revisions get 410. Every watch cache forgets its window
	 * as well (as a cacher that must relist): watches from an older resourceVersion get 410. Open streams stay.
	 */
	compact(): void;
	/** Continue tokens issued so far get 410 Expired (with an inconsistent-continue token) from now on. */
	expireContinueTokens(): void;
	/** Open watch streams (and new ones) get nothing more written, not even bookmarks, but stay open. */
	stallWatches(): void;
	/** Stalled streams catch up on what they missed and go on (or get a 410 ERROR if it is no longer kept). */
	resumeWatches(): void;
	/** End every open watch stream as a proxy would: 'close' (default) cuts the connection, 'end' ends the body. */
	dropWatches(how?: 'close' | 'end'): void;
	/** From now on (undefined: no longer) refuse watches like refuseWatch. */
	refuseWatches(how: 404 | 405 | 'close' | undefined): void;
	/**
	 * The API server restarts (or its caches are rebuilt): every open watch ends cleanly (no ERROR event), every
	 * window is emptied, so a watch from any older resourceVersion gets 410; with initializingMs (simulated), lists
	 * and watches the caches would serve get 429 "storage is (re)initializing" for that long. Exact and paged reads
	 * come from etcd and survive, unless compact is set too.
	 */
	restart(options?: RestartOptions): void;
	/** An etcd progress notification now: every cache moves to the current revision. */
	progressNotify(): void;
	readonly openWatches: number;
};

export type RestartOptions = {readonly initializingMs?: number; readonly compact?: boolean};

export type ApiServerOptions = WatchSimulatorOptions & {
	readonly etcd: Etcd;
	readonly stores: Readonly<Record<CollectionResource, ObjectStore>>;
	readonly now: Now;
	readonly random: () => number;
	/** A window of this many events for every kind, never resized. */
	readonly historySize?: number;
	readonly forbidden: readonly CollectionResource[];
	/** The user RBAC names in a 403. */
	readonly user: string;
	/** Brings a kind up to date before it is read (the cluster's objects are derived from the job). */
	readonly refresh: (resource: CollectionResource) => void;
	readonly faults: FaultReplies;
};

export type HttpExchange = {
	readonly request: IncomingMessage;
	readonly response: ServerResponse;
	readonly query: URLSearchParams;
	readonly pretty: boolean;
	readonly requestId: string;
	readonly onStatus: (status: number) => void;
};

export type ApiServer = {
	readonly hooks: WatchHooks;
	readonly collections: Readonly<Record<CollectionResource, Collection>>;
	/** A list or watch, or the fault served in its place. */
	serve(path: CollectionPath, exchange: HttpExchange, fault: (verb: 'list' | 'watch') => Fault | undefined): void;
	/**
	 * A single GET's resourceVersion: "not older than". Resolves undefined when the object may be served (the
	 * latest is never too old for a GET), else the refusal (400, or 504 after waiting for a too-new one).
	 */
	checkGet(resourceVersion: string | null, response: ServerResponse): Promise<CollectionReply | undefined>;
	/** The 504 a replica lagging behind the one that issued the resourceVersion asked for gives (the tooLarge fault). */
	lagging(resource: CollectionResource, query: URLSearchParams): CollectionReply;
	/** What has fallen due on the clock: background writes, progress notifications, bookmarks, the end of a restart. */
	tick(): void;
	close(): void;
};

const defaultBookmarkIntervalMs = 60_000;
const defaultProgressNotifyMs = 600_000;
const defaultMaxWatchSeconds = 600;
const defaultTooLargeWaitMs = 3000;

export function createApiServer(options: ApiServerOptions): ApiServer {
	const {etcd, now} = options;
	const settings: WatchSettings = {
		bookmarkIntervalMs: options.bookmarkIntervalMs ?? defaultBookmarkIntervalMs,
		bookmarks: options.bookmarks ?? 'cacher',
		initialEventsEndBookmark: options.initialEventsEndBookmark ?? true,
		maxWatchSeconds: options.maxWatchSeconds ?? defaultMaxWatchSeconds,
		tooLargeWaitMs: options.tooLargeWaitMs ?? defaultTooLargeWaitMs,
	};
	const progressNotifyMs = options.progressNotifyMs ?? defaultProgressNotifyMs;
	if (!(settings.bookmarkIntervalMs > 0) || !(settings.maxWatchSeconds > 0) || !(settings.tooLargeWaitMs >= 0) || !(progressNotifyMs >= 0)) {
		throw new RangeError('bookmarkIntervalMs and maxWatchSeconds must be positive, tooLargeWaitMs and progressNotifyMs at least 0');
	}

	const state: ServerState = {stalled: false, refuseWatch: options.refuseWatch, continueFloor: 0, initializingUntil: undefined};
	// Reads waiting for a resourceVersion: checked after every write and tick, released by close().
	const waits = new Map<() => void, () => void>();
	let nextProgressAt = now() + progressNotifyMs;
	let closed = false;

	function checkWaits(): void {
		for (const check of [...waits.keys()]) {
			check();
		}
	}

	async function reach(resourceVersion: number, response: ServerResponse): Promise<boolean> {
		if (etcd.revision >= resourceVersion) {
			return true;
		}

		return new Promise<boolean>(resolve => {
			const finish = (reached: boolean) => {
				clearTimeout(timer);
				waits.delete(check);
				response.off('close', gone);
				resolve(reached);
			};

			const check = () => {
				if (etcd.revision >= resourceVersion) {
					finish(true);
				}
			};

			const gone = () => finish(false);
			const timer = setTimeout(() => finish(etcd.revision >= resourceVersion), settings.tooLargeWaitMs);
			waits.set(check, gone);
			response.on('close', gone);
		});
	}

	function ready(): boolean {
		if (state.initializingUntil !== undefined && now() >= state.initializingUntil) {
			// The caches' relist completes now: their windows start here.
			state.initializingUntil = undefined;
			for (const collection of all()) {
				collection.cache.reset();
			}
		}

		return state.initializingUntil === undefined;
	}

	const collections = Object.fromEntries(
		collectionResources.map(resource => [
			resource,
			createCollection(kinds[resource], options.stores[resource], {
				etcd,
				now,
				random: options.random,
				state,
				settings,
				...(options.historySize === undefined ? {} : {capacity: options.historySize}),
				reach,
				ready,
			}),
		]),
	) as Record<CollectionResource, Collection>;
	const unsubscribe = collectionResources.map(resource =>
		options.stores[resource].subscribe(() => {
			if (waits.size > 0) checkWaits();
		}),
	);

	function all(): Collection[] {
		return collectionResources.map(resource => collections[resource]);
	}

	function watchers() {
		return all().flatMap(collection => [...collection.watchers]);
	}

	function fail(request: CollectionRequest, error: unknown): void {
		const reply =
			error instanceof RequestError ? error.reply : {status: 500, body: statusBody(500, {message: `Internal error occurred: ${String(error)}`})};
		if (!request.response.headersSent && !request.response.destroyed) {
			sendReply(request, reply);
		}
	}

	// What a lagging replica says: it has not reached the resourceVersion asked for (or the newest, without one).
	function lagging(resource: CollectionResource, query: URLSearchParams): CollectionReply {
		const collection = collections[resource];
		let asked: number | undefined;
		try {
			asked = parseResourceVersion(query.get('resourceVersion'));
		} catch {}

		const wanted = asked ?? etcd.revision;
		return tooLarge(wanted, Math.max(0, Math.min(collection.cache.resourceVersion, wanted - 1)));
	}

	const hooks: WatchHooks = {
		compact() {
			etcd.compact();
			for (const collection of all()) {
				collection.cache.reset();
			}
		},
		expireContinueTokens() {
			// As an unrelated write elsewhere in the cluster would: the revision moves on, then compaction.
			state.continueFloor = etcd.advance();
		},
		stallWatches() {
			state.stalled = true;
		},
		resumeWatches() {
			if (!state.stalled) {
				return;
			}

			state.stalled = false;
			for (const watcher of watchers()) {
				if (watcher.start) {
					watcher.start();
				} else if (!watcher.catchUp()) {
					continue;
				}

				if (watcher.timedOut) {
					watcher.end('end');
				}
			}
		},
		dropWatches(how = 'close') {
			for (const watcher of watchers()) {
				watcher.end(how);
			}
		},
		refuseWatches(how) {
			state.refuseWatch = how;
		},
		restart(restartOptions = {}) {
			// terminateAllWatchers: each stream simply ends.
			for (const watcher of watchers()) {
				watcher.end('end');
			}

			if (restartOptions.compact) {
				etcd.compact();
			}

			for (const collection of all()) {
				collection.cache.reset();
			}

			const initializingMs = restartOptions.initializingMs ?? 0;
			state.initializingUntil = initializingMs > 0 ? now() + initializingMs : undefined;
		},
		progressNotify() {
			for (const collection of all()) {
				collection.cache.progress();
			}
		},
		get openWatches() {
			return watchers().length;
		},
	};

	return {
		hooks,
		collections,
		serve(path, exchange, faultFor) {
			options.refresh(path.resource);
			const collection = collections[path.resource];
			const {response, query} = exchange;
			const request: CollectionRequest = {...path, request: exchange.request, response, query, pretty: exchange.pretty, onStatus: exchange.onStatus};
			const watching = collection.isWatch(request);
			if (options.forbidden.includes(path.resource)) {
				sendReply(request, forbiddenReply(collection.kind, path.namespace, options.user, watching ? 'watch' : 'list'));
				return;
			}

			const serve = () => {
				const answered = watching
					? collection.watch(request)
					: collection.listText(request).then(text => {
						exchange.onStatus(200);
						response.writeHead(200, {'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text)});
						response.end(text);
					});
				answered.catch((error: unknown) => {
					fail(request, error);
				});
			};

			const fault = faultFor(watching ? 'watch' : 'list');
			if (fault === undefined) {
				serve();
				return;
			}

			options.faults.serve(fault, {
				request: exchange.request,
				response,
				requestId: exchange.requestId,
				pretty: exchange.pretty,
				setStatus: exchange.onStatus,
				serve,
				...(watching ? {watch: true} : {text: async () => ({status: 200, text: await collection.listText(request)})}),
				tooLarge: () => lagging(path.resource, query),
			});
		},
		lagging,
		async checkGet(value, response) {
			let resourceVersion: number | undefined;
			try {
				resourceVersion = parseResourceVersion(value);
			} catch (error) {
				return (error as RequestError).reply;
			}

			if (resourceVersion === undefined || (await reach(resourceVersion, response))) {
				return undefined;
			}

			return tooLarge(resourceVersion, etcd.revision);
		},
		tick() {
			if (closed) {
				return;
			}

			etcd.tick();
			ready();
			const at = now();
			if (progressNotifyMs > 0 && at >= nextProgressAt) {
				hooks.progressNotify();
				nextProgressAt += Math.ceil((at - nextProgressAt + 1) / progressNotifyMs) * progressNotifyMs;
			}

			if (waits.size > 0) {
				checkWaits();
			}

			for (const watcher of watchers()) {
				watcher.pump();
			}
		},
		close() {
			if (closed) {
				return;
			}

			closed = true;
			for (const stop of unsubscribe) {
				stop();
			}

			for (const cancel of [...waits.values()]) {
				cancel();
			}

			for (const collection of all()) {
				collection.close();
			}
		},
	};
}
