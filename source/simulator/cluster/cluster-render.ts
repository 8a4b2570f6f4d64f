import {createHash} from 'node:crypto';
import {goDuration, kubeTime, sortKeys} from './job-template.js';

// The cluster's objects as the API server sends them: pods and events in the order of their Go structs (built-in
// types), the PodGroup with its keys sorted (a custom resource, stored as a map).

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
export type Exit = {readonly reason: string; readonly exitCode: number};
export type Container = {
	readonly name: string;
	readonly image: string;
	readonly requests: Readonly<Record<string, string>>;
	readonly limits: Readonly<Record<string, string>>;
};
type Policy = {readonly event?: string; readonly events?: readonly string[]; readonly action?: string};
type TaskView = {
	readonly name: string;
	readonly replicas: number;
	readonly minAvailable?: number;
	readonly containers: readonly Container[];
	readonly policies: readonly Policy[];
	readonly restartPolicy?: string;
};

/** What the cluster needs to know of the job, read from the document served for it. */
export type JobView = {
	readonly name: string;
	readonly namespace: string;
	readonly uid: string;
	readonly resourceVersion?: string;
	readonly labels?: Readonly<Record<string, string>>;
	readonly phase: string;
	readonly minAvailable: number;
	readonly queue: string;
	readonly priorityClassName?: string;
	readonly tasks: readonly TaskView[];
	readonly policies: readonly Policy[];
	readonly counters: Readonly<Record<string, number>>;
	readonly taskStatusCount?: Readonly<Record<string, Partial<Record<PodPhase, number>>>>;
	readonly version: number;
	readonly retryCount: number;
};

export type PodState = {
	readonly task: string;
	readonly index: number;
	readonly name: string;
	readonly uid: string;
	readonly createdAt: number;
	readonly version: number;
	readonly retryCount: number;
	readonly groupName: string;
	readonly containers: readonly Container[];
	readonly restartPolicy?: string;
	phase: PodPhase;
	node?: string;
	ip?: string;
	boundAt?: number;
	unschedulable?: {readonly since: number; readonly message: string};
	/** Pulls fail from since on, one every `every`; ErrImagePull for errorFor after each, then ImagePullBackOff. */
	pull?: {readonly since: number; readonly error: string; readonly every: number; readonly errorFor: number};
	runningAt?: number;
	/** The container ends every `every` from since on; restartCount starts from base. */
	crash?: {readonly since: number; readonly every: number; readonly exit: Exit; readonly base: number};
	restarts: number;
	lastExit?: Termination;
	finishedAt?: number;
	exit?: Exit;
	deletingAt?: number;
};

type Termination = {readonly exit: Exit; readonly startedAt: number; readonly finishedAt: number};

export type PodGroupCondition = {
	readonly type: 'Scheduled' | 'Unschedulable';
	readonly transitionID: string;
	readonly lastTransitionTime: number;
	readonly reason: string;
	readonly message: string;
};

export type PodGroupState = {
	readonly name: string;
	readonly uid: string;
	readonly createdAt: number;
	/** Pods were created: the scheduler had let the gang into its queue. */
	enqueued: boolean;
	conditions: PodGroupCondition[];
};

export type ObjectRef = {
	readonly kind: string;
	readonly apiVersion: string;
	readonly namespace: string;
	readonly name: string;
	readonly uid: string;
	readonly resourceVersion?: string;
	readonly fieldPath?: string;
};

/** One Event object: repeats of the same report raise its count, as client-go's event correlator does. */
export type EventRecord = {
	readonly ref: ObjectRef;
	readonly reason: string;
	readonly message: string;
	readonly type: 'Normal' | 'Warning';
	readonly component: string;
	readonly host?: string;
	readonly name: string;
	readonly uid: string;
	readonly involvedVersion?: string;
	count: number;
	first?: number;
	last?: number;
	/** Further reports at start, start + every, … until settled. */
	repeat?: {readonly start: number; readonly every: number};
};

/** An object as served, with what selectors look at. */
export type Rendered = {
	readonly body: Record<string, unknown>;
	readonly labels?: Readonly<Record<string, string>>;
	readonly fields: Readonly<Record<string, string>>;
};

const deletionGraceSeconds = 30;
const crashBackOffShare = 0.4;

/** How many times a repetition has happened by `now`: at start, start + every, … */
export function occurrences(repeat: {readonly start: number; readonly every: number}, now: number): number {
	return now < repeat.start ? 0 : Math.floor((now - repeat.start) / repeat.every) + 1;
}

function record(value: unknown): Readonly<Record<string, unknown>> {
	return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function list(value: unknown): readonly unknown[] {
	return Array.isArray(value) ? value : [];
}

function text(value: unknown): string | undefined {
	return typeof value === 'string' ? value : undefined;
}

function count(value: unknown): number {
	return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

function strings(value: unknown): Record<string, string> {
	return Object.fromEntries(Object.entries(record(value)).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** The job as the cluster sees it; undefined when the document is no job (no name or uid). */
export function readJob(document: unknown): JobView | undefined {
	const job = record(document);
	const metadata = record(job['metadata']);
	const spec = record(job['spec']);
	const status = record(job['status']);
	const name = text(metadata['name']);
	const uid = text(metadata['uid']);
	if (!name || !uid) return undefined;
	const tasks = list(spec['tasks']).map((value, index): TaskView => {
		const task = record(value);
		const template = record(task['template']);
		const podSpec = record(template['spec']);
		const taskName = text(record(template['metadata'])['name']) ?? text(task['name']) ?? `task${index}`;
		const containers = list(podSpec['containers']).map((item, position): Container => {
			const container = record(item);
			const resources = record(container['resources']);
			return {
				name: text(container['name']) ?? `container-${position}`,
				image: text(container['image']) ?? '',
				requests: strings(resources['requests']),
				limits: strings(resources['limits']),
			};
		});
		const restartPolicy = text(podSpec['restartPolicy']);
		const minAvailable = typeof task['minAvailable'] === 'number' ? count(task['minAvailable']) : undefined;
		return {
			name: taskName,
			replicas: count(task['replicas']),
			...(minAvailable === undefined ? {} : {minAvailable}),
			containers,
			policies: list(task['policies']).map(policy => record(policy) as Policy),
			...(restartPolicy ? {restartPolicy} : {}),
		};
	});
	const taskStatusCount = Object.fromEntries(
		Object.entries(record(status['taskStatusCount'])).map(([task, value]) => [
			task,
			Object.fromEntries(Object.entries(record(record(value)['phase'])).map(([phase, number]) => [phase, count(number)])),
		]),
	);
	const labels = strings(metadata['labels']);
	const priorityClassName = text(spec['priorityClassName']);
	return {
		name,
		namespace: text(metadata['namespace']) ?? 'default',
		uid,
		...(text(metadata['resourceVersion']) ? {resourceVersion: text(metadata['resourceVersion'])!} : {}),
		...(Object.keys(labels).length > 0 ? {labels} : {}),
		phase: text(record(status['state'])['phase']) ?? '',
		minAvailable: count(spec['minAvailable']),
		queue: text(spec['queue']) ?? 'default',
		...(priorityClassName ? {priorityClassName} : {}),
		tasks,
		policies: list(spec['policies']).map(policy => record(policy) as Policy),
		// Volcano v0.1 spelled Succeeded with a capital S.
		counters: Object.fromEntries(
			['pending', 'running', 'succeeded', 'failed', 'terminating', 'unknown'].map(name => [
				name,
				count(status[name] ?? status[name[0]!.toUpperCase() + name.slice(1)]),
			]),
		),
		...(Object.keys(taskStatusCount).length > 0 ? {taskStatusCount} : {}),
		version: count(status['version']),
		retryCount: count(status['retryCount']),
	};
}

/** `<job>-<job uid>` since Volcano v1.6; `<job>` before. */
export function podGroupName(job: JobView, legacy: boolean): string {
	return legacy ? job.name : `${job.name}-${job.uid}`;
}

/** Pods holding a place on a node (being deleted included): what the scheduler counts towards the gang. */
export function scheduledPods(pods: readonly PodState[]): number {
	return pods.filter(pod => pod.node !== undefined).length;
}

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

function terminated(termination: Termination, id: string): Record<string, unknown> {
	return {
		terminated: {
			exitCode: termination.exit.exitCode,
			reason: termination.exit.reason,
			startedAt: kubeTime(new Date(termination.startedAt)),
			finishedAt: kubeTime(new Date(termination.finishedAt)),
			containerID: id,
		},
	};
}

/** A crash-looping container at `now`: restarts so far, and either back-off (waiting) or running again since when. */
export function crashView(
	pod: PodState,
	now: number,
): {restartCount: number; waiting?: string; runningSince?: number; last?: Termination} {
	const crash = pod.crash!;
	const crashes = Math.floor(Math.max(0, now - crash.since) / crash.every);
	if (crashes === 0) {
		return {restartCount: crash.base, ...(pod.runningAt === undefined ? {} : {runningSince: pod.runningAt}), ...(pod.lastExit ? {last: pod.lastExit} : {})};
	}

	const backOff = crash.every * crashBackOffShare;
	const crashedAt = crash.since + crashes * crash.every;
	const last: Termination = {
		exit: crash.exit,
		startedAt: crashes === 1 ? (pod.runningAt ?? crash.since) : crashedAt - crash.every + backOff,
		finishedAt: crashedAt,
	};
	if (now - crashedAt < backOff) {
		// The kubelet's back-off doubles from 10 s up to 5 min.
		const delay = goDuration(Math.min(300_000, 10_000 * 2 ** (crashes - 1)));
		return {restartCount: crash.base + crashes - 1, waiting: `back-off ${delay} restarting failed container`, last};
	}

	return {restartCount: crash.base + crashes, runningSince: crashedAt + backOff, last};
}

function containerStatus(pod: PodState, container: Container, job: JobView, now: number): Record<string, unknown> {
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
			state: terminated({exit: pod.exit ?? {reason: 'Error', exitCode: 1}, startedAt: pod.runningAt ?? finishedAt, finishedAt}, id),
			lastState: pod.lastExit ? terminated(pod.lastExit, containerId(pod, container, pod.restarts - 1)) : {},
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
	const state =
		view.waiting === undefined
			? {running: {startedAt: kubeTime(new Date(view.runningSince ?? now))}}
			: {waiting: {reason: 'CrashLoopBackOff', message: `${view.waiting}=${container.name} pod=${pod.name}_${job.namespace}(${pod.uid})`}};
	return {
		...base,
		state,
		lastState: view.last ? terminated(view.last, containerId(pod, container, view.restartCount - 1)) : {},
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
	const statuses = pod.node === undefined ? [] : pod.containers.map(container => containerStatus(pod, container, job, now));
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

/** A core/v1 Event as client-go's recorder writes it (eventTime null, first/last timestamps and a count). */
export function renderEvent(entry: EventRecord, total: number, now: number): Rendered {
	const seen = entry.repeat ? occurrences(entry.repeat, now) : 0;
	const first = entry.first ?? entry.repeat?.start ?? now;
	const last = Math.max(entry.last ?? first, seen > 0 ? entry.repeat!.start + (seen - 1) * entry.repeat!.every : first);
	const {ref} = entry;
	const involvedObject = {
		kind: ref.kind,
		namespace: ref.namespace,
		name: ref.name,
		uid: ref.uid,
		apiVersion: ref.apiVersion,
		...(entry.involvedVersion ? {resourceVersion: entry.involvedVersion} : {}),
		...(ref.fieldPath ? {fieldPath: ref.fieldPath} : {}),
	};
	const body = {
		metadata: {name: entry.name, namespace: ref.namespace, uid: entry.uid, resourceVersion: '', creationTimestamp: kubeTime(new Date(first))},
		involvedObject,
		reason: entry.reason,
		message: entry.message,
		source: {component: entry.component, ...(entry.host ? {host: entry.host} : {})},
		firstTimestamp: kubeTime(new Date(first)),
		lastTimestamp: kubeTime(new Date(last)),
		count: total,
		type: entry.type,
		eventTime: null,
		reportingComponent: entry.component,
		reportingInstance: entry.host ?? '',
	};
	return {
		body,
		fields: {
			'metadata.name': entry.name,
			'metadata.namespace': ref.namespace,
			'involvedObject.kind': ref.kind,
			'involvedObject.namespace': ref.namespace,
			'involvedObject.name': ref.name,
			'involvedObject.uid': ref.uid,
			'involvedObject.apiVersion': ref.apiVersion,
			'involvedObject.resourceVersion': entry.involvedVersion ?? '',
			'involvedObject.fieldPath': ref.fieldPath ?? '',
			reason: entry.reason,
			reportingComponent: entry.component,
			source: entry.component,
			type: entry.type,
		},
	};
}
