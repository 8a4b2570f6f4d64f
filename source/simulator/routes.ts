import {clusterDiscovery, clusterRequestOf, type ClusterRequest} from './cluster-api.js';
import {rootDiscovery, type DiscoveryOptions, type LocalEnd} from './discovery.js';

// What a request's path asks for, apart from the collections (apiserver/kinds.ts matches those).

const groupVersion = 'batch.volcano.sh/v1alpha1';
const groupVersionPath = `/apis/${groupVersion}`;
const podLogPattern = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log\/?$/;
const jobPathPattern = /^\/apis\/batch\.volcano\.sh\/v1alpha1\/namespaces\/([^/]+)\/jobs\/([^/]+)\/?$/;
const resourceList = {
	kind: 'APIResourceList',
	apiVersion: 'v1',
	groupVersion,
	resources: [
		{
			name: 'jobs',
			singularName: 'job',
			namespaced: true,
			kind: 'Job',
			verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
			shortNames: ['vcjob', 'vj'],
		},
		{name: 'jobs/status', singularName: '', namespaced: true, kind: 'Job', verbs: ['get', 'patch', 'update']},
	],
};

// Kubernetes reads `pretty` with Go's strconv.ParseBool.
export function parseBool(value: string | null): boolean | undefined {
	if (value === null) {
		return undefined;
	}

	if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) {
		return true;
	}

	return ['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value) ? false : undefined;
}

export function pick<T extends object, K extends keyof T>(from: T, keys: readonly K[]): Partial<Pick<T, K>> {
	return Object.fromEntries(keys.filter(key => from[key] !== undefined).map(key => [key, from[key]])) as Partial<Pick<T, K>>;
}

function decode(segment: string): string | undefined {
	try {
		return decodeURIComponent(segment);
	} catch {
		return undefined;
	}
}

export type Route =
	| {readonly kind: 'job'; readonly namespace: string | undefined; readonly name: string | undefined}
	| {readonly kind: 'discovery'; readonly body: unknown}
	| {readonly kind: 'cluster'; readonly request: ClusterRequest & {readonly name: string}}
	| {readonly kind: 'log'; readonly namespace: string; readonly name: string};

/** What a path other than a collection's asks for; undefined when no service publishes it. */
export function routeOf(pathname: string, socket: LocalEnd, discovery: DiscoveryOptions): Route | undefined {
	const job = jobPathPattern.exec(pathname);
	if (job) return {kind: 'job', namespace: decode(job[1]!), name: decode(job[2]!)};
	const log = podLogPattern.exec(pathname);
	const [logNamespace, logName] = log ? [decode(log[1]!), decode(log[2]!)] : [];
	if (logNamespace !== undefined && logName !== undefined) return {kind: 'log', namespace: logNamespace, name: logName};
	const bare = pathname.replace(/\/$/, '');
	if (bare === groupVersionPath) return {kind: 'discovery', body: resourceList};
	const document = clusterDiscovery.get(bare) ?? rootDiscovery(bare, socket, discovery);
	if (document) return {kind: 'discovery', body: document};
	const request = clusterRequestOf(pathname);
	return request?.name === undefined ? undefined : {kind: 'cluster', request: {...request, name: request.name}};
}
