import type * as Http from 'node:http';
import type * as Https from 'node:https';
import {createRequire} from 'node:module';
import type {Dispatcher} from 'undici';

// Through require, not import: an ES import of node:http reads every one of its exports, the WebSocket getter too,
// and that loads Node's own undici (about 12 ms of every start, for nothing the program uses).
const load = createRequire(import.meta.url);
const http = load('node:http') as typeof Http;
const https = load('node:https') as typeof Https;

/** What the job client needs of an HTTP answer: fetch's Response has it, and so does node:http's, wrapped. */
export type HttpResponse = {
	readonly status: number;
	readonly headers: {get(name: string): string | null};
	readonly body: (AsyncIterable<Uint8Array> & {cancel(): Promise<void>}) | null;
};

export type HttpRequestInit = {
	readonly method: string;
	readonly headers: Record<string, string>;
	/** A request's JSON (a POST's object, a DELETE's options); none for a GET. */
	readonly body?: string | undefined;
	readonly signal: AbortSignal;
	readonly dispatcher?: Dispatcher | undefined;
};

/** Sends one request; redirects are returned, never followed (they could carry credentials elsewhere). */
export type Transport = (url: URL, init: HttpRequestInit) => Promise<HttpResponse>;

/**
 * node:http and node:https: what the watcher uses unless a proxy or custom TLS needs undici. Node's fetch
 * would do as well, but its first call loads a large module (about 10 MB of RSS, measured) for nothing.
 */
export const nodeTransport: Transport = async (url, init) =>
	new Promise<HttpResponse>((resolve, reject) => {
		const request = (url.protocol === 'https:' ? https : http).request(
			url,
			// A body's length said up front: node:http sends a DELETE's body chunked otherwise, which servers may
			// refuse (Node's own answered 400).
			{
				method: init.method,
				headers: init.body === undefined ? init.headers : {...init.headers, 'content-length': String(Buffer.byteLength(init.body))},
				signal: init.signal,
			},
			response => {
				resolve({
					status: response.statusCode ?? 0,
					headers: {
						get(name) {
							const value = response.headers[name.toLowerCase()];
							return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
						},
					},
					body: Object.assign(response, {
						async cancel() {
							response.destroy();
						},
					}),
				});
			},
		);
		request.on('error', reject);
		request.end(init.body);
	});

/** A fetch as a Transport: for undici's fetch with a dispatcher, and for tests that pass their own. */
export function fetchTransport(fetch: typeof globalThis.fetch): Transport {
	return async (url, init) =>
		fetch(url, {
			method: init.method,
			headers: init.headers,
			signal: init.signal,
			...(init.body === undefined ? {} : {body: init.body}),
			redirect: 'manual',
			...(init.dispatcher ? {dispatcher: init.dispatcher} : {}),
		} as RequestInit) as Promise<HttpResponse>;
}

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
