import {createHash, createHmac, randomBytes, timingSafeEqual} from 'node:crypto';
import type {IncomingMessage} from 'node:http';
import {gatewayBody, statusBody} from './faults.js';

// The simulator's side of Huawei Cloud authentication: IAM's token endpoint and the gateway's checks on the
// job path (IAM tokens, AK/SK signatures). The signature check is written from the published scheme on its
// own (it shares no code with the client's signer), so a signer that strays from the scheme is refused here.

export type IamSimulatorOptions = {
	readonly user: string;
	readonly password: string;
	readonly domain: string;
	/** The project a token may be scoped to, by name or id; any project when absent. */
	readonly project?: {readonly name?: string; readonly id?: string};
	/** How long an issued token is good for; default 24 h, as IAM. Short values make renewal testable. */
	readonly tokenLifetimeMs?: number;
};

export type AkSkSimulatorOptions = {
	readonly accessKey: string;
	readonly secretKey: string;
	/** When set, X-Security-Token must equal it (temporary credentials). */
	readonly securityToken?: string;
	/** When set, X-Project-Id must equal it. */
	readonly projectId?: string;
	/** Largest difference between X-Sdk-Date and this clock; default 15 minutes, as the gateway. */
	readonly maxSkewMs?: number;
};

export type AuthReply = {readonly status: number; readonly body: unknown; readonly headers?: Readonly<Record<string, string>>};

export type SimulatedAuth = {
	/** POST /v3/auth/tokens (any prefix ending in /v3/auth/tokens). */
	isLogin(pathname: string): boolean;
	login(body: string, requestId: string): AuthReply;
	/** Undefined when the request may go on; else the refusal to send. */
	verify(request: IncomingMessage, requestId: string): AuthReply | undefined;
	/** Every token issued so far stops working (a password change, a disabled user). */
	revokeTokens(): void;
};

const loginPath = /\/v3\/auth\/tokens\/?$/;
const authorizationPattern = /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]+)$/;
const sdkDatePattern = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

function keystoneError(code: number, title: string, message: string): AuthReply {
	return {status: code, body: {error: {code, title, message}}};
}

function refusedSignature(detail: string, requestId: string): AuthReply {
	return {status: 401, body: gatewayBody('APIGW.0301', `Incorrect IAM authentication information: ${detail}`, requestId)};
}

// RFC 3986 unreserved characters stay, every other byte of the UTF-8 form becomes %XX (upper case).
function encodeRfc3986(text: string): string {
	let out = '';
	for (const byte of Buffer.from(text, 'utf8')) {
		const character = String.fromCharCode(byte);
		out += /[A-Za-z0-9\-_.~]/.test(character) ? character : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
	}

	return out;
}

function decodeLoosely(text: string): string {
	try {
		return decodeURIComponent(text.replaceAll('+', ' '));
	} catch {
		return text;
	}
}

/** The canonical request as the gateway builds it from what arrived on the wire. */
function canonicalRequestOf(request: IncomingMessage, signedHeaders: readonly string[]): string {
	const target = request.url ?? '/';
	const queryAt = target.indexOf('?');
	const rawPath = queryAt === -1 ? target : target.slice(0, queryAt);
	const rawQuery = queryAt === -1 ? '' : target.slice(queryAt + 1);
	let uri = rawPath
		.split('/')
		.map(segment => encodeRfc3986(decodeLoosely(segment)))
		.join('/');
	if (!uri.endsWith('/')) uri += '/';
	const pairs = rawQuery
		.split('&')
		.filter(part => part !== '')
		.map(part => {
			const equals = part.indexOf('=');
			const key = equals === -1 ? part : part.slice(0, equals);
			const value = equals === -1 ? '' : part.slice(equals + 1);
			return [encodeRfc3986(decodeLoosely(key)), encodeRfc3986(decodeLoosely(value))];
		});
	pairs.sort((a, b) => (a[0] === b[0] ? (a[1]! < b[1]! ? -1 : a[1]! > b[1]! ? 1 : 0) : a[0]! < b[0]! ? -1 : 1));
	const query = pairs.map(([key, value]) => `${key}=${value}`).join('&');
	let headers = '';
	for (const name of signedHeaders) {
		const value = request.headers[name];
		headers += `${name}:${(Array.isArray(value) ? value.join(',') : (value ?? '')).trim()}\n`;
	}

	// The job path takes no body: the hash of nothing.
	const payload = createHash('sha256').digest('hex');
	return `${request.method ?? 'GET'}\n${uri}\n${query}\n${headers}\n${signedHeaders.join(';')}\n${payload}`;
}

export function createSimulatedAuth(options: {
	readonly iam?: IamSimulatorOptions | undefined;
	readonly aksk?: AkSkSimulatorOptions | undefined;
	/** The simulator's static token, accepted too. */
	readonly token?: string | undefined;
}): SimulatedAuth {
	const {iam, aksk} = options;
	// Token → expiry (ms since the epoch).
	const tokens = new Map<string, number>();

	function checkSignature(request: IncomingMessage, authorization: string, requestId: string): AuthReply | undefined {
		if (!aksk) return refusedSignature('AK/SK authentication is not enabled here', requestId);
		const match = authorizationPattern.exec(authorization);
		if (!match) return refusedSignature('malformed Authorization header', requestId);
		const [, access, signedList, signature] = match;
		if (access !== aksk.accessKey) {
			return refusedSignature('Get secretKey failed,ak:******,err:ak not exist', requestId);
		}

		const signedHeaders = signedList!.split(';');
		const sorted = [...signedHeaders].sort();
		if (signedHeaders.join(';') !== sorted.join(';') || !signedHeaders.includes('host') || !signedHeaders.includes('x-sdk-date')) {
			return refusedSignature('verify aksk signature fail, SignedHeaders must be sorted and hold host and x-sdk-date', requestId);
		}

		for (const name of ['x-project-id', 'x-security-token']) {
			if (request.headers[name] !== undefined && !signedHeaders.includes(name)) {
				return refusedSignature(`verify aksk signature fail, ${name} is sent but not signed`, requestId);
			}
		}

		const date = String(request.headers['x-sdk-date'] ?? '');
		const parts = sdkDatePattern.exec(date);
		if (!parts) return refusedSignature('verify aksk signature fail, X-Sdk-Date is missing or malformed', requestId);
		const [, year, month, day, hour, minute, second] = parts.map(Number);
		const signedAt = Date.UTC(year!, month! - 1, day, hour, minute, second);
		if (Math.abs(Date.now() - signedAt) > (aksk.maxSkewMs ?? 15 * 60 * 1000)) {
			return refusedSignature('verify aksk signature fail, X-Sdk-Date is more than 15 minutes from the server time', requestId);
		}

		const stringToSign = `SDK-HMAC-SHA256\n${date}\n${createHash('sha256').update(canonicalRequestOf(request, signedHeaders)).digest('hex')}`;
		const expected = Buffer.from(createHmac('sha256', aksk.secretKey).update(stringToSign).digest('hex'));
		const given = Buffer.from(signature!);
		if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
			return refusedSignature(`verify aksk signature fail, SignedHeaders: ${signedList}`, requestId);
		}

		if (aksk.securityToken !== undefined && request.headers['x-security-token'] !== aksk.securityToken) {
			return refusedSignature('verify security token fail', requestId);
		}

		if (aksk.projectId !== undefined && request.headers['x-project-id'] !== aksk.projectId) {
			return {status: 403, body: gatewayBody('APIGW.0306', 'The X-Project-Id does not match the access key', requestId)};
		}

		return undefined;
	}

	return {
		isLogin(pathname) {
			return iam !== undefined && loginPath.test(pathname);
		},
		login(text) {
			if (!iam) return keystoneError(404, 'Not Found', 'The resource could not be found.');
			let body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
			try {
				body = JSON.parse(text);
			} catch {
				return keystoneError(400, 'Bad Request', 'The request body is not JSON.');
			}

			const identity = body?.auth?.identity;
			const user = identity?.password?.user;
			const project = body?.auth?.scope?.project;
			if (!Array.isArray(identity?.methods) || !identity.methods.includes('password') || typeof user !== 'object' || user === null) {
				return keystoneError(400, 'Bad Request', 'Expecting auth.identity.methods ["password"] and auth.identity.password.user.');
			}

			if (typeof project !== 'object' || project === null || (typeof project.name !== 'string' && typeof project.id !== 'string')) {
				return keystoneError(400, 'Bad Request', 'Expecting a project scope: auth.scope.project.name or .id.');
			}

			if (user.name !== iam.user || user.password !== iam.password || user.domain?.name !== iam.domain) {
				return keystoneError(401, 'Unauthorized', 'The username or password is wrong.');
			}

			const wanted = iam.project;
			const projectMatches =
				wanted === undefined ||
				(typeof project.id === 'string' ? project.id === wanted.id : project.name === wanted.name);
			if (!projectMatches) {
				return keystoneError(400, 'Bad Request', 'The project does not exist or is not in this domain.');
			}

			const issuedAt = Date.now();
			const expiresAt = issuedAt + (iam.tokenLifetimeMs ?? 24 * 60 * 60 * 1000);
			// IAM's tokens are PKI blobs of several KB; this one is as long and as opaque.
			const token = `MIIT${randomBytes(1536).toString('base64url')}`;
			tokens.set(token, expiresAt);
			for (const [old, expiry] of tokens) {
				if (expiry < issuedAt) tokens.delete(old);
			}

			return {
				status: 201,
				headers: {'X-Subject-Token': token},
				body: {
					token: {
						// As IAM answers with ?nocatalog=true: the key is there, the list empty.
						catalog: [],
						methods: ['password'],
						expires_at: new Date(expiresAt).toISOString().replace('Z', '000Z'),
						issued_at: new Date(issuedAt).toISOString().replace('Z', '000Z'),
						user: {name: iam.user, domain: {name: iam.domain}},
						project: {
							domain: {id: 'd78cbac186b744899480f25bd022f468', name: iam.domain},
							name: project.name ?? wanted?.name ?? 'cn-north-4',
							id: project.id ?? wanted?.id ?? '0a1b2c3d4e5f',
						},
					},
				},
			};
		},
		verify(request, requestId) {
			const authorization = request.headers.authorization ?? '';
			if (/^SDK-HMAC-SHA256\s/.test(authorization)) {
				return checkSignature(request, authorization, requestId);
			}

			const token = request.headers['x-auth-token'];
			if (typeof token === 'string' && token !== '') {
				if (token === options.token) return undefined;
				const expiresAt = tokens.get(token);
				if (expiresAt !== undefined && Date.now() < expiresAt) return undefined;
				return {status: 401, body: statusBody(401, {message: expiresAt === undefined ? 'Unauthorized' : 'the token has expired'})};
			}

			return {status: 401, body: statusBody(401)};
		},
		revokeTokens() {
			tokens.clear();
		},
	};
}
