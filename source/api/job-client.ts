// The job's own requests, on top of the API client: get it, list it as a list of one, watch it.
import {ApiError} from './api-error.js';
import {apiUrl} from './paths.js';
import {createApiClient, type ApiClientOptions, type EventStream, type ApiObject} from './client.js';
import {jobPath, jobsPath} from './paths.js';

export type JobClientOptions = ApiClientOptions & {
	readonly namespace: string;
	readonly name: string;
};

export type GetJobOptions = {
	/** "Not older than": the server may answer from its cache, never with an older object than this. */
	readonly resourceVersion?: string | undefined;
};

export type WatchJobOptions = {
	/** Events after this resourceVersion; unset: the job as it is now (an ADDED), then its changes. */
	readonly resourceVersion?: string | undefined;
	/** The server ends the stream after this long; the watcher then opens the next one. */
	readonly timeoutSeconds: number;
	/** A stream with no byte for this long is given up as stalled. */
	readonly idleTimeoutMs: number;
	readonly signal?: AbortSignal | undefined;
};

/** The job as a list of one (by field selector): where the collection is now, and the job if it exists. */
export type JobListing = {
	/** The job as the server sent it; absent when no job has the name (yet). */
	readonly raw?: Record<string, unknown>;
	/** The list's resourceVersion: the collection's, a place a watch may start from. '' when the server sent none. */
	readonly resourceVersion: string;
	readonly requestId?: string;
	readonly bytes: number;
};

export type JobClient = {
	readonly url: string;
	getJob(signal?: AbortSignal, options?: GetJobOptions): Promise<ApiObject>;
	/** `jobs?fieldSelector=metadata.name=NAME`: the job, or none, and the collection's resourceVersion. */
	listJob(signal?: AbortSignal): Promise<JobListing>;
	/** Opens a watch of this one job (the collection, filtered by name); resolves once the headers are in. */
	watchJob(options: WatchJobOptions): Promise<EventStream>;
};

export function jobUrl(server: string, namespace: string, name: string): URL {
	return apiUrl(server, jobPath(namespace, name));
}

/** The query of a watch of one job by name, as Kubernetes clients send it. */
export function watchQuery(name: string, options: Pick<WatchJobOptions, 'resourceVersion' | 'timeoutSeconds'>): Record<string, string> {
	return {
		watch: '1',
		fieldSelector: `metadata.name=${name}`,
		...(options.resourceVersion ? {resourceVersion: options.resourceVersion} : {}),
		allowWatchBookmarks: 'true',
		timeoutSeconds: String(Math.max(1, Math.round(options.timeoutSeconds))),
	};
}

/** A list answer read as the listing of one job; a hop that drops the field selector must not make another job ours. */
export function jobListingOf(response: ApiObject, name: string): JobListing {
	const {raw, requestId, bytes} = response;
	const items = raw['items'];
	if (!Array.isArray(items)) {
		throw new ApiError({category: 'malformed', summary: '200: JSON that is not a job list (no items)', status: 200});
	}

	const metadata = raw['metadata'];
	const rv = typeof metadata === 'object' && metadata !== null ? (metadata as {resourceVersion?: unknown}).resourceVersion : undefined;
	const job = items.find(
		(item): item is Record<string, unknown> =>
			typeof item === 'object' && item !== null && !Array.isArray(item) && (item as {metadata?: {name?: unknown}}).metadata?.name === name,
	);
	return {...(job ? {raw: job} : {}), resourceVersion: typeof rv === 'string' ? rv : '', bytes, ...(requestId ? {requestId} : {})};
}

export function createJobClient(options: JobClientOptions): JobClient {
	const api = createApiClient(options);
	const path = jobPath(options.namespace, options.name);
	return {
		url: apiUrl(options.server, path).href,
		getJob: async (signal, get) =>
			api.get(path, {what: 'a job', signal, ...(get?.resourceVersion ? {query: {resourceVersion: get.resourceVersion}} : {})}),
		async listJob(signal) {
			const response = await api.get(jobsPath(options.namespace), {query: {fieldSelector: `metadata.name=${options.name}`}, what: 'a job list', signal});
			return jobListingOf(response, options.name);
		},
		watchJob: async watch =>
			api.stream(jobsPath(options.namespace), {query: watchQuery(options.name, watch), signal: watch.signal, idleTimeoutMs: watch.idleTimeoutMs}),
	};
}
