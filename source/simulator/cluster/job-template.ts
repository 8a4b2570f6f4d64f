import type {RawJob} from '../../model/job.js';

export const simulatorCounterNames = ['pending', 'running', 'succeeded', 'failed', 'terminating', 'unknown'] as const;
export type SimulatorCounter = (typeof simulatorCounterNames)[number];

/** What the controller last wrote about the job; everything else (spec, metadata) comes from the template. */
export type JobSnapshot = {
	/** '' = the controller has not initialised the job yet: no status at all. */
	readonly phase: string;
	readonly counters?: Readonly<Partial<Record<SimulatorCounter, number>>>;
	/** status.taskStatusCount: task → pod phase → count. Zero entries are dropped when rendering. */
	readonly pods?: Readonly<Record<string, Readonly<Record<string, number>>>>;
	readonly retryCount?: number;
	readonly version?: number;
};

/** A job document served exactly as written (no resourceVersion, timestamps or conditions managed). */
export type VerbatimJob = {readonly verbatim: Readonly<Record<string, unknown>>};

export type RenderInput = {
	readonly namespace: string;
	readonly name: string;
	readonly uid: string;
	readonly resourceVersion: string;
	readonly creationTimestamp: Date;
	/** When this version was written (managedFields time, runningDuration). */
	readonly writtenAt: Date;
	readonly lastTransitionTime: Date;
	readonly conditions: ReadonlyArray<{readonly status: string; readonly lastTransitionTime: Date}>;
	readonly snapshot: JobSnapshot;
	/** Another job than the demo's MPI job: its spec (see jobSpec) and labels. */
	readonly template?: JobTemplate;
	/** The demo job with other images or cpu/memory (a scenario's). */
	readonly look?: ContainerLook;
};

/** What a scenario changes in the demo job's pod templates. */
export type ContainerLook = {
	/** Container image by task name; other tasks keep the demo image. */
	readonly images?: Readonly<Record<string, string>>;
	/** Each container's cpu and memory, requested and limited alike; default 250m and 1Gi. */
	readonly resources?: {readonly cpu: string; readonly memory: string};
	/** The pod template's restartPolicy by task name; default OnFailure. */
	readonly restartPolicies?: Readonly<Record<string, string>>;
	/** Policies added to a task's own, by task name. */
	readonly policies?: Readonly<Record<string, readonly unknown[]>>;
};

export type JobTemplate = {
	readonly spec: Readonly<Record<string, unknown>> & {readonly minAvailable: number};
	readonly labels: Readonly<Record<string, string>>;
};

export type TaskTemplate = {
	readonly name: string;
	readonly replicas: number;
	readonly command: string;
	readonly policies?: readonly unknown[];
};

const apiVersion = 'batch.volcano.sh/v1alpha1';
const image = 'swr.cn-north-4.myhuaweicloud.com/demo/openmpi-hello:3.28';

// Volcano runs killJob (and so sets runningDuration) in these phases only.
const killPathPhases = new Set(['Restarting', 'Aborting', 'Aborted', 'Terminating', 'Terminated', 'Completing', 'Completed', 'Failed']);

/** Kubernetes metav1.Time: RFC 3339 in UTC, whole seconds. */
export function kubeTime(date: Date): string {
	return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Go's time.Duration.String() (as metav1.Duration serialises), at millisecond precision. */
export function goDuration(ms: number): string {
	const total = Math.max(0, Math.round(ms));
	if (total === 0) {
		return '0s';
	}

	if (total < 1000) {
		return `${total}ms`;
	}

	const hours = Math.floor(total / 3_600_000);
	const minutes = Math.floor((total % 3_600_000) / 60_000);
	const millis = total % 60_000;
	const seconds = `${Math.floor(millis / 1000)}${millis % 1000 === 0 ? '' : `.${String(millis % 1000).padStart(3, '0').replace(/0+$/, '')}`}s`;
	if (hours > 0) {
		return `${hours}h${minutes}m${seconds}`;
	}

	return minutes > 0 ? `${minutes}m${seconds}` : seconds;
}

const defaultResources = {cpu: '250m', memory: '1Gi'};

function container(name: string, command: string, containerImage = image, resources = defaultResources): Record<string, unknown> {
	return {
		name,
		image: containerImage,
		command: ['/bin/sh', '-c', command],
		ports: [{containerPort: 22, name: 'mpijob-port'}],
		resources: {limits: resources, requests: resources},
		workingDir: '/home',
	};
}

function task(
	name: string,
	replicas: number,
	command: string,
	policies: readonly unknown[],
	containerImage = image,
	resources = defaultResources,
	restartPolicy = 'OnFailure',
): Record<string, unknown> {
	return {
		name,
		replicas,
		minAvailable: replicas,
		// omitempty in Volcano's TaskSpec.
		...(policies.length > 0 ? {policies} : {}),
		template: {
			metadata: {name},
			spec: {
				containers: [container(name, command, containerImage, resources)],
				imagePullSecrets: [{name: 'imagepull-secret'}],
				restartPolicy,
			},
		},
	};
}

/** The demo's MPI job spec, with a scenario's images and resources. */
function demoSpec(look: ContainerLook = {}): JobTemplate['spec'] {
	const imageOf = (name: string) => look.images?.[name] ?? image;
	const resources = look.resources ?? defaultResources;
	return {
		minAvailable: 3,
		maxRetry: 3,
		queue: 'default',
		schedulerName: 'volcano',
		plugins: {env: [], ssh: [], svc: []},
		policies: [{event: 'PodEvicted', action: 'RestartJob'}],
		tasks: [
			task(
				'mpimaster',
				1,
				'MPI_HOST=`cat /etc/volcano/mpiworker.host | tr "\\n" ","`;\nmkdir -p /var/run/sshd; /usr/sbin/sshd;\nmpiexec --allow-run-as-root --host ${MPI_HOST} -np 2 mpi_hello_world',
				[{event: 'TaskCompleted', action: 'CompleteJob'}, ...(look.policies?.['mpimaster'] ?? [])],
				imageOf('mpimaster'),
				resources,
				look.restartPolicies?.['mpimaster'],
			),
			task(
				'mpiworker',
				2,
				'mkdir -p /var/run/sshd; /usr/sbin/sshd -D;',
				[{event: 'PodFailed', action: 'RestartJob', timeout: '5m'}, ...(look.policies?.['mpiworker'] ?? [])],
				imageOf('mpiworker'),
				resources,
				look.restartPolicies?.['mpiworker'],
			),
		],
	};
}

const spec = demoSpec();

/** A spec shaped like the demo job's, for other jobs (same plugins and job policy; own tasks, queue, image). */
export function jobSpec(options: {
	readonly minAvailable: number;
	readonly queue: string;
	readonly image: string;
	readonly tasks: readonly TaskTemplate[];
	readonly maxRetry?: number;
}): JobTemplate['spec'] {
	return {
		minAvailable: options.minAvailable,
		maxRetry: options.maxRetry ?? 3,
		queue: options.queue,
		schedulerName: 'volcano',
		plugins: {env: [], ssh: [], svc: []},
		policies: [{event: 'PodEvicted', action: 'RestartJob'}],
		tasks: options.tasks.map(item => task(item.name, item.replicas, item.command, item.policies ?? [], options.image)),
	};
}

// The creator owns the spec; the controller owns status through the status subresource.
function managedFields(input: RenderInput, hasStatus: boolean): unknown[] {
	const fields: unknown[] = [
		{
			apiVersion,
			fieldsType: 'FieldsV1',
			fieldsV1: {
				'f:spec': {
					'.': {},
					'f:maxRetry': {},
					'f:minAvailable': {},
					'f:plugins': {'.': {}, 'f:env': {}, 'f:ssh': {}, 'f:svc': {}},
					'f:policies': {},
					'f:queue': {},
					'f:schedulerName': {},
					'f:tasks': {},
				},
			},
			manager: 'vcctl',
			operation: 'Update',
			time: kubeTime(input.creationTimestamp),
		},
	];
	if (hasStatus) {
		fields.push({
			apiVersion,
			fieldsType: 'FieldsV1',
			fieldsV1: {
				'f:status': {
					'.': {},
					'f:conditions': {},
					'f:controlledResources': {'.': {}, 'f:plugin-ssh': {}, 'f:plugin-svc': {}},
					'f:minAvailable': {},
					'f:state': {'.': {}, 'f:lastTransitionTime': {}, 'f:phase': {}},
				},
			},
			manager: 'vc-controller-manager',
			operation: 'Update',
			subresource: 'status',
			time: kubeTime(input.writtenAt),
		});
	}

	return fields;
}

function nonZero(values: Readonly<Record<string, number | undefined>> | undefined): Record<string, number> {
	return Object.fromEntries(Object.entries(values ?? {}).filter((entry): entry is [string, number] => (entry[1] ?? 0) > 0));
}

function status(input: RenderInput): Record<string, unknown> {
	const {snapshot} = input;
	const taskStatusCount = Object.fromEntries(
		Object.entries(snapshot.pods ?? {})
			.map(([name, phases]) => [name, {phase: nonZero(phases)}] as const)
			.filter(([, counts]) => Object.keys(counts.phase).length > 0),
	);
	return {
		state: {phase: snapshot.phase, lastTransitionTime: kubeTime(input.lastTransitionTime)},
		minAvailable: (input.template?.spec ?? spec).minAvailable,
		...(Object.keys(taskStatusCount).length > 0 ? {taskStatusCount} : {}),
		// Every counter is omitempty in Volcano's JobStatus.
		...nonZero(snapshot.counters),
		...nonZero({version: snapshot.version, retryCount: snapshot.retryCount}),
		...(killPathPhases.has(snapshot.phase)
			? {runningDuration: goDuration(input.writtenAt.getTime() - input.creationTimestamp.getTime())}
			: {}),
		controlledResources: {'plugin-ssh': 'ssh', 'plugin-svc': 'svc'},
		conditions: input.conditions.map(condition => ({
			status: condition.status,
			lastTransitionTime: kubeTime(condition.lastTransitionTime),
		})),
	};
}

/** Objects of a custom resource come back from the API server with their keys sorted (they are stored as maps). */
export function sortKeys(value: unknown): unknown {
	if (Array.isArray(value)) {
		return value.map(item => sortKeys(item));
	}

	if (typeof value === 'object' && value !== null) {
		return Object.fromEntries(
			Object.keys(value)
				.sort()
				.map(key => [key, sortKeys((value as Record<string, unknown>)[key])]),
		);
	}

	return value;
}

/** The job as a Volcano API server would send it. */
export function renderJob(input: RenderInput): RawJob {
	// Until the controller's first write, a job created with the status subresource has no status at all.
	const hasStatus = input.snapshot.phase !== '';
	return sortKeys({
		apiVersion,
		kind: 'Job',
		metadata: {
			name: input.name,
			namespace: input.namespace,
			uid: input.uid,
			resourceVersion: input.resourceVersion,
			generation: 1,
			creationTimestamp: kubeTime(input.creationTimestamp),
			labels: input.template?.labels ?? {'app.kubernetes.io/name': 'openmpi-hello'},
			managedFields: managedFields(input, hasStatus),
		},
		spec: input.template?.spec ?? (input.look ? demoSpec(input.look) : spec),
		...(hasStatus ? {status: status(input)} : {}),
	}) as RawJob;
}
