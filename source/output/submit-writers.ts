// What `submit` says of its own request, before the watch's lines: the job created, a dry run's object, or the
// server's refusal with what to do about it. Server strings are sanitised here (names, the dry run's fields) or
// already were (ApiError's summary and causes).
import type {ApiError} from '../api/api-error.js';
import {sanitize, sanitizeOptional, terminalSafeJson} from '../common/sanitize.js';
import {isoSeconds} from './text-writer.js';

type Fields = Readonly<Record<string, unknown>>;

function record(value: unknown): Fields {
	return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : {};
}

/** `job.batch.volcano.sh/NAME created in namespace NS`: the line kubectl writes, with the namespace. */
export function createdLine(name: string, namespace: string): string {
	return `job.batch.volcano.sh/${sanitize(name, 253)} created in namespace ${sanitize(namespace, 63)}\n`;
}

/** `mpimaster ×1, mpiworker ×2`: the tasks of a job as the server answered it. */
function tasksText(spec: Fields): string {
	const tasks = Array.isArray(spec['tasks']) ? spec['tasks'] : [];
	return tasks
		.map((task: unknown, index) => {
			const fields = record(task);
			return `${sanitizeOptional(fields['name'], 63) ?? `task ${index}`} ×${sanitizeOptional(fields['replicas'], 10) ?? '?'}`;
		})
		.join(', ');
}

/** --dry-run: what the server would create, a line (text) or the object itself (json); nothing was stored. */
export function dryRunOutput(format: 'text' | 'json', object: Fields): string {
	if (format === 'json') return `${terminalSafeJson(object)}\n`;
	const metadata = record(object['metadata']);
	const spec = record(object['spec']);
	const name = sanitizeOptional(metadata['name'], 253) ?? `${sanitizeOptional(metadata['generateName'], 253) ?? ''}…`;
	const namespace = sanitizeOptional(metadata['namespace'], 63) ?? '?';
	const minAvailable = sanitizeOptional(spec['minAvailable'], 10);
	const queue = sanitizeOptional(spec['queue'], 63);
	const parts = [
		`namespace ${namespace}`,
		`tasks ${tasksText(spec) || 'none'}`,
		...(minAvailable === undefined ? [] : [`minAvailable ${minAvailable}`]),
		...(queue === undefined ? [] : [`queue ${queue}`]),
	];
	return `job.batch.volcano.sh/${name} would be created (server dry run, nothing stored): ${parts.join(', ')}\n`;
}

export type Refusal = {
	readonly error: ApiError;
	readonly namespace: string;
	/** The job's name when the file gave one (not with generateName). */
	readonly name?: string | undefined;
	/** 409: the command that watches the existing job. */
	readonly watchCommand?: string | undefined;
};

/** The lines for a person (stderr): what the server said, and what it means for this job. */
export function refusalText(refusal: Refusal): string {
	const {error, namespace, name} = refusal;
	const lines = [`vcjob-watch: the job was not created: ${error.summary}`];
	if (error.status === 409 && error.reason === 'AlreadyExists') {
		lines.push(`vcjob-watch: a job named ${name ?? '(that name)'} already exists in namespace ${namespace}`);
		if (refusal.watchCommand) lines.push(`vcjob-watch: watch it with: ${refusal.watchCommand}`);
	}

	for (const cause of error.causes ?? []) lines.push(`  ${cause.field ?? '(the job)'}: ${cause.message}`);
	if (error.category === 'forbidden') {
		lines.push(
			`vcjob-watch: the credentials may not create Volcano jobs in namespace ${namespace}: the permission missing is verb "create" on resource "jobs" in API group "batch.volcano.sh" (namespace ${namespace})`,
		);
	} else if (error.category === 'unauthorized') {
		lines.push('vcjob-watch: the token is missing, expired or invalid (HW_AUTH_TOKEN or --token-file)');
	} else if (error.hint) {
		lines.push(`vcjob-watch: ${error.hint}`);
	}

	return `${lines.join('\n')}\n`;
}

/** -o json: the refusal as one object on stdout, as the watch writes its errors. */
export function refusalJson(refusal: Refusal, at: number): string {
	return `${terminalSafeJson({
		time: isoSeconds(at),
		event: 'refused',
		final: true,
		namespace: refusal.namespace,
		...(refusal.name === undefined ? {} : {name: refusal.name}),
		...(refusal.watchCommand === undefined ? {} : {watch: refusal.watchCommand}),
		error: refusal.error.toJSON(),
	})}\n`;
}
