// What the job's PodGroup, pods and events say, normalised: the answer to "why is it still Pending?",
// which Volcano's Job itself never gives (the controller leaves status.state.reason empty).

export type PodGroupCondition = {
	readonly type: string;
	readonly status: string;
	readonly reason?: string;
	readonly message?: string;
	/** lastTransitionTime as sent (RFC 3339). */
	readonly at?: string;
};

export type PodGroupInfo = {
	readonly name: string;
	readonly uid?: string;
	/** Pending, Inqueue, Running, Unknown, Completed, or what the server sends; '' when absent. */
	readonly phase: string;
	readonly minMember?: number;
	readonly queue?: string;
	/** Oldest first, at most a few. */
	readonly conditions: readonly PodGroupCondition[];
	/** The condition that explains the most: the latest Unschedulable one, else the latest. */
	readonly reason?: string;
	readonly message?: string;
};

/** Why a pod is in trouble, from its containers or from the scheduler. */
export type PodProblem = {
	/** ImagePullBackOff, OOMKilled, CrashLoopBackOff, Unschedulable, Evicted, Error … */
	readonly reason: string;
	readonly message?: string;
	readonly exitCode?: number;
	readonly container?: string;
};

/** How one run of a container ended, as the kubelet reports it (state.terminated, lastState.terminated). */
export type ContainerExit = {
	readonly exitCode?: number;
	/** The signal the kubelet says killed it; rarely set (the exit code says 128+N instead). */
	readonly signal?: number;
	/** OOMKilled, Error, Completed, ContainerStatusUnknown, StartError … */
	readonly reason?: string;
	/**
	 * The termination message, a line each: the container's own words, or with FallbackToLogsOnError the
	 * end of its log, where a stack trace keeps its lines.
	 */
	readonly message?: readonly string[];
	/** RFC 3339, as sent. */
	readonly startedAt?: string;
	readonly finishedAt?: string;
};

/** A container that has ended a run or restarted: what failure records are made of. */
export type ContainerRuns = {
	readonly name: string;
	/** An init container: a failing one keeps the pod from starting. */
	readonly init: boolean;
	readonly restartCount: number;
	/** The current run has ended. */
	readonly terminated?: ContainerExit;
	/** The run before the current one: after a restart in place, the only trace of the failure. */
	readonly lastTerminated?: ContainerExit;
};

export type PodInfo = {
	readonly name: string;
	readonly uid?: string;
	/** The task (volcano.sh/task-spec), when labelled. */
	readonly task?: string;
	readonly phase: string;
	readonly ready: number;
	readonly containers: number;
	readonly restarts: number;
	readonly node?: string;
	readonly createdAt?: string;
	/** metadata.deletionTimestamp is set: the pod is going. */
	readonly deleting: boolean;
	readonly problem?: PodProblem;
	/** status.reason and status.message: Evicted, DeadlineExceeded … and the kubelet's words. */
	readonly reason?: string;
	readonly message?: string;
	/** Containers that ended a run or restarted, init containers first; absent when none did. */
	readonly runs?: readonly ContainerRuns[];
	/** spec.containers' names, the default container first; absent when the spec names none. */
	readonly containerNames?: readonly string[];
	/** 0 failing, 1 pending, 2 running not ready, 3 deleting, 4 running, 5 finished: trouble sorts first. */
	readonly rank: number;
};

/** One event, or several folded into one: same object, reason and message. */
export type EventInfo = {
	/** Identity for folding and for "new since last time": kind/name/reason/message. */
	readonly key: string;
	readonly type: string;
	readonly reason: string;
	readonly message: string;
	readonly kind: string;
	readonly name: string;
	readonly count: number;
	/** Milliseconds since the epoch; undefined when the event says no time. */
	readonly first?: number;
	readonly last?: number;
};
