import type {Dispatcher} from 'undici';
import {fetchFor} from '../../api/http-transport.js';
import {ApiError, errorFromException, errorFromResponse} from '../../api/api-error.js';
import type {Credentials} from '../../api/credentials.js';
import {formatClock} from '../../common/duration.js';
import type {RequestRecord} from '../../api/client.js';
import {sanitize, sanitizeOptional} from '../../common/sanitize.js';

// An IAM user token from a user name and password (IAM's "obtain a user token through password
// authentication"): POST {auth_url}/auth/tokens, the token in the X-Subject-Token answer header, valid for
// 24 hours. The token and the password stay in this closure: never in output, logs or errors.

export type IamPasswordSettings = {
	readonly user: string;
	readonly password: string;
	/** The account (domain) the IAM user belongs to. */
	readonly domain: string;
	/** The project the token is scoped to: CCI needs a project-scoped token. */
	readonly project: {readonly name: string} | {readonly id: string};
	/** IAM's v3 endpoint, e.g. https://iam.cn-north-4.myhuaweicloud.com/v3. */
	readonly authUrl: string;
};

export type IamOptions = {
	/** The same TLS settings and proxies as the job requests. */
	readonly dispatcher?: Dispatcher | undefined;
	/** Per login request. */
	readonly timeoutMs: number;
	readonly fetch?: typeof globalThis.fetch;
	readonly now?: () => number;
	/** --debug: one line per login (method, URL, status, duration), no header, no body. */
	readonly onRequest?: ((record: RequestRecord) => void) | undefined;
	/** After IAM refuses the login (400, 401, 403): no new attempt before this long; doubles up to maxRefusedWaitMs. */
	readonly refusedWaitMs?: number;
	readonly maxRefusedWaitMs?: number;
	/** Renew when this share of the token's life has passed (default 0.9). */
	readonly renewAt?: number;
};

/** The token's life when IAM gives no expires_at: the documented 24 hours. */
const defaultLifetimeMs = 24 * 60 * 60 * 1000;
const maxAnswerBytes = 1024 * 1024;
const defaultRefusedWaitMs = 5 * 60 * 1000;
const defaultMaxRefusedWaitMs = 60 * 60 * 1000;

type Token = {
	readonly value: string;
	/** Local clock: when to log in again, and when the token stops being good. */
	renewAt: number;
	readonly expiresAt: number;
};

/** The tokens URL for an auth URL given with or without /auth/tokens, with ?nocatalog=true. */
export function tokensUrl(authUrl: string): URL {
	const url = new URL(authUrl);
	const path = url.pathname.replace(/\/+$/, '');
	url.pathname = path.endsWith('/auth/tokens') ? path : `${path}/auth/tokens`;
	url.search = '?nocatalog=true';
	url.hash = '';
	return url;
}

function projectLabel(project: IamPasswordSettings['project']): string {
	return 'id' in project ? `project id ${project.id}` : `project ${project.name}`;
}

/** Keystone's `{error: {message}}` or Huawei's `{error_msg, error_code}`, as one line. */
function iamMessage(body: string): {message?: string; code?: string} {
	try {
		const json = JSON.parse(body) as Record<string, unknown>;
		const error = json['error'];
		if (typeof error === 'object' && error !== null) {
			const message = sanitizeOptional((error as Record<string, unknown>)['message'], 200);
			return message === undefined ? {} : {message};
		}

		const message = sanitizeOptional(json['error_msg'], 200);
		const code = sanitizeOptional(json['error_code'], 64);
		return {...(message === undefined ? {} : {message}), ...(code === undefined ? {} : {code})};
	} catch {
		return {};
	}
}

async function readCapped(response: Response): Promise<string> {
	const chunks: Uint8Array[] = [];
	let bytes = 0;
	if (response.body) {
		for await (const chunk of response.body) {
			bytes += chunk.byteLength;
			if (bytes > maxAnswerBytes) {
				await response.body.cancel().catch(() => {});
				throw new ApiError({category: 'malformed', summary: `IAM login: answer larger than ${maxAnswerBytes / 1024} KB (status ${response.status})`});
			}

			chunks.push(chunk);
		}
	}

	return Buffer.concat(chunks).toString('utf8');
}

function timeOf(value: unknown): number | undefined {
	if (typeof value !== 'string') return undefined;
	const time = Date.parse(value);
	return Number.isNaN(time) ? undefined : time;
}

/**
 * Credentials that log in to IAM with a password, keep the token in memory, log in again before it
 * expires (at 90% of its life) and once after a 401. A refused login (wrong password, disabled user,
 * unknown project) is not tried again for minutes: IAM locks a user after repeated failures.
 */
export function iamPasswordCredentials(settings: IamPasswordSettings, options: IamOptions): Credentials {
	const fetch = fetchFor(options);
	const now = options.now ?? Date.now;
	const url = tokensUrl(settings.authUrl);
	const who = `user ${sanitize(settings.user, 64)} (domain ${sanitize(settings.domain, 64)}, ${sanitize(projectLabel(settings.project), 80)})`;
	const renewShare = options.renewAt ?? 0.9;
	const body = JSON.stringify({
		auth: {
			identity: {
				methods: ['password'],
				password: {user: {name: settings.user, password: settings.password, domain: {name: settings.domain}}},
			},
			scope: {project: settings.project},
		},
	});

	let token: Token | undefined;
	let inFlight: Promise<Token> | undefined;
	let refusal: {error: ApiError; until: number; waitMs: number} | undefined;

	/** Nothing IAM says is printed without this: a password echoed back is replaced. */
	const redact = (text: string) => (settings.password.length >= 4 ? text.replaceAll(settings.password, '***') : text);

	const user = sanitize(settings.user, 64);
	const domain = sanitize(settings.domain, 64);
	function refusedError(error: ApiError, until: number): ApiError {
		const what =
			error.status === 400
				? `check HW_PROJECT_NAME or HW_PROJECT_ID (now ${sanitize(projectLabel(settings.project), 80)}; default: the region name) and HW_DOMAIN_NAME (${domain})`
				: error.status === 403
					? `the IAM user ${user} may be disabled, or not allowed programmatic access`
					: `check HW_USER_NAME (${user}), HW_USER_PASSWORD and HW_DOMAIN_NAME (${domain}, the account name)`;
		return error.withHint(
			`${what}; no new login before ${formatClock(until)}, so that repeated failures do not lock the user (restart to try at once)`,
		);
	}

	async function send(signal: AbortSignal | undefined): Promise<Token> {
		const controller = new AbortController();
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			controller.abort(new Error('timeout'));
		}, options.timeoutMs);
		const onAbort = () => controller.abort(signal?.reason);
		signal?.addEventListener('abort', onAbort, {once: true});
		const started = performance.now();
		let status = 0;
		let requestId: string | undefined;
		try {
			const response = await fetch(url, {
				method: 'POST',
				headers: {'content-type': 'application/json;charset=utf8', accept: 'application/json'},
				body,
				signal: controller.signal,
				redirect: 'error',
				...(options.dispatcher ? {dispatcher: options.dispatcher} : {}),
			} as RequestInit);
			status = response.status;
			requestId = response.headers.get('x-request-id') ?? undefined;
			const text = await readCapped(response);
			if (!response.ok) {
				throw loginError(response, text);
			}

			const value = response.headers.get('x-subject-token');
			if (!value) {
				throw new ApiError({
					category: 'malformed',
					summary: `IAM login: ${status} without an X-Subject-Token header (is ${url.host} an IAM endpoint?)`,
					status,
				});
			}

			return tokenFrom(value, text);
		} catch (error) {
			if (signal?.aborted) throw signal.reason;
			if (timedOut) {
				throw new ApiError({category: 'timeout', summary: `IAM login: no answer from ${url.host} within ${options.timeoutMs / 1000}s`});
			}

			if (error instanceof ApiError) throw error;
			const failure = errorFromException(error, url.host);
			throw new ApiError({...failure.toJSON(), summary: `IAM login: ${redact(failure.summary)}`});
		} finally {
			clearTimeout(timer);
			signal?.removeEventListener('abort', onAbort);
			options.onRequest?.({
				method: 'POST',
				url: url.href,
				status,
				durationMs: Math.round(performance.now() - started),
				...(requestId ? {requestId} : {}),
			});
		}
	}

	function loginError(response: Response, text: string): ApiError {
		const base = errorFromResponse(
			{
				status: response.status,
				body: text,
				retryAfter: response.headers.get('retry-after'),
				requestId: response.headers.get('x-request-id'),
				contentType: response.headers.get('content-type'),
			},
			now(),
		);
		const {message, code} = iamMessage(text);
		const detail =
			message === undefined
				? base.summary
				: [
						`${base.status}${base.reason ? ` ${base.reason}` : ''}: ${message}`,
						code ?? base.code ? ` [${code ?? base.code}]` : '',
						base.requestId ? ` (request id ${base.requestId})` : '',
					].join('');
		// A 404 here is a wrong IAM URL, not a missing job.
		const category = base.category === 'not-found' ? 'bad-endpoint' : base.category;
		const refused = response.status === 400 || response.status === 401 || response.status === 403;
		return new ApiError({
			...base.toJSON(),
			category,
			summary: redact(`IAM login ${refused ? 'refused' : 'failed'}: ${detail}`),
			...(code ?? base.code ? {code: code ?? base.code} : {}),
			...(category === 'bad-endpoint' ? {hint: `check HW_AUTH_URL (now ${url.origin}${url.pathname.replace(/\/auth\/tokens$/, '')})`} : {}),
		});
	}

	function tokenFrom(value: string, text: string): Token {
		const receivedAt = now();
		let expires: number | undefined;
		let issued: number | undefined;
		try {
			const json = JSON.parse(text) as {token?: {expires_at?: unknown; issued_at?: unknown}};
			expires = timeOf(json.token?.expires_at);
			issued = timeOf(json.token?.issued_at);
		} catch {
			// No body to speak of: the documented lifetime.
		}

		// Both times are IAM's clock: their difference is the life, whatever this machine's clock says.
		let lifetime = expires !== undefined && issued !== undefined ? expires - issued : expires === undefined ? undefined : expires - receivedAt;
		if (lifetime === undefined || !(lifetime > 0)) lifetime = defaultLifetimeMs;
		return {value, renewAt: receivedAt + lifetime * renewShare, expiresAt: receivedAt + lifetime};
	}

	/** One login at a time; a refused one is remembered and not repeated before its wait is over. */
	async function login(signal: AbortSignal | undefined): Promise<Token> {
		if (refusal && now() < refusal.until) {
			throw refusedError(refusal.error, refusal.until);
		}

		inFlight ??= (async () => {
			try {
				const fresh = await send(signal);
				refusal = undefined;
				return fresh;
			} catch (error) {
				if (error instanceof ApiError && (error.status === 400 || error.status === 401 || error.status === 403)) {
					const waitMs = refusal
						? Math.min(refusal.waitMs * 2, options.maxRefusedWaitMs ?? defaultMaxRefusedWaitMs)
						: (options.refusedWaitMs ?? defaultRefusedWaitMs);
					refusal = {error, until: now() + waitMs, waitMs};
					throw refusedError(error, refusal.until);
				}

				throw error;
			} finally {
				inFlight = undefined;
			}
		})();
		return inFlight;
	}

	return {
		description: `IAM token for ${who}`,
		async authorize(request) {
			const at = now();
			if (!token || at >= token.renewAt) {
				try {
					token = await login(request.signal);
				} catch (error) {
					// Renewing early failed (IAM down, a password changed since): the token still holds until it
					// expires, so keep it and try again in a while.
					if (!token || at >= token.expiresAt || request.signal?.aborted) throw error;
					token.renewAt = at + Math.min(60_000, (token.expiresAt - at) / 2);
				}
			}

			request.headers['x-auth-token'] = token.value;
		},
		async renew() {
			// A 401 on a token IAM gave: it may have been revoked (password change, user disabled). Log in again, once.
			token = undefined;
			token = await login(undefined);
			return true;
		},
		unauthorizedHint: `the API refused a fresh IAM token for ${who}: check that the project matches the server's region and that the user may use CCI`,
	};
}
