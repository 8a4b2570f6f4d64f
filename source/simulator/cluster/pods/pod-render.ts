import {createHash} from 'node:crypto';
import type {Rendered} from '../cluster-state.js';
import type {JobView} from '../job-view.js';
import {kubeTime, sortKeys} from '../job-template.js';
import {crashView} from './crash-loop.js';
import type {Container, PodState, Program, Termination} from './pod-state.js';

// A pod as the API server sends it: keys in the order of the Go struct (a built-in type), container statuses and
// conditions as the kubelet reports them at the moment asked.

const deletionGraceSeconds = 30;

function hash(text: string): string {
	return createHash('sha256').update(text).digest('hex');
}

function imageId(image: string): string {
	const tagAt = image.lastIndexOf(':');
	const repository = tagAt > image.lastIndexOf('/') ? image.slice(0, tagAt) : image;
	return `${repository}@sha256:${hash(image)}`;
}

function containerId(pod: PodState, container: Container, run: number): string {
	return `containerd://${hash(`${pod.uid}/${container.name}/${run}`)}`;
}

/** Container runs by containerID, in ms where the status has seconds: the times their logs are written at. */
type RunTimes = Map<string, {readonly startedAt: number; readonly finishedAt?: number; readonly program?: Program}>;

function terminated(termination: Termination, id: string, runs: RunTimes, program: Program | undefined): Record<string, unknown> {
	runs.set(id, {startedAt: termination.startedAt, finishedAt: termination.finishedAt, ...(program ? {program} : {})});
	return {
		terminated: {
			exitCode: termination.exit.exitCode,
			reason: termination.exit.reason,
			...(termination.exit.message === undefined ? {} : {message: termination.exit.message}),
			startedAt: kubeTime(new Date(termination.startedAt)),
			finishedAt: kubeTime(new Date(termination.finishedAt)),
			containerID: id,
		},
	};
}

function containerStatus(pod: PodState, container: Container, job: JobView, now: number, runs: RunTimes): Record<string, unknown> {
	const base = {name: container.name};
	const image = {image: container.image};
	if (pod.phase === 'Pending') {
		let waiting: Record<string, string> = {reason: 'ContainerCreating'};
		if (pod.pull) {
			const since = (now - pod.pull.since) % pod.pull.every;
			waiting =
				since < pod.pull.errorFor
					? {reason: 'ErrImagePull', message: pod.pull.error}
					: {reason: 'ImagePullBackOff', message: `Back-off pulling image "${container.image}"`};
		}

		return {...base, state: {waiting}, lastState: {}, ready: false, restartCount: 0, ...image, imageID: '', started: false};
	}

	if (pod.phase === 'Succeeded' || pod.phase === 'Failed') {
		const finishedAt = pod.finishedAt ?? now;
		const id = containerId(pod, container, pod.restarts);
		return {
			...base,
			state: terminated({exit: pod.exit ?? {reason: 'Error', exitCode: 1}, startedAt: pod.runningAt ?? finishedAt, finishedAt}, id, runs, pod.program),
			lastState: pod.lastExit ? terminated(pod.lastExit, containerId(pod, container, pod.restarts - 1), runs, pod.program) : {},
			ready: false,
			restartCount: pod.restarts,
			...image,
			imageID: imageId(container.image),
			containerID: id,
			started: false,
		};
	}

	const view = pod.crash ? crashView(pod, now) : {restartCount: pod.restarts, runningSince: pod.runningAt ?? now, last: pod.lastExit};
	const id = containerId(pod, container, view.restartCount);
	if (view.waiting === undefined) runs.set(id, {startedAt: view.runningSince ?? now, ...(pod.program ? {program: pod.program} : {})});
	const state =
		view.waiting === undefined
			? {running: {startedAt: kubeTime(new Date(view.runningSince ?? now))}}
			: {waiting: {reason: 'CrashLoopBackOff', message: `${view.waiting}=${container.name} pod=${pod.name}_${job.namespace}(${pod.uid})`}};
	return {
		...base,
		state,
		lastState: view.last ? terminated(view.last, containerId(pod, container, view.restartCount - 1), runs, pod.program) : {},
		ready: view.waiting === undefined && pod.deletingAt === undefined,
		restartCount: view.restartCount,
		...image,
		imageID: imageId(container.image),
		containerID: id,
		started: view.waiting === undefined,
	};
}

function condition(type: string, status: boolean, at: number, reason?: string, message?: string): Record<string, unknown> {
	return {
		type,
		status: status ? 'True' : 'False',
		lastProbeTime: null,
		lastTransitionTime: kubeTime(new Date(at)),
		...(reason ? {reason} : {}),
		...(message ? {message} : {}),
	};
}

function podConditions(pod: PodState, statuses: ReadonlyArray<Record<string, unknown>>): Array<Record<string, unknown>> {
	if (pod.node === undefined || pod.boundAt === undefined) {
		return pod.unschedulable ? [condition('PodScheduled', false, pod.unschedulable.since, 'Unschedulable', pod.unschedulable.message)] : [];
	}

	const scheduled = condition('PodScheduled', true, pod.boundAt);
	if (pod.phase === 'Succeeded' || pod.phase === 'Failed') {
		const reason = pod.phase === 'Succeeded' ? 'PodCompleted' : 'PodFailed';
		const at = pod.finishedAt ?? pod.boundAt;
		return [
			condition('Initialized', true, pod.boundAt, pod.phase === 'Succeeded' ? 'PodCompleted' : undefined),
			condition('Ready', false, at, reason),
			condition('ContainersReady', false, at, reason),
			scheduled,
		];
	}

	const unready = statuses.filter(status => status['ready'] !== true).map(status => String(status['name']));
	if (unready.length === 0) {
		const at = pod.runningAt ?? pod.boundAt;
		return [condition('Initialized', true, pod.boundAt), condition('Ready', true, at), condition('ContainersReady', true, at), scheduled];
	}

	const message = `containers with unready status: [${unready.join(' ')}]`;
	return [
		condition('Initialized', true, pod.boundAt),
		condition('Ready', false, pod.boundAt, 'ContainersNotReady', message),
		condition('ContainersReady', false, pod.boundAt, 'ContainersNotReady', message),
		scheduled,
	];
}

function sameResources(container: Container): boolean {
	return JSON.stringify(sortKeys(container.requests)) === JSON.stringify(sortKeys(container.limits)) && Object.keys(container.limits).length > 0;
}

/** A pod as a list item (the single GET adds kind and apiVersion in front). */
export function renderPod(pod: PodState, job: JobView, now: number): Rendered {
	const index = String(pod.index);
	const labels = {
		'volcano.sh/job-name': job.name,
		'volcano.sh/job-namespace': job.namespace,
		'volcano.sh/queue-name': job.queue,
		'volcano.sh/task-index': index,
		'volcano.sh/task-spec': pod.task,
	};
	const runs: RunTimes = new Map();
	const statuses = pod.node === undefined ? [] : pod.containers.map(container => containerStatus(pod, container, job, now, runs));
	const conditions = podConditions(pod, statuses);
	const body = {
		metadata: {
			name: pod.name,
			namespace: job.namespace,
			uid: pod.uid,
			resourceVersion: '',
			creationTimestamp: kubeTime(new Date(pod.createdAt)),
			...(pod.deletingAt === undefined
				? {}
				: {deletionTimestamp: kubeTime(new Date(pod.deletingAt + deletionGraceSeconds * 1000)), deletionGracePeriodSeconds: deletionGraceSeconds}),
			labels,
			annotations: {
				'scheduling.k8s.io/group-name': pod.groupName,
				'volcano.sh/job-name': job.name,
				'volcano.sh/job-retry-count': String(pod.retryCount),
				'volcano.sh/job-version': String(pod.version),
				'volcano.sh/queue-name': job.queue,
				'volcano.sh/task-index': index,
				'volcano.sh/task-spec': pod.task,
				'volcano.sh/template-uid': `${job.name}-${pod.task}`,
			},
			ownerReferences: [
				{apiVersion: 'batch.volcano.sh/v1alpha1', kind: 'Job', name: job.name, uid: job.uid, controller: true, blockOwnerDeletion: true},
			],
		},
		spec: {
			containers: pod.containers.map(container => ({
				name: container.name,
				image: container.image,
				resources: {
					...(Object.keys(container.limits).length > 0 ? {limits: container.limits} : {}),
					...(Object.keys(container.requests).length > 0 ? {requests: container.requests} : {}),
				},
			})),
			...(pod.restartPolicy ? {restartPolicy: pod.restartPolicy} : {}),
			serviceAccountName: 'default',
			...(pod.node === undefined ? {} : {nodeName: pod.node}),
			hostname: pod.name,
			subdomain: job.name,
			schedulerName: 'volcano',
		},
		status: {
			phase: pod.phase,
			...(conditions.length > 0 ? {conditions} : {}),
			...(pod.node === undefined ? {} : {hostIP: pod.node}),
			...(pod.ip && pod.runningAt !== undefined ? {podIP: pod.ip, podIPs: [{ip: pod.ip}]} : {}),
			...(pod.boundAt === undefined ? {} : {startTime: kubeTime(new Date(pod.boundAt))}),
			...(statuses.length > 0 ? {containerStatuses: statuses} : {}),
			qosClass: pod.containers.every(container => sameResources(container)) ? 'Guaranteed' : 'Burstable',
		},
	};
	return {
		body,
		labels,
		runs,
		fields: {
			'metadata.name': pod.name,
			'metadata.namespace': job.namespace,
			'spec.nodeName': pod.node ?? '',
			'spec.restartPolicy': pod.restartPolicy ?? 'Always',
			'spec.schedulerName': 'volcano',
			'spec.serviceAccountName': 'default',
			'spec.hostNetwork': 'false',
			'status.phase': pod.phase,
			'status.podIP': body.status.podIP ?? '',
			'status.podIPs': body.status.podIP ?? '',
			'status.nominatedNodeName': '',
		},
	};
}
