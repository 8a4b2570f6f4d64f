import type {Rendered} from '../cluster-state.js';
import type {JobView} from '../job-view.js';
import {kubeTime, sortKeys} from '../job-template.js';
import type {PodPhase, PodState} from '../pods/pod-state.js';
import type {PodGroupState} from './pod-group-state.js';

// The PodGroup as the API server sends it: a custom resource, stored as a map, so its keys come sorted.

// Resource quantities: cpu in cores, everything else in units; printed in Kubernetes' canonical form.
function parseQuantity(quantity: string): number | undefined {
	const match = /^(\d+(?:\.\d+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(quantity);
	if (!match) return undefined;
	const factors: Readonly<Record<string, number>> = {m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40};
	return Number(match[1]) * (match[2] ? factors[match[2]]! : 1);
}

function formatQuantity(value: number): string {
	const millis = Math.round(value * 1000);
	if (millis % 1000 !== 0) return `${millis}m`;
	const whole = millis / 1000;
	for (const [suffix, factor] of [['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]] as const) {
		if (whole >= factor && whole % factor === 0) return `${whole / factor}${suffix}`;
	}

	return String(whole);
}

// Volcano's calcPGMinResources: the quota usage of minAvailable pods, taken task by task.
function minResources(job: JobView): Record<string, string> {
	const totals = new Map<string, number>();
	const add = (name: string, value: number) => totals.set(name, (totals.get(name) ?? 0) + value);
	let left = job.minAvailable;
	for (const task of job.tasks) {
		const take = Math.min(left, task.minAvailable ?? task.replicas);
		left -= take;
		if (take <= 0) continue;
		add('pods', take);
		add('count/pods', take);
		for (const container of task.containers) {
			for (const [name, quantity] of Object.entries(container.requests)) {
				const value = parseQuantity(quantity);
				if (value === undefined) continue;
				add(name, value * take);
				add(`requests.${name}`, value * take);
			}

			for (const [name, quantity] of Object.entries(container.limits)) {
				const value = parseQuantity(quantity);
				if (value !== undefined) add(`limits.${name}`, value * take);
			}
		}
	}

	return Object.fromEntries([...totals].map(([name, value]) => [name, formatQuantity(value)]));
}

/** The PodGroup, with apiVersion and kind (custom resources carry them in lists too). */
export function renderPodGroup(group: PodGroupState, job: JobView, pods: readonly PodState[]): Rendered {
	const live = pods.filter(pod => pod.deletingAt === undefined);
	const bound = pods.filter(pod => pod.node !== undefined);
	const finished = (pod: PodState) => pod.phase === 'Succeeded' || pod.phase === 'Failed';
	const phase =
		bound.length >= job.minAvailable && bound.length > 0
			? bound.every(pod => finished(pod))
				? 'Completed'
				: 'Running'
			: group.enqueued
				? 'Inqueue'
				: 'Pending';
	const tally = (wanted: PodPhase) => live.filter(pod => pod.phase === wanted).length;
	const counters = Object.fromEntries(
		([['running', 'Running'], ['succeeded', 'Succeeded'], ['failed', 'Failed']] as const)
			.map(([name, wanted]) => [name, tally(wanted)] as const)
			.filter(([, value]) => value > 0),
	);
	const body = sortKeys({
		apiVersion: 'scheduling.volcano.sh/v1beta1',
		kind: 'PodGroup',
		metadata: {
			name: group.name,
			namespace: job.namespace,
			uid: group.uid,
			resourceVersion: '',
			generation: 1,
			creationTimestamp: kubeTime(new Date(group.createdAt)),
			...(job.labels ? {labels: job.labels} : {}),
			ownerReferences: [
				{apiVersion: 'batch.volcano.sh/v1alpha1', kind: 'Job', name: job.name, uid: job.uid, controller: true, blockOwnerDeletion: true},
			],
		},
		spec: {
			minMember: job.minAvailable,
			minTaskMember: Object.fromEntries(job.tasks.map(task => [task.name, task.minAvailable ?? task.replicas])),
			minResources: minResources(job),
			queue: job.queue,
			...(job.priorityClassName ? {priorityClassName: job.priorityClassName} : {}),
		},
		status: {
			phase,
			...(group.conditions.length > 0
				? {
					conditions: group.conditions.map(condition => ({
						type: condition.type,
						status: 'True',
						transitionID: condition.transitionID,
						lastTransitionTime: kubeTime(new Date(condition.lastTransitionTime)),
						reason: condition.reason,
						message: condition.message,
					})),
				}
				: {}),
			...counters,
		},
	}) as Record<string, unknown>;
	return {body, ...(job.labels ? {labels: job.labels} : {}), fields: {'metadata.name': group.name, 'metadata.namespace': job.namespace}};
}
