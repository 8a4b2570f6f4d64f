// The PodGroup as the cluster model keeps it between steps; the PodGroup model changes it, rendering reads it.

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
