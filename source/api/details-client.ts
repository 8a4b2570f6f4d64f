import {ApiError} from './api-error.js';
import type {ApiClient} from './client.js';
import {eventsPath, podGroupPath, podsPath} from './paths.js';

// The requests behind the PodGroup, pods and events panels: plain Kubernetes and Volcano paths, the same
// client (credentials, timeout, size cap, errors) as the job's.

/**
 * The PodGroup's names to try, in order: `<job>-<uid>` (Volcano ≥ 1.6), `<job>` (before), and the name the
 * pods carry in scheduling.k8s.io/group-name when known.
 */
export function podGroupCandidates(job: {readonly name: string; readonly uid?: string | undefined}, fromPods?: string): string[] {
	const names = [job.uid ? `${job.name}-${job.uid}` : undefined, job.name, fromPods];
	return [...new Set(names.filter((name): name is string => name !== undefined && name !== ''))];
}

/** The first of `names` that exists, or undefined when none does (a 404 for each). */
export async function fetchPodGroup(
	api: Pick<ApiClient, 'get'>,
	namespace: string,
	names: readonly string[],
	signal?: AbortSignal,
): Promise<{name: string; raw: Record<string, unknown>} | undefined> {
	for (const name of names) {
		try {
			// eslint-disable-next-line no-await-in-loop
			const {raw} = await api.get(podGroupPath(namespace, name), {what: 'a PodGroup', signal});
			return {name, raw};
		} catch (error) {
			if (!(error instanceof ApiError && error.category === 'not-found')) throw error;
		}
	}

	return undefined;
}

export async function fetchPods(api: Pick<ApiClient, 'get'>, namespace: string, jobName: string, signal?: AbortSignal) {
	const {raw} = await api.get(podsPath(namespace), {
		query: {labelSelector: `volcano.sh/job-name=${jobName}`},
		what: 'a pod list',
		signal,
	});
	return raw;
}

/** Volcano labels each pod with its job's name (`volcano.sh/job-name`). */
export const jobNameLabel = 'volcano.sh/job-name';

/**
 * The pods of several jobs in one list: `volcano.sh/job-name=a`, or `volcano.sh/job-name in (a,b,…)`. The names
 * must be label values (jobNameSelectable), or the server refuses the selector.
 */
export async function fetchJobsPods(api: Pick<ApiClient, 'get'>, namespace: string, jobNames: readonly string[], signal?: AbortSignal) {
	const labelSelector = jobNames.length === 1 ? `${jobNameLabel}=${jobNames[0]}` : `${jobNameLabel} in (${jobNames.join(',')})`;
	const {raw} = await api.get(podsPath(namespace), {query: {labelSelector}, what: 'a pod list', signal});
	return raw;
}

/** A label value (63 characters at most, letters, digits, `-_.` inside): what a label selector can name. */
export function jobNameSelectable(name: string): boolean {
	return /^[A-Za-z\d]([-\w.]{0,61}[A-Za-z\d])?$/.test(name);
}

/**
 * Events of the named objects, one request per name: a field selector matches one name, and listing the
 * whole namespace's events costs more in a busy namespace than a few small answers.
 */
export async function fetchEvents(api: Pick<ApiClient, 'get'>, namespace: string, names: readonly string[], signal?: AbortSignal) {
	const lists: Array<Record<string, unknown>> = [];
	for (const name of names) {
		// eslint-disable-next-line no-await-in-loop
		const {raw} = await api.get(eventsPath(namespace), {
			query: {fieldSelector: `involvedObject.name=${name}`},
			what: 'an event list',
			signal,
		});
		lists.push(raw);
	}

	return lists;
}
