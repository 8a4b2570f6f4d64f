import {statusBody} from '../faults.js';
import type {CollectionContext, CollectionRequest, Watcher} from './collection-types.js';
import {bookmarkObject, type Kind} from './kinds.js';
import {withResourceVersion, type StoreEvent} from './object-store.js';
import {
	initializing,
	parseResourceVersion,
	queryBool,
	queryInt,
	RequestError,
	selection,
	selects,
	tooLarge,
	validate,
	type CollectionReply,
} from './request.js';

// A watch as the cacher serves it (k8s.io/apiserver pkg/storage/cacher/cacher.go Watch, cache_watcher.go): the
// initial state or the window's events since the resourceVersion asked for, then every change; bookmarks only
// once the kind's cache has moved past where the watch started; a clean end at the deadline.

// The API server stops a watcher whose buffer is full rather than let it hold memory.
const maxBufferedWatchBytes = 8 * 1024 * 1024;
// The cacher's last bookmark goes out this long before the watch's deadline.
const preDeadlineMs = 2000;

function bookmarkLine(kind: Kind, resourceVersion: number, initialEventsEnd = false): string {
	const metadata = initialEventsEnd
		? {annotations: {'k8s.io/initial-events-end': 'true'}, resourceVersion: String(resourceVersion)}
		: {resourceVersion: String(resourceVersion)};
	return `${JSON.stringify({type: 'BOOKMARK', object: bookmarkObject(kind, metadata)})}\n`;
}

function eventLine(type: string, json: string): string {
	return `{"type":"${type}","object":${json}}\n`;
}

export function sendReply(request: CollectionRequest, reply: CollectionReply): void {
	const text = `${JSON.stringify(reply.body, undefined, request.pretty ? 2 : undefined)}\n`;
	request.onStatus(reply.status);
	request.response.writeHead(reply.status, {
		'Content-Type': 'application/json',
		'Content-Length': Buffer.byteLength(text),
		...reply.headers,
	});
	request.response.end(text);
}

function refuse(request: CollectionRequest, how: 404 | 405 | 'close'): void {
	if (how === 'close') {
		request.onStatus(200);
		request.response.writeHead(200, {'Content-Type': 'application/json'});
		request.response.end();
		return;
	}

	sendReply(request, {status: how, body: statusBody(how), ...(how === 405 ? {headers: {Allow: 'GET, HEAD'}} : {})});
}

export async function serveWatch(context: CollectionContext, request: CollectionRequest): Promise<void> {
	const {kind, store, cache, state, settings, watchers} = context;
	const {query, response} = request;
	if (state.refuseWatch !== undefined) {
		refuse(request, state.refuseWatch);
		return;
	}

	validate(query, true);
	const selected = selection(kind, request.namespace, query, request.name);
	const asked = query.get('resourceVersion') ?? '';
	const resourceVersion = parseResourceVersion(asked);
	const timeoutSeconds = queryInt(query, 'timeoutSeconds') ?? 0;
	const bookmarks = (queryBool(query, 'allowWatchBookmarks') ?? false) && settings.bookmarks !== 'none';
	const explicit = queryBool(query, 'sendInitialEvents');
	// Servers with WatchList on default sendInitialEvents to true for resourceVersion "" and "0".
	const defaulted = explicit === undefined && resourceVersion === undefined && settings.initialEventsEndBookmark;
	const sendInitialEvents = defaulted ? true : explicit;
	if (!context.ready()) {
		throw new RequestError(initializing());
	}

	// Node's timers fire at once beyond 2^31-1 ms; no watch needs to last longer than that.
	const lifetimeMs = Math.min(
		2 ** 31 - 1,
		timeoutSeconds > 0 ? timeoutSeconds * 1000 : settings.maxWatchSeconds * 1000 * (0.5 + Math.random() / 2),
	);
	const deadline = performance.now() + lifetimeMs;
	const timers: NodeJS.Timeout[] = [];
	// A watch from a resourceVersion not reached yet skips the changes up to it.
	let skipUpTo = 0;
	// Bookmarks go out only once the cache is past this (cache_watcher.go's process: RV > the watch's start).
	let startedAt = Number.POSITIVE_INFINITY;
	let nextHeartbeat: number | undefined;
	let preDeadline: number | undefined;
	let ended = false;

	function write(text: string): void {
		if (ended || response.destroyed) {
			return;
		}

		response.write(text);
		if (response.writableLength > maxBufferedWatchBytes) {
			watcher.end('end');
		}
	}

	function lineFor(event: StoreEvent): string | undefined {
		if (event.resourceVersion <= skipUpTo) {
			return undefined;
		}

		const now = event.type !== 'DELETED' && selects(selected, event.object);
		const before = event.previous !== undefined && selects(selected, event.previous);
		if (now) {
			return eventLine(before ? 'MODIFIED' : 'ADDED', event.object.json);
		}

		if (!before) {
			return undefined;
		}

		// Out of the selection: the previous content with this change's resourceVersion.
		return eventLine('DELETED', event.type === 'DELETED' ? event.object.json : withResourceVersion(event.previous!.json, event.resourceVersion));
	}

	function fail(status: Record<string, unknown>): void {
		// The API server has already answered 200: a refusal is an ERROR event, then the end.
		write(eventLine('ERROR', JSON.stringify(status)));
		watcher.end('end');
	}

	function heartbeatGap(): number {
		return settings.bookmarkIntervalMs * (0.75 + context.random() / 2);
	}

	function bookmark(): void {
		// A bookmark promises every change up to its resourceVersion has been sent.
		if (cache.resourceVersion > startedAt && watcher.sentUpTo >= skipUpTo) {
			write(bookmarkLine(kind, cache.resourceVersion));
			watcher.sentUpTo = Math.max(watcher.sentUpTo, cache.resourceVersion);
		}
	}

	const watcher: Watcher = {
		sentUpTo: cache.resourceVersion,
		timedOut: false,
		deliver(event) {
			if (state.stalled || watcher.start || ended) {
				return;
			}

			const line = lineFor(event);
			if (line) {
				write(line);
			}

			watcher.sentUpTo = event.resourceVersion;
		},
		catchUp() {
			const refusal = cache.window.tooOld(watcher.sentUpTo);
			if (refusal !== undefined) {
				fail(statusBody(410, {message: refusal}));
				return false;
			}

			for (const event of cache.window.eventsAfter(watcher.sentUpTo)) {
				const line = lineFor(event);
				if (line) {
					write(line);
				}
			}

			watcher.sentUpTo = Math.max(watcher.sentUpTo, cache.resourceVersion);
			return true;
		},
		pump() {
			if (ended || state.stalled || watcher.start || !bookmarks) {
				return;
			}

			if (preDeadline !== undefined && performance.now() >= preDeadline) {
				// The last one: cache_watcher.go schedules no heartbeat after it.
				preDeadline = undefined;
				nextHeartbeat = undefined;
				bookmark();
				return;
			}

			const now = context.now();
			if (nextHeartbeat !== undefined && now >= nextHeartbeat) {
				nextHeartbeat = now + heartbeatGap();
				bookmark();
			}
		},
		end(how) {
			if (ended) {
				return;
			}

			ended = true;
			for (const timer of timers) {
				clearTimeout(timer);
			}

			watchers.delete(watcher);
			if (how === 'close') {
				response.destroy();
			} else {
				response.end();
			}
		},
	};

	async function begin(): Promise<void> {
		delete watcher.start;
		request.onStatus(200);
		response.writeHead(200, {'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked'});
		response.flushHeaders();
		if (sendInitialEvents === true && resourceVersion !== undefined) {
			// Not older than resourceVersion: the cache must get there first.
			if (!(await context.reach(resourceVersion, response))) {
				fail(tooLarge(resourceVersion, context.etcd.revision).body as Record<string, unknown>);
				return;
			}

			if (resourceVersion > cache.resourceVersion) {
				cache.progress();
			}
		}

		if (ended) {
			return;
		}

		if (sendInitialEvents ?? resourceVersion === undefined) {
			// A consistent read ("" with sendInitialEvents) waits until the cache has the current revision.
			if (sendInitialEvents === true && asked === '') {
				cache.progress();
			}

			// Synthetic ADDED for what exists now, then the changes from here.
			for (const object of store.list(request.namespace)) {
				if (selects(selected, object)) {
					write(eventLine('ADDED', object.json));
				}
			}

			watcher.sentUpTo = cache.resourceVersion;
			startedAt = cache.resourceVersion;
			if (sendInitialEvents === true && bookmarks) {
				write(bookmarkLine(kind, cache.resourceVersion, true));
			}
		} else if (resourceVersion === undefined) {
			watcher.sentUpTo = cache.resourceVersion;
			startedAt = cache.resourceVersion;
		} else {
			const refusal = cache.window.tooOld(resourceVersion);
			if (refusal !== undefined) {
				fail(statusBody(410, {message: refusal}));
				return;
			}

			// From the future: wait for it, as a watch on etcd does.
			skipUpTo = resourceVersion;
			startedAt = resourceVersion;
			watcher.sentUpTo = Math.min(resourceVersion, cache.resourceVersion);
			if (!watcher.catchUp()) {
				return;
			}
		}

		if (bookmarks) {
			nextHeartbeat = context.now() + heartbeatGap();
			if (deadline - preDeadlineMs > performance.now()) {
				preDeadline = deadline - preDeadlineMs;
			}
		}
	}

	response.on('close', () => {
		watcher.end('close');
	});
	timers.push(
		setTimeout(() => {
			if (state.stalled) {
				watcher.timedOut = true;
			} else {
				watcher.end('end');
			}
		}, lifetimeMs),
	);
	watchers.add(watcher);
	if (state.stalled) {
		watcher.start = () => void begin();
		return;
	}

	await begin();
}
