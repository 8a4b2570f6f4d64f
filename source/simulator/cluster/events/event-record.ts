// An Event as the cluster model keeps it: the report, the object it is about, and how often it was made.

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

/** How many times a repetition has happened by `now`: at start, start + every, … */
export function occurrences(repeat: {readonly start: number; readonly every: number}, now: number): number {
	return now < repeat.start ? 0 : Math.floor((now - repeat.start) / repeat.every) + 1;
}
