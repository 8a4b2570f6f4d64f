// Which log the log view shows: a pod of the pods view, one of its containers, and whether it is followed live.
import type {PodInfo} from '../../../model/cluster.js';
import type {FailureEvidence} from '../../../watch/failure-watcher.js';

export type LogTarget = {
	readonly pod: string;
	/** '' when no container's name is known: the pod's only (or default) container. */
	readonly container: string;
	/** Why no live log follows the saved ones; undefined when one does. */
	readonly noLive?: string | undefined;
};

/**
 * The pod's containers whose names are known: its spec's (the default first), those that ended a run or
 * restarted, the one in trouble, those of its failure records (kept after the pod was re-created). [''] when
 * none is known.
 */
export function containersOf(pod: string, info: PodInfo | undefined, failures: readonly FailureEvidence[]): string[] {
	const names: string[] = [];
	const add = (name: string | undefined) => {
		if (name !== undefined && !names.includes(name)) names.push(name);
	};

	for (const name of info?.containerNames ?? []) add(name);
	for (const runs of info?.runs ?? []) add(runs.name);
	add(info?.problem?.container);
	for (const {record} of failures) if (record.pod === pod) add(record.container);
	return names.length === 0 ? [''] : names;
}

/** The log a pod opens with: its latest failure's container, else the one in trouble, else the default one. */
export function logTargetFor(info: PodInfo, failures: readonly FailureEvidence[], canFollow: boolean): LogTarget {
	const names = containersOf(info.name, info, failures);
	const latest = failures.findLast(({record}) => record.pod === info.name && record.container !== undefined)?.record.container;
	const container = latest ?? info.problem?.container ?? names[0]!;
	return {pod: info.name, container, noLive: liveGap(info, canFollow)};
}

/** The same pod's next container (after the last, the first again). */
export function nextContainer(target: LogTarget, info: PodInfo | undefined, failures: readonly FailureEvidence[]): LogTarget {
	const names = containersOf(target.pod, info, failures);
	const next = names[(names.indexOf(target.container) + 1) % names.length]!;
	return next === target.container ? target : {...target, container: next};
}

/** Why a pod's log cannot be followed: the view has no way to, or its containers have all stopped. */
function liveGap(info: PodInfo, canFollow: boolean): string | undefined {
	if (!canFollow) return 'no live log in this view: the saved ends of failed runs only';
	if (info.phase === 'Failed' || info.phase === 'Succeeded') return `no live log: the pod has ended (${info.phase})`;
	return undefined;
}

/** The records whose saved log belongs to this container (a pod's own record to all of them), oldest first. */
export function savedFor(target: LogTarget, failures: readonly FailureEvidence[]): FailureEvidence[] {
	return failures.filter(
		({record}) => record.pod === target.pod && (record.container === undefined || target.container === '' || record.container === target.container),
	);
}
