// A Volcano Job read from a file (`submit -f`), checked before it is sent: each problem named with its path
// (`spec.tasks[1].replicas: must be a positive integer`), so a typo is found here, not in a 422 or a job that
// never starts. The server checks again (and more); this catches what is plainly not a Volcano Job.
import {sanitize} from '../common/sanitize.js';
import {checkJobName, checkNamespace} from './names.js';

export const jobApiVersion = 'batch.volcano.sh/v1alpha1';

/** A checked manifest: the object to send, and what the command line needs of it. */
export type JobManifest = {
	readonly object: Readonly<Record<string, unknown>>;
	/** metadata.name, or undefined when the server makes one from generateName. */
	readonly name?: string;
	readonly generateName?: string;
	/** metadata.namespace, when the file names one. */
	readonly namespace?: string;
};

export type ManifestCheck = {readonly manifest: JobManifest; readonly problems: readonly []} | {readonly problems: readonly string[]};

type Fields = Readonly<Record<string, unknown>>;

function isRecord(value: unknown): value is Fields {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value from the file as it may be shown: one line, no escape sequence, cut. */
function shown(value: unknown): string {
	return sanitize(typeof value === 'string' ? JSON.stringify(value) : String(JSON.stringify(value) ?? value), 60);
}

function isPositiveInteger(value: unknown): value is number {
	return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

// What a name from generateName may start with: a subdomain's characters, the server adds 5 more.
const generateNamePattern = /^[a-z\d](?:[-a-z\d.]*)$/;

function checkMetadata(metadata: unknown, problems: string[]): Pick<JobManifest, 'name' | 'generateName' | 'namespace'> {
	if (!isRecord(metadata)) {
		problems.push('metadata: required: a name (metadata.name) or a prefix (metadata.generateName)');
		return {};
	}

	const {name, generateName, namespace} = metadata;
	const result: {name?: string; generateName?: string; namespace?: string} = {};
	if (name !== undefined) {
		if (typeof name !== 'string' || checkJobName(name)) {
			problems.push(`metadata.name: ${shown(name)} is not a job name: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters`);
		} else {
			result.name = name;
		}
	}

	if (generateName !== undefined) {
		if (typeof generateName !== 'string' || generateName.length > 248 || !generateNamePattern.test(generateName)) {
			problems.push(`metadata.generateName: ${shown(generateName)} is not a name prefix: lowercase letters, digits, '-' and '.', starting with a letter or digit, at most 248 characters`);
		} else {
			result.generateName = generateName;
		}
	}

	if (name === undefined && generateName === undefined) {
		problems.push('metadata.name: required (or metadata.generateName, for a name the server makes unique)');
	}

	if (namespace !== undefined) {
		if (typeof namespace !== 'string' || checkNamespace(namespace)) {
			problems.push(`metadata.namespace: ${shown(namespace)} is not a namespace: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit`);
		} else {
			result.namespace = namespace;
		}
	}

	return result;
}

function checkTask(task: unknown, path: string, problems: string[]): void {
	if (!isRecord(task)) {
		problems.push(`${path}: must be an object (a task: name, replicas, template)`);
		return;
	}

	if (task['name'] !== undefined && (typeof task['name'] !== 'string' || task['name'] === '')) {
		problems.push(`${path}.name: must be a non-empty string`);
	}

	if (!isPositiveInteger(task['replicas'])) {
		problems.push(`${path}.replicas: must be a positive integer${task['replicas'] === undefined ? ' (missing)' : `, not ${shown(task['replicas'])}`}`);
	}

	const template = task['template'];
	const spec = isRecord(template) ? template['spec'] : undefined;
	if (!isRecord(template)) {
		problems.push(`${path}.template: required: a pod template (spec.containers)`);
	} else if (!isRecord(spec)) {
		problems.push(`${path}.template.spec: required: a pod spec with containers`);
	} else if (!Array.isArray(spec['containers']) || spec['containers'].length === 0) {
		problems.push(`${path}.template.spec.containers: required: at least one container`);
	} else {
		for (const [index, container] of spec['containers'].entries()) {
			const at = `${path}.template.spec.containers[${index}]`;
			if (!isRecord(container)) problems.push(`${at}: must be an object (name, image)`);
			else {
				if (typeof container['name'] !== 'string' || container['name'] === '') problems.push(`${at}.name: required`);
				if (typeof container['image'] !== 'string' || container['image'] === '') problems.push(`${at}.image: required`);
			}
		}
	}
}

function checkSpec(spec: unknown, problems: string[]): void {
	if (!isRecord(spec)) {
		problems.push('spec: required: at least one task (spec.tasks)');
		return;
	}

	const {tasks, minAvailable} = spec;
	if (!Array.isArray(tasks) || tasks.length === 0) {
		problems.push(`spec.tasks: required: at least one task${tasks === undefined || Array.isArray(tasks) ? '' : `, not ${shown(tasks)}`}`);
	} else {
		for (const [index, task] of tasks.entries()) checkTask(task, `spec.tasks[${index}]`, problems);
		const names = tasks.map(task => (isRecord(task) ? task['name'] : undefined)).filter((name): name is string => typeof name === 'string');
		for (const [index, name] of names.entries()) {
			if (names.indexOf(name) !== index) problems.push(`spec.tasks: task name ${shown(name)} appears more than once`);
		}
	}

	if (minAvailable !== undefined && !(typeof minAvailable === 'number' && Number.isInteger(minAvailable) && minAvailable >= 0)) {
		problems.push(`spec.minAvailable: must be a whole number, 0 or more, not ${shown(minAvailable)}`);
	} else if (typeof minAvailable === 'number' && Array.isArray(tasks)) {
		const total = tasks.reduce<number>((sum, task) => sum + (isRecord(task) && isPositiveInteger(task['replicas']) ? task['replicas'] : 0), 0);
		if (total > 0 && minAvailable > total) problems.push(`spec.minAvailable: ${minAvailable} is more than the tasks' replicas (${total}): the job could never start`);
	}
}

/** Every problem of a document as a Volcano Job, each naming its path; the manifest when there is none. */
export function checkJobManifest(document: unknown): ManifestCheck {
	if (!isRecord(document)) {
		return {problems: [`the file holds ${Array.isArray(document) ? 'a list' : document === null || document === undefined ? 'nothing' : `a ${typeof document}`}, not a Volcano Job (apiVersion, kind, metadata, spec)`]};
	}

	const problems: string[] = [];
	if (document['apiVersion'] !== jobApiVersion) {
		problems.push(`apiVersion: must be ${jobApiVersion}${document['apiVersion'] === undefined ? ' (missing)' : `, not ${shown(document['apiVersion'])}`}`);
	}

	if (document['kind'] !== 'Job') {
		problems.push(`kind: must be Job${document['kind'] === undefined ? ' (missing)' : `, not ${shown(document['kind'])}`}`);
	}

	const metadata = checkMetadata(document['metadata'], problems);
	checkSpec(document['spec'], problems);
	if (isRecord(document['status'])) problems.push('status: must be left out: the controller writes it');
	if (problems.length > 0) return {problems};
	return {manifest: {object: document, ...metadata}, problems: []};
}

/**
 * The namespace to create the job in, as kubectl decides it: the file's when it names one (-n must then agree),
 * else -n, else the fallback (the kubeconfig context's, the demo's, `default`). A string is the problem.
 */
export function submitNamespace(manifest: Pick<JobManifest, 'namespace'>, flag: string | undefined, fallback: string): {readonly namespace: string} | string {
	if (manifest.namespace !== undefined && flag !== undefined && manifest.namespace !== flag) {
		return `the namespace from the provided object "${manifest.namespace}" does not match the namespace "${flag}" given with -n: leave one out, or make them agree`;
	}

	return {namespace: manifest.namespace ?? flag ?? fallback};
}
