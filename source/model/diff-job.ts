import {counterNames, type Change, type CounterName, type Job, type JobSummary, type Policy} from './job.js';

// The paths a change is known by. Components ask for highlights with the same helpers, so a path is
// spelt in one place only.
export const jobPaths = {
	phase: 'status.state.phase',
	reason: 'status.state.reason',
	message: 'status.state.message',
	counter: (name: CounterName) => `status.${name}`,
	retryCount: 'status.retryCount',
	version: 'status.version',
	runningDuration: 'status.runningDuration',
	minAvailable: 'spec.minAvailable',
	maxRetry: 'spec.maxRetry',
	queue: 'spec.queue',
	uid: 'metadata.uid',
	deletion: 'metadata.deletionTimestamp',
	resourceVersion: 'metadata.resourceVersion',
	taskReplicas: (task: string) => `spec.tasks[${task}].replicas`,
	taskMinAvailable: (task: string) => `spec.tasks[${task}].minAvailable`,
	taskImage: (task: string) => `spec.tasks[${task}].image`,
	taskPods: (task: string, phase: string) => `status.taskStatusCount[${task}].phase.${phase}`,
	policy: (index: number) => `spec.policies[${index}]`,
	taskPolicy: (task: string, index: number) => `spec.tasks[${task}].policies[${index}]`,
} as const;

type Field = {label: string; value: string | number | undefined};

export function describePolicy(policy: Policy): string {
	return `${policy.trigger} → ${policy.action}${policy.timeout === undefined ? '' : ` after ${policy.timeout}`}`;
}

type Fields = Map<string, Field>;
type Setter = (path: string, label: string, value: string | number | undefined) => void;

function setterFor(fields: Fields): Setter {
	return (path, label, value) => {
		fields.set(path, {label, value});
	};
}

/**
 * The summary's fields, which a table of jobs shows, with the same paths and labels as the job's own.
 * `job` (a whole job) adds its state's words after the phase and its version after the retries, where a
 * person reading a list of changes expects them.
 */
function setSummaryFields(set: Setter, summary: JobSummary, job?: Job): void {
	set(jobPaths.deletion, 'deleting', summary.deletionTimestamp === undefined ? undefined : 'yes');
	set(jobPaths.phase, 'phase', summary.phase || undefined);
	if (job) {
		set(jobPaths.reason, 'reason', job.reason);
		set(jobPaths.message, 'message', job.message);
	}

	for (const name of counterNames) {
		set(jobPaths.counter(name), name, summary.counters[name]);
	}

	set(jobPaths.retryCount, 'retries', summary.retryCount);
	if (job) {
		set(jobPaths.version, 'version', job.version);
		set(jobPaths.runningDuration, 'ran for', job.runningDuration);
	}

	set(jobPaths.minAvailable, 'minAvailable', summary.minAvailable);
	set(jobPaths.maxRetry, 'maxRetry', summary.maxRetry);
	set(jobPaths.queue, 'queue', summary.queue);
}

/**
 * The fields worth telling a person about, flattened to path → value. resourceVersion, managedFields
 * and timestamps are left out on purpose: they move on every write, so they are not news.
 */
export function flattenJob(job: Job): Map<string, Field> {
	const fields: Fields = new Map();
	const set = setterFor(fields);
	set(jobPaths.uid, 'uid', job.uid || undefined);
	setSummaryFields(set, job, job);
	for (const [index, policy] of job.policies.entries()) {
		set(jobPaths.policy(index), `policy ${index + 1}`, describePolicy(policy));
	}

	for (const task of job.tasks) {
		set(jobPaths.taskReplicas(task.name), `${task.name} replicas`, task.replicas);
		set(jobPaths.taskMinAvailable(task.name), `${task.name} minAvailable`, task.minAvailable);
		set(jobPaths.taskImage(task.name), `${task.name} image`, task.images.join(', ') || undefined);
		for (const [phase, pods] of Object.entries(task.pods)) {
			set(jobPaths.taskPods(task.name, phase), `${task.name} ${phase}`, pods);
		}

		for (const [index, policy] of task.policies.entries()) {
			set(jobPaths.taskPolicy(task.name, index), `${task.name} policy ${index + 1}`, describePolicy(policy));
		}
	}

	return fields;
}

function diffFields(before: Fields, after: Fields): Change[] {
	const changes: Change[] = [];
	const paths = new Set([...after.keys(), ...before.keys()]);
	for (const path of paths) {
		const isPodCount = path.startsWith('status.taskStatusCount');
		const old = before.get(path)?.value ?? (isPodCount ? 0 : undefined);
		const value = after.get(path)?.value ?? (isPodCount ? 0 : undefined);
		if (old === value) {
			continue;
		}

		const label = (after.get(path) ?? before.get(path))!.label;
		const direction =
			typeof old === 'number' && typeof value === 'number' ? (value > old ? 'up' : 'down') : undefined;
		changes.push({path, label, old, new: value, ...(direction === undefined ? {} : {direction})});
	}

	return changes;
}

/** What differs from `previous` to `next`, in display order. Absent per-phase pod counts read as 0. */
export function diffJob(previous: Job, next: Job): Change[] {
	return diffFields(flattenJob(previous), flattenJob(next));
}

/** What differs between two summaries of one job: the phase, counters, retries, minAvailable, queue, deletion. */
export function diffJobSummary(previous: JobSummary, next: JobSummary): Change[] {
	const before: Fields = new Map();
	const after: Fields = new Map();
	setSummaryFields(setterFor(before), previous);
	setSummaryFields(setterFor(after), next);
	return diffFields(before, after);
}
