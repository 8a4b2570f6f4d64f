import type {EventRecord} from './events/event-record.js';
import type {JobView} from './job-view.js';
import type {PodGroupState} from './pod-groups/pod-group-state.js';
import type {Exit, PodState, Program} from './pods/pod-state.js';

// What the cluster model is given (its options, each step's hints), what it holds between steps (one record the
// pod, PodGroup and event models share, as they act on each other's objects), and what it gives out (Rendered).

/** A pod that misbehaves in a step. */
export type PodScript = {
	/** How its container ends when the pod fails or restarts; default reason Error, exit code 1. */
	readonly exit?: Exit;
	/** While Running, the container keeps ending (with exit) and being restarted: restartCount rises every restartEveryMs. */
	readonly restartEveryMs?: number;
	/** While Pending on its node, every pull of its image fails with this error: ErrImagePull, then ImagePullBackOff. */
	readonly imagePullError?: string;
	/** The node already holds the image: no pull. */
	readonly imagePresent?: boolean;
	/** What its container runs; kept by the pod once seen. */
	readonly program?: Program;
};

/** What the job's status does not say about the cluster in a step. */
export type ClusterStep = {
	/** Pending pods are still waiting for the scheduler (no node yet); by default they are bound and pulling images. */
	readonly unbound?: boolean;
	/** The gang does not fit: Pending pods stay unbound, and the scheduler and controller say why, again and again. */
	readonly unschedulable?: {
		/** The scheduler's verdict on the nodes for each pod, e.g. "0/2 nodes are unavailable: 2 Insufficient cpu." */
		readonly fitError: string;
	};
	/** Pods in trouble, by `<task>-<index>`. */
	readonly pods?: Readonly<Record<string, PodScript>>;
	/** The controller took a Command with this action (AbortJob…) in this step: its CommandIssued event. */
	readonly commandIssued?: string;
};

export type ClusterOptions = {
	/** The simulator's time multiplier: repeated events, restarts and pull retries come that much sooner. */
	readonly speed: number;
	/** The PodGroup is named `<job>`, as before Volcano v1.6 (and the controller words its warning as before v1.11). */
	readonly legacyPodGroupName: boolean;
	/** Node names pods are bound to, in turn. */
	readonly nodes: readonly string[];
	/**
	 * Stores a rendered object (its metadata.resourceVersion empty) in the API server and returns its
	 * resourceVersion: a new one from etcd's single revision when the content changed, else the one it has.
	 */
	readonly store: (resource: 'pods' | 'podgroups' | 'events', rendered: Rendered) => string;
};

/** An object as served, with what selectors look at. */
export type Rendered = {
	readonly body: Record<string, unknown>;
	readonly labels?: Readonly<Record<string, string>>;
	readonly fields: Readonly<Record<string, string>>;
	/** A pod's container runs by containerID, in ms (its status has seconds). */
	readonly runs?: ReadonlyMap<string, {readonly startedAt: number; readonly finishedAt?: number; readonly program?: Program}>;
};

/**
 * What the cluster holds between steps. The job's objects are dropped when it goes or is replaced (a new uid); the
 * pod IP and event name counters run on.
 */
export type ClusterState = {
	readonly options: ClusterOptions;
	/** The job as now served; undefined while it is absent. */
	job: JobView | undefined;
	/** The step's hints. */
	hints: ClusterStep;
	pods: PodState[];
	podGroup: PodGroupState | undefined;
	/** Pod IPs handed out so far. */
	podCount: number;
	/** The events, by what they report (eventKey). */
	readonly events: Map<string, EventRecord>;
	eventSequence: number;
	/** Each object's resourceVersion as last stored, for the events that name it. */
	readonly versions: Map<string, {version: string}>;
};

/** Scenario time on the simulator's clock: with its time multiplier, what repeats comes that much sooner. */
export function scaled(state: ClusterState, ms: number): number {
	return ms / state.options.speed;
}
