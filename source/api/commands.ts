// Acting on a job as Volcano defines it: a Command in bus.volcano.sh/v1alpha1 that the job controller takes
// (and deletes), or a DELETE of the job with Foreground propagation (its pods go first). The Command is the one
// `vcctl job suspend` creates: the job as target and as the controller owner reference, so that it goes with the job.
import type {ApiClient, ApiObject} from './client.js';
import {jobPath} from './paths.js';

export const busGroupVersion = 'bus.volcano.sh/v1alpha1';
export const busGroupVersionPath = `/apis/${busGroupVersion}`;

/** The actions a Command may carry against a whole job. */
export const commandActions = ['AbortJob', 'ResumeJob', 'RestartJob', 'TerminateJob', 'CompleteJob'] as const;
export type CommandAction = (typeof commandActions)[number];

/** What a person asks for: a subcommand's name, or a TUI key's action. */
export type ActionVerb = 'suspend' | 'resume' | 'restart' | 'terminate' | 'complete' | 'delete';
export const actionVerbs: readonly ActionVerb[] = ['suspend', 'resume', 'restart', 'terminate', 'complete', 'delete'];

/** Each verb's Command action; delete is no Command. */
export const commandOf: Readonly<Record<Exclude<ActionVerb, 'delete'>, CommandAction>> = {
	suspend: 'AbortJob',
	resume: 'ResumeJob',
	restart: 'RestartJob',
	terminate: 'TerminateJob',
	complete: 'CompleteJob',
};

/** What each verb does to the job, as a confirmation says it before it is sent. */
export const consequences: Readonly<Record<ActionVerb, string>> = {
	suspend: 'AbortJob deletes its running pods and leaves it Aborted until resumed',
	resume: 'ResumeJob restarts an Aborted job: new pods, retry count +1',
	restart: 'RestartJob deletes every pod, failed ones included, and creates them again (retry count +1)',
	terminate: 'TerminateJob deletes its running pods and ends it Terminated for good',
	complete: 'CompleteJob deletes its running pods and ends it Completed',
	delete: 'the job is deleted after its pods (Foreground), with its PodGroup and history',
};

export function commandsPath(namespace: string): string {
	return `${busGroupVersionPath}/namespaces/${encodeURIComponent(namespace)}/commands`;
}

/** The target of an action: enough of the job to own the Command. */
export type JobTarget = {readonly namespace: string; readonly name: string; readonly uid: string};

// The API server's generateName suffix: 5 characters of an alphabet without vowels or look-alikes.
const suffixAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** Web Crypto's generator, not node:crypto's: every start loads this file, and node:crypto only where a name is made. */
export function randomSuffix(): string {
	return Array.from(globalThis.crypto.getRandomValues(new Uint32Array(5)), value => suffixAlphabet[value % suffixAlphabet.length]).join('');
}

/** The Command object for a job, named `<job>-<action, lower case>-<5 random>` as vcctl's generateName makes it. */
export function commandFor(job: JobTarget, action: CommandAction, suffix: string = randomSuffix()): Record<string, unknown> {
	const owner = {
		apiVersion: 'batch.volcano.sh/v1alpha1',
		kind: 'Job',
		name: job.name,
		uid: job.uid,
		controller: true,
		blockOwnerDeletion: true,
	};
	return {
		apiVersion: busGroupVersion,
		kind: 'Command',
		metadata: {
			name: `${job.name}-${action.toLowerCase()}-${suffix}`,
			namespace: job.namespace,
			ownerReferences: [owner],
		},
		action,
		target: owner,
	};
}

/** The DeleteOptions of a job's deletion: its pods (and PodGroup) are deleted first, then the job. */
export const foregroundDeletion = {kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground'} as const;

export async function sendCommand(client: Pick<ApiClient, 'post'>, job: JobTarget, action: CommandAction, signal?: AbortSignal): Promise<ApiObject> {
	return client.post(commandsPath(job.namespace), {body: commandFor(job, action), what: 'a Command', signal});
}

export async function deleteJob(client: Pick<ApiClient, 'delete'>, job: Pick<JobTarget, 'namespace' | 'name'>, signal?: AbortSignal): Promise<ApiObject> {
	return client.delete(jobPath(job.namespace, job.name), {body: foregroundDeletion, what: 'a job', signal});
}

/** The name the server gave the Command (sanitised by the caller before it is shown). */
export function commandName(answer: ApiObject): string | undefined {
	const metadata = answer.raw['metadata'];
	const name = typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, unknown>)['name'] : undefined;
	return typeof name === 'string' ? name : undefined;
}
