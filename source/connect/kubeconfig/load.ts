// kubeconfig files as kubectl reads them: found (--kubeconfig, KUBECONFIG, ~/.kube/config), merged, and one
// context selected. Only what a GET of one Volcano Job needs: cluster, user, namespace.
import {existsSync, readFileSync, statSync} from 'node:fs';
import {homedir} from 'node:os';
import {delimiter, dirname, isAbsolute, join, resolve, sep} from 'node:path';
import {UsageError, type Environment} from '../../common/usage-error.js';

export type ExecEnvVar = {readonly name: string; readonly value: string};

/** users[].user.exec: a credential plugin such as cci-iam-authenticator or aws eks get-token. */
export type ExecConfig = {
	readonly apiVersion: string;
	/** A bare name is looked up in PATH; a relative path with a slash is relative to the kubeconfig's folder. */
	readonly command: string;
	readonly args: readonly string[];
	readonly env: readonly ExecEnvVar[];
	readonly installHint?: string;
	readonly provideClusterInfo: boolean;
	readonly interactiveMode: 'Never' | 'IfAvailable' | 'Always';
};

export type KubeCluster = {
	readonly server?: string;
	/** A path, made absolute from the kubeconfig's folder. */
	readonly certificateAuthority?: string;
	/** PEM, decoded from base64. */
	readonly certificateAuthorityData?: string;
	readonly insecureSkipTlsVerify: boolean;
	readonly tlsServerName?: string;
	readonly proxyUrl?: string;
	/** extensions[name=client.authentication.k8s.io/exec].extension: handed to an exec plugin with provideClusterInfo. */
	readonly execExtension?: unknown;
};

export type KubeUser = {
	readonly token?: string;
	readonly tokenFile?: string;
	readonly clientCertificate?: string;
	readonly clientCertificateData?: string;
	readonly clientKey?: string;
	readonly clientKeyData?: string;
	readonly username?: string;
	readonly password?: string;
	readonly exec?: ExecConfig;
	/** Fields this program does not carry out (auth-provider, impersonation): refused when selected. */
	readonly unsupported: readonly string[];
};

export type KubeContext = {readonly cluster: string; readonly user?: string; readonly namespace?: string};

type Named<T> = T & {readonly file: string};

export type Kubeconfig = {
	/** The files that were read, in order. */
	readonly files: readonly string[];
	readonly currentContext?: string;
	readonly clusters: ReadonlyMap<string, Named<KubeCluster>>;
	readonly users: ReadonlyMap<string, Named<KubeUser>>;
	readonly contexts: ReadonlyMap<string, Named<KubeContext>>;
};

export type KubeSelection = {
	readonly files: readonly string[];
	readonly contextName: string;
	readonly clusterName: string;
	readonly userName?: string;
	readonly namespace?: string;
	readonly server: string;
	readonly cluster: KubeCluster;
	readonly user: KubeUser;
};

/** Which files to read, as kubectl decides: --kubeconfig, else every file in KUBECONFIG, else ~/.kube/config. */
export function kubeconfigPaths(explicit: string | undefined, env: Environment): {paths: string[]; from: string} {
	if (explicit) return {paths: [resolve(explicit)], from: '--kubeconfig'};
	const list = env['KUBECONFIG'];
	if (list) {
		// Empty entries are skipped, and a file named twice is read once (kubectl does the same).
		const paths = [...new Set(list.split(delimiter).filter(Boolean).map(path => resolve(path)))];
		return {paths, from: 'KUBECONFIG'};
	}

	const home = env['HOME'] || homedir();
	return {paths: [join(home, '.kube', 'config')], from: '~/.kube/config'};
}

function fail(file: string, message: string): never {
	throw new UsageError(`kubeconfig ${file}: ${message}`);
}

function record(value: unknown): Record<string, unknown> | undefined {
	return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function text(file: string, where: string, value: unknown): string | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value !== 'string') fail(file, `${where} must be a string`);
	return value;
}

function flag(file: string, where: string, value: unknown): boolean {
	if (value === undefined || value === null) return false;
	if (typeof value !== 'boolean') fail(file, `${where} must be true or false`);
	return value;
}

function base64(file: string, where: string, value: unknown): string | undefined {
	const encoded = text(file, where, value);
	if (encoded === undefined) return undefined;
	const compact = encoded.replace(/\s+/g, '');
	if (!/^[A-Za-z\d+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) fail(file, `${where} is not base64`);
	return Buffer.from(compact, 'base64').toString('utf8');
}

/** Paths in a kubeconfig are relative to the folder of the file that holds them. */
function path(file: string, where: string, value: unknown): string | undefined {
	const raw = text(file, where, value);
	return raw === undefined ? undefined : isAbsolute(raw) ? raw : resolve(dirname(file), raw);
}

const execApiVersions = new Set(['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1']);

function parseExec(file: string, where: string, value: unknown): ExecConfig {
	const exec = record(value) ?? fail(file, `${where} must be a mapping`);
	const apiVersion = text(file, `${where}.apiVersion`, exec['apiVersion']);
	if (!apiVersion || !execApiVersions.has(apiVersion)) {
		fail(
			file,
			`${where}.apiVersion ${JSON.stringify(apiVersion ?? '')} is not supported: use client.authentication.k8s.io/v1 or v1beta1`,
		);
	}

	let command = text(file, `${where}.command`, exec['command']) ?? fail(file, `${where}.command is missing`);
	// client-go: a relative command with a path separator is relative to the kubeconfig; a bare name is a PATH lookup.
	if (!isAbsolute(command) && command.includes(sep)) command = resolve(dirname(file), command);
	const args = exec['args'] ?? [];
	if (!Array.isArray(args) || args.some(argument => typeof argument !== 'string')) fail(file, `${where}.args must be a list of strings`);
	const env = exec['env'] ?? [];
	if (!Array.isArray(env)) fail(file, `${where}.env must be a list of {name, value}`);
	const variables = env.map((entry, index) => {
		const item = record(entry);
		const name = text(file, `${where}.env[${index}].name`, item?.['name']);
		if (!item || !name) fail(file, `${where}.env[${index}] must have a name and a value`);
		return {name, value: text(file, `${where}.env[${index}].value`, item['value']) ?? ''};
	});
	const mode = text(file, `${where}.interactiveMode`, exec['interactiveMode']) ?? 'IfAvailable';
	if (mode !== 'Never' && mode !== 'IfAvailable' && mode !== 'Always') {
		fail(file, `${where}.interactiveMode must be Never, IfAvailable or Always`);
	}

	const installHint = text(file, `${where}.installHint`, exec['installHint']);
	return {
		apiVersion,
		command,
		args: args as string[],
		env: variables,
		...(installHint ? {installHint} : {}),
		provideClusterInfo: flag(file, `${where}.provideClusterInfo`, exec['provideClusterInfo']),
		interactiveMode: mode,
	};
}

function parseCluster(file: string, where: string, value: Record<string, unknown>): KubeCluster {
	const extensions = Array.isArray(value['extensions']) ? (value['extensions'] as unknown[]) : [];
	const execExtension = extensions.map(entry => record(entry)).find(entry => entry?.['name'] === 'client.authentication.k8s.io/exec');
	const fields: Record<string, unknown> = {
		server: text(file, `${where}.server`, value['server']),
		certificateAuthority: path(file, `${where}.certificate-authority`, value['certificate-authority']),
		certificateAuthorityData: base64(file, `${where}.certificate-authority-data`, value['certificate-authority-data']),
		tlsServerName: text(file, `${where}.tls-server-name`, value['tls-server-name']),
		proxyUrl: text(file, `${where}.proxy-url`, value['proxy-url']),
		execExtension: execExtension?.['extension'],
	};
	return {
		...(Object.fromEntries(Object.entries(fields).filter(([, field]) => field !== undefined)) as Partial<KubeCluster>),
		insecureSkipTlsVerify: flag(file, `${where}.insecure-skip-tls-verify`, value['insecure-skip-tls-verify']),
	};
}

function parseUser(file: string, where: string, value: Record<string, unknown>): KubeUser {
	const fields: Record<string, unknown> = {
		token: text(file, `${where}.token`, value['token']),
		tokenFile: path(file, `${where}.tokenFile`, value['tokenFile']),
		clientCertificate: path(file, `${where}.client-certificate`, value['client-certificate']),
		clientCertificateData: base64(file, `${where}.client-certificate-data`, value['client-certificate-data']),
		clientKey: path(file, `${where}.client-key`, value['client-key']),
		clientKeyData: base64(file, `${where}.client-key-data`, value['client-key-data']),
		username: text(file, `${where}.username`, value['username']),
		password: text(file, `${where}.password`, value['password']),
		exec: value['exec'] === undefined || value['exec'] === null ? undefined : parseExec(file, `${where}.exec`, value['exec']),
	};
	const unsupported = ['auth-provider', 'as', 'as-uid', 'as-groups', 'as-user-extra'].filter(key => {
		const field = value[key];
		return field !== undefined && field !== null && field !== '' && !(Array.isArray(field) && field.length === 0);
	});
	return {
		...(Object.fromEntries(Object.entries(fields).filter(([, field]) => field !== undefined)) as Partial<KubeUser>),
		unsupported,
	};
}

function parseContext(file: string, where: string, value: Record<string, unknown>): KubeContext {
	const cluster = text(file, `${where}.cluster`, value['cluster']) ?? '';
	const user = text(file, `${where}.user`, value['user']);
	const namespace = text(file, `${where}.namespace`, value['namespace']);
	return {cluster, ...(user ? {user} : {}), ...(namespace ? {namespace} : {})};
}

/** One named list (clusters, users, contexts) into the merged map: the first file to name an entry keeps it. */
function mergeList<T>(
	file: string,
	document: Record<string, unknown>,
	list: string,
	field: string,
	into: Map<string, Named<T>>,
	parseEntry: (file: string, where: string, value: Record<string, unknown>) => T,
): void {
	const entries = document[list];
	if (entries === undefined || entries === null) return;
	if (!Array.isArray(entries)) fail(file, `${list} must be a list`);
	for (const [index, entry] of entries.entries()) {
		const item = record(entry);
		const name = item?.['name'];
		if (typeof name !== 'string' || name === '') fail(file, `${list}[${index}] has no name`);
		if (into.has(name)) continue;
		const value = record(item?.[field]) ?? {};
		into.set(name, {...parseEntry(file, `${list}[${name}].${field}`, value), file});
	}
}

/**
 * Reads and merges kubeconfig files as kubectl does: the first file to set a cluster, user or context
 * keeps it, and current-context comes from the first file that sets one. Files named in KUBECONFIG that do
 * not exist are skipped; a --kubeconfig that does not exist is an error.
 */
// The YAML parser is loaded only when a kubeconfig is read (it costs about 12 MB of RSS otherwise idle).
let parse: ((text: string) => unknown) | undefined;

/** Loads the YAML parser; call before loadKubeconfig. */
export async function prepareKubeconfigLoading(): Promise<void> {
	parse ??= (await import('yaml')).parse;
}

export function loadKubeconfig(paths: readonly string[], options: {mustExist: boolean}): Kubeconfig {
	const files: string[] = [];
	const clusters = new Map<string, Named<KubeCluster>>();
	const users = new Map<string, Named<KubeUser>>();
	const contexts = new Map<string, Named<KubeContext>>();
	let currentContext: string | undefined;
	for (const file of paths) {
		let source: string;
		try {
			if (!options.mustExist && !existsSync(file)) continue;
			if (statSync(file).isDirectory()) fail(file, 'is a folder, not a file');
			source = readFileSync(file, 'utf8');
		} catch (error) {
			if (error instanceof UsageError) throw error;
			fail(file, `cannot be read (${(error as {code?: string}).code ?? 'unreadable'})`);
		}

		files.push(file);
		let document: unknown;
		try {
			if (!parse) throw new Error('prepareKubeconfigLoading() was not awaited');
			document = parse(source);
		} catch (error) {
			const where = (error as {linePos?: Array<{line: number}>}).linePos?.[0]?.line;
			fail(file, `is not valid YAML${where ? ` (line ${where})` : ''}`);
		}

		// An empty file is an empty configuration, as for kubectl.
		if (document === null || document === undefined) continue;
		const config = record(document) ?? fail(file, 'is not a kubeconfig (expected a mapping with clusters, users, contexts)');
		currentContext ??= text(file, 'current-context', config['current-context']);
		mergeList(file, config, 'clusters', 'cluster', clusters, parseCluster);
		mergeList(file, config, 'users', 'user', users, parseUser);
		mergeList(file, config, 'contexts', 'context', contexts, parseContext);
	}

	return {files, ...(currentContext ? {currentContext} : {}), clusters, users, contexts};
}

function listed(names: Iterable<string>): string {
	const all = [...names];
	return all.length === 0 ? 'there are none' : `there are: ${all.join(', ')}`;
}

/** The context to use (--context, else current-context), with its cluster and user, checked. */
export function selectContext(config: Kubeconfig, contextFlag?: string): KubeSelection {
	const where = config.files.length === 1 ? config.files[0]! : `${config.files.length} kubeconfig files (${config.files.join(', ')})`;
	const contextName = contextFlag ?? config.currentContext;
	if (!contextName) {
		throw new UsageError(`${where} sets no current-context: give --context NAME (${listed(config.contexts.keys())})`);
	}

	const context = config.contexts.get(contextName);
	if (!context) {
		throw new UsageError(`no context ${JSON.stringify(contextName)} in ${where} (${listed(config.contexts.keys())})`);
	}

	const cluster = config.clusters.get(context.cluster);
	if (!cluster) {
		throw new UsageError(`context ${JSON.stringify(contextName)} names cluster ${JSON.stringify(context.cluster)}, which is not in ${where}`);
	}

	if (!cluster.server) {
		throw new UsageError(`cluster ${JSON.stringify(context.cluster)} in ${cluster.file} has no server`);
	}

	let user: KubeUser = {unsupported: []};
	if (context.user) {
		const found = config.users.get(context.user);
		if (!found) {
			throw new UsageError(`context ${JSON.stringify(contextName)} names user ${JSON.stringify(context.user)}, which is not in ${where}`);
		}

		user = found;
	}

	return {
		files: config.files,
		contextName,
		clusterName: context.cluster,
		...(context.user ? {userName: context.user} : {}),
		...(context.namespace ? {namespace: context.namespace} : {}),
		server: cluster.server,
		cluster,
		user,
	};
}
