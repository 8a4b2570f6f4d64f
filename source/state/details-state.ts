import type {ApiError} from '../api/api-error.js';
import type {EventInfo, PodGroupInfo, PodInfo} from '../model/cluster.js';
import {mergeEvents, newEvents} from '../model/normalize/normalize-events.js';
import type {DetailPart, DetailsEvent, DetailValues} from '../watch/details-poller.js';

export type DetailView<T> =
	| {readonly status: 'idle'}
	| {readonly status: 'ok'; readonly value: T; readonly at: number}
	| {readonly status: 'absent'; readonly at: number}
	/** `known`: the events part only, what it held before; not shown, merged with the next answer. */
	| {readonly status: 'refused'; readonly error: ApiError; readonly at: number; readonly known?: T}
	/** A failure that will be retried; the last good value stays on screen, marked stale. */
	| {readonly status: 'error'; readonly error: ApiError; readonly at: number; readonly value?: T};

export type DetailsView = {
	readonly podGroup: DetailView<PodGroupInfo>;
	readonly pods: DetailView<readonly PodInfo[]>;
	readonly events: DetailView<readonly EventInfo[]>;
};

export const idleDetails: DetailsView = {podGroup: {status: 'idle'}, pods: {status: 'idle'}, events: {status: 'idle'}};

/** Highlight keys of what the details panels show. */
export const detailPaths = {
	podGroupPhase: 'podGroup.phase',
	podGroupMessage: 'podGroup.message',
	pod: (name: string) => `pods[${name}]`,
	event: (key: string) => `events[${key}]`,
} as const;

export type DetailsUpdate = {
	readonly details: DetailsView;
	/** Highlight keys for what is new or changed. */
	readonly changed: readonly string[];
};

function valueOf<T>(view: DetailView<T>): T | undefined {
	return view.status === 'ok' || view.status === 'error' ? view.value : view.status === 'refused' ? view.known : undefined;
}

/**
 * What a part shows after an answer: the answer itself, but for events the answer merged into those known,
 * since an answer holds only the objects asked about this time (a pod that recovered is no longer asked
 * about, and its events must not vanish with it). Only a reset forgets them.
 */
function shownAfter<P extends DetailPart>(part: P, known: DetailValues[P] | undefined, answer: DetailValues[P]): DetailValues[P] {
	if (part !== 'events' || known === undefined) return answer;
	return mergeEvents(known as readonly EventInfo[], answer as readonly EventInfo[]) as DetailValues[P];
}

function sameValue(a: unknown, b: unknown): boolean {
	return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function changedKeys<P extends DetailPart>(part: P, before: DetailValues[P] | undefined, after: DetailValues[P]): string[] {
	// The first answer has nothing to compare with: nothing flashes.
	if (before === undefined) return [];
	switch (part) {
		case 'podGroup': {
			const [old, next] = [before as PodGroupInfo, after as PodGroupInfo];
			return [
				...(old.phase === next.phase ? [] : [detailPaths.podGroupPhase]),
				...(old.message === next.message ? [] : [detailPaths.podGroupMessage]),
			];
		}

		case 'pods': {
			const old = new Map((before as readonly PodInfo[]).map(pod => [pod.name, pod]));
			return (after as readonly PodInfo[])
				.filter(pod => {
					const was = old.get(pod.name);
					return (
						!was ||
						was.phase !== pod.phase ||
						was.problem?.reason !== pod.problem?.reason ||
						was.restarts !== pod.restarts ||
						was.ready !== pod.ready ||
						// A pod being deleted keeps its phase until it is gone: "going" is the change to see.
						was.deleting !== pod.deleting
					);
				})
				.map(pod => detailPaths.pod(pod.name));
		}

		default: {
			return newEvents(before as readonly EventInfo[], after as readonly EventInfo[]).map(event => detailPaths.event(event.key));
		}
	}
}

/** The details after one answer; the same object when nothing a person would see changed. */
export function reduceDetails(details: DetailsView, event: DetailsEvent): DetailsUpdate {
	if (event.type === 'details-reset') {
		return {details: details === idleDetails ? details : idleDetails, changed: []};
	}

	const {part, result, at} = event;
	const current = details[part] as DetailView<DetailValues[typeof part]>;
	let next: DetailView<DetailValues[typeof part]>;
	let changed: string[] = [];
	switch (result.status) {
		case 'ok': {
			const before = valueOf(current);
			const value = shownAfter(part, before, result.value);
			if (current.status === 'ok' && sameValue(before, value)) return {details, changed};
			next = {status: 'ok', value, at};
			changed = changedKeys(part, before, value);
			break;
		}

		case 'absent': {
			if (current.status === 'absent') return {details, changed};
			next = {status: 'absent', at};
			break;
		}

		case 'refused': {
			if (current.status === 'refused' && current.error.summary === result.error.summary) return {details, changed};
			// The events known stay for when the refusal ends (a permission granted); what else was shown goes.
			const known = part === 'events' ? valueOf(current) : undefined;
			next = {status: 'refused', error: result.error, at, ...(known === undefined ? {} : {known})};
			break;
		}

		case 'error': {
			if (current.status === 'error' && current.error.summary === result.error.summary) return {details, changed};
			const value = valueOf(current);
			next = {status: 'error', error: result.error, at, ...(value === undefined ? {} : {value})};
			break;
		}
	}

	return {details: {...details, [part]: next}, changed};
}
