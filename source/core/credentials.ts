import {readFile, stat} from 'node:fs/promises';
import type {ApiError} from './api-error.js';

/** What an authenticator may look at and add to; the body is there for request signing. */
export type HttpRequest = {
	readonly method: string;
	readonly url: URL;
	readonly headers: Record<string, string>;
	readonly body?: string;
	/** Aborted when the watch stops: a source that makes requests of its own (an IAM login) passes it on. */
	readonly signal?: AbortSignal;
};

/** A source of credentials. Whatever it holds stays in memory: never in output, logs or errors. */
export type Credentials = {
	/** Which source is in use, for the screen and --help; never the secret itself. */
	readonly description: string;
	/** Adds this source's auth headers to the request. */
	authorize(request: HttpRequest): Promise<void>;
	/**
	 * After a 401: get fresh credentials if this source can (re-read a file, log in again, re-run an exec
	 * plugin). True = send the request once more. Never true for a signature failure (keys lock after
	 * repeated failures).
	 */
	renew?(error: ApiError): Promise<boolean>;
	/** What to tell a person on a 401 that renewing did not fix. */
	readonly unauthorizedHint?: string;
};

export const noCredentials: Credentials = {
	description: 'no credentials (no auth header)',
	async authorize() {},
};

/** A fixed token, e.g. from HW_AUTH_TOKEN: on a 401 there is nothing to renew, only to say so. */
export function staticTokenCredentials(token: string, from: string): Credentials {
	return {
		description: `token from ${from}`,
		async authorize(request) {
			request.headers['x-auth-token'] = token;
		},
		unauthorizedHint: `the token in ${from} has expired or is invalid: set a fresh one and restart, or use --token-file`,
	};
}

/**
 * A token read from a file, re-read whenever the file changes and after a 401, so whatever renews it (a
 * cron job, a sidecar) is picked up without a restart. A file that cannot be read keeps the last token.
 */
export function tokenFileCredentials(
	path: string,
	options: {readonly bearer?: boolean; readonly label?: string} = {},
): Credentials {
	// CCI takes X-Auth-Token; a Kubernetes API server (a kubeconfig's tokenFile) takes Authorization: Bearer.
	const header = options.bearer ? 'authorization' : 'x-auth-token';
	const prefix = options.bearer ? 'Bearer ' : '';
	let token: string | undefined;
	let seen = '';
	const load = async (force: boolean) => {
		try {
			const info = await stat(path);
			const stamp = `${info.mtimeMs}:${info.size}`;
			if (force || stamp !== seen) {
				const previous = token;
				token = (await readFile(path, 'utf8')).trim() || undefined;
				seen = stamp;
				return token !== previous;
			}
		} catch {
			// Keep the last token: the file may be mid-rewrite.
		}

		return false;
	};

	return {
		description: `token from ${options.label ?? `--token-file ${path}`}`,
		async authorize(request) {
			await load(false);
			if (token) request.headers[header] = prefix + token;
		},
		async renew() {
			return load(true);
		},
		unauthorizedHint: `the token in ${path} has expired or is invalid; it is re-read when the file changes`,
	};
}
