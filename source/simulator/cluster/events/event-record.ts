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

/** A report as a component makes it, before it is counted into an Event. */
export type Emission = {
	readonly ref: ObjectRef;
	readonly reason: string;
	readonly message: string;
	readonly type: 'Normal' | 'Warning';
	readonly component: string;
	readonly host?: string;
};

export type Repetition = Emission & {readonly start: number; readonly every: number};

export type Emit = (emission: Emission) => void;

/** Reports with the same key are one Event. */
export function eventKey(emission: Emission): string {
	return [emission.ref.uid, emission.type, emission.reason, emission.component, emission.message].join('\u0000');
}
