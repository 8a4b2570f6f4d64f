import type {ClusterOptions, ClusterState, ClusterStep, Rendered} from './cluster-state.js';
import {recordEvents} from './events/event-log.js';
import type {Emission} from './events/event-record.js';
import {controller, jobRef} from './events/event-sources.js';
import {readJob} from './job-view.js';
import {reconcilePodGroup} from './pod-groups/pod-group-model.js';
import {reconcilePods} from './pods/pod-model.js';
import {storedEvents, storedPodGroups, storedPods} from './store-writes.js';

// The objects a Volcano cluster keeps around a job (its PodGroup, its pods, the events about all three), derived
// from what the job's status says at each step of a scenario, plus what the status cannot say (why a gang does
// not fit, which pod cannot pull its image, which one keeps crashing), given as hints by the scenario.

export type Cluster = {
	/** The job as now served (undefined: absent) and the step's hints, at Date.now(). */
	enter(document: unknown, step: ClusterStep | undefined, at: number): void;
	pods(now: number): Rendered[];
	podGroups(now: number): Rendered[];
	events(now: number): Rendered[];
};

function reset(state: ClusterState): void {
	state.job = undefined;
	state.pods = [];
	state.podGroup = undefined;
	state.events.clear();
	state.versions.clear();
}

export function createCluster(options: ClusterOptions): Cluster {
	const state: ClusterState = {
		options,
		job: undefined,
		hints: {},
		pods: [],
		podGroup: undefined,
		podCount: 0,
		events: new Map(),
		eventSequence: 0,
		versions: new Map(),
	};
	return {
		enter(document, step, at) {
			const next = document === undefined ? undefined : readJob(document);
			if (!next || next.uid !== state.job?.uid) reset(state);
			if (!next) return;
			state.job = next;
			state.hints = step ?? {};
			const emissions: Emission[] = [];
			const emit = (emission: Emission) => emissions.push(emission);
			if (next.phase === '') {
				state.pods = [];
			} else {
				reconcilePods(state, at, emit);
			}

			// The controller's word on taking a Command, before it acts on the job.
			if (state.hints.commandIssued) {
				const message = `Start to execute command ${state.hints.commandIssued}, and clean it up to make sure executed not more than once.`;
				emissions.unshift({ref: jobRef(next), reason: 'CommandIssued', message, type: 'Normal', component: controller});
			}

			reconcilePodGroup(state, at, emit);
			// Objects first get their new versions, so that each event names the version it is about.
			storedPods(state, at);
			storedPodGroups(state);
			recordEvents(state, emissions, at);
		},
		pods: now => storedPods(state, now),
		podGroups: () => storedPodGroups(state),
		events: now => storedEvents(state, now),
	};
}
