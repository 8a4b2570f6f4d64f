import {randomUUID} from 'node:crypto';
import {goDuration} from './job-template.js';
import type {Rendered} from './cluster-state.js';
import {occurrences, type EventRecord, type ObjectRef} from './events/event-record.js';
import {renderEvent} from './events/event-render.js';
import {podGroupName, readJob, type JobView} from './job-view.js';
import {renderPodGroup} from './pod-groups/pod-group-render.js';
import type {PodGroupState} from './pod-groups/pod-group-state.js';
import {crashView} from './pods/crash-loop.js';
import {renderPod} from './pods/pod-render.js';
import {scheduledPods, type Container, type Exit, type PodPhase, type PodState} from './pods/pod-state.js';

// The objects a Volcano cluster keeps around a job (its PodGroup, its pods, the events about all three), derived
// from what the job's status says at each step of a scenario, plus what the status cannot say (why a gang does
// not fit, which pod cannot pull its image, which one keeps crashing), given as hints by the scenario.

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

export type Cluster = {
	/** The job as now served (undefined: absent) and the step's hints, at Date.now(). */
	enter(document: unknown, step: ClusterStep | undefined, at: number): void;
	pods(now: number): Rendered[];
	podGroups(now: number): Rendered[];
	events(now: number): Rendered[];
};

// How often components repeat themselves, in scenario time (divided by the speed). Volcano's scheduler retries a
// gang every second and the controller warns on each resync; client-go's event spam filter lets a fraction through.
const gangRetryMs = 5000;
// The kubelet retries a failing pull with a growing back-off; kept steady here so that counts rise visibly.
const pullRetryMs = 20_000;
const pullBackOffEventMs = 10_000;
const errImagePullMs = 2000;

// Volcano runs killJob in these phases: pods are deleted and the PodGroup with them.
const killPathPhases: ReadonlySet<string> = new Set([
	'Restarting',
	'Aborting',
	'Aborted',
	'Terminating',
	'Terminated',
	'Completing',
	'Completed',
	'Failed',
]);

// Within a task, lower indices take the phases furthest along.
const phaseRank: readonly PodPhase[] = ['Succeeded', 'Failed', 'Unknown', 'Running', 'Pending'];
const counterPhases: ReadonlyArray<readonly [string, PodPhase]> = [
	['succeeded', 'Succeeded'],
	['failed', 'Failed'],
	['unknown', 'Unknown'],
	['running', 'Running'],
	['pending', 'Pending'],
];

const kubelet = 'kubelet';
const scheduler = 'volcano';
const controller = 'vc-controller-manager';

type Emission = {
	readonly ref: ObjectRef;
	readonly reason: string;
	readonly message: string;
	readonly type: 'Normal' | 'Warning';
	readonly component: string;
	readonly host?: string;
};

type Repetition = Emission & {readonly start: number; readonly every: number};

function eventKey(emission: Emission): string {
	return [emission.ref.uid, emission.type, emission.reason, emission.component, emission.message].join('\u0000');
}

// Terminal phases do not come back: a slot that needs an earlier phase gets a new pod.
function canBecome(from: PodPhase, to: PodPhase): boolean {
	if (from === to || from === 'Pending') return true;
	if (from === 'Running' || from === 'Unknown') return to !== 'Pending';
	return false;
}

/** Pods wanted alive in each task, by index: from taskStatusCount, else from the job's counters (older servers). */
function desiredPhases(job: JobView): Map<string, PodPhase[]> {
	const desired = new Map<string, PodPhase[]>();
	if (job.taskStatusCount) {
		for (const [task, phases] of Object.entries(job.taskStatusCount)) {
			desired.set(
				task,
				phaseRank.flatMap(phase => Array.from({length: Math.max(0, phases[phase] ?? 0)}, () => phase)),
			);
		}

		return desired;
	}

	if (killPathPhases.has(job.phase)) return desired;
	const left = counterPhases.flatMap(([counter, phase]) => Array.from({length: job.counters[counter] ?? 0}, () => phase));
	for (const task of job.tasks) {
		desired.set(task.name, left.splice(0, task.replicas));
	}

	if (left.length > 0 && job.tasks.length > 0) desired.get(job.tasks.at(-1)!.name)!.push(...left);
	return desired;
}

function policyAction(job: JobView, task: string, event: string): string | undefined {
	const matches = (policy: {readonly event?: string; readonly events?: readonly string[]}) =>
		policy.event === event || policy.event === '*' || policy.events?.includes(event) === true || policy.events?.includes('*') === true;
	const own = job.tasks.find(candidate => candidate.name === task)?.policies.find(policy => matches(policy));
	return (own ?? job.policies.find(policy => matches(policy)))?.action;
}

export function createCluster(options: ClusterOptions): Cluster {
	const scaled = (ms: number) => ms / options.speed;
	let job: JobView | undefined;
	let pods: PodState[] = [];
	let podGroup: PodGroupState | undefined;
	let hints: ClusterStep = {};
	const events = new Map<string, EventRecord>();
	let eventSequence = 0;
	let podCount = 0;
	// Each object's resourceVersion as last stored, for the events that name it.
	const versions = new Map<string, {version: string}>();

	function stamp(resource: 'pods' | 'podgroups' | 'events', uid: string, rendered: Rendered): void {
		const metadata = rendered.body['metadata'] as Record<string, unknown>;
		metadata['resourceVersion'] = '';
		const version = options.store(resource, rendered);
		versions.set(uid, {version});
		metadata['resourceVersion'] = version;
	}

	function reset(): void {
		job = undefined;
		pods = [];
		podGroup = undefined;
		events.clear();
		versions.clear();
	}

	function podRef(pod: PodState, container?: Container): ObjectRef {
		return {
			kind: 'Pod',
			apiVersion: 'v1',
			namespace: job!.namespace,
			name: pod.name,
			uid: pod.uid,
			...(container ? {fieldPath: `spec.containers{${container.name}}`} : {}),
		};
	}

	function jobRef(): ObjectRef {
		return {kind: 'Job', apiVersion: 'batch.volcano.sh/v1alpha1', namespace: job!.namespace, name: job!.name, uid: job!.uid, resourceVersion: job!.resourceVersion};
	}

	function podGroupRef(group: PodGroupState): ObjectRef {
		return {kind: 'PodGroup', apiVersion: 'scheduling.volcano.sh/v1beta1', namespace: job!.namespace, name: group.name, uid: group.uid};
	}

	function script(pod: PodState): PodScript {
		return hints.pods?.[`${pod.task}-${pod.index}`] ?? {};
	}

	function newPod(task: string, index: number, phase: PodPhase, at: number): PodState {
		const spec = job!.tasks.find(candidate => candidate.name === task);
		return {
			task,
			index,
			name: `${job!.name}-${task}-${index}`,
			uid: randomUUID(),
			createdAt: at,
			version: job!.version,
			retryCount: job!.retryCount,
			groupName: podGroupName(job!, options.legacyPodGroupName),
			containers: spec?.containers ?? [{name: task, image: 'busybox', requests: {}, limits: {}}],
			...(spec?.restartPolicy ? {restartPolicy: spec.restartPolicy} : {}),
			phase,
			restarts: 0,
		};
	}

	function podIp(): string {
		return `172.16.0.${10 + (podCount++ % 240)}`;
	}

	function nodeFor(pod: PodState): string {
		const order = job!.tasks.findIndex(task => task.name === pod.task);
		const before = job!.tasks.slice(0, Math.max(0, order)).reduce((sum, task) => sum + task.replicas, 0);
		return options.nodes[(before + pod.index) % options.nodes.length] ?? 'node-1';
	}

	function bind(pod: PodState, at: number, emit: (emission: Emission) => void): void {
		if (pod.node !== undefined) return;
		pod.node = nodeFor(pod);
		pod.boundAt = at;
		pod.ip = podIp();
		delete pod.unschedulable;
		emit({ref: podRef(pod), reason: 'Scheduled', message: `Successfully assigned ${job!.namespace}/${pod.name} to ${pod.node}`, type: 'Normal', component: scheduler});
		// A failing pull is reported with each attempt (see repetitions).
		if (!script(pod).imagePresent && !script(pod).imagePullError) {
			for (const container of pod.containers) {
				emit({ref: podRef(pod, container), reason: 'Pulling', message: `Pulling image "${container.image}"`, type: 'Normal', component: kubelet, host: pod.node});
			}
		}
	}

	function start(pod: PodState, at: number, emit: (emission: Emission) => void): void {
		if (pod.runningAt !== undefined) return;
		pod.runningAt = at;
		const pulledFor = (at - (pod.boundAt ?? at)) * options.speed;
		delete pod.pull;
		for (const container of pod.containers) {
			const host = pod.node;
			const pulled =
				script(pod).imagePresent || pulledFor < 1
					? `Container image "${container.image}" already present on machine`
					: `Successfully pulled image "${container.image}" in ${goDuration(pulledFor)} (${goDuration(pulledFor)} including waiting). Image size: ${imageSize(container.image)} bytes.`;
			emit({ref: podRef(pod, container), reason: 'Pulled', message: pulled, type: 'Normal', component: kubelet, ...(host ? {host} : {})});
			emit({ref: podRef(pod, container), reason: 'Created', message: `Created container: ${container.name}`, type: 'Normal', component: kubelet, ...(host ? {host} : {})});
			emit({ref: podRef(pod, container), reason: 'Started', message: `Started container ${container.name}`, type: 'Normal', component: kubelet, ...(host ? {host} : {})});
		}
	}

	// The crash loop, if any, ends at `at`: what it reached is kept.
	function settleCrash(pod: PodState, at: number): void {
		if (!pod.crash) return;
		const view = crashView(pod, at);
		pod.restarts = view.restartCount;
		if (view.last) pod.lastExit = view.last;
		pod.runningAt = view.runningSince ?? pod.runningAt;
		delete pod.crash;
	}

	function finish(pod: PodState, phase: 'Succeeded' | 'Failed', at: number): void {
		if (pod.finishedAt !== undefined) return;
		settleCrash(pod, at);
		pod.finishedAt = at;
		pod.runningAt ??= at;
		pod.exit = phase === 'Succeeded' ? {reason: 'Completed', exitCode: 0} : (script(pod).exit ?? {reason: 'Error', exitCode: 1});
	}

	function reconcilePods(at: number, emit: (emission: Emission) => void): void {
		const current = job!;
		const desired = desiredPhases(current);
		const previous = new Map(pods.map(pod => [pod.uid, pod.phase]));
		const kept: PodState[] = [];
		const leaving: PodState[] = [];
		const alive = new Map(pods.filter(pod => pod.deletingAt === undefined).map(pod => [`${pod.task}-${pod.index}`, pod]));
		const stillDeleting = pods.filter(pod => pod.deletingAt !== undefined);

		for (const [task, phases] of desired) {
			for (const [index, phase] of phases.entries()) {
				const existing = alive.get(`${task}-${index}`);
				if (existing && canBecome(existing.phase, phase)) {
					alive.delete(`${task}-${index}`);
					existing.phase = phase;
					kept.push(existing);
				} else {
					kept.push(newPod(task, index, phase, at));
				}
			}
		}

		// Pods no longer wanted alive: some are being deleted (status.terminating counts them), the rest are gone.
		const terminating = current.counters['terminating'] ?? 0;
		const deleting = stillDeleting.filter(pod => !kept.some(other => other.name === pod.name)).slice(0, terminating);
		for (const pod of alive.values()) {
			if (deleting.length >= terminating) break;
			if (kept.some(other => other.name === pod.name)) continue;
			pod.deletingAt = at;
			settleCrash(pod, at);
			deleting.push(pod);
			leaving.push(pod);
		}

		// Entered mid-way (goTo): pods that must be on their way out although none was seen alive.
		for (const task of current.tasks) {
			for (let index = 0; index < task.replicas && deleting.length < terminating; index++) {
				const name = `${current.name}-${task.name}-${index}`;
				if (kept.some(pod => pod.name === name) || deleting.some(pod => pod.name === name)) continue;
				const pod = newPod(task.name, index, 'Running', at);
				pod.node = nodeFor(pod);
				pod.boundAt = at;
				pod.runningAt = at;
				pod.ip = podIp();
				pod.deletingAt = at;
				deleting.push(pod);
			}
		}

		pods = [...kept, ...deleting].sort((a, b) => a.name.localeCompare(b.name));

		// The kubelet stops the containers it still runs; a pod never bound has none.
		for (const pod of leaving) {
			if (pod.node !== undefined && (pod.phase === 'Running' || pod.phase === 'Pending' || pod.phase === 'Unknown')) {
				for (const container of pod.containers) {
					emit({ref: podRef(pod, container), reason: 'Killing', message: `Stopping container ${container.name}`, type: 'Normal', component: kubelet, ...(pod.node ? {host: pod.node} : {})});
				}
			}
		}

		for (const pod of kept) {
			const own = script(pod);
			switch (pod.phase) {
				case 'Pending': {
					if (hints.unschedulable && pod.node === undefined) {
						if (pod.unschedulable?.message !== hints.unschedulable.fitError) {
							pod.unschedulable = {since: at, message: hints.unschedulable.fitError};
						}
					} else if (!hints.unbound) {
						bind(pod, at, emit);
					}

					if (own.imagePullError && pod.node !== undefined) {
						if (pod.pull?.error !== own.imagePullError) {
							pod.pull = {since: at, error: own.imagePullError, every: scaled(pullRetryMs), errorFor: scaled(errImagePullMs)};
						}
					} else {
						delete pod.pull;
					}

					break;
				}

				case 'Running':
				case 'Unknown': {
					bind(pod, at, emit);
					start(pod, at, emit);
					if (own.restartEveryMs && pod.phase === 'Running') {
						if (pod.crash?.every !== scaled(own.restartEveryMs)) {
							settleCrash(pod, at);
							pod.crash = {since: at, every: scaled(own.restartEveryMs), exit: own.exit ?? {reason: 'Error', exitCode: 1}, base: pod.restarts};
						}
					} else {
						settleCrash(pod, at);
					}

					break;
				}

				case 'Succeeded':
				case 'Failed': {
					bind(pod, at, emit);
					start(pod, at, emit);
					finish(pod, pod.phase, at);
					break;
				}
			}
		}

		// The controller acts on the policies as pods fail and tasks complete; on the kill path it is already acting.
		if (killPathPhases.has(current.phase)) return;
		for (const pod of kept) {
			const before = previous.get(pod.uid);
			if (pod.phase === 'Failed' && before !== 'Failed') {
				const action = policyAction(current, pod.task, 'PodFailed');
				if (action) emit({ref: jobRef(), reason: 'ExecuteAction', message: `Start to execute action ${action} `, type: 'Normal', component: controller});
			}
		}

		for (const task of current.tasks) {
			const own = kept.filter(pod => pod.task === task.name);
			const done = own.length >= task.replicas && own.every(pod => pod.phase === 'Succeeded');
			const wasDone = own.length >= task.replicas && own.every(pod => previous.get(pod.uid) === 'Succeeded');
			if (done && !wasDone) {
				const action = policyAction(current, task.name, 'TaskCompleted');
				if (action) emit({ref: jobRef(), reason: 'ExecuteAction', message: `Start to execute action ${action} `, type: 'Normal', component: controller});
			}
		}
	}

	function reconcilePodGroup(at: number, emit: (emission: Emission) => void): void {
		const current = job!;
		if (current.phase === '' || killPathPhases.has(current.phase)) {
			// killJob deletes the PodGroup; the next Pending creates a new one.
			podGroup = undefined;
			return;
		}

		podGroup ??= {name: podGroupName(current, options.legacyPodGroupName), uid: randomUUID(), createdAt: at, enqueued: false, conditions: []};
		const group = podGroup;
		if (pods.some(pod => pod.deletingAt === undefined)) group.enqueued = true;
		const scheduled = scheduledPods(pods) >= current.minAvailable;
		const latest = group.conditions.at(-1);
		if (scheduled && latest?.type !== 'Scheduled') {
			group.conditions = [
				...group.conditions.filter(condition => condition.type !== 'Scheduled'),
				{type: 'Scheduled', transitionID: randomUUID(), lastTransitionTime: at, reason: 'tasks in gang are ready to be scheduled', message: ''},
			];
			emit({ref: podGroupRef(group), reason: 'Scheduled', message: 'pod group is ready', type: 'Normal', component: scheduler});
		} else if (!scheduled && hints.unschedulable) {
			const message = gangMessage(current, pods, hints.unschedulable.fitError);
			if (latest?.type !== 'Unschedulable' || latest.message !== message) {
				group.conditions = [
					...group.conditions.filter(condition => condition.type !== 'Unschedulable'),
					{type: 'Unschedulable', transitionID: randomUUID(), lastTransitionTime: at, reason: 'NotEnoughResources', message},
				];
			}
		}
	}

	// What keeps happening in this state, until a later step ends it.
	function repetitions(at: number): Repetition[] {
		const current = job!;
		const wanted: Repetition[] = [];
		const group = podGroup;
		const unschedulable = group?.conditions.at(-1);
		if (group && hints.unschedulable && unschedulable?.type === 'Unschedulable') {
			const every = scaled(gangRetryMs);
			const pending = pods.filter(pod => pod.deletingAt === undefined && pod.phase === 'Pending' && pod.node === undefined);
			const {fitError} = hints.unschedulable;
			const live = pods.filter(pod => pod.deletingAt === undefined);
			wanted.push(
				{
					ref: podGroupRef(group),
					reason: 'Unschedulable',
					message: `${pending.length}/${live.length} tasks in gang unschedulable: ${fitErrorOf(current, pods, fitError)}`,
					type: 'Warning',
					component: scheduler,
					start: at,
					every,
				},
				{
					ref: jobRef(),
					reason: 'PodGroupPending',
					message: options.legacyPodGroupName
						? `PodGroup ${current.namespace}:${current.name} unschedule,reason: ${unschedulable.message}`
						: `PodGroup ${current.namespace}:${current.name} unschedulable, reason: ${unschedulable.message}`,
					type: 'Warning',
					component: controller,
					start: at,
					every,
				},
				...pending.map(pod => ({
					ref: podRef(pod),
					reason: 'FailedScheduling',
					message: pod.unschedulable?.message ?? fitError,
					type: 'Warning' as const,
					component: scheduler,
					start: at,
					every,
				})),
			);
		}

		for (const pod of pods) {
			if (pod.deletingAt !== undefined) continue;
			const host = pod.node ? {host: pod.node} : {};
			if (pod.pull) {
				const {since, error} = pod.pull;
				for (const container of pod.containers) {
					const ref = podRef(pod, container);
					const image = `"${container.image}"`;
					const pull = {ref, component: kubelet, ...host, start: since, every: scaled(pullRetryMs)};
					const backOff = {ref, component: kubelet, ...host, start: since + scaled(errImagePullMs), every: scaled(pullBackOffEventMs)};
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
					const ref = podRef(pod, container);
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

	function record(emission: Emission, at: number): EventRecord {
		const key = eventKey(emission);
		let entry = events.get(key);
		if (!entry) {
			entry = {
				...emission,
				name: `${emission.ref.name}.${(BigInt(Math.round(at)) * 1_000_000n + BigInt(eventSequence++ % 1_000_000)).toString(16)}`,
				uid: randomUUID(),
				involvedVersion: emission.ref.resourceVersion ?? versions.get(emission.ref.uid)?.version,
				count: 0,
			};
			events.set(key, entry);
		}

		return entry;
	}

	function settle(entry: EventRecord, at: number): void {
		if (!entry.repeat) return;
		const seen = occurrences(entry.repeat, at);
		if (seen > 0) {
			entry.first ??= entry.repeat.start;
			entry.last = entry.repeat.start + (seen - 1) * entry.repeat.every;
			entry.count += seen;
		}

		delete entry.repeat;
	}

	function stampAll(at: number): void {
		renderPods(at);
		renderPodGroups();
	}

	function renderPods(now: number): Rendered[] {
		if (!job) return [];
		const current = job;
		return pods.map(pod => {
			const rendered = renderPod(pod, current, now);
			stamp('pods', pod.uid, rendered);
			return rendered;
		});
	}

	function renderPodGroups(): Rendered[] {
		if (!job || !podGroup) return [];
		const rendered = renderPodGroup(podGroup, job, pods);
		stamp('podgroups', podGroup.uid, rendered);
		return [rendered];
	}

	return {
		enter(document, step, at) {
			const next = document === undefined ? undefined : readJob(document);
			if (!next || next.uid !== job?.uid) reset();
			if (!next) return;
			job = next;
			hints = step ?? {};
			const emissions: Emission[] = [];
			const emit = (emission: Emission) => emissions.push(emission);
			if (next.phase === '') {
				pods = [];
			} else {
				reconcilePods(at, emit);
			}

			reconcilePodGroup(at, emit);
			// Objects first get their new versions, so that each event names the version it is about.
			stampAll(at);
			const wanted = new Map(repetitions(at).map(repetition => [eventKey(repetition), repetition]));
			for (const [key, entry] of events) {
				if (entry.repeat && !wanted.has(key)) settle(entry, at);
			}

			for (const emission of emissions) {
				const entry = record(emission, at);
				entry.first ??= at;
				entry.last = at;
				entry.count++;
			}

			for (const repetition of wanted.values()) {
				const entry = record(repetition, at);
				entry.repeat ??= {start: repetition.start, every: repetition.every};
			}
		},
		pods: renderPods,
		podGroups: () => renderPodGroups(),
		events(now) {
			const rendered: Rendered[] = [];
			for (const entry of events.values()) {
				const count = entry.count + (entry.repeat ? occurrences(entry.repeat, now) : 0);
				if (count === 0) continue;
				const event = renderEvent(entry, count, now);
				stamp('events', entry.uid, event);
				rendered.push(event);
			}

			return rendered.sort((a, b) => String(a.fields['metadata.name']).localeCompare(String(b.fields['metadata.name'])));
		},
	};
}

// The scheduler's summary of a gang (JobInfo.FitError): task states with minAvailable, sorted as strings, then the
// reasons of the pending ones and the verdict on the nodes of the first of them.
function fitErrorOf(job: JobView, pods: readonly PodState[], fitError: string): string {
	const live = pods.filter(pod => pod.deletingAt === undefined);
	const states = new Map<string, number>();
	for (const pod of live) {
		const state = pod.phase === 'Pending' ? (pod.node === undefined ? 'Pending' : 'Bound') : pod.phase;
		states.set(state, (states.get(state) ?? 0) + 1);
	}

	states.set('minAvailable', job.minAvailable);
	const histogram = [...states].map(([state, count]) => `${count} ${state}`).sort();
	const ready = scheduledPods(pods) >= job.minAvailable;
	let message = `${ready ? 'pod group is ready' : 'pod group is not ready'}, ${histogram.join(', ')}`;
	const pending = live.filter(pod => pod.phase === 'Pending' && pod.node === undefined);
	if (pending.length > 0) message += `; Pending: ${pending.length} Unschedulable`;
	if (pending.length > 0 && fitError) message += `. Origin reason is ${pending[0]!.name}: ${fitError}`;
	return message;
}

function gangMessage(job: JobView, pods: readonly PodState[], fitError: string): string {
	const live = pods.filter(pod => pod.deletingAt === undefined);
	const unready = Math.max(0, job.minAvailable - scheduledPods(pods));
	return `${unready}/${live.length} tasks in gang unschedulable: ${fitErrorOf(job, pods, fitError)}`;
}

function imageSize(image: string): number {
	let hash = 0;
	for (const character of image) hash = (hash * 31 + character.codePointAt(0)!) % 100_000_000;
	return 80_000_000 + hash;
}
