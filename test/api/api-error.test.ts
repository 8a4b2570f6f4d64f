import {describe, expect, test} from 'vitest';
import {
	ApiError,
	errorFromException,
	errorFromResponse,
	errorHint,
	parseRetryAfter,
	type ErrorCategory,
} from '../../source/api/api-error.js';
import {gatewayBody, nginxErrorPage, statusBody} from '../../source/simulator/index.js';

const now = Date.parse('2024-03-11T08:00:00Z');

function fromStatus(code: number, options: Parameters<typeof statusBody>[1] = {}, extra: {retryAfter?: string; requestId?: string} = {}) {
	return errorFromResponse(
		{status: code, body: JSON.stringify(statusBody(code, options)), contentType: 'application/json', ...extra},
		now,
	);
}

describe('a Kubernetes Status for each code the CCI document lists', () => {
	test.each<[number, ErrorCategory, string, boolean]>([
		[400, 'client', 'BadRequest', false],
		[401, 'unauthorized', 'Unauthorized', false],
		[403, 'forbidden', 'Forbidden', false],
		[404, 'not-found', 'NotFound', false],
		[405, 'client', 'MethodNotAllowed', false],
		[406, 'client', 'NotAcceptable', false],
		[409, 'client', 'Conflict', false],
		[415, 'client', 'UnsupportedMediaType', false],
		[422, 'client', 'Invalid', false],
		[429, 'throttled', 'TooManyRequests', true],
		[500, 'server', 'InternalError', true],
		[503, 'server', 'ServiceUnavailable', true],
		[504, 'server', 'Timeout', true],
	])('%d → %s (%s), retryable %s', (code, category, reason, retryable) => {
		const message = `message for ${code}`;
		const error = fromStatus(code, {message});
		expect(error).toBeInstanceOf(ApiError);
		expect(error).toBeInstanceOf(Error);
		expect(error.category).toBe(category);
		expect(error.status).toBe(code);
		expect(error.reason).toBe(reason);
		expect(error.retryable).toBe(retryable);
		expect(error.summary).toBe(`${code} ${reason}: ${message}`);
		expect(error.message).toBe(error.summary);
		expect(error.summary).not.toMatch(/[\n\r]/);
	});

	test('504 from CCI, whose table says ServerTimeout, is still a server error', () => {
		const error = fromStatus(504, {reason: 'ServerTimeout'});
		expect([error.category, error.reason, error.retryable]).toEqual(['server', 'ServerTimeout', true]);
	});

	test('a Status reason that disagrees with the code: the code decides the category', () => {
		const error = fromStatus(403, {reason: 'NotFound', message: 'odd'});
		expect(error.category).toBe('forbidden');
		expect(error.summary).toBe('403 NotFound: odd');
	});

	test('a 404 Status for the job: not-found, which the watcher treats as "waiting"', () => {
		const error = fromStatus(404, {
			message: 'jobs.batch.volcano.sh "openmpi-hello" not found',
			details: {name: 'openmpi-hello', group: 'batch.volcano.sh', kind: 'jobs'},
		});
		expect(error.category).toBe('not-found');
		expect(error.summary).toBe('404 NotFound: jobs.batch.volcano.sh "openmpi-hello" not found');
	});

	test('CCI\'s errorCode is shown with the message', () => {
		const error = fromStatus(403, {message: 'namespace is forbidden', errorCode: 'CCI.02.403101'});
		expect(error.code).toBe('CCI.02.403101');
		expect(error.summary).toBe('403 Forbidden: namespace is forbidden [CCI.02.403101]');
	});

	test('X-Request-Id is named in the summary', () => {
		const error = fromStatus(500, {}, {requestId: '0f4b2a3c9d8e7f6a5b4c3d2e1f0a9b8c'});
		expect(error.requestId).toBe('0f4b2a3c9d8e7f6a5b4c3d2e1f0a9b8c');
		expect(error.summary).toContain('(request id 0f4b2a3c9d8e7f6a5b4c3d2e1f0a9b8c)');
	});

	test('a hostile message is sanitised and capped', () => {
		const error = fromStatus(500, {message: `\u001B]0;owned\u0007bad\u001B[2J thing\r\n${'x'.repeat(1000)}`});
		expect(error.summary).not.toMatch(/[\u0000-\u001F\u007F-\u009F]/);
		expect(error.summary.startsWith('500 InternalError: bad thing x')).toBe(true);
		expect(error.summary.length).toBeLessThan(400);
	});
});

describe('waits the server asks for', () => {
	test('details.retryAfterSeconds', () => {
		expect(errorFromResponse({status: 429, body: JSON.stringify(statusBody(429, {retryAfterSeconds: 7}))}, now).retryAfterMs).toBe(7000);
	});

	test('Retry-After in seconds', () => {
		expect(fromStatus(503, {}, {retryAfter: '120'}).retryAfterMs).toBe(120_000);
	});

	test('Retry-After as an HTTP date, against the injected clock', () => {
		expect(fromStatus(503, {}, {retryAfter: 'Mon, 11 Mar 2024 08:00:30 GMT'}).retryAfterMs).toBe(30_000);
	});

	test('the longer of header and details wins', () => {
		expect(fromStatus(429, {retryAfterSeconds: 5}, {retryAfter: '1'}).retryAfterMs).toBe(5000);
		expect(fromStatus(429, {retryAfterSeconds: 1}, {retryAfter: '9'}).retryAfterMs).toBe(9000);
	});

	test('no wait asked: none invented', () => {
		expect(fromStatus(503).retryAfterMs).toBeUndefined();
		expect(fromStatus(429, {details: {retryAfterSeconds: 0}}).retryAfterMs).toBeUndefined();
	});

	test('toJSON carries the wait and the retryable flag, and nothing else', () => {
		const error = fromStatus(429, {retryAfterSeconds: 2, message: 'slow down'}, {requestId: 'abc'});
		expect(JSON.parse(JSON.stringify(error))).toEqual({
			category: 'throttled',
			summary: '429 TooManyRequests: slow down (request id abc)',
			status: 429,
			reason: 'TooManyRequests',
			requestId: 'abc',
			retryAfterMs: 2000,
			retryable: true,
		});
	});
});

describe('parseRetryAfter', () => {
	test.each<[string | null | undefined, number | undefined]>([
		['1', 1000],
		['0', 0],
		[' 30 ', 30_000],
		['Mon, 11 Mar 2024 08:01:00 GMT', 60_000],
		['Mon, 11 Mar 2024 07:59:00 GMT', 0],
		['soon', undefined],
		['', undefined],
		[null, undefined],
		[undefined, undefined],
	])('%j → %s', (value, expected) => {
		expect(parseRetryAfter(value, now)).toBe(expected);
	});
});

describe('the API gateway\'s own JSON', () => {
	test('APIGW.0301 (401): bad IAM auth', () => {
		const body = JSON.stringify(gatewayBody('APIGW.0301', 'Incorrect IAM authentication information: verify aksk signature fail', 'req-7'));
		const error = errorFromResponse({status: 401, body}, now);
		expect(error.category).toBe('unauthorized');
		expect(error.code).toBe('APIGW.0301');
		expect(error.retryable).toBe(false);
		expect(error.summary).toBe(
			'401 Unauthorized: Incorrect IAM authentication information: verify aksk signature fail [APIGW.0301] (request id req-7)',
		);
	});

	test('APIGW.0308 (429): throttled', () => {
		const body = JSON.stringify(gatewayBody('APIGW.0308', 'The throttling threshold has been reached'));
		const error = errorFromResponse({status: 429, body}, now);
		expect([error.category, error.code, error.retryable]).toEqual(['throttled', 'APIGW.0308', true]);
		expect(error.summary).toContain('The throttling threshold has been reached');
	});

	test('APIG.0308 (the older prefix) with a status other than 429 is still throttling', () => {
		const error = errorFromResponse({status: 403, body: JSON.stringify(gatewayBody('APIG.0308', 'over limit'))}, now);
		expect(error.category).toBe('throttled');
	});

	test('APIGW.0101 (404): a wrong host or path, not a missing job', () => {
		const body = JSON.stringify(gatewayBody('APIGW.0101', 'The API does not exist or has not been published in the environment'));
		const error = errorFromResponse({status: 404, body}, now);
		expect(error.category).toBe('bad-endpoint');
		expect(error.category).not.toBe('not-found');
		expect(error.retryable).toBe(false);
		expect(error.summary).toContain('[APIGW.0101]');
		expect(error.summary).toContain('wrong server or path');
	});
});

describe('bodies that are neither', () => {
	test('an nginx 502 page: summarised by its title, no markup', () => {
		const error = errorFromResponse({status: 502, body: nginxErrorPage(502), contentType: 'text/html'}, now);
		expect(error.category).toBe('server');
		expect(error.retryable).toBe(true);
		expect(error.summary).not.toContain('<');
		expect(error.summary).not.toMatch(/[\r\n]/);
		expect(error.summary).toBe('502 BadGateway: "502 Bad Gateway" HTML page from a proxy or gateway');
	});

	test('an HTML page without a content type or title is still recognised', () => {
		const error = errorFromResponse({status: 503, body: '<html><body>down</body></html>'}, now);
		expect(error.summary).toBe('503 ServiceUnavailable: HTML page from a proxy or gateway');
	});

	test('a 404 with a plain-text body: bad-endpoint', () => {
		const error = errorFromResponse({status: 404, body: '404 page not found\n', contentType: 'text/plain'}, now);
		expect(error.category).toBe('bad-endpoint');
		expect(error.summary).toBe('404 NotFound: 404 page not found; wrong server or path, or no Volcano API there');
	});

	test('a 404 HTML page: bad-endpoint', () => {
		expect(errorFromResponse({status: 404, body: nginxErrorPage(404)}, now).category).toBe('bad-endpoint');
	});

	test('an empty 503', () => {
		const error = errorFromResponse({status: 503, body: ''}, now);
		expect([error.category, error.summary]).toEqual(['server', '503 ServiceUnavailable']);
	});

	test('a truncated Status is classified by its code alone', () => {
		const body = JSON.stringify(statusBody(403)).slice(0, 40);
		const error = errorFromResponse({status: 403, body}, now);
		expect(error.category).toBe('forbidden');
		expect(error.summary.startsWith('403 Forbidden: {')).toBe(true);
	});

	test('407 from a proxy says what it wants', () => {
		const error = errorFromResponse({status: 407, body: ''}, now);
		expect(error.category).toBe('client');
		expect(error.summary).toBe('407 ProxyAuthenticationRequired: the proxy wants credentials');
	});

	test('a code the table does not name', () => {
		const error = errorFromResponse({status: 418, body: 'teapot'}, now);
		expect([error.category, error.summary, error.reason]).toEqual(['client', '418: teapot', undefined]);
	});
});

/** The shape of what undici's fetch throws: TypeError('fetch failed') with the system error as its cause. */
function fetchFailed(code: string, message = `${code} 127.0.0.1:6443`): TypeError {
	return new TypeError('fetch failed', {cause: Object.assign(new Error(message), {code})});
}

describe('errorFromException', () => {
	test.each<[string, string]>([
		['ECONNREFUSED', 'connection refused'],
		['ECONNRESET', 'connection reset by the server'],
		['ENOTFOUND', 'host name not found (DNS)'],
		['EAI_AGAIN', 'host name lookup failed for now (DNS)'],
		['UND_ERR_SOCKET', 'connection closed by the server'],
		['ETIMEDOUT', 'connection timed out'],
		['UND_ERR_CONNECT_TIMEOUT', 'connection timed out'],
		['EHOSTUNREACH', 'host unreachable'],
	])('%s → network, retryable, naming the host', (code, words) => {
		const error = errorFromException(fetchFailed(code), 'cci.cn-north-4.myhuaweicloud.com');
		expect(error.category).toBe('network');
		expect(error.retryable).toBe(true);
		expect(error.code).toBe(code);
		expect(error.summary).toBe(`${words} (cci.cn-north-4.myhuaweicloud.com)`);
	});

	test.each(['CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'ERR_TLS_CERT_ALTNAME_INVALID', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'])(
		'%s → tls, not retried, with a hint about the certificate',
		code => {
			const error = errorFromException(fetchFailed(code), 'cci.example');
			expect(error.category).toBe('tls');
			expect(error.retryable).toBe(false);
			expect(error.summary).toBe(`TLS failure talking to cci.example (${code})`);
			expect(errorHint(error, 'team-a')).toContain('certificate could not be verified');
		},
	);

	test.each(['ERR_SSL_WRONG_VERSION_NUMBER', 'EPROTO'])('%s → tls, not retried, and the hint says the other end did not speak TLS', code => {
		const error = errorFromException(fetchFailed(code), 'cci.example');
		expect(error.category).toBe('tls');
		expect(error.retryable).toBe(false);
		expect(errorHint(error, 'team-a')).toBe("the server did not answer in TLS: check that the address is https and the port is the API server's");
	});

	test('a cause chain several levels deep is followed', () => {
		const error = new TypeError('fetch failed', {cause: new Error('wrapped', {cause: Object.assign(new Error('x'), {code: 'ECONNREFUSED'})})});
		expect(errorFromException(error, 'h').code).toBe('ECONNREFUSED');
	});

	test('an unknown code is shown with the sanitised message', () => {
		const error = errorFromException(Object.assign(new Error('odd\u001B[31m failure'), {code: 'EWEIRD'}), 'h');
		expect([error.category, error.summary]).toEqual(['network', 'odd failure (h, EWEIRD)']);
	});

	test('no code at all, and a non-Error', () => {
		expect(errorFromException(new Error('socket hang up'), 'h').summary).toBe('socket hang up (h)');
		expect(errorFromException('boom', 'h').summary).toBe('request failed (h)');
	});

	test('an ApiError passes through unchanged', () => {
		const original = new ApiError({category: 'timeout', summary: 'no answer'});
		expect(errorFromException(original, 'h')).toBe(original);
	});
});

describe('errorHint', () => {
	test.each<[ErrorCategory, RegExp | undefined]>([
		['unauthorized', /token/],
		['forbidden', /namespace team-a/],
		['tls', /certificate/],
		['server', undefined],
		['not-found', undefined],
		['throttled', undefined],
	])('%s', (category, expected) => {
		const hint = errorHint({category}, 'team-a');
		if (expected) {
			expect(hint).toMatch(expected);
		} else {
			expect(hint).toBeUndefined();
		}
	});
});
