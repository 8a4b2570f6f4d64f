import {randomUUID} from 'node:crypto';
import type {IncomingMessage} from 'node:http';
import type {Now} from '../apiserver/clock.js';
import {readJob} from '../cluster/job-view.js';
import {kubeTime} from '../cluster/job-template.js';
import {statusBody} from '../faults.js';
import {commandSteps, deletionSteps} from './job-commands.js';
import type {ScenarioPlayer} from '../scenario-player.js';
import type {Scenario} from '../scenarios.js';

// What acts on the scenario's job: Commands (bus.volcano.sh/v1alpha1), which the controller takes a moment
// later (it deletes the Command, says CommandIssued, and plays the action's phases), and a DELETE of the job,
// Foreground (the job stays, marked, until its pods are gone). Without the bus group, its paths answer 404 as
// an API server without Volcano's Commands does.

/** What may be refused with 403: creating Commands, deleting jobs. */
export const actionResources = ['commands', 'jobs/delete'] as const;
export type ActionResource = (typeof actionResources)[number];

const busGroup = 'bus.volcano.sh';
const busPath = `/apis/${busGroup}/v1alpha1`;
const commandsPattern = /^\/apis\/bus\.volcano\.sh\/v1alpha1\/namespaces\/([^/]+)\/commands(?:\/([^/]+))?\/?$/;
const jobPattern = /^\/apis\/batch\.volcano\.sh\/v1alpha1\/namespaces\/([^/]+)\/jobs\/([^/]+)\/?$/;
// The controller's informer sees a Command this long (simulated) after it is created.
const takeMs = 500;
const maxBodyBytes = 64 * 1024;
const actions = new Set(['AbortJob', 'ResumeJob', 'RestartJob', 'TerminateJob', 'CompleteJob']);

const resourceList = {
	kind: 'APIResourceList',
	apiVersion: 'v1',
	groupVersion: `${busGroup}/v1alpha1`,
	resources: [
		{
			name: 'commands',
			singularName: 'command',
			namespaced: true,
			kind: 'Command',
			verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
		},
	],
};

const groupDocument = {
	kind: 'APIGroup',
	apiVersion: 'v1',
	name: busGroup,
	versions: [{groupVersion: `${busGroup}/v1alpha1`, version: 'v1alpha1'}],
	preferredVersion: {groupVersion: `${busGroup}/v1alpha1`, version: 'v1alpha1'},
};

export type ActionsOptions = {
	readonly scenario: Scenario;
	readonly player: Pick<ScenarioPlayer, 'document' | 'play'>;
	readonly now: Now;
	readonly speed: number;
	/** false: no bus.volcano.sh group (some managed services). */
	readonly busGroup: boolean;
	readonly forbidden: readonly ActionResource[];
	readonly user: string;
};

type Reply = {readonly status: number; readonly body: unknown};

export type Exchange = {
	readonly method: string;
	readonly pathname: string;
	readonly request: IncomingMessage;
	readonly send: (reply: Reply) => void;
};

export type ActionsApi = {
	/** Whether this request is one of ours: the bus group's paths, or a DELETE of a job. */
	owns(method: string, pathname: string): boolean;
	serve(exchange: Exchange): void;
	close(): void;
};

const notFound = (message = 'the server could not find the requested resource'): Reply => ({status: 404, body: statusBody(404, {message})});

function invalid(message: string): Reply {
	return {status: 422, body: statusBody(422, {reason: 'Invalid', message})};
}

function record(value: unknown): Record<string, unknown> | undefined {
	return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

async function readBody(request: IncomingMessage): Promise<unknown> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of request as AsyncIterable<Buffer>) {
		size += chunk.length;
		if (size > maxBodyBytes) return undefined;
		chunks.push(chunk);
	}

	try {
		return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
	} catch {
		return undefined;
	}
}

export function createActionsApi(options: ActionsOptions): ActionsApi {
	const {scenario, player, user} = options;
	const commands = new Map<string, Record<string, unknown>>();
	const timers = new Set<NodeJS.Timeout>();
	let deleted = false;

	function forbidden(verb: string, resource: string, group: string, namespace: string, name?: string): Reply {
		const subject = `${resource}.${group}${name === undefined ? '' : ` "${name}"`}`;
		return {
			status: 403,
			body: statusBody(403, {
				message: `${subject} is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "${group}" in the namespace "${namespace}"`,
				details: {...(name === undefined ? {} : {name}), group, kind: resource},
			}),
		};
	}

	function later(run: () => void): void {
		const timer = setTimeout(() => {
			timers.delete(timer);
			run();
		}, takeMs / options.speed);
		timer.unref();
		timers.add(timer);
	}

	/** The scenario's job as the controller sees it, if it is the one named and still there. */
	function target(namespace: string, name: string) {
		if (namespace !== scenario.namespace || name !== scenario.jobName) return undefined;
		return player.document === undefined ? undefined : readJob(player.document);
	}

	// The controller deletes the Command, then acts on its target.
	function take(key: string, namespace: string, action: string, name: string): void {
		commands.delete(key);
		const job = target(namespace, name);
		if (job && !deleted) player.play(commandSteps(action, job));
	}

	function createCommand(namespace: string, body: unknown): Reply {
		const command = record(body);
		if (command?.['kind'] !== 'Command' || command['apiVersion'] !== `${busGroup}/v1alpha1`) {
			return {status: 400, body: statusBody(400, {reason: 'BadRequest', message: `the object is not a Command of ${busGroup}/v1alpha1`})};
		}

		const metadata = record(command['metadata']) ?? {};
		const generated = typeof metadata['generateName'] === 'string' ? `${metadata['generateName']}${randomUUID().slice(0, 5)}` : undefined;
		const name = typeof metadata['name'] === 'string' && metadata['name'] !== '' ? metadata['name'] : generated;
		if (name === undefined) return invalid('Command.bus.volcano.sh "" is invalid: metadata.name: Required value: name or generateName is required');
		if (metadata['namespace'] !== undefined && metadata['namespace'] !== namespace) {
			return {status: 400, body: statusBody(400, {reason: 'BadRequest', message: 'the namespace of the provided object does not match the namespace sent on the request'})};
		}

		const action = command['action'];
		const targetName = record(command['target'])?.['name'];
		if (typeof action !== 'string' || !actions.has(action)) return invalid(`Command.bus.volcano.sh "${name}" is invalid: action: Unsupported value: ${JSON.stringify(action)}`);
		if (typeof targetName !== 'string') return invalid(`Command.bus.volcano.sh "${name}" is invalid: target.name: Required value`);
		const key = `${namespace}/${name}`;
		if (commands.has(key)) {
			return {status: 409, body: statusBody(409, {reason: 'AlreadyExists', message: `commands.${busGroup} "${name}" already exists`, details: {name, group: busGroup, kind: 'commands'}})};
		}

		const stored = {
			...command,
			metadata: {...metadata, name, namespace, uid: randomUUID(), resourceVersion: String(Math.floor(options.now())), generation: 1, creationTimestamp: kubeTime(new Date())},
		};
		delete (stored.metadata as Record<string, unknown>)['generateName'];
		commands.set(key, stored);
		later(() => {
			take(key, namespace, action, targetName);
		});
		return {status: 201, body: stored};
	}

	function serveCommands(method: string, namespace: string, name: string | undefined, body: unknown): Reply {
		if (method === 'POST' && name === undefined) {
			return options.forbidden.includes('commands') ? forbidden('create', 'commands', busGroup, namespace) : createCommand(namespace, body);
		}

		if (method === 'GET' && name === undefined) {
			const items = [...commands].filter(([key]) => key.startsWith(`${namespace}/`)).map(([, command]) => command);
			return {status: 200, body: {kind: 'CommandList', apiVersion: `${busGroup}/v1alpha1`, metadata: {resourceVersion: String(Math.floor(options.now()))}, items}};
		}

		if (method === 'GET' && name !== undefined) {
			const command = commands.get(`${namespace}/${name}`);
			return command ? {status: 200, body: command} : notFound(`commands.${busGroup} "${name}" not found`);
		}

		return {status: 405, body: statusBody(405)};
	}

	function deleteJob(namespace: string, name: string): Reply {
		if (options.forbidden.includes('jobs/delete')) return forbidden('delete', 'jobs', 'batch.volcano.sh', namespace, name);
		const job = target(namespace, name);
		if (!job) return notFound(`jobs.batch.volcano.sh "${name}" not found`);
		// Already being deleted: kube-apiserver answers with the object as it is, its deletionTimestamp unchanged.
		if (deleted) return {status: 200, body: player.document};
		deleted = true;
		player.play(deletionSteps(job), new Date());
		return {status: 200, body: player.document};
	}

	function answer(method: string, pathname: string, body: unknown): Reply {
		const bare = pathname.replace(/\/$/, '');
		if (bare === `/apis/${busGroup}` || bare.startsWith(`${busPath}`)) {
			if (!options.busGroup) return notFound();
			if (bare === `/apis/${busGroup}`) return {status: 200, body: groupDocument};
			if (bare === busPath) return {status: 200, body: resourceList};
			const match = commandsPattern.exec(pathname);
			return match ? serveCommands(method, decodeURIComponent(match[1]!), match[2] === undefined ? undefined : decodeURIComponent(match[2]), body) : notFound();
		}

		const job = jobPattern.exec(pathname)!;
		return deleteJob(decodeURIComponent(job[1]!), decodeURIComponent(job[2]!));
	}

	return {
		owns(method, pathname) {
			return pathname === `/apis/${busGroup}` || pathname.startsWith(`/apis/${busGroup}/`) || (method === 'DELETE' && jobPattern.test(pathname));
		},
		serve({method, pathname, request, send}) {
			if (method === 'POST' || method === 'DELETE') {
				void readBody(request).then(body => {
					send(safely(() => answer(method, pathname, body)));
				});
				return;
			}

			send(safely(() => answer(method, pathname, undefined)));
		},
		close() {
			for (const timer of timers) clearTimeout(timer);
			timers.clear();
		},
	};
}

// A path with a bad escape is a 404, as for any other unknown path.
function safely(answer: () => Reply): Reply {
	try {
		return answer();
	} catch {
		return notFound();
	}
}
