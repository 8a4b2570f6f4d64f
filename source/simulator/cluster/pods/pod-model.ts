import {scaled, type ClusterState} from '../cluster-state.js';
import type {Emit} from '../events/event-record.js';
import {controller, jobRef, kubelet, podRef} from '../events/event-sources.js';
import {errImagePullMs, pullRetryMs} from '../events/repetitions.js';
import {killPathPhases, type JobView} from '../job-view.js';
import {canBecome, desiredPhases} from './desired-pods.js';
import {bind, finish, newPod, nodeFor, podIp, script, settleCrash, start} from './pod-lifecycle.js';
import type {PodState} from './pod-state.js';

// The pods of a step: each slot the job's status wants gets its pod (kept when it can get there, else a new one),
// the rest are deleted, and each is brought to its phase; the controller acts on the policies as pods fail and
// tasks complete.

function policyAction(job: JobView, task: string, event: string): string | undefined {
	const matches = (policy: {readonly event?: string; readonly events?: readonly string[]}) =>
		policy.event === event || policy.event === '*' || policy.events?.includes(event) === true || policy.events?.includes('*') === true;
	const own = job.tasks.find(candidate => candidate.name === task)?.policies.find(policy => matches(policy));
	return (own ?? job.policies.find(policy => matches(policy)))?.action;
}

export function reconcilePods(state: ClusterState, at: number, emit: Emit): void {
	const current = state.job!;
	const desired = desiredPhases(current);
	const previous = new Map(state.pods.map(pod => [pod.uid, pod.phase]));
	const kept: PodState[] = [];
	const leaving: PodState[] = [];
	const alive = new Map(state.pods.filter(pod => pod.deletingAt === undefined).map(pod => [`${pod.task}-${pod.index}`, pod]));
	const stillDeleting = state.pods.filter(pod => pod.deletingAt !== undefined);

	for (const [task, phases] of desired) {
		for (const [index, phase] of phases.entries()) {
			const existing = alive.get(`${task}-${index}`);
			if (existing && canBecome(existing.phase, phase)) {
				alive.delete(`${task}-${index}`);
				existing.phase = phase;
				kept.push(existing);
			} else {
				kept.push(newPod(state, task, index, phase, at));
			}
		}
	}

	// Pods no longer wanted alive: some are being deleted (status.terminating counts them), the rest are gone.
	const terminating = current.counters['terminating'] ?? 0;
	const deleting = stillDeleting.filter(pod => !kept.some(other => other.name === pod.name)).slice(0, terminating);
	for (const pod of alive.values()) {
		if (deleting.length >= terminating) break;
		if (kept.some(other => other.name === pod.name)) continue;
		pod.deletingAt = at;
		settleCrash(pod, at);
		deleting.push(pod);
		leaving.push(pod);
	}

	// Entered mid-way (goTo): pods that must be on their way out although none was seen alive.
	for (const task of current.tasks) {
		for (let index = 0; index < task.replicas && deleting.length < terminating; index++) {
			const name = `${current.name}-${task.name}-${index}`;
			if (kept.some(pod => pod.name === name) || deleting.some(pod => pod.name === name)) continue;
			const pod = newPod(state, task.name, index, 'Running', at);
			pod.node = nodeFor(state, pod);
			pod.boundAt = at;
			pod.runningAt = at;
			pod.ip = podIp(state);
			pod.deletingAt = at;
			deleting.push(pod);
		}
	}

	state.pods = [...kept, ...deleting].sort((a, b) => a.name.localeCompare(b.name));

	// The kubelet stops the containers it still runs; a pod never bound has none.
	for (const pod of leaving) {
		if (pod.node !== undefined && (pod.phase === 'Running' || pod.phase === 'Pending' || pod.phase === 'Unknown')) {
			for (const container of pod.containers) {
				emit({ref: podRef(current, pod, container), reason: 'Killing', message: `Stopping container ${container.name}`, type: 'Normal', component: kubelet, ...(pod.node ? {host: pod.node} : {})});
			}
		}
	}

	for (const pod of kept) {
		const own = script(state, pod);
		pod.program ??= own.program;
		switch (pod.phase) {
			case 'Pending': {
				if (state.hints.unschedulable && pod.node === undefined) {
					if (pod.unschedulable?.message !== state.hints.unschedulable.fitError) {
						pod.unschedulable = {since: at, message: state.hints.unschedulable.fitError};
					}
				} else if (!state.hints.unbound) {
					bind(state, pod, at, emit);
				}

				if (own.imagePullError && pod.node !== undefined) {
					if (pod.pull?.error !== own.imagePullError) {
						pod.pull = {since: at, error: own.imagePullError, every: scaled(state, pullRetryMs), errorFor: scaled(state, errImagePullMs)};
					}
				} else {
					delete pod.pull;
				}

				break;
			}

			case 'Running':
			case 'Unknown': {
				bind(state, pod, at, emit);
				start(state, pod, at, emit);
				if (own.restartEveryMs && pod.phase === 'Running') {
					if (pod.crash?.every !== scaled(state, own.restartEveryMs)) {
						settleCrash(pod, at);
						pod.crash = {since: at, every: scaled(state, own.restartEveryMs), exit: own.exit ?? {reason: 'Error', exitCode: 1}, base: pod.restarts};
					}
				} else {
					settleCrash(pod, at);
				}

				break;
			}

			case 'Succeeded':
			case 'Failed': {
				bind(state, pod, at, emit);
				start(state, pod, at, emit);
				finish(state, pod, pod.phase, at);
				break;
			}
		}
	}

	// The controller acts on the policies as pods fail and tasks complete; on the kill path it is already acting.
	if (killPathPhases.has(current.phase)) return;
	for (const pod of kept) {
		const before = previous.get(pod.uid);
		if (pod.phase === 'Failed' && before !== 'Failed') {
			const action = policyAction(current, pod.task, 'PodFailed');
			if (action) emit({ref: jobRef(current), reason: 'ExecuteAction', message: `Start to execute action ${action} `, type: 'Normal', component: controller});
		}
	}

	for (const task of current.tasks) {
		const own = kept.filter(pod => pod.task === task.name);
		const done = own.length >= task.replicas && own.every(pod => pod.phase === 'Succeeded');
		const wasDone = own.length >= task.replicas && own.every(pod => previous.get(pod.uid) === 'Succeeded');
		if (done && !wasDone) {
			const action = policyAction(current, task.name, 'TaskCompleted');
			if (action) emit({ref: jobRef(current), reason: 'ExecuteAction', message: `Start to execute action ${action} `, type: 'Normal', component: controller});
		}
	}
}
