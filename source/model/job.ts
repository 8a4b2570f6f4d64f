// Wire shapes (Raw*) are what a server may send: every field optional, any of them may be null or of the
// wrong type. Normalised shapes (Job, Task, Policy) are what the rest of the program reads.

export type RawPolicy = {
	event?: unknown;
	events?: unknown;
	exitCode?: unknown;
	action?: unknown;
	timeout?: unknown;
};

export type RawContainer = {
	name?: unknown;
	image?: unknown;
};

export type RawTask = {
	name?: unknown;
	replicas?: unknown;
	minAvailable?: unknown;
	policies?: unknown;
	template?: {spec?: {containers?: unknown; initContainers?: unknown}} | null;
};

export type RawJob = {
	apiVersion?: unknown;
	kind?: unknown;
	metadata?: {
		name?: unknown;
		namespace?: unknown;
		uid?: unknown;
		resourceVersion?: unknown;
		generation?: unknown;
		creationTimestamp?: unknown;
		deletionTimestamp?: unknown;
		labels?: unknown;
		annotations?: unknown;
		managedFields?: unknown;
	} | null;
	spec?: {
		minAvailable?: unknown;
		minSuccess?: unknown;
		maxRetry?: unknown;
		queue?: unknown;
		schedulerName?: unknown;
		plugins?: unknown;
		policies?: unknown;
		tasks?: unknown;
		ttlSecondsAfterFinished?: unknown;
	} | null;
	status?: {
		state?: {phase?: unknown; reason?: unknown; message?: unknown; lastTransitionTime?: unknown} | null;
		minAvailable?: unknown;
		pending?: unknown;
		running?: unknown;
		succeeded?: unknown;
		// The CCI document's table spells these with a capital letter.
		Succeeded?: unknown;
		failed?: unknown;
		terminating?: unknown;
		unknown?: unknown;
		version?: unknown;
		retryCount?: unknown;
		runningDuration?: unknown;
		taskStatusCount?: unknown;
		controlledResources?: unknown;
		ControlledResources?: unknown;
		conditions?: unknown;
	} | null;
};

/** How a phase reads to a person: drives its colour and whether the job is over. */
export type PhaseKind = 'waiting' | 'running' | 'success' | 'failure' | 'transitional' | 'unknown';

export const counterNames = ['pending', 'running', 'succeeded', 'failed', 'terminating', 'unknown'] as const;
export type CounterName = (typeof counterNames)[number];
export type Counters = Record<CounterName, number>;

export type Policy = {
	/** What triggers it: an event, several events joined by ", ", or "exitCode N". */
	readonly trigger: string;
	readonly action: string;
	readonly timeout?: string;
};

export type Task = {
	readonly name: string;
	readonly replicas: number;
	readonly minAvailable?: number;
	/** Images of the task's containers, in order. */
	readonly images: readonly string[];
	/** Pods of this task by pod phase, from status.taskStatusCount; absent phases are 0. */
	readonly pods: Readonly<Record<string, number>>;
	readonly policies: readonly Policy[];
};

export type Condition = {
	readonly phase: string;
	readonly at?: string;
};

export type Job = {
	readonly namespace: string;
	readonly name: string;
	readonly uid: string;
	readonly resourceVersion: string;
	readonly creationTimestamp?: string;
	readonly deletionTimestamp?: string;
	readonly queue?: string;
	readonly minAvailable?: number;
	readonly minSuccess?: number;
	readonly maxRetry: number;
	/** As sent; '' when the controller has not initialised the job yet. */
	readonly phase: string;
	readonly phaseKind: PhaseKind;
	readonly reason?: string;
	readonly message?: string;
	readonly lastTransitionTime?: string;
	readonly counters: Counters;
	readonly retryCount: number;
	readonly version: number;
	readonly runningDuration?: string;
	readonly tasks: readonly Task[];
	readonly policies: readonly Policy[];
	readonly plugins: readonly string[];
	readonly controlledResources: Readonly<Record<string, string>>;
	/** status.conditions, de-duplicated (older Volcano appends one on every status write). */
	readonly conditions: readonly Condition[];
};

/** What a table of many jobs shows of each: the part of Job read without its tasks, policies and conditions. */
export type JobSummary = Pick<
	Job,
	| 'namespace'
	| 'name'
	| 'uid'
	| 'resourceVersion'
	| 'creationTimestamp'
	| 'deletionTimestamp'
	| 'queue'
	| 'minAvailable'
	| 'maxRetry'
	| 'phase'
	| 'phaseKind'
	| 'reason'
	| 'counters'
	| 'retryCount'
>;

/** One field that differs between two observations of the job. */
export type Change = {
	/** A path in the job's own terms, e.g. "status.running", "spec.tasks[mpiworker].replicas". */
	readonly path: string;
	/** A short label for people, e.g. "running", "mpiworker replicas". */
	readonly label: string;
	readonly old: string | number | undefined;
	readonly new: string | number | undefined;
	/** For numbers: which way it moved. */
	readonly direction?: 'up' | 'down';
};
