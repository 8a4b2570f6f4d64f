import {forbiddenReply} from './apiserver/request.js';
import {kinds, qualified} from './apiserver/kinds.js';
import type {ObjectStore} from './apiserver/object-store.js';
import type {Cluster} from './cluster/cluster.js';
import type {Rendered} from './cluster/cluster-state.js';
import {statusBody} from './faults.js';

// The Kubernetes paths around the job: pods, events (core v1) and PodGroups (scheduling.volcano.sh/v1beta1). The
// cluster model (cluster/cluster.ts) derives them from the job; here they are written into the API server's stores
// (one resourceVersion per change, from etcd's single revision), from which they are listed, watched and fetched.

export const clusterResources = ['pods', 'events', 'podgroups'] as const;
export type ClusterResource = (typeof clusterResources)[number];

/** A GET of one object by name. */
export type ClusterRequest = {readonly resource: ClusterResource; readonly namespace: string; readonly name?: string};

type Reply = {readonly status: number; readonly body: unknown};

const corePath = /^\/api\/v1\/namespaces\/([^/]+)\/(pods|events)(?:\/([^/]+))?\/?$/;
const schedulingPath = /^\/apis\/scheduling\.volcano\.sh\/v1beta1\/namespaces\/([^/]+)\/(podgroups)(?:\/([^/]+))?\/?$/;
const scheduling = 'scheduling.volcano.sh';

function decode(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}

/** The request, when the path is one of these resources' (list or get); undefined otherwise. */
export function clusterRequestOf(pathname: string): ClusterRequest | undefined {
	const match = corePath.exec(pathname) ?? schedulingPath.exec(pathname);
	if (!match) return undefined;
	return {
		resource: match[2] as ClusterResource,
		namespace: decode(match[1]!),
		...(match[3] === undefined ? {} : {name: decode(match[3])}),
	};
}

/** Discovery documents for the two group versions, by path. */
export const clusterDiscovery: ReadonlyMap<string, unknown> = new Map([
	[
		'/api/v1',
		{
			kind: 'APIResourceList',
			groupVersion: 'v1',
			resources: [
				{name: 'events', singularName: 'event', namespaced: true, kind: 'Event', verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['ev']},
				{name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['po'], categories: ['all']},
				{name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get']},
				{name: 'pods/status', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get', 'patch', 'update']},
			],
		},
	],
	[
		`/apis/${scheduling}/v1beta1`,
		{
			kind: 'APIResourceList',
			apiVersion: 'v1',
			groupVersion: `${scheduling}/v1beta1`,
			resources: [
				{name: 'podgroups', singularName: 'podgroup', namespaced: true, kind: 'PodGroup', verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'], shortNames: ['pg', 'podgroup-v1beta1']},
				{name: 'podgroups/status', singularName: '', namespaced: true, kind: 'PodGroup', verbs: ['get', 'patch', 'update']},
			],
		},
	],
]);

export type ClusterAnswerOptions = {
	/** Resources whose lists, watches and gets are refused with 403, as for a user without RBAC rights on them. */
	readonly forbidden: readonly ClusterResource[];
	readonly user: string;
};

/** A GET of one pod, event or PodGroup by name, from the store. */
export function answerClusterGet(
	request: ClusterRequest & {readonly name: string},
	stores: Readonly<Record<ClusterResource, ObjectStore>>,
	options: ClusterAnswerOptions,
): Reply {
	const kind = kinds[request.resource];
	if (options.forbidden.includes(request.resource)) return forbiddenReply(kind, request.namespace, options.user, 'get', request.name);
	const found = stores[request.resource].get(request.namespace, request.name);
	if (!found) {
		return {
			status: 404,
			body: statusBody(404, {
				message: `${qualified(kind)} "${request.name}" not found`,
				details: {name: request.name, ...(kind.custom ? {group: kind.group} : {}), kind: request.resource},
			}),
		};
	}

	return {status: 200, body: found.object ?? JSON.parse(found.json)};
}

/** Stores a rendered object if its content changed; returns its resourceVersion (cluster-objects' store hook). */
export function storeRendered(store: ObjectStore, resource: ClusterResource, rendered: Rendered): string {
	const kind = kinds[resource];
	const metadata = rendered.body['metadata'] as Record<string, unknown>;
	const key = JSON.stringify(rendered.body);
	const namespace = rendered.fields['metadata.namespace'] ?? '';
	const name = rendered.fields['metadata.name'] ?? '';
	const uid = String(metadata['uid'] ?? '');
	const existing = store.get(namespace, name);
	if (existing?.uid === uid && existing.key === key) {
		return String(existing.resourceVersion);
	}

	let written = '';
	store.write(
		namespace,
		name,
		uid,
		resourceVersion => {
			written = resourceVersion;
			const body = {...rendered.body, metadata: {...metadata, resourceVersion}};
			// A built-in kind's list items carry no kind and apiVersion; a GET and a watch event do.
			return kind.custom ? body : {kind: kind.kind, apiVersion: kind.apiVersion, ...body};
		},
		{
			key,
			labels: rendered.labels ?? {},
			fields: rendered.fields,
			...(kind.custom ? {} : {item: ({kind: _kind, apiVersion: _apiVersion, ...item}) => JSON.stringify(item)}),
		},
	);
	return written;
}

/**
 * Brings the stores up to date with the cluster at `now` (wall-clock ms): changed objects written, vanished ones
 * deleted. Time alone changes some (restart counts, repeated events), so this runs on every tick and before reads.
 */
export function syncCluster(cluster: Cluster, stores: Readonly<Record<ClusterResource, ObjectStore>>, namespace: string, now: number): void {
	for (const resource of ['pods', 'podgroups', 'events'] as const) {
		const rendered = resource === 'pods' ? cluster.pods(now) : resource === 'podgroups' ? cluster.podGroups(now) : cluster.events(now);
		const present = new Set(rendered.map(object => object.fields['metadata.name']));
		const store = stores[resource];
		for (const object of store.list(namespace)) {
			if (!present.has(object.name)) {
				store.remove(namespace, object.name);
			}
		}
	}
}
