// kubeconfig files for tests, written as kubectl writes them: named lists of clusters, users and contexts.
import {mkdirSync, writeFileSync} from 'node:fs';
import {dirname} from 'node:path';
import {stringify} from 'yaml';

type Fields = Readonly<Record<string, unknown>>;

export type KubeconfigContext = {readonly cluster: string; readonly user?: string; readonly namespace?: string};

export type KubeconfigSpec = {
	readonly currentContext?: string;
	/** By name: the cluster's fields (server, certificate-authority, …). */
	readonly clusters?: Readonly<Record<string, Fields>>;
	/** By name: the user's fields (token, tokenFile, exec, …). */
	readonly users?: Readonly<Record<string, Fields>>;
	readonly contexts?: Readonly<Record<string, KubeconfigContext>>;
};

function named(entries: Readonly<Record<string, unknown>> | undefined, field: string) {
	return entries && Object.entries(entries).map(([name, value]) => ({name, [field]: value}));
}

/** The YAML of a kubeconfig; fields left undefined are left out. */
export function kubeconfigYaml(spec: KubeconfigSpec): string {
	return stringify(
		{
			apiVersion: 'v1',
			kind: 'Config',
			'current-context': spec.currentContext,
			clusters: named(spec.clusters, 'cluster'),
			users: named(spec.users, 'user'),
			contexts: named(spec.contexts, 'context'),
		},
		// No folding: a long base64 field stays on one line, as kubectl writes it.
		{lineWidth: 0},
	);
}

/** Writes the kubeconfig (and its folder); returns the path. */
export function writeKubeconfig(path: string, spec: KubeconfigSpec): string {
	mkdirSync(dirname(path), {recursive: true});
	writeFileSync(path, kubeconfigYaml(spec));
	return path;
}

/** One cluster "k", one user "u" (when given) and one context "ctx" that is current. */
export function oneContext(options: {readonly cluster: Fields; readonly user?: Fields; readonly namespace?: string}): KubeconfigSpec {
	return {
		currentContext: 'ctx',
		clusters: {k: options.cluster},
		...(options.user ? {users: {u: options.user}} : {}),
		contexts: {ctx: {cluster: 'k', ...(options.user ? {user: 'u'} : {}), ...(options.namespace ? {namespace: options.namespace} : {})}},
	};
}
