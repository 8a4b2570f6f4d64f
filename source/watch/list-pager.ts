import {ApiError} from '../api/api-error.js';
import {jobsPath} from '../api/paths.js';
import type {ApiClient} from '../api/client.js';
import {asRecord} from '../model/wire.js';

export {jobsPath} from '../api/paths.js';

/** Items per page: the API server's own default for client-go's pagers. */
export const defaultPageSize = 500;

// A continue token dies when etcd compacts past the list's revision (a busy cluster compacts every five
// minutes): the list starts over, at most this many times in a row, then the 410 is reported.
const maxRestarts = 3;

export type JobList = {
	/** The raw objects, in the server's order (by name). */
	readonly items: readonly unknown[];
	/** The list's resourceVersion: a watch from here misses nothing. '' when the server sent none. */
	readonly resourceVersion: string;
	readonly pages: number;
	/** Times the list started over because a continue token expired (410). */
	readonly restarts: number;
	readonly requestId?: string;
};

export type ListJobsOptions = {
	readonly namespace: string;
	/** A label selector, passed to the server as is (e.g. "team=a,app!=mpi"). */
	readonly selector?: string | undefined;
	readonly limit?: number;
	readonly signal?: AbortSignal | undefined;
};

function isExpired(error: unknown): error is ApiError {
	return error instanceof ApiError && error.status === 410;
}

/**
 * Every job of the namespace, page by page (`limit`, then `continue` until the server sends none), as
 * client-go's pager does. A 410 on a later page (the token expired) starts the list over from the first page.
 */
export async function listJobs(api: Pick<ApiClient, 'get'>, options: ListJobsOptions): Promise<JobList> {
	const path = jobsPath(options.namespace);
	const limit = String(options.limit ?? defaultPageSize);
	let restarts = 0;
	for (;;) {
		const items: unknown[] = [];
		let token = '';
		let pages = 0;
		let resourceVersion = '';
		let requestId: string | undefined;
		try {
			do {
				const query: Record<string, string> = {limit};
				if (options.selector) query['labelSelector'] = options.selector;
				if (token) query['continue'] = token;
				// eslint-disable-next-line no-await-in-loop
				const response = await api.get(path, {query, what: 'a job list', signal: options.signal});
				const list = response.raw;
				if (!Array.isArray(list['items'])) {
					throw new ApiError({category: 'malformed', summary: '200: JSON that is not a job list (no items)', status: 200});
				}

				for (const item of list['items'] as unknown[]) items.push(item);
				const metadata = asRecord(list['metadata']) ?? {};
				const next = typeof metadata['continue'] === 'string' ? metadata['continue'] : '';
				// A server that hands back the token it was given would page forever.
				if (next !== '' && next === token) {
					throw new ApiError({category: 'malformed', summary: '200: the list sent the same continue token twice', status: 200});
				}

				token = next;
				// Every page carries the first page's resourceVersion: the list is one snapshot.
				if (pages === 0 && typeof metadata['resourceVersion'] === 'string') resourceVersion = metadata['resourceVersion'];
				requestId ??= response.requestId;
				pages++;
			} while (token !== '');
		} catch (error) {
			if (isExpired(error) && pages > 0 && restarts < maxRestarts) {
				restarts++;
				continue;
			}

			throw error;
		}

		return {items, resourceVersion, pages, restarts, ...(requestId ? {requestId} : {})};
	}
}
