// A pod as the cluster model keeps it between steps: what it is (task, index, containers) and how far it has got
// (phase, node, pulls, crashes, exit). Rendering reads it; the pod model changes it.

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
/** message: the termination message (what the program wrote to /dev/termination-log). */
export type Exit = {readonly reason: string; readonly exitCode: number; readonly message?: string};
/** What the container runs, which decides its log (pod-log.ts); default the demo's sshd or mpiexec. */
export type Program = 'train' | 'train-tty';
export type Container = {
	readonly name: string;
	readonly image: string;
	readonly requests: Readonly<Record<string, string>>;
	readonly limits: Readonly<Record<string, string>>;
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
	program?: Program;
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

export type Termination = {readonly exit: Exit; readonly startedAt: number; readonly finishedAt: number};

/** Pods holding a place on a node (being deleted included): what the scheduler counts towards the gang. */
export function scheduledPods(pods: readonly PodState[]): number {
	return pods.filter(pod => pod.node !== undefined).length;
}
