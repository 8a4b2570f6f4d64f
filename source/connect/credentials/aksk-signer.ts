import {createHash, createHmac} from 'node:crypto';
import type {Credentials, HttpRequest} from '../../api/credentials.js';

// Huawei Cloud's API request signing with an access key (AK) and secret key (SK), the scheme its SDKs call
// SDK-HMAC-SHA256: a canonical form of the request, hashed, then an HMAC of that hash keyed by the SK
// itself (no key derivation). The gateway recomputes it; a mismatch is a 401 APIGW.0301, and after five
// failures in a row it locks the key for five minutes, so a refused signature is never retried.

export const signingAlgorithm = 'SDK-HMAC-SHA256';

export type AccessKeys = {
	readonly accessKey: string;
	readonly secretKey: string;
	/** With temporary credentials: sent (and signed) as X-Security-Token. */
	readonly securityToken?: string | undefined;
	/** Sent (and signed) as X-Project-Id: the project CCI acts in. */
	readonly projectId?: string | undefined;
};

/** Headers signed when the request carries them, beside host and x-sdk-date, which always are. */
const optionalSignedHeaders = ['content-type', 'x-project-id', 'x-security-token'];

/** `YYYYMMDDTHHMMSSZ` in UTC, the X-Sdk-Date format. */
export function sdkDate(time: number): string {
	return new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z').replaceAll(/[-:]/g, '');
}

/** RFC 3986 percent-encoding: everything but A-Z a-z 0-9 - _ . ~ (encodeURIComponent also spares !'()*). */
export function percentEncode(text: string): string {
	return encodeURIComponent(text).replaceAll(/[!'()*]/g, character => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decodeSegment(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}

/** Each path segment encoded once (as the gateway sees it, decoded first), always ending in `/`. */
export function canonicalUri(pathname: string): string {
	const path = pathname
		.split('/')
		.map(segment => percentEncode(decodeSegment(segment)))
		.join('/');
	return path.endsWith('/') ? path : `${path}/`;
}

/** Keys sorted, then values of a repeated key sorted, each pair `key=value`, `&`-joined. */
export function canonicalQuery(search: URLSearchParams): string {
	return [...search.entries()]
		.map(([key, value]) => [percentEncode(key), percentEncode(value)] as const)
		.sort(([keyA, valueA], [keyB, valueB]) => (keyA === keyB ? compare(valueA, valueB) : compare(keyA, keyB)))
		.map(([key, value]) => `${key}=${value}`)
		.join('&');
}

// Byte order, as the gateway sorts: not localeCompare.
function compare(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

export type SignedParts = {
	readonly canonicalRequest: string;
	readonly stringToSign: string;
	readonly signedHeaders: string;
	readonly signature: string;
	readonly authorization: string;
};

/**
 * The signature of a request whose headers already hold x-sdk-date (and x-project-id, x-security-token,
 * content-type when they are to be sent). Header names in `headers` are lower case; host is the URL's.
 */
export function signatureOf(
	request: {method: string; url: URL; headers: Readonly<Record<string, string>>; body?: string | undefined},
	keys: Pick<AccessKeys, 'accessKey' | 'secretKey'>,
): SignedParts {
	const date = request.headers['x-sdk-date'];
	if (!date) {
		throw new Error('x-sdk-date must be set before signing');
	}

	const values: Record<string, string> = {host: request.url.host, 'x-sdk-date': date};
	for (const name of optionalSignedHeaders) {
		const value = request.headers[name];
		if (value !== undefined) values[name] = value;
	}

	const names = Object.keys(values).sort(compare);
	const signedHeaders = names.join(';');
	const canonicalHeaders = names.map(name => `${name}:${values[name]!.trim()}\n`).join('');
	const canonicalRequest = [
		request.method.toUpperCase(),
		canonicalUri(request.url.pathname),
		canonicalQuery(request.url.searchParams),
		canonicalHeaders,
		signedHeaders,
		createHash('sha256')
			.update(request.body ?? '')
			.digest('hex'),
	].join('\n');
	const stringToSign = [signingAlgorithm, date, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
	const signature = createHmac('sha256', keys.secretKey).update(stringToSign).digest('hex');
	return {
		canonicalRequest,
		stringToSign,
		signedHeaders,
		signature,
		authorization: `${signingAlgorithm} Access=${keys.accessKey}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
	};
}

/** Adds X-Sdk-Date, X-Project-Id, X-Security-Token and Authorization to the request. */
export function signRequest(request: HttpRequest, keys: AccessKeys, now: number): void {
	request.headers['x-sdk-date'] = sdkDate(now);
	if (keys.projectId) request.headers['x-project-id'] = keys.projectId;
	if (keys.securityToken) request.headers['x-security-token'] = keys.securityToken;
	request.headers['authorization'] = signatureOf(request, keys).authorization;
}

export type AccessKeyOptions = {
	/** Where the keys came from, e.g. "HUAWEICLOUD_SDK_AK/SK": named on screen and in hints, never the keys. */
	readonly from: string;
	readonly now?: () => number;
};

/** Every request signed with the access keys. A 401 is never retried: nothing here can renew. */
export function accessKeyCredentials(keys: AccessKeys, options: AccessKeyOptions): Credentials {
	const now = options.now ?? Date.now;
	return {
		description: `AK/SK signature (${options.from}${keys.securityToken ? ', temporary' : ''})`,
		async authorize(request) {
			signRequest(request, keys, now());
		},
		async renew() {
			// Signing again with the same keys gives the same refusal, and five refusals lock the key.
			return false;
		},
		unauthorizedHint:
			`the request signature was refused: check the keys in ${options.from}` +
			(keys.securityToken ? ' (temporary keys and their security token expire)' : '') +
			" and this machine's clock (X-Sdk-Date must be within 15 minutes of the server's); " +
			'not retried at once, since repeated failures lock the key for 5 minutes',
	};
}
