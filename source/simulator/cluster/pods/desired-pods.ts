import {killPathPhases, type JobView} from '../job-view.js';
import type {PodPhase} from './pod-state.js';

// How many pods the job's status wants in which phase, task by task, and which pod can become what.

// Within a task, lower indices take the phases furthest along.
const phaseRank: readonly PodPhase[] = ['Succeeded', 'Failed', 'Unknown', 'Running', 'Pending'];
const counterPhases: ReadonlyArray<readonly [string, PodPhase]> = [
	['succeeded', 'Succeeded'],
	['failed', 'Failed'],
	['unknown', 'Unknown'],
	['running', 'Running'],
	['pending', 'Pending'],
];

// Terminal phases do not come back: a slot that needs an earlier phase gets a new pod.
export function canBecome(from: PodPhase, to: PodPhase): boolean {
	if (from === to || from === 'Pending') return true;
	if (from === 'Running' || from === 'Unknown') return to !== 'Pending';
	return false;
}

/** Pods wanted alive in each task, by index: from taskStatusCount, else from the job's counters (older servers). */
export function desiredPhases(job: JobView): Map<string, PodPhase[]> {
	const desired = new Map<string, PodPhase[]>();
	if (job.taskStatusCount) {
		for (const [task, phases] of Object.entries(job.taskStatusCount)) {
			desired.set(
				task,
				phaseRank.flatMap(phase => Array.from({length: Math.max(0, phases[phase] ?? 0)}, () => phase)),
			);
		}

		return desired;
	}

	if (killPathPhases.has(job.phase)) return desired;
	const left = counterPhases.flatMap(([counter, phase]) => Array.from({length: job.counters[counter] ?? 0}, () => phase));
	for (const task of job.tasks) {
		desired.set(task.name, left.splice(0, task.replicas));
	}

	if (left.length > 0 && job.tasks.length > 0) desired.get(job.tasks.at(-1)!.name)!.push(...left);
	return desired;
}
