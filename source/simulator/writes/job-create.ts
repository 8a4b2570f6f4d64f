import {randomBytes, randomUUID} from 'node:crypto';
import type {ObjectStore} from '../apiserver/object-store.js';
import {kubeTime, type JobTemplate} from '../cluster/job-template.js';
import {statusBody} from '../faults.js';

// POST …/namespaces/{ns}/jobs as kube-apiserver with Volcano's admission webhooks answers it: the body decoded,
// generateName made into a name, Volcano's defaults applied (mutating webhook), its refusals (validating webhook)
// answered 422 with a cause each, an existing name 409, dryRun=All answered without storing. What is created is
// then played by the caller (server.ts) as the demo's job is.

type Reply = {readonly status: number; readonly body: unknown};
type Fields = Record<string, unknown>;

/** A job accepted for creation: what the played job is rendered from. */
export type AcceptedJob = {readonly namespace: string; readonly name: string; readonly template: JobTemplate};

export type CreateOutcome = {readonly reply: Reply} | {readonly accepted: AcceptedJob};

const group = 'batch.volcano.sh';
const apiVersion = `${group}/v1alpha1`;
// kube-apiserver's generated suffixes: 5 characters without vowels or look-alikes (k8s.io/apimachinery/pkg/util/rand).
const alphanums = 'bcdfghjklmnpqrstvwxz2456789';
const subdomain = /^[a-z\d](?:[-a-z\d]*[a-z\d])?(?:\.[a-z\d](?:[-a-z\d]*[a-z\d])?)*$/;

function record(value: unknown): Fields {
	return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : {};
}

function generatedName(prefix: string): string {
	const bytes = randomBytes(5);
	return `${prefix}${[...bytes].map(byte => alphanums[byte % alphanums.length]).join('')}`;
}

function badRequest(message: string): Reply {
	return {status: 400, body: statusBody(400, {message, reason: 'BadRequest'})};
}

type Cause = {readonly field: string; readonly value: unknown; readonly message: string};

function invalid(name: string, causes: readonly Cause[]): Reply {
	const shown = causes.map(cause => ({
		reason: 'FieldValueInvalid',
		message: `Invalid value: ${JSON.stringify(cause.value) ?? 'null'}: ${cause.message}`,
		field: cause.field,
	}));
	const list = shown.map(cause => `${cause.field}: ${cause.message}`);
	return {
		status: 422,
		body: statusBody(422, {
			reason: 'Invalid',
			message: `Job.${group} "${name}" is invalid: ${list.length === 1 ? list[0] : `[${list.join(', ')}]`}`,
			details: {name, group, kind: 'Job', causes: shown},
		}),
	};
}

type Task = Fields & {name: string; replicas: number; minAvailable: number};

/** Volcano's mutating webhook: task names, task minAvailable, the job's minAvailable, queue, scheduler, maxRetry. */
function withDefaults(spec: Fields): Fields & {tasks: Task[]; minAvailable: number} {
	const tasks = (Array.isArray(spec['tasks']) ? spec['tasks'] : []).map((value: unknown, index): Task => {
		const task = record(value);
		const replicas = typeof task['replicas'] === 'number' ? task['replicas'] : 0;
		return {
			...task,
			name: typeof task['name'] === 'string' && task['name'] !== '' ? task['name'] : `default${index}`,
			replicas,
			minAvailable: typeof task['minAvailable'] === 'number' ? task['minAvailable'] : replicas,
		};
	});
	const minAvailable = typeof spec['minAvailable'] === 'number' ? spec['minAvailable'] : tasks.reduce((sum, task) => sum + task.minAvailable, 0);
	return {
		...spec,
		queue: typeof spec['queue'] === 'string' && spec['queue'] !== '' ? spec['queue'] : 'default',
		schedulerName: typeof spec['schedulerName'] === 'string' && spec['schedulerName'] !== '' ? spec['schedulerName'] : 'volcano',
		maxRetry: typeof spec['maxRetry'] === 'number' ? spec['maxRetry'] : 3,
		minAvailable,
		tasks,
	};
}

/** What Volcano's validating webhook refuses, each with its field (validate_job.go's messages). */
function refusals(spec: Fields, defaulted: ReturnType<typeof withDefaults>): Cause[] {
	const causes: Cause[] = [];
	if (!Array.isArray(spec['tasks']) || spec['tasks'].length === 0) {
		causes.push({field: 'spec.tasks', value: spec['tasks'] ?? null, message: 'No task specified in job spec'});
	}

	if (defaulted.minAvailable < 0) causes.push({field: 'spec.minAvailable', value: defaulted.minAvailable, message: "job 'minAvailable' must be >= 0."});
	if (defaulted.maxRetry !== undefined && typeof defaulted.maxRetry === 'number' && defaulted.maxRetry < 0) {
		causes.push({field: 'spec.maxRetry', value: defaulted.maxRetry, message: "'maxRetry' cannot be less than zero."});
	}

	const seen = new Set<string>();
	let total = 0;
	for (const [index, task] of defaulted.tasks.entries()) {
		if (!Number.isInteger(task.replicas) || task.replicas < 0) {
			causes.push({field: `spec.tasks[${index}].replicas`, value: task.replicas, message: `'replicas' must be >= 0 in task: ${task.name}`});
		} else {
			total += task.replicas;
		}

		if (seen.has(task.name)) causes.push({field: `spec.tasks[${index}].name`, value: task.name, message: `duplicated task name ${task.name}`});
		seen.add(task.name);
		const containers = record(record(task['template'])['spec'])['containers'];
		if (!Array.isArray(containers) || containers.length === 0) {
			causes.push({field: `spec.tasks[${index}].template.spec.containers`, value: null, message: 'Required value'});
		}
	}

	if (defaulted.tasks.length > 0 && defaulted.minAvailable > total) {
		causes.push({field: 'spec.minAvailable', value: defaulted.minAvailable, message: "'minAvailable' should not be greater than total replicas in tasks"});
	}

	return causes;
}

/** The object a dry run answers with: as created, never stored (no resourceVersion, no status). */
function dryRunObject(job: AcceptedJob, at: Date): Fields {
	return {
		apiVersion,
		kind: 'Job',
		metadata: {
			name: job.name,
			namespace: job.namespace,
			uid: randomUUID(),
			generation: 1,
			creationTimestamp: kubeTime(at),
			...(Object.keys(job.template.labels).length > 0 ? {labels: job.template.labels} : {}),
		},
		spec: job.template.spec,
	};
}

/**
 * A create's answer, or the job to play when it is accepted (the caller stores it and answers 201 with it).
 * `text` is the request's body; `forbidden`: the user may not create jobs (403).
 */
export function createJob(
	namespace: string,
	text: string,
	query: URLSearchParams,
	options: {readonly jobs: ObjectStore; readonly forbidden: boolean; readonly user: string},
): CreateOutcome {
	if (options.forbidden) {
		return {
			reply: {
				status: 403,
				body: statusBody(403, {
					message: `jobs.${group} is forbidden: User "${options.user}" cannot create resource "jobs" in API group "${group}" in the namespace "${namespace}"`,
					details: {group, kind: 'jobs'},
				}),
			},
		};
	}

	let body: Fields;
	try {
		const value: unknown = JSON.parse(text);
		if (typeof value !== 'object' || value === null || Array.isArray(value)) return {reply: badRequest('the body is not a JSON object')};
		body = value as Fields;
	} catch {
		return {reply: badRequest('the body of the request was in an unknown format - accepted media types include: application/json')};
	}

	if (body['apiVersion'] !== apiVersion || body['kind'] !== 'Job') {
		return {reply: badRequest(`the API version in the data (${String(body['apiVersion'])}) does not match the expected API version (${apiVersion}), or the kind (${String(body['kind'])}) is not Job`)};
	}

	const metadata = record(body['metadata']);
	if (metadata['namespace'] !== undefined && metadata['namespace'] !== namespace) {
		return {reply: badRequest('the namespace of the provided object does not match the namespace sent on the request')};
	}

	const dryRun = query.get('dryRun');
	if (dryRun !== null && dryRun !== 'All') return {reply: badRequest(`Invalid dry run value: ${dryRun} (only "All" is supported)`)};
	const prefix = typeof metadata['generateName'] === 'string' ? metadata['generateName'] : '';
	const name = typeof metadata['name'] === 'string' && metadata['name'] !== '' ? metadata['name'] : prefix === '' ? '' : generatedName(prefix);
	if (name === '' || name.length > 253 || !subdomain.test(name)) {
		return {
			reply: {
				status: 422,
				body: statusBody(422, {
					reason: 'Invalid',
					message: `Job.${group} "${name}" is invalid: metadata.name: ${name === '' ? 'Required value: name or generateName is required' : 'Invalid value: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\''}`,
					details: {name, group, kind: 'Job', causes: [{reason: name === '' ? 'FieldValueRequired' : 'FieldValueInvalid', message: name === '' ? 'Required value: name or generateName is required' : 'Invalid value', field: 'metadata.name'}]},
				}),
			},
		};
	}

	const spec = record(body['spec']);
	const defaulted = withDefaults(spec);
	const causes = refusals(spec, defaulted);
	if (causes.length > 0) return {reply: invalid(name, causes)};
	if (options.jobs.get(namespace, name)) {
		return {
			reply: {
				status: 409,
				body: statusBody(409, {reason: 'AlreadyExists', message: `jobs.${group} "${name}" already exists`, details: {name, group, kind: 'jobs'}}),
			},
		};
	}

	const labels = Object.fromEntries(Object.entries(record(metadata['labels'])).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
	const accepted: AcceptedJob = {namespace, name, template: {spec: defaulted, labels}};
	// A dry run ends with the object as it would be created: checked, defaulted, named, never stored.
	if (dryRun === 'All') return {reply: {status: 201, body: dryRunObject(accepted, new Date())}};

	return {accepted};
}

/** Reads a request's body, at most 1 MiB (kube-apiserver's limit is 3 MiB; a job is a few KiB). */
export async function readBody(request: NodeJS.ReadableStream): Promise<string | undefined> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of request) {
		const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
		size += buffer.length;
		if (size > 1024 * 1024) return undefined;
		chunks.push(buffer);
	}

	return Buffer.concat(chunks).toString('utf8');
}

export type CreateRoute = {
	readonly jobs: ObjectStore;
	/** The user may not create jobs: 403. */
	readonly forbidden: boolean;
	readonly user: string;
	/** Stores and plays an accepted job; returns it as first stored. */
	readonly play: (job: AcceptedJob) => unknown;
};

/** Answers a POST of a job to a namespace's jobs: 201 with the job as stored, or the refusal. */
export function serveJobCreate(namespace: string, request: NodeJS.ReadableStream, query: URLSearchParams, route: CreateRoute, send: (reply: Reply) => void): void {
	void readBody(request).then(
		text => {
			if (text === undefined) {
				send({status: 413, body: statusBody(413, {message: 'Request entity too large: limit is 1048576'})});
				return;
			}

			const outcome = createJob(namespace, text, query, {jobs: route.jobs, forbidden: route.forbidden, user: route.user});
			send('reply' in outcome ? outcome.reply : {status: 201, body: route.play(outcome.accepted)});
		},
		() => {
			// The client went away mid-body: nothing to answer.
		},
	);
}
