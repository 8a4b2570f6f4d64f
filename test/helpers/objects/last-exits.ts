import {describeExit, type FailureRecord} from '../../../source/model/failures.js';
import type {LastExitEvent} from '../../../source/watch/namespace-exits.js';
import {namespace} from './namespace-jobs.js';

/** A container's failed run as recordFailures makes it: the exit code, the kubelet's reason, what it means. */
export function failureRecord(pod: string, exitCode: number, reason = 'Error', more: Partial<FailureRecord> = {}): FailureRecord {
	const meaning = describeExit(exitCode, reason);
	return {
		key: JSON.stringify([`uid-${pod}`, 'trainer', 0]),
		pod,
		podUid: `uid-${pod}`,
		container: 'trainer',
		exitCode,
		...(meaning === undefined ? {} : {meaning}),
		reason,
		run: 0,
		restartedInPlace: false,
		version: 1,
		retryCount: 0,
		seenAt: 0,
		...more,
	};
}

/** A "last-exit" event for the job `name` of namespace-jobs.ts (uid `uid-NAME`). */
export function lastExitEvent(at: number, name: string, record: FailureRecord, news = true): LastExitEvent {
	return {type: 'last-exit', at, key: `uid-${name}`, namespace, name, uid: `uid-${name}`, record, news};
}
