import type {Dispatcher} from 'undici';
import {requestScope} from './request-scope.js';
import {ApiError, errorFromException, errorFromResponse} from './api-error.js';
import {noCredentials, type Credentials} from './credentials.js';
import {fetchFor, fetchTransport, nodeTransport, type HttpResponse, type Transport} from './http-transport.js';
import {apiUrl} from './paths.js';
import {readCapped, readJson, readUpTo} from './response-body.js';
import {sanitize} from '../common/sanitize.js';
import {readWatchEvents, type RawWatchEvent} from './watch-decoder.js';

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

/** One answer of the API server, whatever it holds (a job, a list, a PodGroup): the parsed object and what came with it. */
export type ApiObject = {
	/** The object exactly as the server sent it, parsed. */
	readonly raw: Record<string, unknown>;
	readonly requestId?: string;
	readonly bytes: number;
};

/** An open stream: its events as they arrive. */
export type EventStream = {
	readonly requestId?: string;
	/**
	 * Ends when the server ends the body; throws ApiError for a broken connection, a line that is not an
	 * event or is larger than the size cap, or silence longer than idleTimeoutMs.
	 */
	readonly events: AsyncIterable<RawWatchEvent>;
};

export type StreamOptions = {
	readonly query?: Readonly<Record<string, string>> | undefined;
	readonly signal?: AbortSignal | undefined;
	readonly idleTimeoutMs: number;
};

/** GETs of JSON objects under the server's address, with its credentials, timeout, size cap and errors. */
export type ApiClient = {
	readonly server: string;
	/**
	 * path: from the API root, e.g. "/api/v1/namespaces/ns/pods"; query: added as is (URL-encoded here).
	 * what: the object expected, for the error when something else arrives ("a job", "a pod list").
	 */
	get(path: string, options?: {readonly query?: Readonly<Record<string, string>>; readonly what?: string; readonly signal?: AbortSignal | undefined}): Promise<ApiObject>;
	/**
	 * A streaming GET (a watch): the headers within the timeout, as for get(), with the same credentials,
	 * renewal and errors; then the body's events as they come, for as long as the server keeps it open.
	 */
	stream(path: string, options: StreamOptions): Promise<EventStream>;
	/**
	 * A GET of raw bytes (a pod's log), with the same credentials, timeout and errors as get(). At most
	 * maxBytes are read: the rest is left unread and `cut` says so, since a server may ignore limitBytes.
	 */
	getBytes(path: string, options: GetBytesOptions): Promise<ApiBytes>;
	/**
	 * A streaming GET of raw bytes (a followed log): the headers within the timeout, as for get(), then the
	 * body's chunks for as long as the server keeps it open. Stopping the iteration closes the connection.
	 */
	streamBytes(path: string, options: ByteStreamOptions): Promise<ByteStream>;
	/**
	 * A POST of a JSON object (a job to create, a Command), with the same credentials (the body signed too),
	 * renewal, timeout and errors as get(); the answer's object. Never retried here: a create is not idempotent.
	 */
	post(path: string, options: WriteOptions): Promise<ApiObject>;
	/** A DELETE, its options (DeleteOptions: propagationPolicy…) as the body; the answer's object. */
	delete(path: string, options?: WriteOptions): Promise<ApiObject>;
};

export type WriteOptions = {
	readonly query?: Readonly<Record<string, string>> | undefined;
	/** Sent as JSON. */
	readonly body?: unknown;
	readonly what?: string;
	readonly signal?: AbortSignal | undefined;
};

/** What a request writes: its method and JSON body; a GET has neither. */
type Write = {readonly method: string; readonly body?: string};

export type GetBytesOptions = {
	readonly query?: Readonly<Record<string, string>> | undefined;
	readonly signal?: AbortSignal | undefined;
	readonly maxBytes: number;
};

export type ApiBytes = {
	readonly body: Uint8Array;
	/** More was on its way than maxBytes. */
	readonly cut: boolean;
	readonly requestId?: string;
};

export type ByteStreamOptions = {
	readonly query?: Readonly<Record<string, string>> | undefined;
	readonly signal?: AbortSignal | undefined;
	/** Silence longer than this ends the stream with a timeout; absent, a stream may be silent for good (a quiet container's log). */
	readonly idleTimeoutMs?: number | undefined;
};

/** An open stream of raw bytes (a followed log). */
export type ByteStream = {
	readonly requestId?: string;
	/** The body's chunks as they arrive; ends when the server ends the body, throws ApiError for a broken connection. */
	readonly chunks: AsyncIterable<Uint8Array>;
};

export const defaultMaxBodyBytes = 4 * 1024 * 1024;

// Errors still come as a Kubernetes Status in JSON; the body of a success is plain text.
const textAccept = 'text/plain, application/json;q=0.9, */*;q=0.8';

export function createApiClient(options: ApiClientOptions): ApiClient {
	// Node's http unless a dispatcher (proxy, TLS settings) or a test's fetch says otherwise.
	const transport: Transport = options.fetch || options.dispatcher ? fetchTransport(fetchFor(options)) : nodeTransport;
	const credentials = options.credentials ?? noCredentials;
	const now = options.now ?? Date.now;
	const maxBytes = options.maxBodyBytes ?? defaultMaxBodyBytes;

	const withHint = (error: ApiError) =>
		error.category === 'unauthorized' && credentials.unauthorizedHint ? error.withHint(credentials.unauthorizedHint) : error;

	/** One request, its answer read by `read`; an abort, the deadline and a failure each said the one way. */
	async function request<T>(
		path: string,
		query: Readonly<Record<string, string>> | undefined,
		signal: AbortSignal | undefined,
		read: (response: HttpResponse) => Promise<T>,
		accept?: string,
		write?: Write,
	): Promise<T> {
		const url = apiUrl(options.server, path, query);
		if (signal?.aborted) {
			throw signal.reason;
		}

		const scope = requestScope(signal);
		try {
			return await read(await open(url, scope.signal, scope.deadline, accept, write));
		} catch (error) {
			if (signal?.aborted) {
				throw signal.reason;
			}

			if (scope.timedOut) {
				throw new ApiError({category: 'timeout', summary: `no answer from ${url.host} within ${options.timeoutMs / 1000}s`});
			}

			throw errorFromException(error, url.host, options.proxy);
		} finally {
			scope.dispose();
		}
	}

	async function get(
		path: string,
		{query, what = 'a JSON object', signal}: {readonly query?: Readonly<Record<string, string>>; readonly what?: string; readonly signal?: AbortSignal | undefined} = {},
	): Promise<ApiObject> {
		return request(path, query, signal, async response => readJson(response, what, maxBytes));
	}

	async function sendObject(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, {query, body, what = 'a JSON object', signal}: WriteOptions = {}): Promise<ApiObject> {
		const json = body === undefined ? undefined : JSON.stringify(body);
		return request(path, query, signal, async response => readJson(response, what, maxBytes), undefined, {method, ...(json === undefined ? {} : {body: json})});
	}

	async function getBytes(path: string, {query, signal, maxBytes: limit}: GetBytesOptions): Promise<ApiBytes> {
		return request(
			path,
			query,
			signal,
			async response => {
				const {body, cut} = await readUpTo(response, limit);
				const requestId = response.headers.get('x-request-id');
				return {body, cut, ...(requestId ? {requestId: sanitize(requestId, 64)} : {})};
			},
			textAccept,
		);
	}

	/**
	 * Opens a streaming GET and hands over its body's chunks. Before the headers the per-request timeout holds;
	 * after them only idleTimeoutMs, re-armed by every chunk (none: the stream may stay silent for good). A
	 * body not read to its end (the caller stopped, a failure) closes the connection.
	 */
	async function openBody(
		path: string,
		{query, signal, idleTimeoutMs}: ByteStreamOptions,
		accept: string,
		silence: (host: string, seconds: number) => string,
	): Promise<{chunks: AsyncGenerator<Uint8Array>; failure: (error: unknown) => Error; requestId?: string}> {
		const url = apiUrl(options.server, path, query);
		if (signal?.aborted) {
			throw signal.reason;
		}

		const scope = requestScope(signal);
		let opened = false;
		const failure = (error: unknown): Error => {
			if (signal?.aborted) {
				return signal.reason as Error;
			}

			if (scope.timedOut) {
				return new ApiError({
					category: 'timeout',
					summary: opened ? silence(url.host, (idleTimeoutMs ?? 0) / 1000) : `no answer from ${url.host} within ${options.timeoutMs / 1000}s`,
				});
			}

			return errorFromException(error, url.host, options.proxy);
		};

		let response: HttpResponse;
		try {
			response = await open(url, scope.signal, scope.deadline, accept);
		} catch (error) {
			scope.dispose();
			throw failure(error);
		}

		opened = true;
		const requestId = response.headers.get('x-request-id') ?? undefined;
		const body = response.body;
		// From here on the timeout is for silence: every chunk re-arms it.
		const rearm = () => scope.deadline(idleTimeoutMs ?? false);
		rearm();
		async function* chunks(): AsyncGenerator<Uint8Array> {
			let ended = false;
			try {
				if (body) {
					for await (const chunk of body) {
						rearm();
						yield chunk;
					}
				}

				ended = true;
			} catch (error) {
				throw failure(error);
			} finally {
				scope.dispose();
				if (!ended) {
					// Stopped early (a refused line, the caller done): the connection is not kept for another request.
					scope.abort();
					await body?.cancel().catch(() => {});
				}
			}
		}

		return {chunks: chunks(), failure, ...(requestId ? {requestId: sanitize(requestId, 64)} : {})};
	}

	async function stream(path: string, {query, signal, idleTimeoutMs}: StreamOptions): Promise<EventStream> {
		const {chunks, failure, requestId} = await openBody(
			path,
			{query, signal, idleTimeoutMs},
			'application/json',
			(host, seconds) => `the watch stream from ${host} went silent (nothing for ${seconds}s, not even a bookmark)`,
		);
		async function* events(): AsyncGenerator<RawWatchEvent> {
			try {
				yield* readWatchEvents(chunks, maxBytes);
			} catch (error) {
				throw failure(error);
			}
		}

		return {events: events(), ...(requestId ? {requestId} : {})};
	}

	async function streamBytes(path: string, streamOptions: ByteStreamOptions): Promise<ByteStream> {
		const {chunks, requestId} = await openBody(path, streamOptions, textAccept, (host, seconds) => `the stream from ${host} went silent (nothing for ${seconds}s)`);
		return {chunks, ...(requestId ? {requestId} : {})};
	}

	async function send(url: URL, signal: AbortSignal, deadline: (ms: number | false) => void, accept: string, write?: Write): Promise<HttpResponse> {
		const method = write?.method ?? 'GET';
		const body = write?.body;
		const headers: Record<string, string> = {accept, ...(body === undefined ? {} : {'content-type': 'application/json'})};
		deadline(false);
		// The body is signed with the rest (AK/SK hashes it).
		await credentials.authorize({method, url, headers, signal, ...(body === undefined ? {} : {body})});
		deadline(options.timeoutMs);
		const started = performance.now();
		let status = 0;
		let requestId: string | undefined;
		try {
			const response = await transport(url, {method, headers, body, signal, dispatcher: options.dispatcher});
			status = response.status;
			requestId = response.headers.get('x-request-id') ?? undefined;
			return response;
		} finally {
			options.onRequest?.({
				method,
				url: url.href,
				status,
				durationMs: Math.round(performance.now() - started),
				...(requestId ? {requestId} : {}),
			});
		}
	}

	/** Sends the request (renewing the credentials once after a 401) and returns a 2xx answer; anything else throws. */
	async function open(url: URL, signal: AbortSignal, deadline: (ms: number | false) => void, accept = 'application/json', write?: Write): Promise<HttpResponse> {
		let response = await send(url, signal, deadline, accept, write);
		// A 401 may only mean the credentials aged: renew once (a file re-read, a new IAM token, an exec
		// plugin run again) and ask again. Once: a loop of 401s could lock an account.
		if (response.status === 401 && credentials.renew) {
			const {text} = await readCapped(response, maxBytes);
			const error = errorFromResponse({status: 401, body: text, requestId: response.headers.get('x-request-id')}, now());
			deadline(false);
			if (await credentials.renew(error)) {
				response = await send(url, signal, deadline, accept, write);
			} else {
				throw withHint(error);
			}
		}

		const requestId = response.headers.get('x-request-id');
		if (response.status >= 300 && response.status < 400) {
			await response.body?.cancel().catch(() => {});
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
			const {text} = await readCapped(response, maxBytes);
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

		return response;
	}

	return {
		server: options.server,
		get,
		stream,
		getBytes,
		streamBytes,
		post: async (path, options) => sendObject('POST', path, options),
		delete: async (path, options) => sendObject('DELETE', path, options),
	};
}
