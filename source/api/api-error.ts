import {sanitize, sanitizeOptional} from '../common/sanitize.js';

/** What kind of trouble, as far as the watcher's behaviour is concerned. */
export type ErrorCategory =
	| 'not-found' // the job does not exist (yet)
	| 'bad-endpoint' // a gateway or proxy 404: wrong host or path, or no Volcano API there
	| 'unauthorized' // 401
	| 'forbidden' // 403
	| 'client' // any other 4xx: the request itself is wrong
	| 'throttled' // 429, gateway throttling
	| 'server' // 5xx
	| 'network' // refused, reset, DNS
	| 'tls' // certificate or handshake failure
	| 'timeout' // no answer within --timeout
	| 'malformed'; // an answer that is not a job: empty, truncated, not JSON, too large

const retryableCategories = new Set<ErrorCategory>(['throttled', 'server', 'network', 'timeout', 'malformed']);

export type ApiErrorDetails = {
	readonly category: ErrorCategory;
	/** What a person can do about it, when the credential source knows better than errorHint. */
	readonly hint?: string;
	/** One line for people, already sanitised. */
	readonly summary: string;
	readonly status?: number;
	readonly reason?: string;
	/** Huawei's errorCode (CCI.02.403101) or an API gateway's error_code (APIGW.0308). */
	readonly code?: string;
	readonly requestId?: string;
	/** What the server asked us to wait (Retry-After, details.retryAfterSeconds). */
	readonly retryAfterMs?: number;
	/** A Status's details.causes (422 Invalid: each field refused and why), already sanitised. */
	readonly causes?: readonly ErrorCause[];
};

export type ErrorCause = {readonly field?: string; readonly reason?: string; readonly message: string};

export class ApiError extends Error implements ApiErrorDetails {
	override readonly name = 'ApiError';
	readonly category: ErrorCategory;
	readonly summary: string;
	readonly status?: number;
	readonly reason?: string;
	readonly code?: string;
	readonly requestId?: string;
	readonly retryAfterMs?: number;
	readonly hint?: string;
	readonly causes?: readonly ErrorCause[];

	constructor(details: ApiErrorDetails) {
		super(details.summary);
		this.category = details.category;
		this.summary = details.summary;
		if (details.status !== undefined) this.status = details.status;
		if (details.reason !== undefined) this.reason = details.reason;
		if (details.code !== undefined) this.code = details.code;
		if (details.requestId !== undefined) this.requestId = details.requestId;
		if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
		if (details.hint !== undefined) this.hint = details.hint;
		if (details.causes !== undefined) this.causes = details.causes;
	}

	withHint(hint: string): ApiError {
		return new ApiError({...this.toJSON(), hint});
	}

	get retryable(): boolean {
		return retryableCategories.has(this.category);
	}

	/** A plain object for JSON output: no stack, nothing from the request. */
	toJSON(): ApiErrorDetails & {retryable: boolean} {
		return {
			category: this.category,
			summary: this.summary,
			...(this.status === undefined ? {} : {status: this.status}),
			...(this.reason === undefined ? {} : {reason: this.reason}),
			...(this.code === undefined ? {} : {code: this.code}),
			...(this.requestId === undefined ? {} : {requestId: this.requestId}),
			...(this.retryAfterMs === undefined ? {} : {retryAfterMs: this.retryAfterMs}),
			...(this.hint === undefined ? {} : {hint: this.hint}),
			...(this.causes === undefined ? {} : {causes: this.causes}),
			retryable: this.retryable,
		};
	}
}

const statusTexts: Readonly<Record<number, string>> = {
	400: 'BadRequest',
	401: 'Unauthorized',
	403: 'Forbidden',
	404: 'NotFound',
	405: 'MethodNotAllowed',
	406: 'NotAcceptable',
	407: 'ProxyAuthenticationRequired',
	409: 'Conflict',
	410: 'Gone',
	413: 'RequestEntityTooLarge',
	415: 'UnsupportedMediaType',
	422: 'Invalid',
	429: 'TooManyRequests',
	500: 'InternalError',
	502: 'BadGateway',
	503: 'ServiceUnavailable',
	504: 'ServerTimeout',
};

const gatewayCode = /^APIG(?:W)?\.\d{4}$/;

/** Retry-After as milliseconds from `now`: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
	if (!value) {
		return undefined;
	}

	const trimmed = value.trim();
	if (/^\d+$/.test(trimmed)) {
		return Number(trimmed) * 1000;
	}

	const date = Date.parse(trimmed);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function categoryForStatus(status: number): ErrorCategory {
	if (status === 401) return 'unauthorized';
	if (status === 403) return 'forbidden';
	if (status === 429) return 'throttled';
	if (status >= 500) return 'server';
	return 'client';
}

function parseJson(text: string): Record<string, unknown> | undefined {
	try {
		const value: unknown = JSON.parse(text);
		return typeof value === 'object' && value !== null && !Array.isArray(value)
			? (value as Record<string, unknown>)
			: undefined;
	} catch {
		return undefined;
	}
}

function htmlTitle(text: string): string | undefined {
	const match = /<title[^>]*>([^<]{1,200})<\/title>/i.exec(text) ?? /<h1[^>]*>([^<]{1,200})<\/h1>/i.exec(text);
	return match ? sanitizeOptional(match[1], 80) : undefined;
}

// A Status names at most this many causes here: the rest are counted, not listed.
const maxCauses = 20;

/** details.causes of a Status (kube-apiserver's field errors, a webhook's refusals), sanitised. */
function statusCauses(details: unknown): ErrorCause[] | undefined {
	const causes = typeof details === 'object' && details !== null ? (details as Record<string, unknown>)['causes'] : undefined;
	if (!Array.isArray(causes) || causes.length === 0) return undefined;
	return causes.slice(0, maxCauses).map((value: unknown) => {
		const cause = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
		const field = sanitizeOptional(cause['field'], 120);
		const reason = sanitizeOptional(cause['reason'], 64);
		return {...(field === undefined ? {} : {field}), ...(reason === undefined ? {} : {reason}), message: sanitizeOptional(cause['message'], 300) ?? ''};
	});
}

export type ErrorResponse = {
	readonly status: number;
	readonly body: string;
	readonly retryAfter?: string | null;
	readonly requestId?: string | null;
	readonly contentType?: string | null;
};

/**
 * An HTTP error answer as an ApiError. Classified by status code first, then by the body: a Kubernetes
 * Status, an API gateway's JSON, or anything else (an HTML page from a proxy), which is summarised and
 * never shown raw.
 */
export function errorFromResponse(response: ErrorResponse, now = Date.now()): ApiError {
	const {status} = response;
	const json = parseJson(response.body);
	const requestId =
		sanitizeOptional(response.requestId, 64) ??
		sanitizeOptional(json?.['request_id'], 64) ??
		sanitizeOptional(json?.['requestId'], 64);
	let retryAfterMs = parseRetryAfter(response.retryAfter, now);
	let category = categoryForStatus(status);
	let reason = statusTexts[status];
	let message: string | undefined;
	let code: string | undefined;
	let causes: ErrorCause[] | undefined;

	if (json?.['kind'] === 'Status' || (json && 'reason' in json && 'code' in json)) {
		reason = sanitizeOptional(json['reason'], 64) ?? reason;
		message = sanitizeOptional(json['message'], 300);
		code = sanitizeOptional(json['errorCode'], 64);
		const details = json['details'];
		causes = statusCauses(details);
		const seconds =
			typeof details === 'object' && details !== null
				? (details as Record<string, unknown>)['retryAfterSeconds']
				: undefined;
		if (typeof seconds === 'number' && seconds > 0) {
			retryAfterMs = Math.max(retryAfterMs ?? 0, seconds * 1000);
		}

		if (status === 404) {
			category = 'not-found';
		}
	} else if (json && typeof json['error_code'] === 'string') {
		code = sanitize(json['error_code'], 64);
		message = sanitizeOptional(json['error_msg'], 300);
		if (gatewayCode.test(code)) {
			if (code.endsWith('.0308')) category = 'throttled';
			if (status === 404 || code.endsWith('.0101')) category = 'bad-endpoint';
		}
	} else if (json && typeof json['error'] === 'object' && json['error'] !== null && !Array.isArray(json['error'])) {
		// Keystone's form, which Huawei's IAM answers with: {"error": {"code", "title", "message"}}.
		message = sanitizeOptional((json['error'] as Record<string, unknown>)['message'], 300);
		if (status === 404) {
			category = 'bad-endpoint';
		}
	} else {
		const isHtml = /html/i.test(response.contentType ?? '') || /^\s*</.test(response.body);
		if (isHtml) {
			const title = htmlTitle(response.body);
			message = `${title ? `"${title}" ` : ''}HTML page from a proxy or gateway`;
		} else if (response.body.trim() !== '') {
			message = sanitize(response.body, 120);
		}

		// Without a Kubernetes Status, a 404 is not "this job does not exist": the path itself is wrong
		// (or the Volcano API is not installed there).
		if (status === 404) {
			category = 'bad-endpoint';
		}
	}

	if (category === 'bad-endpoint') {
		message = `${message ? `${message}; ` : ''}wrong server or path, or no Volcano API there`;
	}

	if (status === 407) {
		message = `${message ? `${message}; ` : ''}the proxy wants credentials`;
	}

	const summary = [
		`${status}${reason ? ` ${reason}` : ''}`,
		message ? `: ${message}` : '',
		code ? ` [${code}]` : '',
		requestId ? ` (request id ${requestId})` : '',
	].join('');

	return new ApiError({
		category,
		summary,
		status,
		...(reason === undefined ? {} : {reason}),
		...(code === undefined ? {} : {code}),
		...(requestId === undefined ? {} : {requestId}),
		...(retryAfterMs === undefined ? {} : {retryAfterMs}),
		...(causes === undefined ? {} : {causes}),
	});
}

const networkCodes: Readonly<Record<string, string>> = {
	ECONNREFUSED: 'connection refused',
	ECONNRESET: 'connection reset by the server',
	EPIPE: 'connection closed by the server',
	UND_ERR_SOCKET: 'connection closed by the server',
	UND_ERR_CLOSED: 'connection closed',
	ENOTFOUND: 'host name not found (DNS)',
	EAI_AGAIN: 'host name lookup failed for now (DNS)',
	EHOSTUNREACH: 'host unreachable',
	ENETUNREACH: 'network unreachable',
	ETIMEDOUT: 'connection timed out',
	UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
};

// OpenSSL's verification codes that name no certificate in their spelling.
const notTlsCodes: ReadonlySet<string> = new Set(['EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER']);
const tlsCodes = new Set(['EPROTO', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'HOSTNAME_MISMATCH']);

function causeCode(error: unknown): string | undefined {
	for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
		const {code} = current as {code?: unknown};
		if (typeof code === 'string') {
			return code;
		}

		current = (current as {cause?: unknown}).cause;
	}

	return undefined;
}

/** The status a proxy answered a CONNECT with, from undici's "Proxy response (407) !== 200 when HTTP Tunneling". */
function tunnelStatus(error: unknown): number | undefined {
	for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
		const match = current instanceof Error ? /^Proxy response \((\d{3})\)/.exec(current.message) : null;
		if (match) return Number(match[1]);
		current = (current as {cause?: unknown}).cause;
	}

	return undefined;
}

/** Anything a loop caught, as an ApiError: what is not one already was a failure of the connection. */
export function asApiError(error: unknown): ApiError {
	return error instanceof ApiError
		? error
		: new ApiError({category: 'network', summary: error instanceof Error ? error.message : String(error)});
}

/**
 * A failure below HTTP (fetch threw) as an ApiError naming the host, never the headers. `proxy`: the proxy
 * (host:port) the request went through, if any.
 */
export function errorFromException(error: unknown, host: string, proxy?: string): ApiError {
	if (error instanceof ApiError) {
		return error;
	}

	const status = tunnelStatus(error);
	if (status !== undefined) {
		const at = proxy ? `the proxy at ${sanitize(proxy, 100)}` : 'the proxy';
		// Not retried in a loop: asking again without credentials earns the same 407.
		return status === 407
			? new ApiError({
					category: 'client',
					status,
					reason: 'ProxyAuthenticationRequired',
					summary: `${at} wants credentials (407)`,
					hint: "give the proxy's user and password in its URL: HTTPS_PROXY=http://USER:PASSWORD@HOST:PORT, or the kubeconfig's proxy-url",
				})
			: new ApiError({
					category: status >= 500 ? 'network' : 'client',
					status,
					summary: `${at} did not open a tunnel to ${host} (${status}${statusTexts[status] ? ` ${statusTexts[status]}` : ''})`,
				});
	}

	const code = causeCode(error);
	if (code && (tlsCodes.has(code) || code.startsWith('ERR_TLS') || code.includes('CERT') || code.startsWith('ERR_SSL'))) {
		return new ApiError({category: 'tls', summary: `TLS failure talking to ${host} (${code})`, code});
	}

	const what = code ? networkCodes[code] : undefined;
	const fallback = error instanceof Error ? sanitize(error.message, 120) : 'request failed';
	return new ApiError({
		category: 'network',
		summary: `${what ?? fallback} (${host}${code && !what ? `, ${code}` : ''}${proxy ? ` through the proxy at ${sanitize(proxy, 100)}` : ''})`,
		...(code === undefined ? {} : {code}),
	});
}

/** What a person can do about an error that retrying will not fix. */
export function errorHint(error: Pick<ApiError, 'category' | 'hint' | 'code'>, namespace: string): string | undefined {
	if (error.hint) {
		return error.hint;
	}

	switch (error.category) {
		case 'unauthorized': {
			return 'the token is missing, expired or invalid (HW_AUTH_TOKEN or --token-file)';
		}

		case 'forbidden': {
			return `the credentials may not get Volcano jobs in namespace ${namespace}`;
		}

		case 'tls': {
			// No certificate was exchanged: the other end did not speak TLS (plain http, or something else on the port).
			if (error.code !== undefined && notTlsCodes.has(error.code)) {
				return 'the server did not answer in TLS: check that the address is https and the port is the API server\'s';
			}

			return 'the server certificate could not be verified: give its CA with --certificate-authority FILE or the kubeconfig';
		}

		default: {
			return undefined;
		}
	}
}
