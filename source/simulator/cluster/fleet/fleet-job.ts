import type {JobSnapshot, JobTemplate, TaskTemplate} from '../job-template.js';

// A fleet job's state: its phase history and its pods counted by phase, task by task (no pod objects: only the
// counters its document shows), with the moves the change engine makes on them.

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

/** One of the fleet's jobs, as the change engine moves it along; rendered into a document at each write. */
export type FleetJob = {
	readonly namespace: string;
	readonly name: string;
	readonly template: JobTemplate;
	readonly tasks: readonly TaskTemplate[];
	readonly maxRetry: number;
	present: boolean;
	uid: string;
	createdAt: Date;
	conditions: Array<{status: string; lastTransitionTime: Date}>;
	phase: string;
	/** Pods of each task by phase; empty while none exist (and on the kill path). */
	pods: Record<string, Record<PodPhase, number>>;
	terminating: number;
	retryCount: number;
	version: number;
};

export function total(job: FleetJob): number {
	return job.tasks.reduce((sum, task) => sum + task.replicas, 0);
}

export function count(job: FleetJob, phase: PodPhase): number {
	return Object.values(job.pods).reduce((sum, pods) => sum + pods[phase], 0);
}

export function createPods(job: FleetJob, phase: PodPhase): void {
	job.pods = Object.fromEntries(
		job.tasks.map(task => [task.name, {Pending: 0, Running: 0, Succeeded: 0, Failed: 0, [phase]: task.replicas}]),
	);
}

/** Move up to n pods from one phase to another, task by task. */
export function movePods(job: FleetJob, from: PodPhase, to: PodPhase, n: number): void {
	let left = n;
	for (const pods of Object.values(job.pods)) {
		const moved = Math.min(left, pods[from]);
		pods[from] -= moved;
		pods[to] += moved;
		left -= moved;
	}
}

export function snapshot(job: FleetJob): JobSnapshot {
	const taskCounts = Object.fromEntries(Object.entries(job.pods).map(([task, pods]) => [task, {...pods}]));
	return {
		phase: job.phase,
		counters: {
			pending: count(job, 'Pending'),
			running: count(job, 'Running'),
			succeeded: count(job, 'Succeeded'),
			failed: count(job, 'Failed'),
			terminating: job.terminating,
		},
		pods: taskCounts,
		retryCount: job.retryCount,
		version: job.version,
	};
}

export function setPhase(job: FleetJob, phase: string, at: Date): void {
	if (phase !== job.phase) {
		job.conditions.push({status: phase, lastTransitionTime: at});
	}

	job.phase = phase;
}
