import {phaseKind} from '../phase.js';
import {sanitize, sanitizeOptional} from '../../common/sanitize.js';
import {
	counterNames,
	type Condition,
	type Counters,
	type Job,
	type JobSummary,
	type Policy,
	type RawJob,
	type RawPolicy,
	type RawTask,
	type Task,
} from '../job.js';
import {asArray, asRecord, count, maxListLength, optionalCount, type UnknownRecord} from '../wire.js';

// Kubernetes names are at most 253 characters; longer text from a server is cut, not trusted.
const maxNameLength = 253;
const maxConditions = 50;

function normalizePolicy(value: unknown): Policy | undefined {
	const raw = asRecord(value) as RawPolicy | undefined;
	if (!raw) {
		return undefined;
	}

	const events = asArray(raw.events)
		.map(event => sanitizeOptional(event, 64))
		.filter((event): event is string => event !== undefined);
	const event = sanitizeOptional(raw.event, 64);
	const exitCode = typeof raw.exitCode === 'number' ? `exitCode ${raw.exitCode}` : undefined;
	const trigger = event ?? (events.length > 0 ? events.join(', ') : undefined) ?? exitCode ?? '*';
	const timeout = sanitizeOptional(raw.timeout, 32);
	return {
		trigger,
		action: sanitizeOptional(raw.action, 64) ?? '(none)',
		...(timeout === undefined ? {} : {timeout}),
	};
}

function normalizePolicies(value: unknown): Policy[] {
	return asArray(value)
		.map(policy => normalizePolicy(policy))
		.filter((policy): policy is Policy => policy !== undefined);
}

function podsByPhase(value: unknown): Record<string, number> {
	const phases = asRecord(asRecord(value)?.['phase']) ?? {};
	const pods: Record<string, number> = {};
	for (const [phase, n] of Object.entries(phases).slice(0, 20)) {
		const amount = count(n);
		if (amount > 0) {
			pods[sanitize(phase, 32)] = amount;
		}
	}

	return pods;
}

function normalizeTask(value: unknown, index: number, taskStatusCount: UnknownRecord): Task {
	const raw = (asRecord(value) ?? {}) as RawTask;
	const rawName = typeof raw.name === 'string' ? raw.name : undefined;
	const name = sanitizeOptional(rawName, maxNameLength) ?? `task-${index}`;
	const containers = asArray(asRecord(asRecord(raw.template)?.['spec'])?.['containers']);
	const images = containers
		.map(container => sanitizeOptional(asRecord(container)?.['image'], maxNameLength))
		.filter((image): image is string => image !== undefined);
	const minAvailable = optionalCount(raw.minAvailable);
	return {
		name,
		replicas: count(raw.replicas),
		...(minAvailable === undefined ? {} : {minAvailable}),
		images,
		pods: rawName === undefined || !Object.hasOwn(taskStatusCount, rawName) ? {} : podsByPhase(taskStatusCount[rawName]),
		policies: normalizePolicies(raw.policies),
	};
}

/** status.conditions without the repeats that Volcano before 1.15.1 appended on every status write. */
function normalizeConditions(value: unknown): Condition[] {
	const conditions: Condition[] = [];
	// The newest entries matter (time in phase), and old Volcano lets the list grow without bound.
	const entries = Array.isArray(value) ? value.slice(-maxListLength * 10) : [];
	for (const entry of entries) {
		const raw = asRecord(entry);
		const phase = sanitizeOptional(raw?.['status'], 64);
		if (phase === undefined || conditions.at(-1)?.phase === phase) {
			continue;
		}

		const at = sanitizeOptional(raw?.['lastTransitionTime'], 64);
		conditions.push(at === undefined ? {phase} : {phase, at});
	}

	return conditions.slice(-maxConditions);
}

function stringMap(value: unknown): Record<string, string> {
	const map: Record<string, string> = {};
	for (const [key, entry] of Object.entries(asRecord(value) ?? {}).slice(0, 50)) {
		map[sanitize(key, 64)] = sanitizeOptional(entry, maxNameLength) ?? '';
	}

	return map;
}

/**
 * The fields a table of many jobs shows, from the raw object: what normalizeJob reads first, without the
 * tasks, policies and conditions (the costly part of a job with many tasks). Never throws.
 */
export function normalizeJobSummary(value: unknown, fallback: {namespace: string; name: string}): JobSummary {
	const raw = (asRecord(value) ?? {}) as RawJob;
	const metadata = asRecord(raw.metadata) ?? {};
	const spec = asRecord(raw.spec) ?? {};
	const status = asRecord(raw.status) ?? {};
	const state = asRecord(status['state']) ?? {};

	const counters = Object.fromEntries(counterNames.map(name => [name, count(status[name])])) as Counters;
	if (status['succeeded'] === undefined) {
		counters.succeeded = count(status['Succeeded']);
	}

	const phase = sanitizeOptional(state['phase'], 64) ?? '';
	const optional = {
		creationTimestamp: sanitizeOptional(metadata['creationTimestamp'], 64),
		deletionTimestamp: sanitizeOptional(metadata['deletionTimestamp'], 64),
		queue: sanitizeOptional(spec['queue'], maxNameLength),
		minAvailable: optionalCount(spec['minAvailable'] ?? status['minAvailable']),
		reason: sanitizeOptional(state['reason'], 128),
	};

	return {
		namespace: sanitizeOptional(metadata['namespace'], maxNameLength) ?? fallback.namespace,
		name: sanitizeOptional(metadata['name'], maxNameLength) ?? fallback.name,
		uid: sanitizeOptional(metadata['uid'], 64) ?? '',
		resourceVersion: sanitizeOptional(metadata['resourceVersion'], 64) ?? '',
		...(Object.fromEntries(Object.entries(optional).filter(([, entry]) => entry !== undefined)) as Partial<JobSummary>),
		maxRetry: optionalCount(spec['maxRetry']) ?? 3,
		phase,
		phaseKind: phaseKind(phase),
		counters,
		retryCount: count(status['retryCount']),
	};
}

/**
 * The raw object from the server, of any shape, as the view the program shows. Never throws: missing
 * status, omitted zero counters, old spellings, nulls and unknown phases all come out as something to show.
 * `fallback` names the job when the object does not.
 */
export function normalizeJob(value: unknown, fallback: {namespace: string; name: string}): Job {
	const raw = (asRecord(value) ?? {}) as RawJob;
	const spec = asRecord(raw.spec) ?? {};
	const status = asRecord(raw.status) ?? {};
	const state = asRecord(status['state']) ?? {};
	const taskStatusCount = asRecord(status['taskStatusCount']) ?? {};
	const optional = {
		minSuccess: optionalCount(spec['minSuccess']),
		message: sanitizeOptional(state['message'], 1000),
		lastTransitionTime: sanitizeOptional(state['lastTransitionTime'], 64),
		runningDuration: sanitizeOptional(status['runningDuration'], 64),
	};

	return {
		...normalizeJobSummary(raw, fallback),
		...(Object.fromEntries(Object.entries(optional).filter(([, entry]) => entry !== undefined)) as Partial<Job>),
		version: count(status['version']),
		tasks: asArray(spec['tasks']).map((task, index) => normalizeTask(task, index, taskStatusCount)),
		policies: normalizePolicies(spec['policies']),
		plugins: Object.keys(asRecord(spec['plugins']) ?? {})
			.slice(0, 20)
			.map(plugin => sanitize(plugin, 32)),
		controlledResources: stringMap(status['controlledResources'] ?? status['ControlledResources']),
		conditions: normalizeConditions(status['conditions']),
	};
}
