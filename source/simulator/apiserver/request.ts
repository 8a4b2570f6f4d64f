import {statusBody} from '../faults.js';
import {oneTermEqualSelector, parseFieldSelector, type FieldSelector, type SelectableFields} from '../selectors/field-selector.js';
import {parseLabelSelector, type LabelSelector} from '../selectors/label-selector.js';
import type {Kind} from './kinds.js';
import type {StoredObject} from './object-store.js';

// Reading a list or watch request as the API server does: query parameters, ListOptions validation, selectors,
// continue tokens, and the errors it answers with (k8s.io/apiserver pkg/endpoints/handlers/get.go,
// k8s.io/apimachinery pkg/apis/meta/internalversion/validation, pkg/storage/continue.go).

export type CollectionReply = {
	readonly status: number;
	readonly body: unknown;
	readonly headers?: Readonly<Record<string, string>>;
};

export class RequestError extends Error {
	constructor(readonly reply: CollectionReply) {
		super(String((reply.body as {message?: unknown}).message));
	}
}

export function badRequest(message: string): RequestError {
	return new RequestError({status: 400, body: statusBody(400, {message})});
}

// Query booleans as the API server converts them: absent, "0" or "false" (any case) are false, anything else true.
export function queryBool(query: URLSearchParams, key: string): boolean | undefined {
	const value = query.get(key);
	if (value === null) {
		return undefined;
	}

	return value !== '0' && value.toLowerCase() !== 'false';
}

export function queryInt(query: URLSearchParams, key: string): number | undefined {
	const value = query.get(key);
	if (value === null) {
		return undefined;
	}

	if (!/^[-+]?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
		throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`);
	}

	return Number(value);
}

/** undefined: unset or "0" (any); else the number. */
export function parseResourceVersion(value: string | null): number | undefined {
	if (value === null || value === '' || value === '0') {
		return undefined;
	}

	if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
		throw badRequest(
			`invalid resource version: resourceVersion: Invalid value: ${JSON.stringify(value)}: strconv.ParseUint: parsing ${JSON.stringify(value)}: invalid syntax`,
		);
	}

	return Number(value);
}

type InvalidOption = {readonly field: string; readonly type: string; readonly detail: string; readonly value?: string};

function invalidListOptions(errors: readonly InvalidOption[]): RequestError {
	const texts = errors.map(error =>
		error.type === 'FieldValueNotSupported'
			? `${error.field}: Unsupported value: ${JSON.stringify(error.value)}: ${error.detail}`
			: `${error.field}: Forbidden: ${error.detail}`,
	);
	const message = `ListOptions.meta.k8s.io "" is invalid: ${texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`}`;
	return new RequestError({
		status: 422,
		body: statusBody(422, {
			message,
			details: {
				group: 'meta.k8s.io',
				kind: 'ListOptions',
				name: '',
				causes: errors.map((error, index) => ({
					reason: error.type,
					message: texts[index]!.slice(error.field.length + 2),
					field: error.field,
				})),
			},
		}),
	});
}

// metainternalversion validation.ValidateListOptions (the WatchList feature on, as it is by default).
export function validate(query: URLSearchParams, watch: boolean): void {
	const match = query.get('resourceVersionMatch') ?? '';
	const resourceVersion = query.get('resourceVersion') ?? '';
	const continued = (query.get('continue') ?? '') !== '';
	const sendInitialEvents = query.has('sendInitialEvents');
	const errors: InvalidOption[] = [];
	const forbidden = (detail: string, field = 'resourceVersionMatch') => errors.push({field, type: 'FieldValueForbidden', detail});
	const notSupported = (detail: string) => errors.push({field: 'resourceVersionMatch', type: 'FieldValueNotSupported', value: match, detail});
	if (watch) {
		if (sendInitialEvents && match !== 'NotOlderThan') {
			forbidden('sendInitialEvents requires setting resourceVersionMatch to NotOlderThan', 'sendInitialEvents');
		}

		if (match !== '') {
			if (!sendInitialEvents) {
				forbidden('resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided');
			}

			if (match !== 'NotOlderThan') {
				notSupported('supported values: "NotOlderThan"');
			}

			if (continued) {
				forbidden('resourceVersionMatch is forbidden when continue is provided');
			}
		}
	} else {
		if (match !== '') {
			if (resourceVersion === '') {
				forbidden('resourceVersionMatch is forbidden unless resourceVersion is provided');
			}

			if (continued) {
				forbidden('resourceVersionMatch is forbidden when continue is provided');
			}

			if (match !== 'Exact' && match !== 'NotOlderThan') {
				notSupported('supported values: "Exact", "NotOlderThan", ""');
			}

			if (match === 'Exact' && resourceVersion === '0') {
				forbidden('resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
			}
		}

		if (sendInitialEvents) {
			forbidden('sendInitialEvents is forbidden for list', 'sendInitialEvents');
		}
	}

	if (errors.length > 0) {
		throw invalidListOptions(errors);
	}
}

export type Selection = {
	readonly namespace: string;
	readonly labels: LabelSelector;
	readonly fields: FieldSelector<StoredObject>;
	/** Neither selector filters anything out. */
	readonly everything: boolean;
};

// A field the object does not carry reads as "", as fields.Set does.
function selectableFields(kind: Kind): SelectableFields<StoredObject> {
	return Object.fromEntries(kind.fields.map(field => [field, (object: StoredObject) => object.fields[field] ?? '']));
}

const fieldsByKind = new WeakMap<Kind, SelectableFields<StoredObject>>();

/** The request's selectors; for a watch on a named path, the name as a field selector (get.go's rules). */
export function selection(kind: Kind, namespace: string, query: URLSearchParams, name: string | undefined): Selection {
	let selectable = fieldsByKind.get(kind);
	if (!selectable) {
		selectable = selectableFields(kind);
		fieldsByKind.set(kind, selectable);
	}

	const labels = parseLabelSelector(query.get('labelSelector') ?? '');
	if (!labels.ok) {
		throw badRequest(labels.message);
	}

	const fields = parseFieldSelector(query.get('fieldSelector') ?? '', selectable);
	if (!fields.ok) {
		throw badRequest(fields.message);
	}

	let fieldSelector = fields.value;
	if (name !== undefined) {
		if (fields.value.empty) {
			fieldSelector = oneTermEqualSelector('metadata.name', name, selectable);
		} else if (fields.value.requiresExactMatch('metadata.name') !== name) {
			throw badRequest("fieldSelector metadata.name doesn't match requested name");
		}
	}

	return {namespace, labels: labels.value, fields: fieldSelector, everything: labels.value.empty && fieldSelector.empty};
}

export function selects(selection: Selection, object: StoredObject): boolean {
	return object.namespace === selection.namespace && selection.fields.matches(object) && selection.labels.matches(object.labels);
}

const continueVersion = 'meta.k8s.io/v1';

export type ContinueToken = {readonly resourceVersion: number; readonly start: string};

export function encodeContinue(resourceVersion: number, start: string): string {
	return Buffer.from(JSON.stringify({v: continueVersion, rv: resourceVersion, start})).toString('base64url');
}

// storage.DecodeContinue's checks and words.
export function decodeContinue(token: string): ContinueToken {
	const invalid = (detail: string) => badRequest(`invalid continue token: continue key is not valid${detail}`);
	const bad = /[^A-Za-z\d_-]/.exec(token);
	if (bad || token.length % 4 === 1) {
		throw invalid(`: illegal base64 data at input byte ${bad?.index ?? token.length - 1}`);
	}

	let parsed: unknown;
	try {
		parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
	} catch {
		throw invalid(': invalid character looking for beginning of value');
	}

	const {v, rv, start} = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as {v?: unknown; rv?: unknown; start?: unknown};
	if (v !== continueVersion) {
		throw invalid(`: server does not recognize this encoded version ${typeof v === 'string' ? v : ''}`);
	}

	if (typeof rv !== 'number' || !Number.isSafeInteger(rv) || rv === 0) {
		throw invalid(`: incorrect encoded start resourceVersion (version ${continueVersion})`);
	}

	if (typeof start !== 'string' || start === '') {
		throw invalid(`: encoded start key empty (version ${continueVersion})`);
	}

	const key = start.startsWith('/') ? start : `/${start}`;
	if (key.split('/').some((part, index) => index > 0 && (part === '' || part === '.' || part === '..'))) {
		throw invalid(`: ${start}`);
	}

	return {resourceVersion: rv, start: key.slice(1)};
}

export function expired(message: string, extra: Record<string, unknown> = {}): RequestError {
	return new RequestError({status: 410, body: {...statusBody(410, {message}), ...extra}});
}

// etcd3's words (pkg/storage/etcd3/errors.go): exact and paged reads are served by etcd.
export const listTooOld = 'The resourceVersion for the provided list is too old.';
export const inconsistentContinue =
	'The provided continue parameter is too old to display a consistent list result. You can start a new list without ' +
	'the continue parameter, or use the continue token in this response to retrieve the remainder of the results. ' +
	'Continuing with the provided token results in an inconsistent list - objects that were created, modified, or ' +
	'deleted between the time the first chunk was returned and now may show up in the list.';

export function tooLarge(resourceVersion: number, current: number): CollectionReply {
	return {
		status: 504,
		body: statusBody(504, {
			message: `Too large resource version: ${resourceVersion}, current: ${current}`,
			details: {causes: [{reason: 'ResourceVersionTooLarge', message: 'Too large resource version'}]},
			retryAfterSeconds: 1,
		}),
		headers: {'Retry-After': '1'},
	};
}

/** The cacher while its cache (re)initializes: errors.NewTooManyRequests(…, 1). */
export function initializing(): CollectionReply {
	return {
		status: 429,
		body: statusBody(429, {message: 'storage is (re)initializing', retryAfterSeconds: 1}),
		headers: {'Retry-After': '1'},
	};
}

/** RBAC's refusal of a verb on a resource. */
export function forbiddenReply(kind: Kind, namespace: string, user: string, verb: 'get' | 'list' | 'watch', name?: string): CollectionReply {
	const resource = kind.group ? `${kind.resource}.${kind.group}` : kind.resource;
	const subject = name === undefined ? resource : `${resource} "${name}"`;
	return {
		status: 403,
		body: statusBody(403, {
			message: `${subject} is forbidden: User "${user}" cannot ${verb} resource "${kind.resource}" in API group "${kind.group}" in the namespace "${namespace}"`,
			details: {...(name === undefined ? {} : {name}), ...(kind.group ? {group: kind.group} : {}), kind: kind.resource},
		}),
	};
}
