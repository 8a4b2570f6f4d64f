import {describe, expect, test} from 'vitest';
import {exitLabel} from '../../source/model/exit-label.js';
import {noFailures, recordFailures} from '../../source/model/failures.js';
import {normalizePod} from '../../source/model/normalize/normalize-pods.js';

const job = {version: 1, retryCount: 0};
const at = Date.parse('2026-11-27T08:00:00Z');

type Terminated = {exitCode?: number; reason?: string; signal?: number};

/** The label of the one record a failed pod with this container exit (and pod reason) makes. */
function labelOf(terminated: Terminated | undefined, pod: {reason?: string; restarted?: Terminated} = {}): string {
	const raw = {
		metadata: {name: 'train-worker-0', uid: 'uid-pod'},
		status: {
			phase: 'Failed',
			...(pod.reason ? {reason: pod.reason, message: 'The node was low on resource: memory.'} : {}),
			containerStatuses: terminated
				? [
						{
							name: 'trainer',
							restartCount: pod.restarted ? 1 : 0,
							state: {terminated: {...terminated, finishedAt: '2026-11-27T07:59:00Z'}},
							...(pod.restarted ? {lastState: {terminated: pod.restarted}} : {}),
						},
					]
				: [],
		},
	};
	const {records} = recordFailures(noFailures, [normalizePod(raw)], job, at);
	return exitLabel(records.at(-1)!);
}

describe('exitLabel: a failure in a few cells', () => {
	test.each([
		[{exitCode: 137, reason: 'OOMKilled'}, 'OOMKilled'],
		[{exitCode: 1, reason: 'Error'}, 'exit 1'],
		[{exitCode: 143, reason: 'Error'}, 'SIGTERM'],
		[{exitCode: 137, reason: 'Error'}, 'SIGKILL'],
		[{exitCode: 139, reason: 'Error'}, 'SIGSEGV'],
		[{exitCode: 162, reason: 'Error'}, 'signal 34'],
		[{exitCode: 193, reason: 'Error'}, 'exit 193'],
		[{exitCode: 128, reason: 'StartError'}, 'StartError'],
		[{exitCode: 2}, 'exit 2'],
		[{reason: 'Error', signal: 9}, 'SIGKILL'],
	])('%o: %s', (terminated, label) => {
		expect(labelOf(terminated)).toBe(label);
	});

	test("an evicted pod says Evicted, whether or not its container's kill is known", () => {
		expect(labelOf(undefined, {reason: 'Evicted'})).toBe('Evicted');
		expect(labelOf({exitCode: 137, reason: 'Error'}, {reason: 'Evicted'})).toBe('Evicted');
		// Out of memory is the container's own end, and says more.
		expect(labelOf({exitCode: 137, reason: 'OOMKilled'}, {reason: 'Evicted'})).toBe('OOMKilled');
	});

	test('a failed pod with no reason at all, and a restart whose exit was not kept', () => {
		expect(labelOf(undefined)).toBe('failed');
		expect(exitLabel({key: 'k', pod: 'p', container: 'c', run: 0, restartedInPlace: true, version: 0, retryCount: 0, seenAt: at})).toBe('restarted');
	});
});
