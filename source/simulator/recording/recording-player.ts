import type {RecordedEntry, RecordedLog, Recording} from '../../model/recording.js';
import type {Now} from '../apiserver/clock.js';
import {kinds, type CollectionResource} from '../apiserver/kinds.js';
import type {ObjectStore} from '../apiserver/object-store.js';
import {storeRendered} from '../cluster-api.js';
import {createRecordedLogs, type RecordedLogs} from './recorded-logs.js';
import type {Scenario} from '../scenarios.js';

// Serves a recording (`vcjob-watch replay`): the job, its pods, PodGroup and events written into the API server's
// stores at their recorded times (divided by the speed), each a new resourceVersion of the simulator's own, so
// lists, watches and GETs answer as for any object. Nothing is derived: the cluster model stays out of it.

export type RecordingPlayerOptions = {
	readonly recording: Recording;
	readonly stores: Readonly<Record<CollectionResource, ObjectStore>>;
	readonly now: Now;
	/** Real milliseconds are simulated ones divided by this. */
	readonly speed: number;
};

export type RecordingPlayer = {
	/** Writes what was seen first; the rest waits for begin(). */
	start(): void;
	/**
	 * Starts the recording's clock: the rest is written at its time from now. The server calls it at the first
	 * request, as the recording's times count from the program's first look: a program that takes a while to
	 * start (a busy machine) still sees the versions it saw live, first one included.
	 */
	begin(): void;
	/** Writes what has fallen due on the clock (it may be injected). */
	tick(): void;
	/** The pod logs the program read, served from their recorded times. */
	readonly logs: Pick<RecordedLogs, 'serve'>;
	close(): void;
};

/** The scenario a recording stands in for: its job's name and namespace, and nothing the player would write. */
export function recordedScenario(recording: Recording): Scenario {
	const {namespace, name} = recording.header;
	return {
		name: 'recording',
		description: `a recording of ${namespace}/${name}`,
		namespace,
		jobName: name,
		steps: [{holdMs: 0, job: 'absent'}],
	};
}

function valueAt(object: Readonly<Record<string, unknown>>, path: string): unknown {
	let value: unknown = object;
	for (const key of path.split('.')) {
		value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
	}

	return value;
}

function labelsOf(object: Readonly<Record<string, unknown>>): Record<string, string> {
	const labels = valueAt(object, 'metadata.labels');
	if (typeof labels !== 'object' || labels === null) return {};
	return Object.fromEntries(Object.entries(labels).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** What field selectors look at, read off the object (an event's involvedObject.name above all). */
function fieldsOf(resource: 'pods' | 'events' | 'podgroups', object: Readonly<Record<string, unknown>>, namespace: string): Record<string, string> {
	const fields: Record<string, string> = {};
	for (const field of kinds[resource].fields) {
		const value = valueAt(object, field);
		if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') fields[field] = String(value);
	}

	return {...fields, 'metadata.namespace': namespace, 'metadata.name': String(valueAt(object, 'metadata.name') ?? '')};
}

function itemsOf(list: Readonly<Record<string, unknown>>): Array<Record<string, unknown>> {
	const items = list['items'];
	return Array.isArray(items) ? items.filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null) : [];
}

export function createRecordingPlayer(options: RecordingPlayerOptions): RecordingPlayer {
	const {recording, stores, now, speed} = options;
	const {namespace, name} = recording.header;
	const {entries} = recording;
	// Times count from the first line: what the program saw first is there as the replay starts (a --once look).
	const firstAt = entries[0]?.at ?? 0;
	let startedAt = 0;
	let begun = false;
	let next = 0;
	let timer: NodeJS.Timeout | undefined;
	let closed = false;
	const logs = createRecordedLogs({namespace, pods: stores.pods, all: entries.filter((entry): entry is RecordedLog => entry.kind === 'log')});

	function store(resource: 'pods' | 'events' | 'podgroups', object: Record<string, unknown>): string {
		return storeRendered(stores[resource], resource, {body: object, labels: labelsOf(object), fields: fieldsOf(resource, object, namespace)});
	}

	function play(entry: RecordedEntry): void {
		switch (entry.kind) {
			case 'job': {
				const {object} = entry;
				const uid = String(valueAt(object, 'metadata.uid') ?? '');
				const key = JSON.stringify({...object, metadata: {...(object['metadata'] as object), resourceVersion: ''}});
				const existing = stores.jobs.get(namespace, name);
				if (existing?.uid === uid && existing.key === key) return;
				stores.jobs.write(namespace, name, uid, resourceVersion => ({...object, metadata: {...(object['metadata'] as object), resourceVersion}}), {
					keepObject: true,
					key,
				});
				return;
			}

			case 'job-gone': {
				stores.jobs.remove(namespace, name);
				return;
			}

			case 'pods': {
				// A pod list is the job's pods at that time: those not in it are gone.
				const items = itemsOf(entry.object);
				const present = new Set(items.map(item => String(valueAt(item, 'metadata.name') ?? '')));
				for (const pod of stores.pods.list(namespace)) {
					if (!present.has(pod.name)) stores.pods.remove(namespace, pod.name);
				}

				for (const item of items) store('pods', item);
				return;
			}

			case 'podgroup': {
				// One PodGroup a job: a re-created job's has another name, and the old one went with it.
				const written = String(valueAt(entry.object, 'metadata.name') ?? '');
				for (const group of stores.podgroups.list(namespace)) {
					if (group.name !== written) stores.podgroups.remove(namespace, group.name);
				}

				store('podgroups', entry.object);
				return;
			}

			case 'podgroup-gone': {
				for (const group of stores.podgroups.list(namespace)) stores.podgroups.remove(namespace, group.name);
				return;
			}

			case 'events': {
				// Events age out on their own: one missing from a later list is not taken away.
				for (const item of itemsOf(entry.object)) store('events', item);
				return;
			}

			case 'log': {
				logs.add(entry);
			}
		}
	}

	const dueAt = (entry: RecordedEntry) => startedAt + Math.max(0, entry.at - firstAt);

	function arm(): void {
		clearTimeout(timer);
		timer = undefined;
		const entry = entries[next];
		if (!entry || closed || !begun) return;
		timer = setTimeout(tick, Math.max(1, (dueAt(entry) - now()) / speed));
		timer.unref();
	}

	function tick(): void {
		if (closed) return;
		// Before begin(), only what was seen first: the clock has not started.
		const at = begun ? now() : startedAt;
		// In the file's order: a line written before another is served before it, whatever its time says.
		while (next < entries.length && dueAt(entries[next]!) <= at) {
			play(entries[next]!);
			next++;
		}

		arm();
	}

	return {
		start() {
			startedAt = now();
			tick();
		},
		begin() {
			if (begun || closed) return;
			begun = true;
			startedAt = now();
			tick();
		},
		tick,
		logs,
		close() {
			closed = true;
			clearTimeout(timer);
			logs.close();
		},
	};
}
