import type {Container, PodPhase} from './pods/pod-state.js';

// The job's document, whichever Volcano version wrote it, read into what the cluster model needs; and the names
// the cluster derives from the job.

type Policy = {readonly event?: string; readonly events?: readonly string[]; readonly action?: string};
type TaskView = {
	readonly name: string;
	readonly replicas: number;
	readonly minAvailable?: number;
	readonly containers: readonly Container[];
	readonly policies: readonly Policy[];
	readonly restartPolicy?: string;
};

/** What the cluster needs to know of the job, read from the document served for it. */
export type JobView = {
	readonly name: string;
	readonly namespace: string;
	readonly uid: string;
	readonly resourceVersion?: string;
	readonly labels?: Readonly<Record<string, string>>;
	readonly phase: string;
	readonly minAvailable: number;
	readonly queue: string;
	readonly priorityClassName?: string;
	readonly tasks: readonly TaskView[];
	readonly policies: readonly Policy[];
	readonly counters: Readonly<Record<string, number>>;
	readonly taskStatusCount?: Readonly<Record<string, Partial<Record<PodPhase, number>>>>;
	readonly version: number;
	readonly retryCount: number;
};

function record(value: unknown): Readonly<Record<string, unknown>> {
	return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function list(value: unknown): readonly unknown[] {
	return Array.isArray(value) ? value : [];
}

function text(value: unknown): string | undefined {
	return typeof value === 'string' ? value : undefined;
}

function count(value: unknown): number {
	return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

function strings(value: unknown): Record<string, string> {
	return Object.fromEntries(Object.entries(record(value)).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** The job as the cluster sees it; undefined when the document is no job (no name or uid). */
export function readJob(document: unknown): JobView | undefined {
	const job = record(document);
	const metadata = record(job['metadata']);
	const spec = record(job['spec']);
	const status = record(job['status']);
	const name = text(metadata['name']);
	const uid = text(metadata['uid']);
	if (!name || !uid) return undefined;
	const tasks = list(spec['tasks']).map((value, index): TaskView => {
		const task = record(value);
		const template = record(task['template']);
		const podSpec = record(template['spec']);
		const taskName = text(record(template['metadata'])['name']) ?? text(task['name']) ?? `task${index}`;
		const containers = list(podSpec['containers']).map((item, position): Container => {
			const container = record(item);
			const resources = record(container['resources']);
			return {
				name: text(container['name']) ?? `container-${position}`,
				image: text(container['image']) ?? '',
				requests: strings(resources['requests']),
				limits: strings(resources['limits']),
			};
		});
		const restartPolicy = text(podSpec['restartPolicy']);
		const minAvailable = typeof task['minAvailable'] === 'number' ? count(task['minAvailable']) : undefined;
		return {
			name: taskName,
			replicas: count(task['replicas']),
			...(minAvailable === undefined ? {} : {minAvailable}),
			containers,
			policies: list(task['policies']).map(policy => record(policy) as Policy),
			...(restartPolicy ? {restartPolicy} : {}),
		};
	});
	const taskStatusCount = Object.fromEntries(
		Object.entries(record(status['taskStatusCount'])).map(([task, value]) => [
			task,
			Object.fromEntries(Object.entries(record(record(value)['phase'])).map(([phase, number]) => [phase, count(number)])),
		]),
	);
	const labels = strings(metadata['labels']);
	const priorityClassName = text(spec['priorityClassName']);
	return {
		name,
		namespace: text(metadata['namespace']) ?? 'default',
		uid,
		...(text(metadata['resourceVersion']) ? {resourceVersion: text(metadata['resourceVersion'])!} : {}),
		...(Object.keys(labels).length > 0 ? {labels} : {}),
		phase: text(record(status['state'])['phase']) ?? '',
		minAvailable: count(spec['minAvailable']),
		queue: text(spec['queue']) ?? 'default',
		...(priorityClassName ? {priorityClassName} : {}),
		tasks,
		policies: list(spec['policies']).map(policy => record(policy) as Policy),
		// Volcano v0.1 spelled Succeeded with a capital S.
		counters: Object.fromEntries(
			['pending', 'running', 'succeeded', 'failed', 'terminating', 'unknown'].map(name => [
				name,
				count(status[name] ?? status[name[0]!.toUpperCase() + name.slice(1)]),
			]),
		),
		...(Object.keys(taskStatusCount).length > 0 ? {taskStatusCount} : {}),
		version: count(status['version']),
		retryCount: count(status['retryCount']),
	};
}

/** `<job>-<job uid>` since Volcano v1.6; `<job>` before. */
export function podGroupName(job: JobView, legacy: boolean): string {
	return legacy ? job.name : `${job.name}-${job.uid}`;
}

// Volcano runs killJob in these phases: pods are deleted and the PodGroup with them.
export const killPathPhases: ReadonlySet<string> = new Set([
	'Restarting',
	'Aborting',
	'Aborted',
	'Terminating',
	'Terminated',
	'Completing',
	'Completed',
	'Failed',
]);
