import type {CollectionResource} from './apiserver/kinds.js';

/**
 * Something going wrong between a client and the API server, served in place of a normal answer: to a job GET (a
 * step's faults, injectFaults), or to a list or watch (a step's collectionFaults, injectCollectionFaults).
 */
export type Fault =
	/** Any status with a body: an object is sent as JSON (a `request_id` key is set to the response's X-Request-Id). */
	| {
		readonly kind: 'status';
		readonly status: number;
		readonly body?: object | string;
		readonly headers?: Readonly<Record<string, string>>;
		readonly contentType?: string;
	}
	/** The socket is reset without any response. */
	| {readonly kind: 'reset'}
	/** No answer ever; the socket is released by close(). */
	| {readonly kind: 'hang'}
	/** Content-Length of the whole document, half of it written, then the socket closes. */
	| {readonly kind: 'truncated'}
	/** An nginx error page, as a proxy in front of the API sends for 502/504. */
	| {readonly kind: 'html'; readonly status: number}
	| {readonly kind: 'empty'; readonly status: number}
	/** 200, Content-Type application/json, a body that is not JSON. */
	| {readonly kind: 'garbage'}
	/** The normal answer, after ms of real time (not scaled by speed: it exercises client timeouts). */
	| {readonly kind: 'delay'; readonly ms: number}
	/** The normal answer padded to this many bytes, streamed (a watch is served normally). */
	| {readonly kind: 'huge'; readonly bytes: number}
	/**
	 * An HA replica that lags behind the one that issued the resourceVersion asked for: after its 3 s wait, 504
	 * "Too large resource version" with Retry-After 1 (to a watch: a 200 and an ERROR event carrying it).
	 */
	| {readonly kind: 'tooLarge'};

export type FaultKind = Fault['kind'];

/** A fault for the next list or watch; with resource or verb, only for a request of that resource or verb. */
export type CollectionFault =
	| Fault
	| {readonly fault: Fault; readonly resource?: CollectionResource; readonly verb?: 'list' | 'watch'};

// Kubernetes' StatusReason for each code (k8s.io/apimachinery/pkg/apis/meta/v1/types.go).
const reasons: Readonly<Record<number, {reason: string; message: string}>> = {
	400: {reason: 'BadRequest', message: 'the server rejected our request for an unknown reason'},
	401: {reason: 'Unauthorized', message: 'Unauthorized'},
	403: {
		reason: 'Forbidden',
		message: 'jobs.batch.volcano.sh is forbidden: User cannot get resource "jobs" in API group "batch.volcano.sh"',
	},
	404: {reason: 'NotFound', message: 'the server could not find the requested resource'},
	405: {reason: 'MethodNotAllowed', message: 'the server does not allow this method on the requested resource'},
	406: {
		reason: 'NotAcceptable',
		message: 'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf',
	},
	409: {
		reason: 'Conflict',
		message: 'Operation cannot be fulfilled: the object has been modified; please apply your changes to the latest version and try again',
	},
	410: {reason: 'Expired', message: 'too old resource version: 7681358 (7681512)'},
	415: {
		reason: 'UnsupportedMediaType',
		message: 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml',
	},
	422: {reason: 'Invalid', message: 'the request is invalid'},
	429: {reason: 'TooManyRequests', message: 'Too many requests, please try again later.'},
	500: {reason: 'InternalError', message: 'Internal error occurred: etcdserver: request timed out'},
	503: {reason: 'ServiceUnavailable', message: 'the server is currently unable to handle the request'},
	504: {
		reason: 'Timeout',
		message: 'the server was unable to return a response in the time allotted, but may still be processing the request',
	},
};

export type StatusFaultOptions = {
	readonly message?: string;
	readonly reason?: string;
	readonly details?: Readonly<Record<string, unknown>>;
	/** CCI's own code, e.g. "CCI.02.403101". */
	readonly errorCode?: string;
	/** Sets details.retryAfterSeconds and the Retry-After header. */
	readonly retryAfterSeconds?: number;
	readonly headers?: Readonly<Record<string, string>>;
};

/** A Kubernetes Status object, as the API server sends with an error. */
export function statusBody(code: number, options: StatusFaultOptions = {}): Record<string, unknown> {
	const known = reasons[code];
	const details = {
		...options.details,
		...(options.retryAfterSeconds === undefined ? {} : {retryAfterSeconds: options.retryAfterSeconds}),
	};
	const reason = options.reason ?? known?.reason;
	return {
		kind: 'Status',
		apiVersion: 'v1',
		metadata: {},
		status: 'Failure',
		message:
			options.message ?? known?.message ?? `the server responded with the status code ${code} but did not return more information`,
		...(reason === undefined ? {} : {reason}),
		...(Object.keys(details).length > 0 ? {details} : {}),
		code,
		...(options.errorCode === undefined ? {} : {errorCode: options.errorCode}),
	};
}

export function statusFault(code: number, options: StatusFaultOptions = {}): Fault {
	const headers = {
		...(options.retryAfterSeconds === undefined ? {} : {'Retry-After': String(options.retryAfterSeconds)}),
		...options.headers,
	};
	return {kind: 'status', status: code, body: statusBody(code, options), headers};
}

/** The API server's own rate limit (API Priority and Fairness): 429, Retry-After and details.retryAfterSeconds. */
export function throttleFault(retryAfterSeconds = 1): Fault {
	return statusFault(429, {retryAfterSeconds});
}

/** A cacher whose cache is being (re)built: 429 "storage is (re)initializing", Retry-After 1. */
export function initializingFault(): Fault {
	return statusFault(429, {message: 'storage is (re)initializing', retryAfterSeconds: 1});
}

/** See the 'tooLarge' fault. */
export function tooLargeFault(): Fault {
	return {kind: 'tooLarge'};
}

/** Huawei Cloud's API gateway answering for the service, e.g. gatewayFault(429, 'APIGW.0308', '…'). */
export function gatewayFault(status: number, errorCode: string, message: string): Fault {
	return {kind: 'status', status, body: gatewayBody(errorCode, message)};
}

export function gatewayBody(errorCode: string, message: string, requestId = ''): Record<string, string> {
	return {error_code: errorCode, error_msg: message, request_id: requestId};
}

export function proxyHtmlFault(status: 502 | 504 | number = 502): Fault {
	return {kind: 'html', status};
}

const statusTexts: Readonly<Record<number, string>> = {
	500: 'Internal Server Error',
	502: 'Bad Gateway',
	503: 'Service Temporarily Unavailable',
	504: 'Gateway Time-out',
};

/** nginx's built-in error page. */
export function nginxErrorPage(status: number): string {
	const title = `${status} ${statusTexts[status] ?? 'Error'}`;
	return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}
