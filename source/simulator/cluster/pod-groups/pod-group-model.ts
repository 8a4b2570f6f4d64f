import {randomUUID} from 'node:crypto';
import type {ClusterState} from '../cluster-state.js';
import type {Emit} from '../events/event-record.js';
import {podGroupRef, scheduler} from '../events/event-sources.js';
import {killPathPhases, podGroupName, type JobView} from '../job-view.js';
import {scheduledPods, type PodState} from '../pods/pod-state.js';

// The job's PodGroup in a step: created with the job, enqueued once it has pods, Scheduled once the gang fits, or
// Unschedulable with the scheduler's reasons; deleted on the kill path.

export function reconcilePodGroup(state: ClusterState, at: number, emit: Emit): void {
	const current = state.job!;
	if (current.phase === '' || killPathPhases.has(current.phase)) {
		// killJob deletes the PodGroup; the next Pending creates a new one.
		state.podGroup = undefined;
		return;
	}

	state.podGroup ??= {name: podGroupName(current, state.options.legacyPodGroupName), uid: randomUUID(), createdAt: at, enqueued: false, conditions: []};
	const group = state.podGroup;
	if (state.pods.some(pod => pod.deletingAt === undefined)) group.enqueued = true;
	const scheduled = scheduledPods(state.pods) >= current.minAvailable;
	const latest = group.conditions.at(-1);
	if (scheduled && latest?.type !== 'Scheduled') {
		group.conditions = [
			...group.conditions.filter(condition => condition.type !== 'Scheduled'),
			{type: 'Scheduled', transitionID: randomUUID(), lastTransitionTime: at, reason: 'tasks in gang are ready to be scheduled', message: ''},
		];
		emit({ref: podGroupRef(current, group), reason: 'Scheduled', message: 'pod group is ready', type: 'Normal', component: scheduler});
	} else if (!scheduled && state.hints.unschedulable) {
		const message = gangMessage(current, state.pods, state.hints.unschedulable.fitError);
		if (latest?.type !== 'Unschedulable' || latest.message !== message) {
			group.conditions = [
				...group.conditions.filter(condition => condition.type !== 'Unschedulable'),
				{type: 'Unschedulable', transitionID: randomUUID(), lastTransitionTime: at, reason: 'NotEnoughResources', message},
			];
		}
	}
}

// The scheduler's summary of a gang (JobInfo.FitError): task states with minAvailable, sorted as strings, then the
// reasons of the pending ones and the verdict on the nodes of the first of them.
export function fitErrorOf(job: JobView, pods: readonly PodState[], fitError: string): string {
	const live = pods.filter(pod => pod.deletingAt === undefined);
	const states = new Map<string, number>();
	for (const pod of live) {
		const state = pod.phase === 'Pending' ? (pod.node === undefined ? 'Pending' : 'Bound') : pod.phase;
		states.set(state, (states.get(state) ?? 0) + 1);
	}

	states.set('minAvailable', job.minAvailable);
	const histogram = [...states].map(([state, count]) => `${count} ${state}`).sort();
	const ready = scheduledPods(pods) >= job.minAvailable;
	let message = `${ready ? 'pod group is ready' : 'pod group is not ready'}, ${histogram.join(', ')}`;
	const pending = live.filter(pod => pod.phase === 'Pending' && pod.node === undefined);
	if (pending.length > 0) message += `; Pending: ${pending.length} Unschedulable`;
	if (pending.length > 0 && fitError) message += `. Origin reason is ${pending[0]!.name}: ${fitError}`;
	return message;
}

function gangMessage(job: JobView, pods: readonly PodState[], fitError: string): string {
	const live = pods.filter(pod => pod.deletingAt === undefined);
	const unready = Math.max(0, job.minAvailable - scheduledPods(pods));
	return `${unready}/${live.length} tasks in gang unschedulable: ${fitErrorOf(job, pods, fitError)}`;
}
