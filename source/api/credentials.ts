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
