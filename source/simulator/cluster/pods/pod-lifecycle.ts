import {randomUUID} from 'node:crypto';
import type {ClusterState, PodScript} from '../cluster-state.js';
import type {Emit} from '../events/event-record.js';
import {kubelet, podRef, scheduler} from '../events/event-sources.js';
import {goDuration} from '../job-template.js';
import {podGroupName} from '../job-view.js';
import {crashView} from './crash-loop.js';
import type {PodPhase, PodState} from './pod-state.js';

// One pod's way through its life: created for a task's slot, bound to a node, its containers started, crash
// loops settled, finished; with the events the scheduler and the kubelet report on the way.

/** The step's hints for the pod; none when it behaves. */
export function script(state: ClusterState, pod: PodState): PodScript {
	return state.hints.pods?.[`${pod.task}-${pod.index}`] ?? {};
}

export function newPod(state: ClusterState, task: string, index: number, phase: PodPhase, at: number): PodState {
	const job = state.job!;
	const spec = job.tasks.find(candidate => candidate.name === task);
	return {
		task,
		index,
		name: `${job.name}-${task}-${index}`,
		uid: randomUUID(),
		createdAt: at,
		version: job.version,
		retryCount: job.retryCount,
		groupName: podGroupName(job, state.options.legacyPodGroupName),
		containers: spec?.containers ?? [{name: task, image: 'busybox', requests: {}, limits: {}}],
		...(spec?.restartPolicy ? {restartPolicy: spec.restartPolicy} : {}),
		phase,
		restarts: 0,
	};
}

export function podIp(state: ClusterState): string {
	return `172.16.0.${10 + (state.podCount++ % 240)}`;
}

export function nodeFor(state: ClusterState, pod: PodState): string {
	const job = state.job!;
	const order = job.tasks.findIndex(task => task.name === pod.task);
	const before = job.tasks.slice(0, Math.max(0, order)).reduce((sum, task) => sum + task.replicas, 0);
	return state.options.nodes[(before + pod.index) % state.options.nodes.length] ?? 'node-1';
}

export function bind(state: ClusterState, pod: PodState, at: number, emit: Emit): void {
	if (pod.node !== undefined) return;
	const job = state.job!;
	pod.node = nodeFor(state, pod);
	pod.boundAt = at;
	pod.ip = podIp(state);
	delete pod.unschedulable;
	emit({ref: podRef(job, pod), reason: 'Scheduled', message: `Successfully assigned ${job.namespace}/${pod.name} to ${pod.node}`, type: 'Normal', component: scheduler});
	// A failing pull is reported with each attempt (see repetitions).
	if (!script(state, pod).imagePresent && !script(state, pod).imagePullError) {
		for (const container of pod.containers) {
			emit({ref: podRef(job, pod, container), reason: 'Pulling', message: `Pulling image "${container.image}"`, type: 'Normal', component: kubelet, host: pod.node});
		}
	}
}

export function start(state: ClusterState, pod: PodState, at: number, emit: Emit): void {
	if (pod.runningAt !== undefined) return;
	const job = state.job!;
	pod.runningAt = at;
	const pulledFor = (at - (pod.boundAt ?? at)) * state.options.speed;
	delete pod.pull;
	for (const container of pod.containers) {
		const host = pod.node;
		const pulled =
			script(state, pod).imagePresent || pulledFor < 1
				? `Container image "${container.image}" already present on machine`
				: `Successfully pulled image "${container.image}" in ${goDuration(pulledFor)} (${goDuration(pulledFor)} including waiting). Image size: ${imageSize(container.image)} bytes.`;
		emit({ref: podRef(job, pod, container), reason: 'Pulled', message: pulled, type: 'Normal', component: kubelet, ...(host ? {host} : {})});
		emit({ref: podRef(job, pod, container), reason: 'Created', message: `Created container: ${container.name}`, type: 'Normal', component: kubelet, ...(host ? {host} : {})});
		emit({ref: podRef(job, pod, container), reason: 'Started', message: `Started container ${container.name}`, type: 'Normal', component: kubelet, ...(host ? {host} : {})});
	}
}

// The crash loop, if any, ends at `at`: what it reached is kept.
export function settleCrash(pod: PodState, at: number): void {
	if (!pod.crash) return;
	const view = crashView(pod, at);
	pod.restarts = view.restartCount;
	if (view.last) pod.lastExit = view.last;
	pod.runningAt = view.runningSince ?? pod.runningAt;
	delete pod.crash;
}

export function finish(state: ClusterState, pod: PodState, phase: 'Succeeded' | 'Failed', at: number): void {
	if (pod.finishedAt !== undefined) return;
	settleCrash(pod, at);
	pod.finishedAt = at;
	pod.runningAt ??= at;
	pod.exit = phase === 'Succeeded' ? {reason: 'Completed', exitCode: 0} : (script(state, pod).exit ?? {reason: 'Error', exitCode: 1});
}

function imageSize(image: string): number {
	let hash = 0;
	for (const character of image) hash = (hash * 31 + character.codePointAt(0)!) % 100_000_000;
	return 80_000_000 + hash;
}
