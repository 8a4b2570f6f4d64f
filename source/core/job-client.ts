import type {Dispatcher} from 'undici';
import {ApiError, errorFromException, errorFromResponse} from './api-error.js';
import {noCredentials, type Credentials} from './credentials.js';
import {fetchTransport, nodeTransport, type HttpResponse, type Transport} from './http-transport.js';
import {sanitize} from './sanitize.js';

/** One request, as --debug logs it: no header, no body. */
export type RequestRecord = {
	readonly method: string;
	readonly url: string;
	/** 0 when no answer came (network error, timeout). */
	readonly status: number;
	readonly durationMs: number;
	readonly requestId?: string;
};

export type ApiClientOptions = {
	readonly server: string;
	readonly credentials?: Credentials;
	/** TLS settings and proxies (undici); the default agent when absent. */
	readonly dispatcher?: Dispatcher;
	/** The proxy requests go through (host:port), named in errors such as a 407. */
	readonly proxy?: string;
	readonly timeoutMs: number;
	/** A larger answer is refused rather than buffered: a job is a few KB, a runaway proxy is not. */
	readonly maxBodyBytes?: number;
	readonly fetch?: typeof globalThis.fetch;
	readonly now?: () => number;
	readonly onRequest?: (record: RequestRecord) => void;
};

export type JobClientOptions = ApiClientOptions & {
	readonly namespace: string;
	readonly name: string;
};

export type JobResponse = {
	/** The object exactly as the server sent it, parsed. */
	readonly raw: Record<string, unknown>;
	readonly requestId?: string;
	readonly bytes: number;
};

export type JobClient = {
	readonly url: string;
	getJob(signal?: AbortSignal): Promise<JobResponse>;
};

/** GETs of JSON objects under the server's address, with its credentials, timeout, size cap and errors. */
export type ApiClient = {
	readonly server: string;
	/**
	 * path: from the API root, e.g. "/api/v1/namespaces/ns/pods"; query: added as is (URL-encoded here).
	 * what: the object expected, for the error when something else arrives ("a job", "a pod list").
	 */
	get(path: string, options?: {readonly query?: Readonly<Record<string, string>>; readonly what?: string; readonly signal?: AbortSignal | undefined}): Promise<JobResponse>;
};

export const defaultMaxBodyBytes = 4 * 1024 * 1024;

/**
 * The fetch to send with: Node's own unless a dispatcher (TLS settings, proxies) comes from the undici
 * package, which must meet the fetch of the same package. Loaded only then: it costs about 30 MB of RSS.
 */
export function fetchFor(options: {
	readonly fetch?: typeof globalThis.fetch | undefined;
	readonly dispatcher?: Dispatcher | undefined;
}): typeof globalThis.fetch {
	if (options.fetch) return options.fetch;
	if (!options.dispatcher) return globalThis.fetch;
	let undici: Promise<typeof globalThis.fetch> | undefined;
	return async (input, init) => {
		undici ??= import('undici').then(module => module.fetch as unknown as typeof globalThis.fetch);
		return (await undici)(input, init);
	};
}

/** The server's address with path appended (a server given with a path prefix keeps it) and query set. */
export function apiUrl(server: string, path: string, query?: Readonly<Record<string, string>>): URL {
	const base = new URL(server);
	const prefix = base.pathname.replace(/\/+$/, '');
	base.pathname = `${prefix}${path}`;
	base.search = query ? new URLSearchParams(query).toString() : '';
	base.hash = '';
	return base;
}

export function jobPath(namespace: string, name: string): string {
	return `/apis/batch.volcano.sh/v1alpha1/namespaces/${encodeURIComponent(namespace)}/jobs/${encodeURIComponent(name)}`;
}

export function jobUrl(server: string, namespace: string, name: string): URL {
	return apiUrl(server, jobPath(namespace, name));
}

async function readCapped(response: HttpResponse, maxBytes: number): Promise<{text: string; bytes: number}> {
	const declared = Number(response.headers.get('content-length'));
	const tooLarge = () =>
		new ApiError({
			category: 'malformed',
			summary: `answer refused: larger than ${Math.round(maxBytes / 1024)} KB (status ${response.status})`,
			status: response.status,
		});
	if (Number.isFinite(declared) && declared > maxBytes) {
		await response.body?.cancel();
		throw tooLarge();
	}

	const chunks: Uint8Array[] = [];
	let bytes = 0;
	if (response.body) {
		for await (const chunk of response.body) {
			bytes += chunk.byteLength;
			if (bytes > maxBytes) {
				await response.body.cancel().catch(() => {});
				throw tooLarge();
			}

			chunks.push(chunk);
		}
	}

	return {text: Buffer.concat(chunks).toString('utf8'), bytes};
}

export function createJobClient(options: JobClientOptions): JobClient {
	const api = createApiClient(options);
	const path = jobPath(options.namespace, options.name);
	return {
		url: apiUrl(options.server, path).href,
		getJob: async signal => api.get(path, {what: 'a job', signal}),
	};
}

export function createApiClient(options: ApiClientOptions): ApiClient {
	// Node's http unless a dispatcher (proxy, TLS settings) or a test's fetch says otherwise.
	const transport: Transport = options.fetch || options.dispatcher ? fetchTransport(fetchFor(options)) : nodeTransport;
	const credentials = options.credentials ?? noCredentials;
	const now = options.now ?? Date.now;
	const maxBytes = options.maxBodyBytes ?? defaultMaxBodyBytes;

	const withHint = (error: ApiError) =>
		error.category === 'unauthorized' && credentials.unauthorizedHint ? error.withHint(credentials.unauthorizedHint) : error;

	async function get(
		path: string,
		{query, what = 'a JSON object', signal}: {readonly query?: Readonly<Record<string, string>>; readonly what?: string; readonly signal?: AbortSignal | undefined} = {},
	): Promise<JobResponse> {
		const url = apiUrl(options.server, path, query);
		if (signal?.aborted) {
			throw signal.reason;
		}

		// One controller per request, tied to the caller's signal by hand: AbortSignal.any() on a signal
		// that lives as long as the watch leaks memory on every poll (measured: ~5 KB a request).
		const controller = new AbortController();
		let timedOut = false;
		let timer: NodeJS.Timeout | undefined;
		// The timeout runs while a request is on the wire, not while the credentials work (an IAM login has a
		// timeout of its own and names its own host): a slow IAM is not reported as a silent API server.
		const deadline = (running: boolean) => {
			clearTimeout(timer);
			timer = running
				? setTimeout(() => {
						timedOut = true;
						controller.abort(new Error('timeout'));
					}, options.timeoutMs)
				: undefined;
		};
		const onAbort = () => controller.abort(signal?.reason);
		signal?.addEventListener('abort', onAbort, {once: true});
		try {
			return await request(url, what, controller.signal, deadline);
		} catch (error) {
			if (signal?.aborted) {
				throw signal.reason;
			}

			if (timedOut) {
				throw new ApiError({category: 'timeout', summary: `no answer from ${url.host} within ${options.timeoutMs / 1000}s`});
			}

			throw errorFromException(error, url.host, options.proxy);
		} finally {
			clearTimeout(timer);
			signal?.removeEventListener('abort', onAbort);
		}
	}

	async function send(url: URL, signal: AbortSignal, deadline: (running: boolean) => void): Promise<HttpResponse> {
		const headers: Record<string, string> = {accept: 'application/json'};
		deadline(false);
		await credentials.authorize({method: 'GET', url, headers, signal});
		deadline(true);
		const started = performance.now();
		let status = 0;
		let requestId: string | undefined;
		try {
			const response = await transport(url, {method: 'GET', headers, signal, dispatcher: options.dispatcher});
			status = response.status;
			requestId = response.headers.get('x-request-id') ?? undefined;
			return response;
		} finally {
			options.onRequest?.({
				method: 'GET',
				url: url.href,
				status,
				durationMs: Math.round(performance.now() - started),
				...(requestId ? {requestId} : {}),
			});
		}
	}

	async function request(url: URL, what: string, signal: AbortSignal, deadline: (running: boolean) => void): Promise<JobResponse> {
		let response = await send(url, signal, deadline);
		// A 401 may only mean the credentials aged: renew once (a file re-read, a new IAM token, an exec
		// plugin run again) and ask again. Once: a loop of 401s could lock an account.
		if (response.status === 401 && credentials.renew) {
			const {text} = await readCapped(response, maxBytes);
			const error = errorFromResponse({status: 401, body: text, requestId: response.headers.get('x-request-id')}, now());
			deadline(false);
			if (await credentials.renew(error)) {
				response = await send(url, signal, deadline);
			} else {
				throw withHint(error);
			}
		}

		const {text, bytes} = await readCapped(response, maxBytes);
		const requestId = response.headers.get('x-request-id');
		if (response.status >= 300 && response.status < 400) {
			// Not followed: a redirect could carry the credentials to another host.
			const location = sanitize(response.headers.get('location') ?? 'nowhere', 120);
			throw new ApiError({
				category: 'bad-endpoint',
				summary: `${response.status}: redirected to ${location}, not followed; give that address as --server`,
				status: response.status,
				...(requestId ? {requestId: sanitize(requestId, 64)} : {}),
			});
		}

		if (response.status < 200 || response.status >= 300) {
			throw withHint(
				errorFromResponse(
					{
						status: response.status,
						body: text,
						retryAfter: response.headers.get('retry-after'),
						requestId,
						contentType: response.headers.get('content-type'),
					},
					now(),
				),
			);
		}

		let raw: unknown;
		try {
			raw = JSON.parse(text);
		} catch {
			const problem = text.trim() === '' ? 'an empty answer' : /^\s*</.test(text) ? 'an HTML page' : 'an answer that is not JSON (or was cut short)';
			throw new ApiError({category: 'malformed', summary: `${response.status}: ${problem} instead of ${what}`, status: response.status});
		}

		if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
			throw new ApiError({category: 'malformed', summary: `${response.status}: JSON that is not ${what}`, status: response.status});
		}

		return {raw: raw as Record<string, unknown>, bytes, ...(requestId ? {requestId} : {})};
	}

	return {server: options.server, get};
}
