import {readFile, stat} from 'node:fs/promises';
import type {TokenSource} from './job-client.js';

/**
 * A token read from a file, re-read whenever the file changes, so whatever renews it (a cron job, a
 * sidecar) is picked up without a restart. A file that cannot be read keeps the last token.
 */
export function fileTokenSource(path: string): TokenSource {
	let token: string | undefined;
	let seen = '';
	return async () => {
		try {
			const info = await stat(path);
			const stamp = `${info.mtimeMs}:${info.size}`;
			if (stamp !== seen) {
				token = (await readFile(path, 'utf8')).trim() || undefined;
				seen = stamp;
			}
		} catch {
			// Keep the last token: the file may be mid-rewrite.
		}

		return token;
	};
}

export function staticTokenSource(token: string | undefined): TokenSource {
	return async () => token;
}
