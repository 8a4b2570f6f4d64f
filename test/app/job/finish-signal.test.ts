import {describe, expect, it} from 'vitest';
import {failureReason, watchFinishSignal, type FinishSignal} from '../../../source/app/job/finish-signal.js';
import type {FailureRecord} from '../../../source/model/failures.js';
import type {FailureEvent, FailureEvidence} from '../../../source/watch/failure-watcher.js';
import type {WatchEvent} from '../../../source/watch/job-watcher.js';
import {fakeWatcher} from '../../helpers/fakes/fake-watcher.js';
import {jobAt, jobEvent} from '../../helpers/objects/jobs.js';

const record: FailureRecord = {
	key: 'k1',
	pod: 'mpiworker-1',
	container: 'worker',
	exitCode: 137,
	meaning: 'out of memory (OOMKilled)',
	reason: 'OOMKilled',
	version: 1,
	retryCount: 0,
	seenAt: 0,
};

function phased(rv: number, phase: string, failed = 0) {
	return jobAt(rv, job => {
		job['status'].state = {phase};
		job['status'].failed = failed;
	});
}

function rig(withFailures = true) {
	const jobs = fakeWatcher<WatchEvent>();
	const failureEvents = fakeWatcher<FailureEvent>();
	const evidence: FailureEvidence[] = [];
	const told: FinishSignal[] = [];
	const stop = watchFinishSignal(
		{watcher: jobs.watcher, failures: withFailures ? {subscribe: failureEvents.watcher.subscribe, evidence: () => evidence} : undefined},
		signal => told.push(signal),
	);
	let at = 0;
	return {
		told,
		stop,
		job(phase: string, failed = 0) {
			at += 1000;
			jobs.emit(jobEvent(phased(at, phase, failed), at));
		},
		failure(old = false) {
			const added: FailureEvidence = {record, log: {status: 'pending'}};
			evidence.push(added);
			failureEvents.emit({type: 'failure', at, evidence: added, ...(old ? {old: true as const} : {})});
		},
		listeners: () => jobs.listenerCount() + failureEvents.listenerCount(),
	};
}

describe('watchFinishSignal', () => {
	it('tells a finish once, whatever shows the same phase again (a poll, r, a reconnect)', () => {
		const signals = rig();
		signals.job('Running');
		signals.job('Completed');
		signals.job('Completed');
		signals.job('Completed');
		expect(signals.told.map(signal => signal.type)).toEqual(['finished']);
		expect(signals.told[0]).toMatchObject({type: 'finished', outcome: 'success', job: {phase: 'Completed'}});
		expect(signals.told[0]).not.toHaveProperty('failure');
	});

	it('tells a job already finished when the watch starts: the user has not seen that finish', () => {
		const signals = rig();
		signals.job('Failed', 1);
		signals.job('Failed', 1);
		expect(signals.told).toHaveLength(1);
		expect(signals.told[0]).toMatchObject({type: 'finished', outcome: 'failure'});
	});

	it('tells a new finish after the job left its final phase (an Aborted job resumed)', () => {
		const signals = rig();
		signals.job('Aborted');
		signals.job('Running');
		signals.job('Completed');
		expect(signals.told.map(signal => signal.type === 'finished' && signal.job.phase)).toEqual(['Aborted', 'Completed']);
	});

	it("names the latest failure's reason in a failed finish", () => {
		const signals = rig();
		signals.job('Running');
		signals.failure();
		signals.job('Failed', 1);
		expect(signals.told.at(-1)).toMatchObject({type: 'finished', failure: 'mpiworker-1/worker exit 137: out of memory (OOMKilled)'});
	});

	it('tells the first failure once, from a record or from the failed counter rising from 0, never after the finish', () => {
		const signals = rig();
		signals.job('Running');
		signals.failure();
		signals.job('Running', 1);
		signals.failure();
		signals.job('Failed', 2);
		expect(signals.told.map(signal => signal.type)).toEqual(['first-failure', 'finished']);
		expect(signals.told[0]).toMatchObject({failure: 'mpiworker-1/worker exit 137: out of memory (OOMKilled)'});

		const counted = rig(false);
		counted.job('Running');
		counted.job('Running', 1);
		expect(counted.told).toMatchObject([{type: 'first-failure', job: {counters: {failed: 1}}}]);

		const late = rig();
		late.job('Failed', 1);
		late.failure();
		expect(late.told.map(signal => signal.type)).toEqual(['finished']);
	});

	it('does not take failures already there when the watch began for a new one', () => {
		const signals = rig();
		signals.job('Running', 1);
		signals.failure(true);
		signals.job('Running', 1);
		expect(signals.told).toEqual([]);
	});

	it('stops listening when unsubscribed', () => {
		const signals = rig();
		signals.stop();
		expect(signals.listeners()).toBe(0);
	});
});

describe('failureReason', () => {
	it('says who failed, how and why', () => {
		expect(failureReason(record)).toBe('mpiworker-1/worker exit 137: out of memory (OOMKilled)');
		expect(failureReason({key: 'p', pod: 'evicted-0', podReason: 'Evicted', version: 1, retryCount: 0, seenAt: 0})).toBe('evicted-0: Evicted');
	});
});
