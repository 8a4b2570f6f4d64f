import type {JobView} from '../job-view.js';
import type {PodGroupState} from '../pod-groups/pod-group-state.js';
import type {Container, PodState} from '../pods/pod-state.js';
import type {ObjectRef} from './event-record.js';

// Who reports (the components, as event sources name them) and what about (the object an event involves).

export const kubelet = 'kubelet';
export const scheduler = 'volcano';
export const controller = 'vc-controller-manager';

export function podRef(job: JobView, pod: PodState, container?: Container): ObjectRef {
	return {
		kind: 'Pod',
		apiVersion: 'v1',
		namespace: job.namespace,
		name: pod.name,
		uid: pod.uid,
		...(container ? {fieldPath: `spec.containers{${container.name}}`} : {}),
	};
}

export function jobRef(job: JobView): ObjectRef {
	return {kind: 'Job', apiVersion: 'batch.volcano.sh/v1alpha1', namespace: job.namespace, name: job.name, uid: job.uid, resourceVersion: job.resourceVersion};
}

export function podGroupRef(job: JobView, group: PodGroupState): ObjectRef {
	return {kind: 'PodGroup', apiVersion: 'scheduling.volcano.sh/v1beta1', namespace: job.namespace, name: group.name, uid: group.uid};
}
