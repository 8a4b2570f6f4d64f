import type {ClusterState, Rendered} from './cluster-state.js';
import {occurrences} from './events/event-record.js';
import {renderEvent} from './events/event-render.js';
import {renderPodGroup} from './pod-groups/pod-group-render.js';
import {renderPod} from './pods/pod-render.js';

// The cluster's objects rendered and written into the API server's stores (options.store), which give each its
// resourceVersion: a new one only when its content changed.

function stamp(state: ClusterState, resource: 'pods' | 'podgroups' | 'events', uid: string, rendered: Rendered): void {
	const metadata = rendered.body['metadata'] as Record<string, unknown>;
	metadata['resourceVersion'] = '';
	const version = state.options.store(resource, rendered);
	state.versions.set(uid, {version});
	metadata['resourceVersion'] = version;
}

/** The pods as now served, each written to its store. */
export function storedPods(state: ClusterState, now: number): Rendered[] {
	if (!state.job) return [];
	const current = state.job;
	return state.pods.map(pod => {
		const rendered = renderPod(pod, current, now);
		stamp(state, 'pods', pod.uid, rendered);
		return rendered;
	});
}

/** The PodGroup, if any, as now served and written to its store. */
export function storedPodGroups(state: ClusterState): Rendered[] {
	if (!state.job || !state.podGroup) return [];
	const rendered = renderPodGroup(state.podGroup, state.job, state.pods);
	stamp(state, 'podgroups', state.podGroup.uid, rendered);
	return [rendered];
}

/** The events with at least one report by `now`, in name order. */
export function storedEvents(state: ClusterState, now: number): Rendered[] {
	const rendered: Rendered[] = [];
	for (const entry of state.events.values()) {
		const count = entry.count + (entry.repeat ? occurrences(entry.repeat, now) : 0);
		if (count === 0) continue;
		const event = renderEvent(entry, count, now);
		stamp(state, 'events', entry.uid, event);
		rendered.push(event);
	}

	return rendered.sort((a, b) => String(a.fields['metadata.name']).localeCompare(String(b.fields['metadata.name'])));
}
