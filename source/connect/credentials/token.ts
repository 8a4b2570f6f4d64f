import {readFile, stat} from 'node:fs/promises';
import type {Credentials} from '../../api/credentials.js';

/** A fixed token, e.g. from HW_AUTH_TOKEN: on a 401 there is nothing to renew, only to say so. */
export function staticTokenCredentials(token: string, from: string): Credentials {
	return {
		description: `token from ${from}`,
		async authorize(request) {
			request.headers['x-auth-token'] = token;
		},
		unauthorizedHint: `the token in ${from} has expired (after 24 hours) or is invalid: set a fresh one and restart, or use --token-file`,
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
