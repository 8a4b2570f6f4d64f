import {scaled, type ClusterState} from '../cluster-state.js';
import {fitErrorOf} from '../pod-groups/pod-group-model.js';
import type {Repetition} from './event-record.js';
import {controller, jobRef, kubelet, podGroupRef, podRef, scheduler} from './event-sources.js';

// The reports that keep coming while a state lasts (a gang that does not fit, an image that cannot be pulled, a
// container that keeps crashing): each an Event whose count rises with time until a later step ends it.

// How often components repeat themselves, in scenario time (divided by the speed). Volcano's scheduler retries a
// gang every second and the controller warns on each resync; client-go's event spam filter lets a fraction through.
const gangRetryMs = 5000;
// The kubelet retries a failing pull with a growing back-off; kept steady here so that counts rise visibly.
export const pullRetryMs = 20_000;
const pullBackOffEventMs = 10_000;
export const errImagePullMs = 2000;

// What keeps happening in this state, until a later step ends it.
export function repetitions(state: ClusterState, at: number): Repetition[] {
	const current = state.job!;
	const wanted: Repetition[] = [];
	const group = state.podGroup;
	const unschedulable = group?.conditions.at(-1);
	if (group && state.hints.unschedulable && unschedulable?.type === 'Unschedulable') {
		const every = scaled(state, gangRetryMs);
		const pending = state.pods.filter(pod => pod.deletingAt === undefined && pod.phase === 'Pending' && pod.node === undefined);
		const {fitError} = state.hints.unschedulable;
		const live = state.pods.filter(pod => pod.deletingAt === undefined);
		wanted.push(
			{
				ref: podGroupRef(current, group),
				reason: 'Unschedulable',
				message: `${pending.length}/${live.length} tasks in gang unschedulable: ${fitErrorOf(current, state.pods, fitError)}`,
				type: 'Warning',
				component: scheduler,
				start: at,
				every,
			},
			{
				ref: jobRef(current),
				reason: 'PodGroupPending',
				message: state.options.legacyPodGroupName
					? `PodGroup ${current.namespace}:${current.name} unschedule,reason: ${unschedulable.message}`
					: `PodGroup ${current.namespace}:${current.name} unschedulable, reason: ${unschedulable.message}`,
				type: 'Warning',
				component: controller,
				start: at,
				every,
			},
			...pending.map(pod => ({
				ref: podRef(current, pod),
				reason: 'FailedScheduling',
				message: pod.unschedulable?.message ?? fitError,
				type: 'Warning' as const,
				component: scheduler,
				start: at,
				every,
			})),
		);
	}

	for (const pod of state.pods) {
		if (pod.deletingAt !== undefined) continue;
		const host = pod.node ? {host: pod.node} : {};
		if (pod.pull) {
			const {since, error} = pod.pull;
			for (const container of pod.containers) {
				const ref = podRef(current, pod, container);
				const image = `"${container.image}"`;
				const pull = {ref, component: kubelet, ...host, start: since, every: scaled(state, pullRetryMs)};
				const backOff = {ref, component: kubelet, ...host, start: since + scaled(state, errImagePullMs), every: scaled(state, pullBackOffEventMs)};
				wanted.push(
					{...pull, reason: 'Pulling', message: `Pulling image ${image}`, type: 'Normal'},
					{...pull, reason: 'Failed', message: `Failed to pull image ${image}: ${error}`, type: 'Warning'},
					{...pull, reason: 'Failed', message: 'Error: ErrImagePull', type: 'Warning'},
					{...backOff, reason: 'BackOff', message: `Back-off pulling image ${image}`, type: 'Normal'},
					{...backOff, reason: 'Failed', message: 'Error: ImagePullBackOff', type: 'Warning'},
				);
			}
		}

		if (pod.crash) {
			const {since, every} = pod.crash;
			for (const container of pod.containers) {
				const ref = podRef(current, pod, container);
				const crash = {ref, component: kubelet, ...host, every};
				const restart = {...crash, start: since + every * 1.4, type: 'Normal' as const};
				wanted.push(
					{
						...crash,
						start: since + every,
						reason: 'BackOff',
						message: `Back-off restarting failed container ${container.name} in pod ${pod.name}_${current.namespace}(${pod.uid})`,
						type: 'Warning',
					},
					{...restart, reason: 'Pulled', message: `Container image "${container.image}" already present on machine`},
					{...restart, reason: 'Created', message: `Created container: ${container.name}`},
					{...restart, reason: 'Started', message: `Started container ${container.name}`},
				);
			}
		}
	}

	return wanted;
}
