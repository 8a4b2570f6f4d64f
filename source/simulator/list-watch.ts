import type {IncomingMessage, ServerResponse} from 'node:http';
import {statusBody} from './faults.js';
import {
	oneTermEqualSelector,
	parseFieldSelector,
	parseLabelSelector,
	type FieldSelector,
	type LabelSelector,
	type SelectableFields,
} from './selectors.js';
import {withResourceVersion, type JobStore, type StoreEvent, type StoredJob} from './store.js';

/**
 * List and watch of jobs as the Kubernetes API server serves them for a custom resource (watch cache in front of
 * etcd): k8s.io/apiserver pkg/endpoints/handlers/get.go and watch.go, pkg/storage/cacher, pkg/storage/etcd3.
 */

export type WatchSimulatorOptions = {
	/**
	 * BOOKMARK events every this many ms to watches that allow them. The API server sends one about a minute;
	 * the default here is 1000 because scenarios play in compressed time.
	 */
	readonly bookmarkIntervalMs?: number;
	/**
	 * A watch without timeoutSeconds ends by itself at a random point between half of this and all of it. Default
	 * 600 (5–10 min, what client-go's reflectors ask for); kube-apiserver's own limit is --min-request-timeout
	 * (1800 s) × (1 + rand).
	 */
	readonly maxWatchSeconds?: number;
	/** A hop that does not pass watches: 404 or 405 Status, or a stream that closes at once with nothing in it. */
	readonly refuseWatch?: 404 | 405 | 'close';
	/** How long a read for a resourceVersion newer than the newest waits for it before 504 (API server: 3 s). */
	readonly tooLargeWaitMs?: number;
};

/** Test hooks on the simulator for lists and watches. */
export type WatchHooks = {
	/** Forget the change history, as etcd compaction does: older resourceVersions now get 410 on watch and exact list. */
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
	readonly openWatches: number;
};

export type CollectionReply = {
	readonly status: number;
	readonly body: unknown;
	readonly headers?: Readonly<Record<string, string>>;
};

export type CollectionRequest = {
	readonly request: IncomingMessage;
	readonly response: ServerResponse;
	readonly namespace: string;
	/** A watch on the deprecated /watch/namespaces/{ns}/jobs/{name} path. */
	readonly name?: string;
	readonly forceWatch: boolean;
	readonly query: URLSearchParams;
	readonly pretty: boolean;
	/** Records the status sent, for the request log. */
	readonly onStatus: (status: number) => void;
};

export type JobCollection = {
	readonly hooks: WatchHooks;
	serve(request: CollectionRequest): void;
	/**
	 * A single GET's resourceVersion: "not older than". Resolves undefined when the object may be served (the
	 * latest is never too old for a GET), else the refusal (400, or 504 after waiting for a too-new one).
	 */
	checkGet(resourceVersion: string | null, response: ServerResponse): Promise<CollectionReply | undefined>;
	close(): void;
};

const apiVersion = 'batch.volcano.sh/v1alpha1';
const continueVersion = 'meta.k8s.io/v1';
const defaultBookmarkIntervalMs = 1000;
const defaultMaxWatchSeconds = 600;
const defaultTooLargeWaitMs = 3000;
// The API server stops a watcher whose buffer is full rather than let it hold memory.
const maxBufferedWatchBytes = 8 * 1024 * 1024;
const inconsistentContinue =
	'The provided continue parameter is too old to display a consistent list result. You can start a new list without ' +
	'the continue parameter, or use the continue token in this response to retrieve the remainder of the results. ' +
	'Continuing with the provided token results in an inconsistent list - objects that were created, modified, or ' +
	'deleted between the time the first chunk was returned and now may show up in the list.';

const collectionPattern = /^\/apis\/batch\.volcano\.sh\/v1alpha1\/namespaces\/([^/]+)\/jobs\/?$/;
const deprecatedWatchPattern = /^\/apis\/batch\.volcano\.sh\/v1alpha1\/watch\/namespaces\/([^/]+)\/jobs(?:\/([^/]+))?\/?$/;

function decode(segment: string | undefined): string | undefined {
	if (segment === undefined) {
		return undefined;
	}

	try {
		return decodeURIComponent(segment);
	} catch {
		return undefined;
	}
}

/** The jobs collection path, or the deprecated watch path (which always watches). */
export function matchCollectionPath(pathname: string): {namespace: string; name?: string; forceWatch: boolean} | undefined {
	const collection = collectionPattern.exec(pathname);
	if (collection) {
		const namespace = decode(collection[1]);
		return namespace === undefined ? undefined : {namespace, forceWatch: false};
	}

	const deprecated = deprecatedWatchPattern.exec(pathname);
	if (deprecated) {
		const namespace = decode(deprecated[1]);
		const name = decode(deprecated[2]);
		if (namespace === undefined || (deprecated[2] !== undefined && name === undefined)) {
			return undefined;
		}

		return {namespace, ...(name === undefined ? {} : {name}), forceWatch: true};
	}

	return undefined;
}

// Query booleans as the API server converts them: absent, "0" or "false" (any case) are false, anything else true.
function queryBool(query: URLSearchParams, key: string): boolean | undefined {
	const value = query.get(key);
	if (value === null) {
		return undefined;
	}

	return value !== '0' && value.toLowerCase() !== 'false';
}

class RequestError extends Error {
	constructor(readonly reply: CollectionReply) {
		super(String((reply.body as {message?: unknown}).message));
	}
}

function badRequest(message: string): RequestError {
	return new RequestError({status: 400, body: statusBody(400, {message})});
}

function queryInt(query: URLSearchParams, key: string): number | undefined {
	const value = query.get(key);
	if (value === null) {
		return undefined;
	}

	if (!/^[-+]?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
		throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`);
	}

	return Number(value);
}

/** undefined: unset or "0" (any); else the number. */
function parseResourceVersion(value: string | null): number | undefined {
	if (value === null || value === '' || value === '0') {
		return undefined;
	}

	if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
		throw badRequest(
			`invalid resource version: resourceVersion: Invalid value: ${JSON.stringify(value)}: strconv.ParseUint: parsing ${JSON.stringify(value)}: invalid syntax`,
		);
	}

	return Number(value);
}

function invalidListOptions(errors: ReadonlyArray<{type: string; detail: string; value?: string}>): RequestError {
	const texts = errors.map(error =>
		error.type === 'FieldValueNotSupported'
			? `resourceVersionMatch: Unsupported value: ${JSON.stringify(error.value)}: ${error.detail}`
			: `resourceVersionMatch: Forbidden: ${error.detail}`,
	);
	const message = `ListOptions.meta.k8s.io "" is invalid: ${texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`}`;
	return new RequestError({
		status: 422,
		body: statusBody(422, {
			message,
			details: {
				group: 'meta.k8s.io',
				kind: 'ListOptions',
				name: '',
				causes: errors.map((error, index) => ({
					reason: error.type,
					message: texts[index]!.slice('resourceVersionMatch: '.length),
					field: 'resourceVersionMatch',
				})),
			},
		}),
	});
}

// metainternalversion validation.ValidateListOptions (the WatchList feature on, as it is by default).
function validate(query: URLSearchParams, watch: boolean): void {
	const match = query.get('resourceVersionMatch') ?? '';
	const resourceVersion = query.get('resourceVersion') ?? '';
	const continued = (query.get('continue') ?? '') !== '';
	const sendInitialEvents = query.has('sendInitialEvents');
	const errors: Array<{type: string; detail: string; value?: string}> = [];
	const forbidden = (detail: string) => errors.push({type: 'FieldValueForbidden', detail});
	if (watch) {
		if (sendInitialEvents && match !== 'NotOlderThan') {
			forbidden('sendInitialEvents requires setting resourceVersionMatch to NotOlderThan');
		}

		if (match !== '') {
			if (!sendInitialEvents) {
				forbidden('resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided');
			}

			if (match !== 'NotOlderThan') {
				errors.push({type: 'FieldValueNotSupported', value: match, detail: 'supported values: "NotOlderThan"'});
			}

			if (continued) {
				forbidden('resourceVersionMatch is forbidden when continue is provided');
			}
		}
	} else {
		if (match !== '') {
			if (resourceVersion === '') {
				forbidden('resourceVersionMatch is forbidden unless resourceVersion is provided');
			}

			if (continued) {
				forbidden('resourceVersionMatch is forbidden when continue is provided');
			}

			if (match !== 'Exact' && match !== 'NotOlderThan') {
				errors.push({type: 'FieldValueNotSupported', value: match, detail: 'supported values: "Exact", "NotOlderThan", ""'});
			}

			if (match === 'Exact' && resourceVersion === '0') {
				forbidden('resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
			}
		}

		if (sendInitialEvents) {
			errors.push({type: 'FieldValueForbidden', detail: 'sendInitialEvents is forbidden for list'});
		}
	}

	if (errors.length > 0) {
		throw invalidListOptions(errors);
	}
}

type Selection = {readonly namespace: string; readonly labels: LabelSelector; readonly fields: FieldSelector<StoredJob>};

// A custom resource without selectableFields.
const jobFields: SelectableFields<StoredJob> = {'metadata.name': job => job.name, 'metadata.namespace': job => job.namespace};

function selection(namespace: string, query: URLSearchParams, name: string | undefined): Selection {
	const labels = parseLabelSelector(query.get('labelSelector') ?? '');
	if (!labels.ok) {
		throw badRequest(labels.message);
	}

	const fields = parseFieldSelector(query.get('fieldSelector') ?? '', jobFields);
	if (!fields.ok) {
		throw badRequest(fields.message);
	}

	if (name !== undefined) {
		if (fields.value.empty) {
			return {namespace, labels: labels.value, fields: oneTermEqualSelector('metadata.name', name, jobFields)};
		}

		if (fields.value.requiresExactMatch('metadata.name') !== name) {
			throw badRequest("fieldSelector metadata.name doesn't match requested name");
		}
	}

	return {namespace, labels: labels.value, fields: fields.value};
}

function selects(selection: Selection, job: StoredJob): boolean {
	return job.namespace === selection.namespace && selection.fields.matches(job) && selection.labels.matches(job.labels);
}

type ContinueToken = {readonly resourceVersion: number; readonly start: string};

function encodeContinue(resourceVersion: number, start: string): string {
	return Buffer.from(JSON.stringify({v: continueVersion, rv: resourceVersion, start})).toString('base64url');
}

// storage.DecodeContinue's checks and words.
function decodeContinue(token: string): ContinueToken {
	const invalid = (detail: string) => badRequest(`invalid continue token: continue key is not valid${detail}`);
	const bad = /[^A-Za-z\d_-]/.exec(token);
	if (bad || token.length % 4 === 1) {
		throw invalid(`: illegal base64 data at input byte ${bad?.index ?? token.length - 1}`);
	}

	let parsed: unknown;
	try {
		parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
	} catch {
		throw invalid(': invalid character looking for beginning of value');
	}

	const {v, rv, start} = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as {v?: unknown; rv?: unknown; start?: unknown};
	if (v !== continueVersion) {
		throw invalid(`: server does not recognize this encoded version ${typeof v === 'string' ? v : ''}`);
	}

	if (typeof rv !== 'number' || !Number.isSafeInteger(rv) || rv === 0) {
		throw invalid(`: incorrect encoded start resourceVersion (version ${continueVersion})`);
	}

	if (typeof start !== 'string' || start === '') {
		throw invalid(`: encoded start key empty (version ${continueVersion})`);
	}

	const key = start.startsWith('/') ? start : `/${start}`;
	if (key.split('/').some((part, index) => index > 0 && (part === '' || part === '.' || part === '..'))) {
		throw invalid(`: ${start}`);
	}

	return {resourceVersion: rv, start: key.slice(1)};
}

function expired(message: string, extra: Record<string, unknown> = {}): RequestError {
	return new RequestError({status: 410, body: {...statusBody(410, {message}), ...extra}});
}

function tooOld(resourceVersion: number, compactedAt: number): string {
	return `too old resource version: ${resourceVersion} (${compactedAt})`;
}

function tooLarge(resourceVersion: number, current: number): CollectionReply {
	return {
		status: 504,
		body: statusBody(504, {
			message: `Too large resource version: ${resourceVersion}, current: ${current}`,
			details: {causes: [{reason: 'ResourceVersionTooLarge', message: 'Too large resource version'}]},
			retryAfterSeconds: 1,
		}),
		headers: {'Retry-After': '1'},
	};
}

function bookmarkLine(resourceVersion: number, initialEventsEnd = false): string {
	const metadata = initialEventsEnd
		? {annotations: {'k8s.io/initial-events-end': 'true'}, resourceVersion: String(resourceVersion)}
		: {resourceVersion: String(resourceVersion)};
	return `${JSON.stringify({type: 'BOOKMARK', object: {apiVersion, kind: 'Job', metadata}})}\n`;
}

function eventLine(type: string, json: string): string {
	return `{"type":"${type}","object":${json}}\n`;
}

type Watcher = {
	/** Every change up to here has been written or filtered out. */
	sentUpTo: number;
	/** The deadline passed while stalled: end at resume. */
	timedOut: boolean;
	/** Set while the watch waits for a stall to end before writing anything, even its headers. */
	start?: () => void;
	deliver(event: StoreEvent): void;
	/** Write what was missed while stalled; false when that is no longer kept (the stream then ends with 410). */
	catchUp(): boolean;
	end(how: 'close' | 'end'): void;
};

export function createJobCollection(store: JobStore, options: WatchSimulatorOptions = {}): JobCollection {
	const bookmarkIntervalMs = options.bookmarkIntervalMs ?? defaultBookmarkIntervalMs;
	const maxWatchSeconds = options.maxWatchSeconds ?? defaultMaxWatchSeconds;
	const tooLargeWaitMs = options.tooLargeWaitMs ?? defaultTooLargeWaitMs;
	if (!(bookmarkIntervalMs > 0) || !(maxWatchSeconds > 0) || !(tooLargeWaitMs >= 0)) {
		throw new RangeError('bookmarkIntervalMs and maxWatchSeconds must be positive, tooLargeWaitMs at least 0');
	}

	let refuseWatch = options.refuseWatch;
	let stalled = false;
	// Continue tokens below this resourceVersion are expired (expireContinueTokens()).
	let continueFloor = 0;
	let closed = false;
	const watchers = new Set<Watcher>();
	// Reads waiting for a resourceVersion: checked after every change, released by close().
	const waits = new Map<() => void, () => void>();

	const unsubscribe = store.subscribe(event => {
		for (const watcher of watchers) {
			watcher.deliver(event);
		}

		if (waits.size > 0) {
			for (const check of [...waits.keys()]) {
				check();
			}
		}
	});

	/** Resolves true once the store reaches resourceVersion, false after tooLargeWaitMs. */
	async function reach(resourceVersion: number, response: ServerResponse): Promise<boolean> {
		if (store.resourceVersion >= resourceVersion) {
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
				if (store.resourceVersion >= resourceVersion) {
					finish(true);
				}
			};

			const gone = () => finish(false);
			const timer = setTimeout(() => finish(store.resourceVersion >= resourceVersion), tooLargeWaitMs);
			waits.set(check, gone);
			response.on('close', gone);
		});
	}

	function sendReply(request: CollectionRequest, reply: CollectionReply): void {
		const text = `${JSON.stringify(reply.body, undefined, request.pretty ? 2 : undefined)}\n`;
		request.onStatus(reply.status);
		request.response.writeHead(reply.status, {
			'Content-Type': 'application/json',
			'Content-Length': Buffer.byteLength(text),
			...reply.headers,
		});
		request.response.end(text);
	}

	function listBody(items: readonly StoredJob[], metadata: Record<string, unknown>, pretty: boolean): string {
		if (pretty) {
			const value = {apiVersion, items: items.map(item => item.object ?? JSON.parse(item.json)), kind: 'JobList', metadata};
			return `${JSON.stringify(value, undefined, 2)}\n`;
		}

		// Each document is already serialised: joining them is the whole cost of a list.
		return `{"apiVersion":"${apiVersion}","items":[${items.map(item => item.json).join(',')}],"kind":"JobList","metadata":${JSON.stringify(metadata)}}\n`;
	}

	async function list(request: CollectionRequest): Promise<void> {
		const {query} = request;
		validate(query, false);
		const selected = selection(request.namespace, query, undefined);
		const limit = Math.max(0, queryInt(query, 'limit') ?? 0);
		const continueParameter = query.get('continue') ?? '';
		let at: number | undefined;
		let start = '';
		if (continueParameter === '') {
			const resourceVersion = parseResourceVersion(query.get('resourceVersion'));
			const match = query.get('resourceVersionMatch') ?? '';
			if (resourceVersion !== undefined) {
				if (!(await reach(resourceVersion, request.response))) {
					throw new RequestError(tooLarge(resourceVersion, store.resourceVersion));
				}

				// Without resourceVersionMatch a paged list reads at exactly that version (the legacy rule).
				const exact = match === 'Exact' || (match === '' && limit > 0);
				if (exact) {
					if (resourceVersion < store.compactedAt) {
						throw expired(tooOld(resourceVersion, store.compactedAt));
					}

					at = resourceVersion;
				}
			}
		} else {
			const token = decodeContinue(continueParameter);
			const resourceVersion = query.get('resourceVersion') ?? '';
			if (resourceVersion !== '' && resourceVersion !== '0') {
				throw badRequest('specifying resource version is not allowed when using continue');
			}

			start = token.start;
			if (token.resourceVersion > 0) {
				if (token.resourceVersion < store.compactedAt || token.resourceVersion < continueFloor) {
					throw expired(inconsistentContinue, {metadata: {continue: encodeContinue(-1, token.start)}});
				}

				at = token.resourceVersion;
			}
		}

		const listedAt = at ?? store.resourceVersion;
		const all = (at === undefined ? store.list(request.namespace) : store.listAt(request.namespace, at)) ?? [];
		const filtered = selected.labels.empty && selected.fields.empty ? all : all.filter(job => selects(selected, job));
		const from = start === '' ? 0 : firstAtOrAfter(filtered, start);
		const page = limit > 0 ? filtered.slice(from, from + limit) : from === 0 ? filtered : filtered.slice(from);
		const remaining = filtered.length - from - page.length;
		// A custom resource's list always carries continue, empty on the last page (UnstructuredList.SetContinue).
		const metadata: Record<string, unknown> = {continue: ''};
		if (remaining > 0) {
			metadata['continue'] = encodeContinue(listedAt, `${page.at(-1)!.name}\u0000`);
			// The API server counts only when nothing is filtered out.
			if (selected.labels.empty && selected.fields.empty) {
				metadata['remainingItemCount'] = remaining;
			}
		}

		metadata['resourceVersion'] = String(listedAt);
		const text = listBody(page, metadata, request.pretty);
		request.onStatus(200);
		request.response.writeHead(200, {'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text)});
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

	async function watch(request: CollectionRequest): Promise<void> {
		const {query, response} = request;
		if (refuseWatch !== undefined) {
			refuse(request, refuseWatch);
			return;
		}

		validate(query, true);
		const selected = selection(request.namespace, query, request.name);
		const resourceVersion = parseResourceVersion(query.get('resourceVersion'));
		const timeoutSeconds = queryInt(query, 'timeoutSeconds') ?? 0;
		const bookmarks = queryBool(query, 'allowWatchBookmarks') ?? false;
		const sendInitialEvents = queryBool(query, 'sendInitialEvents');
		// Node's timers fire at once beyond 2^31-1 ms; no watch needs to last longer than that.
		const lifetimeMs = Math.min(
			2 ** 31 - 1,
			timeoutSeconds > 0 ? timeoutSeconds * 1000 : maxWatchSeconds * 1000 * (0.5 + Math.random() / 2),
		);
		const timers: NodeJS.Timeout[] = [];
		// A watch from a resourceVersion not reached yet skips the changes up to it.
		let skipUpTo = 0;
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

			const now = event.type !== 'DELETED' && selects(selected, event.job);
			const before = event.previous !== undefined && selects(selected, event.previous);
			if (now) {
				return eventLine(before ? 'MODIFIED' : 'ADDED', event.job.json);
			}

			if (!before) {
				return undefined;
			}

			// Out of the selection: the previous content with this change's resourceVersion.
			return eventLine('DELETED', event.type === 'DELETED' ? event.job.json : withResourceVersion(event.previous!.json, event.resourceVersion));
		}

		function fail(status: Record<string, unknown>): void {
			// The API server has already answered 200: a refusal is an ERROR event, then the end.
			write(eventLine('ERROR', JSON.stringify(status)));
			watcher.end('end');
		}

		const watcher: Watcher = {
			sentUpTo: store.resourceVersion,
			timedOut: false,
			deliver(event) {
				if (stalled || watcher.start || ended) {
					return;
				}

				const line = lineFor(event);
				if (line) {
					write(line);
				}

				watcher.sentUpTo = event.resourceVersion;
			},
			catchUp() {
				const missed = store.eventsAfter(watcher.sentUpTo);
				if (missed === undefined) {
					fail(statusBody(410, {message: tooOld(watcher.sentUpTo, store.compactedAt)}));
					return false;
				}

				for (const event of missed) {
					const line = lineFor(event);
					if (line) {
						write(line);
					}
				}

				watcher.sentUpTo = store.resourceVersion;
				return true;
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
			if (sendInitialEvents === true && resourceVersion !== undefined && !(await reach(resourceVersion, response))) {
				fail(tooLarge(resourceVersion, store.resourceVersion).body as Record<string, unknown>);
				return;
			}

			if (ended) {
				return;
			}

			if (sendInitialEvents ?? resourceVersion === undefined) {
				// Synthetic ADDED for what exists now, then the changes from here.
				for (const job of store.list(request.namespace)) {
					if (selects(selected, job)) {
						write(eventLine('ADDED', job.json));
					}
				}

				watcher.sentUpTo = store.resourceVersion;
				if (sendInitialEvents === true && bookmarks) {
					write(bookmarkLine(store.resourceVersion, true));
				}
			} else if (resourceVersion === undefined) {
				watcher.sentUpTo = store.resourceVersion;
			} else if (resourceVersion < store.compactedAt) {
				fail(statusBody(410, {message: tooOld(resourceVersion, store.compactedAt)}));
				return;
			} else {
				// From the future: wait for it, as a watch on etcd does.
				skipUpTo = resourceVersion;
				watcher.sentUpTo = Math.min(resourceVersion, store.resourceVersion);
				if (!watcher.catchUp()) {
					return;
				}
			}

			if (bookmarks) {
				const interval = setInterval(() => {
					// A bookmark promises every change up to its resourceVersion has been sent.
					if (!stalled && watcher.sentUpTo >= skipUpTo) {
						write(bookmarkLine(watcher.sentUpTo));
					}
				}, bookmarkIntervalMs);
				timers.push(interval);
			}
		}

		response.on('close', () => {
			watcher.end('close');
		});
		timers.push(
			setTimeout(() => {
				if (stalled) {
					watcher.timedOut = true;
				} else {
					watcher.end('end');
				}
			}, lifetimeMs),
		);
		watchers.add(watcher);
		if (stalled) {
			watcher.start = () => void begin();
			return;
		}

		await begin();
	}

	function firstAtOrAfter(jobs: readonly StoredJob[], start: string): number {
		let low = 0;
		let high = jobs.length;
		while (low < high) {
			const middle = (low + high) >>> 1;
			if (jobs[middle]!.name < start) {
				low = middle + 1;
			} else {
				high = middle;
			}
		}

		return low;
	}

	const hooks: WatchHooks = {
		compact() {
			store.compact();
		},
		expireContinueTokens() {
			// As an unrelated write elsewhere in the cluster would: the revision moves on, then compaction.
			continueFloor = store.advance();
		},
		stallWatches() {
			stalled = true;
		},
		resumeWatches() {
			if (!stalled) {
				return;
			}

			stalled = false;
			for (const watcher of [...watchers]) {
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
			for (const watcher of [...watchers]) {
				watcher.end(how);
			}
		},
		refuseWatches(how) {
			refuseWatch = how;
		},
		get openWatches() {
			return watchers.size;
		},
	};

	return {
		hooks,
		serve(request) {
			const watching = request.forceWatch || (queryBool(request.query, 'watch') ?? false);
			(watching ? watch(request) : list(request)).catch((error: unknown) => {
				const reply =
					error instanceof RequestError
						? error.reply
						: {status: 500, body: statusBody(500, {message: `Internal error occurred: ${String(error)}`})};
				if (!request.response.headersSent && !request.response.destroyed) {
					sendReply(request, reply);
				}
			});
		},
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

			return tooLarge(resourceVersion, store.resourceVersion);
		},
		close() {
			if (closed) {
				return;
			}

			closed = true;
			unsubscribe();
			for (const cancel of [...waits.values()]) {
				cancel();
			}

			for (const watcher of [...watchers]) {
				watcher.end('close');
			}
		},
	};
}
