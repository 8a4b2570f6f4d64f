import {counterNames, type Change, type CounterName, type Job, type Policy} from './types.js';

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

/**
 * The fields worth telling a person about, flattened to path → value. resourceVersion, managedFields
 * and timestamps are left out on purpose: they move on every write, so they are not news.
 */
export function flattenJob(job: Job): Map<string, Field> {
	const fields = new Map<string, Field>();
	const set = (path: string, label: string, value: string | number | undefined) => {
		fields.set(path, {label, value});
	};

	set(jobPaths.uid, 'uid', job.uid || undefined);
	set(jobPaths.deletion, 'deleting', job.deletionTimestamp === undefined ? undefined : 'yes');
	set(jobPaths.phase, 'phase', job.phase || undefined);
	set(jobPaths.reason, 'reason', job.reason);
	set(jobPaths.message, 'message', job.message);
	for (const name of counterNames) {
		set(jobPaths.counter(name), name, job.counters[name]);
	}

	set(jobPaths.retryCount, 'retries', job.retryCount);
	set(jobPaths.version, 'version', job.version);
	set(jobPaths.runningDuration, 'ran for', job.runningDuration);
	set(jobPaths.minAvailable, 'minAvailable', job.minAvailable);
	set(jobPaths.maxRetry, 'maxRetry', job.maxRetry);
	set(jobPaths.queue, 'queue', job.queue);
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

/** What differs from `previous` to `next`, in display order. Absent per-phase pod counts read as 0. */
export function diffJob(previous: Job, next: Job): Change[] {
	const before = flattenJob(previous);
	const after = flattenJob(next);
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
