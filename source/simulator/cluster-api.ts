import type {Cluster} from './cluster-objects.js';
import type {Rendered} from './cluster-render.js';
import {statusBody} from './faults.js';
import {parseFieldSelector, parseLabelSelector, type SelectableFields} from './selectors.js';

// The Kubernetes paths around the job: pods, events (core v1) and PodGroups (scheduling.volcano.sh/v1beta1),
// each listed (with labelSelector and fieldSelector) or fetched by name, with the API server's errors.

export const clusterResources = ['pods', 'events', 'podgroups'] as const;
export type ClusterResource = (typeof clusterResources)[number];

export type ClusterRequest = {readonly resource: ClusterResource; readonly namespace: string; readonly name?: string};

type Reply = {readonly status: number; readonly body: unknown};

type ResourceInfo = {
	readonly group: string;
	readonly apiVersion: string;
	readonly kind: string;
	readonly fields: SelectableFields<Rendered>;
};

// A field the object does not carry reads as "", as fields.Set does.
function selectable(...fields: string[]): SelectableFields<Rendered> {
	return Object.fromEntries(fields.map(field => [field, (object: Rendered) => object.fields[field] ?? '']));
}

const scheduling = 'scheduling.volcano.sh';

const resources: Readonly<Record<ClusterResource, ResourceInfo>> = {
	pods: {
		group: '',
		apiVersion: 'v1',
		kind: 'Pod',
		fields: selectable(
			'metadata.name',
			'metadata.namespace',
			'spec.nodeName',
			'spec.restartPolicy',
			'spec.schedulerName',
			'spec.serviceAccountName',
			'spec.hostNetwork',
			'status.phase',
			'status.podIP',
			'status.podIPs',
			'status.nominatedNodeName',
		),
	},
	events: {
		group: '',
		apiVersion: 'v1',
		kind: 'Event',
		fields: selectable(
			'metadata.name',
			'metadata.namespace',
			'involvedObject.kind',
			'involvedObject.namespace',
			'involvedObject.name',
			'involvedObject.uid',
			'involvedObject.apiVersion',
			'involvedObject.resourceVersion',
			'involvedObject.fieldPath',
			'reason',
			'reportingComponent',
			'source',
			'type',
		),
	},
	// A custom resource without selectableFields: only the two metadata fields.
	podgroups: {group: scheduling, apiVersion: `${scheduling}/v1beta1`, kind: 'PodGroup', fields: selectable('metadata.name', 'metadata.namespace')},
};

const corePath = /^\/api\/v1\/namespaces\/([^/]+)\/(pods|events)(?:\/([^/]+))?\/?$/;
const schedulingPath = /^\/apis\/scheduling\.volcano\.sh\/v1beta1\/namespaces\/([^/]+)\/(podgroups)(?:\/([^/]+))?\/?$/;

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

function qualified(resource: ClusterResource): string {
	const {group} = resources[resource];
	return group ? `${resource}.${group}` : resource;
}

function forbidden(request: ClusterRequest, user: string): Reply {
	const {group} = resources[request.resource];
	const verb = request.name === undefined ? 'list' : 'get';
	const subject = request.name === undefined ? qualified(request.resource) : `${qualified(request.resource)} "${request.name}"`;
	return {
		status: 403,
		body: statusBody(403, {
			message: `${subject} is forbidden: User "${user}" cannot ${verb} resource "${request.resource}" in API group "${group}" in the namespace "${request.namespace}"`,
			details: {...(request.name === undefined ? {} : {name: request.name}), ...(group ? {group} : {}), kind: request.resource},
		}),
	};
}

function objects(cluster: Cluster, resource: ClusterResource, now: number): Rendered[] {
	switch (resource) {
		case 'pods': {
			return cluster.pods(now);
		}

		case 'events': {
			return cluster.events(now);
		}

		case 'podgroups': {
			return cluster.podGroups(now);
		}
	}
}

export type ClusterAnswerOptions = {
	/** Resources whose lists and gets are refused with 403, as for a user without RBAC rights on them. */
	readonly forbidden: readonly ClusterResource[];
	readonly user: string;
};

export function answerCluster(
	request: ClusterRequest,
	query: URLSearchParams,
	cluster: Cluster,
	options: ClusterAnswerOptions,
	now: number,
): Reply {
	if (options.forbidden.includes(request.resource)) return forbidden(request, options.user);
	const info = resources[request.resource];
	const custom = info.group !== '';
	const inNamespace = objects(cluster, request.resource, now).filter(object => object.fields['metadata.namespace'] === request.namespace);
	if (request.name !== undefined) {
		const found = inNamespace.find(object => object.fields['metadata.name'] === request.name);
		if (!found) {
			return {
				status: 404,
				body: statusBody(404, {
					message: `${qualified(request.resource)} "${request.name}" not found`,
					details: {name: request.name, ...(custom ? {group: info.group} : {}), kind: request.resource},
				}),
			};
		}

		return {status: 200, body: custom ? found.body : {kind: info.kind, apiVersion: info.apiVersion, ...found.body}};
	}

	const labels = parseLabelSelector(query.get('labelSelector') ?? '');
	if (!labels.ok) return {status: 400, body: statusBody(400, {message: labels.message})};
	const fields = parseFieldSelector(query.get('fieldSelector') ?? '', info.fields);
	if (!fields.ok) return {status: 400, body: statusBody(400, {message: fields.message})};
	const items = inNamespace
		.filter(object => labels.value.matches(object.labels ?? {}) && fields.value.matches(object))
		.map(object => object.body);
	const resourceVersion = cluster.resourceVersion;
	return {
		status: 200,
		body: custom
			? {apiVersion: info.apiVersion, items, kind: `${info.kind}List`, metadata: {continue: '', resourceVersion}}
			: {kind: `${info.kind}List`, apiVersion: info.apiVersion, metadata: {resourceVersion}, items},
	};
}
