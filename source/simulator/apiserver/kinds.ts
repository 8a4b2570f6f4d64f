// The four kinds the simulated API server lists and watches: Volcano Jobs and PodGroups (custom resources), pods
// and events (built-in core/v1). Each has its own watch cache, as each resource has its own cacher.

export const collectionResources = ['jobs', 'pods', 'events', 'podgroups'] as const;
export type CollectionResource = (typeof collectionResources)[number];

export type Kind = {
	readonly resource: CollectionResource;
	/** '' for the core group. */
	readonly group: string;
	readonly apiVersion: string;
	readonly kind: string;
	/** A custom resource: lists always carry metadata.continue, items carry kind and apiVersion. */
	readonly custom: boolean;
	/** What fieldSelector may name. */
	readonly fields: readonly string[];
};

const metadataFields = ['metadata.name', 'metadata.namespace'];

export const kinds: Readonly<Record<CollectionResource, Kind>> = {
	// Custom resources without selectableFields: only the two metadata fields.
	jobs: {resource: 'jobs', group: 'batch.volcano.sh', apiVersion: 'batch.volcano.sh/v1alpha1', kind: 'Job', custom: true, fields: metadataFields},
	podgroups: {
		resource: 'podgroups',
		group: 'scheduling.volcano.sh',
		apiVersion: 'scheduling.volcano.sh/v1beta1',
		kind: 'PodGroup',
		custom: true,
		fields: metadataFields,
	},
	pods: {
		resource: 'pods',
		group: '',
		apiVersion: 'v1',
		kind: 'Pod',
		custom: false,
		fields: [
			...metadataFields,
			'spec.nodeName',
			'spec.restartPolicy',
			'spec.schedulerName',
			'spec.serviceAccountName',
			'spec.hostNetwork',
			'status.phase',
			'status.podIP',
			'status.podIPs',
			'status.nominatedNodeName',
		],
	},
	events: {
		resource: 'events',
		group: '',
		apiVersion: 'v1',
		kind: 'Event',
		custom: false,
		fields: [
			...metadataFields,
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
		],
	},
};

/** The resource as RBAC and error messages name it: pods, podgroups.scheduling.volcano.sh. */
export function qualified(kind: Kind): string {
	return kind.group ? `${kind.resource}.${kind.group}` : kind.resource;
}

/**
 * The object a BOOKMARK carries. A custom resource's is an Unstructured with only apiVersion, kind and metadata; a
 * built-in kind's is its empty Go struct, serialised with its zero values.
 */
export function bookmarkObject(kind: Kind, metadata: Readonly<Record<string, unknown>>): Record<string, unknown> {
	if (kind.custom) {
		return {apiVersion: kind.apiVersion, kind: kind.kind, metadata};
	}

	// ObjectMeta's field order: resourceVersion, creationTimestamp (a struct, so null rather than left out), annotations.
	const {annotations, ...rest} = metadata;
	const head = {
		kind: kind.kind,
		apiVersion: kind.apiVersion,
		metadata: {...rest, creationTimestamp: null, ...(annotations === undefined ? {} : {annotations})},
	};
	if (kind.resource === 'pods') {
		return {...head, spec: {containers: null}, status: {}};
	}

	// Empty strings with omitempty are left out; structs and the two reporting fields are not.
	return {
		...head,
		involvedObject: {},
		source: {},
		firstTimestamp: null,
		lastTimestamp: null,
		eventTime: null,
		reportingComponent: '',
		reportingInstance: '',
	};
}

const jobsPath = /^\/apis\/batch\.volcano\.sh\/v1alpha1\/(watch\/)?namespaces\/([^/]+)\/(jobs)(?:\/([^/]+))?\/?$/;
const corePath = /^\/api\/v1\/(watch\/)?namespaces\/([^/]+)\/(pods|events)(?:\/([^/]+))?\/?$/;
const schedulingPath = /^\/apis\/scheduling\.volcano\.sh\/v1beta1\/(watch\/)?namespaces\/([^/]+)\/(podgroups)(?:\/([^/]+))?\/?$/;

export type CollectionPath = {
	readonly resource: CollectionResource;
	readonly namespace: string;
	/** A watch on the deprecated /watch/…/{name} path. */
	readonly name?: string;
	/** The deprecated /watch/ paths always watch. */
	readonly forceWatch: boolean;
};

function decode(segment: string | undefined): string | undefined {
	if (segment === undefined) {
		return undefined;
	}

	try {
		return decodeURIComponent(segment);
	} catch {
		return undefined;
	}
}

/** A collection (list or watch) path, or a deprecated watch path; undefined for anything else (a named GET too). */
export function matchCollectionPath(pathname: string): CollectionPath | undefined {
	const match = jobsPath.exec(pathname) ?? corePath.exec(pathname) ?? schedulingPath.exec(pathname);
	if (!match) {
		return undefined;
	}

	const forceWatch = match[1] !== undefined;
	if (!forceWatch && match[4] !== undefined) {
		return undefined;
	}

	const namespace = decode(match[2]);
	const name = decode(match[4]);
	if (namespace === undefined || (match[4] !== undefined && name === undefined)) {
		return undefined;
	}

	return {resource: match[3] as CollectionResource, namespace, ...(name === undefined ? {} : {name}), forceWatch};
}
