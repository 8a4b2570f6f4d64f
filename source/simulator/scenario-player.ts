import {randomUUID} from 'node:crypto';
import type {Now} from './apiserver/clock.js';
import type {CollectionResource} from './apiserver/kinds.js';
import type {ObjectStore} from './apiserver/object-store.js';
import type {Cluster} from './cluster/cluster.js';
import {statusBody, type CollectionFault, type Fault} from './faults.js';
import {kubeTime, renderJob, type JobSnapshot, type VerbatimJob} from './cluster/job-template.js';
import type {Scenario, Step} from './scenarios.js';

// Plays a scenario: the job's steps written as the Volcano controller would, each held for holdMs of simulated
// time, with the cluster's objects following, and the faults each step serves.

export type ScenarioPlayerOptions = {
	readonly scenario: Scenario;
	/** The API server's jobs. */
	readonly store: ObjectStore;
	readonly cluster: Cluster;
	/** Brings the cluster's objects into the API server at `at` (wall-clock ms). */
	readonly sync: (at: number) => void;
	readonly now: Now;
	/** Real milliseconds are simulated ones divided by this. */
	readonly speed: number;
	readonly autoplay: boolean;
	readonly loop: boolean;
};

export type ScenarioPlayer = {
	readonly stepIndex: number;
	/** The job as now served; undefined while absent. */
	readonly document: unknown;
	/** Enters the first step. */
	start(): void;
	/** Next step; after the last one, a new incarnation with loop, else nothing. */
	advance(): void;
	goTo(index: number): void;
	/** Moves on if the step's time is up (the clock may be injected). */
	tick(): void;
	/**
	 * The controller acts outside the scenario (a Command, a deletion): these steps replace the scenario's, from
	 * now, the last one held. `deleting`: the job carries this deletionTimestamp (Foreground) until it goes.
	 */
	play(steps: readonly Step[], deleting?: Date): void;
	injectFaults(...faults: Fault[]): void;
	injectCollectionFaults(...faults: CollectionFault[]): void;
	/** The answer to a GET of a job: the scenario's, another one, or 404. */
	jobReply(namespace: string | undefined, name: string | undefined): {readonly status: number; readonly body: unknown};
	/** The fault for this job GET, if any: injected ones first, then the step's rotation. */
	nextFault(): Fault | undefined;
	nextCollectionFault(resource: CollectionResource, verb: 'list' | 'watch'): Fault | undefined;
	close(): void;
};

type Incarnation = {
	readonly uid: string;
	readonly createdAt: Date;
	readonly conditions: Array<{status: string; lastTransitionTime: Date}>;
	lastPhase: string;
	snapshotKey: string;
};

const defaultFaultEvery = 2;

function unwrap(fault: CollectionFault): {fault: Fault; resource?: CollectionResource; verb?: 'list' | 'watch'} {
	return 'fault' in fault ? fault : {fault};
}

function matches(fault: CollectionFault, resource: CollectionResource, verb: 'list' | 'watch'): boolean {
	const wanted = unwrap(fault);
	return (wanted.resource === undefined || wanted.resource === resource) && (wanted.verb === undefined || wanted.verb === verb);
}

/** A job being deleted in the foreground: its deletionTimestamp and the finalizer the garbage collector removes last. */
function markDeleting(since: Date | undefined, job: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
	if (!since) return job;
	const metadata = job['metadata'] as Record<string, unknown>;
	return {...job, metadata: {...metadata, deletionTimestamp: kubeTime(since), deletionGracePeriodSeconds: 0, finalizers: ['foregroundDeletion']}};
}

export function createScenarioPlayer(options: ScenarioPlayerOptions): ScenarioPlayer {
	const {scenario, store, cluster, now, speed} = options;
	let {steps} = scenario;
	let {loop} = options;
	let deleting: Date | undefined;
	let stepIndex = 0;
	let stepRequests = 0;
	let faultCursor = 0;
	let collectionRequests = 0;
	let collectionCursor = 0;
	let incarnation: Incarnation | undefined;
	let document: unknown;
	let dueAt: number | undefined;
	let timer: NodeJS.Timeout | undefined;
	let closed = false;
	const injected: Fault[] = [];
	const injectedForCollections: CollectionFault[] = [];

	// The controller's write: resourceVersion, lastTransitionTime and managedFields move only when the content does.
	function write(job: 'absent' | JobSnapshot | VerbatimJob, at: Date): void {
		if (job === 'absent') {
			incarnation = undefined;
			deleting = undefined;
			document = undefined;
			store.remove(scenario.namespace, scenario.jobName);
			return;
		}

		if ('verbatim' in job) {
			document = job.verbatim;
			store.writeVerbatim(scenario.namespace, scenario.jobName, job.verbatim);
			return;
		}

		incarnation ??= {uid: randomUUID(), createdAt: at, conditions: [], lastPhase: '', snapshotKey: ''};
		const key = JSON.stringify(job);
		if (key === incarnation.snapshotKey) {
			return;
		}

		incarnation.snapshotKey = key;
		if (job.phase !== '' && job.phase !== incarnation.lastPhase) {
			incarnation.conditions.push({status: job.phase, lastTransitionTime: at});
		}

		incarnation.lastPhase = job.phase;
		const {uid, createdAt, conditions} = incarnation;
		document = store.write(
			scenario.namespace,
			scenario.jobName,
			uid,
			resourceVersion =>
				markDeleting(deleting, renderJob({
					namespace: scenario.namespace,
					name: scenario.jobName,
					uid,
					resourceVersion,
					creationTimestamp: createdAt,
					writtenAt: at,
					lastTransitionTime: at,
					conditions,
					snapshot: job,
					...(scenario.look ? {look: scenario.look} : {}),
					...(scenario.template ? {template: scenario.template} : {}),
				})),
			{keepObject: true},
		);
	}

	function arm(): void {
		clearTimeout(timer);
		timer = undefined;
		if (dueAt === undefined || closed) {
			return;
		}

		timer = setTimeout(check, Math.max(1, (dueAt - now()) / speed));
		timer.unref();
	}

	function check(): void {
		if (dueAt === undefined || closed) {
			return;
		}

		if (now() >= dueAt) {
			advance();
		} else {
			arm();
		}
	}

	function enterStep(index: number, newIncarnation = false, backdateMs = 0): void {
		stepIndex = index;
		stepRequests = 0;
		faultCursor = 0;
		collectionRequests = 0;
		collectionCursor = 0;
		if (newIncarnation) {
			incarnation = undefined;
		}

		const step = steps[index]!;
		const at = Date.now() - backdateMs;
		write(step.job, new Date(at));
		cluster.enter(document, step.cluster, at);
		options.sync(at);
		dueAt = options.autoplay && !closed && (loop || index < steps.length - 1) ? now() + step.holdMs : undefined;
		arm();
	}

	function advance(): void {
		if (closed) {
			return;
		}

		if (stepIndex < steps.length - 1) {
			enterStep(stepIndex + 1);
		} else if (loop) {
			enterStep(0, true);
		}
	}

	return {
		get stepIndex() {
			return stepIndex;
		},
		get document() {
			return document;
		},
		start() {
			enterStep(0, false, scenario.backdateMs ?? 0);
		},
		advance,
		goTo(index) {
			if (!Number.isInteger(index) || index < 0 || index >= steps.length) {
				throw new RangeError(`Step ${index} is out of range 0..${steps.length - 1}`);
			}

			if (!closed) {
				enterStep(index);
			}
		},
		tick: check,
		play(next, deletionTimestamp) {
			if (closed || next.length === 0) return;
			steps = next;
			loop = false;
			deleting ??= deletionTimestamp;
			enterStep(0);
		},
		jobReply(namespace, name) {
			if (document !== undefined && namespace === scenario.namespace && name === scenario.jobName) {
				return {status: 200, body: document};
			}

			const other = namespace === undefined || name === undefined ? undefined : store.get(namespace, name);
			if (other) {
				return {status: 200, body: other.object ?? JSON.parse(other.json)};
			}

			return {
				status: 404,
				body: statusBody(404, {
					message: `jobs.batch.volcano.sh "${name ?? ''}" not found`,
					details: {name: name ?? '', group: 'batch.volcano.sh', kind: 'jobs'},
				}),
			};
		},
		injectFaults(...faults) {
			injected.push(...faults);
		},
		injectCollectionFaults(...faults) {
			injectedForCollections.push(...faults);
		},
		nextFault() {
			const fault = injected.shift();
			if (fault) {
				return fault;
			}

			stepRequests++;
			const step = steps[stepIndex]!;
			const faults = step.faults ?? [];
			if (faults.length === 0 || stepRequests % Math.max(1, step.faultEvery ?? defaultFaultEvery) !== 0) {
				return undefined;
			}

			return faults[faultCursor++ % faults.length];
		},
		nextCollectionFault(resource, verb) {
			const queued = injectedForCollections.findIndex(fault => matches(fault, resource, verb));
			if (queued >= 0) {
				return unwrap(injectedForCollections.splice(queued, 1)[0]!).fault;
			}

			const step = steps[stepIndex]!;
			const faults = (step.collectionFaults ?? []).filter(fault => matches(fault, resource, verb));
			if (faults.length === 0) {
				return undefined;
			}

			collectionRequests++;
			if (collectionRequests % Math.max(1, step.collectionFaultEvery ?? defaultFaultEvery) !== 0) {
				return undefined;
			}

			return unwrap(faults[collectionCursor++ % faults.length]!).fault;
		},
		close() {
			closed = true;
			clearTimeout(timer);
			injected.length = 0;
			injectedForCollections.length = 0;
		},
	};
}
