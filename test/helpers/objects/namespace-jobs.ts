import type {JobDelta} from '../../../source/watch/job-index.js';
import {normalizeJobSummary} from '../../../source/model/normalize/normalize-job.js';
import type {NamespaceEvent} from '../../../source/watch/namespace-watcher.js';

export const namespace = 'team-a';

export type RawSpec = {
	name: string;
	uid?: string;
	rv?: string;
	phase?: string;
	pending?: number;
	running?: number;
	succeeded?: number;
	failed?: number;
	minAvailable?: number;
	retryCount?: number;
	queue?: string;
	created?: string;
};

/** A job as a server lists it: only what the table reads, plus a template a real job would carry. */
export function rawJob(spec: RawSpec): Record<string, unknown> {
	return {
		apiVersion: 'batch.volcano.sh/v1alpha1',
		kind: 'Job',
		metadata: {
			name: spec.name,
			namespace,
			uid: spec.uid ?? `uid-${spec.name}`,
			resourceVersion: spec.rv ?? '100',
			creationTimestamp: spec.created ?? '2026-11-27T00:00:00Z',
		},
		spec: {
			minAvailable: spec.minAvailable ?? 2,
			maxRetry: 3,
			queue: spec.queue ?? 'default',
			tasks: [{name: 'worker', replicas: 2, template: {spec: {containers: [{name: 'worker', image: 'swr.example.com/train:1'}]}}}],
		},
		status: {
			state: {phase: spec.phase ?? 'Running'},
			...(spec.pending ? {pending: spec.pending} : {}),
			...(spec.running === undefined ? {running: 2} : spec.running ? {running: spec.running} : {}),
			...(spec.succeeded ? {succeeded: spec.succeeded} : {}),
			...(spec.failed ? {failed: spec.failed} : {}),
			...(spec.retryCount ? {retryCount: spec.retryCount} : {}),
		},
	};
}

export function summary(spec: RawSpec) {
	return normalizeJobSummary(rawJob(spec), {namespace, name: spec.name});
}

/** A "jobs" event as the watcher emits it. */
export function jobsEvent(at: number, deltas: JobDelta[], first = false): Extract<NamespaceEvent, {type: 'jobs'}> {
	return {type: 'jobs', at, deltas, first, total: deltas.length};
}

export function added(spec: RawSpec): JobDelta {
	return {kind: 'added', job: summary(spec), raw: rawJob(spec)};
}
