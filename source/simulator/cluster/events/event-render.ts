import type {Rendered} from '../cluster-state.js';
import {kubeTime} from '../job-template.js';
import {occurrences, type EventRecord} from './event-record.js';

// An Event as the API server sends it: keys in the order of the Go struct (a built-in type).

/** A core/v1 Event as client-go's recorder writes it (eventTime null, first/last timestamps and a count). */
export function renderEvent(entry: EventRecord, total: number, now: number): Rendered {
	const seen = entry.repeat ? occurrences(entry.repeat, now) : 0;
	const first = entry.first ?? entry.repeat?.start ?? now;
	const last = Math.max(entry.last ?? first, seen > 0 ? entry.repeat!.start + (seen - 1) * entry.repeat!.every : first);
	const {ref} = entry;
	const involvedObject = {
		kind: ref.kind,
		namespace: ref.namespace,
		name: ref.name,
		uid: ref.uid,
		apiVersion: ref.apiVersion,
		...(entry.involvedVersion ? {resourceVersion: entry.involvedVersion} : {}),
		...(ref.fieldPath ? {fieldPath: ref.fieldPath} : {}),
	};
	const body = {
		metadata: {name: entry.name, namespace: ref.namespace, uid: entry.uid, resourceVersion: '', creationTimestamp: kubeTime(new Date(first))},
		involvedObject,
		reason: entry.reason,
		message: entry.message,
		source: {component: entry.component, ...(entry.host ? {host: entry.host} : {})},
		firstTimestamp: kubeTime(new Date(first)),
		lastTimestamp: kubeTime(new Date(last)),
		count: total,
		type: entry.type,
		eventTime: null,
		reportingComponent: entry.component,
		reportingInstance: entry.host ?? '',
	};
	return {
		body,
		fields: {
			'metadata.name': entry.name,
			'metadata.namespace': ref.namespace,
			'involvedObject.kind': ref.kind,
			'involvedObject.namespace': ref.namespace,
			'involvedObject.name': ref.name,
			'involvedObject.uid': ref.uid,
			'involvedObject.apiVersion': ref.apiVersion,
			'involvedObject.resourceVersion': entry.involvedVersion ?? '',
			'involvedObject.fieldPath': ref.fieldPath ?? '',
			reason: entry.reason,
			reportingComponent: entry.component,
			source: entry.component,
			type: entry.type,
		},
	};
}
