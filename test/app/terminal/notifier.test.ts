import {describe, expect, it} from 'vitest';
import {notificationText, startNotifier} from '../../../source/app/terminal/notifier.js';
import type {FailureEvent, FailureEvidence} from '../../../source/watch/failure-watcher.js';
import type {WatchEvent} from '../../../source/watch/job-watcher.js';
import {fakeWatcher} from '../../helpers/fakes/fake-watcher.js';
import {jobAt, jobEvent} from '../../helpers/objects/jobs.js';

const target = {namespace: 'team-a', name: 'train'};
const evidence: FailureEvidence = {
	record: {key: 'k', pod: 'train-worker-0', container: 'main', exitCode: 1, meaning: 'error', version: 1, retryCount: 0, seenAt: 0},
	log: {status: 'pending'},
};

function rig(when: 'finish' | 'failures', env: Record<string, string> = {}, isTTY = true) {
	const jobs = fakeWatcher<WatchEvent>();
	const failures = fakeWatcher<FailureEvent>();
	const known: FailureEvidence[] = [];
	let written = '';
	const stdout = {
		isTTY,
		write(chunk: string) {
			written += chunk;
			return true;
		},
	};
	const stop = startNotifier({watcher: jobs.watcher, failures: {subscribe: failures.watcher.subscribe, evidence: () => known}}, target, when, {stdout, env});
	let rv = 0;
	return {
		written: () => written,
		stop,
		job(phase: string, failed = 0) {
			rv++;
			jobs.emit(
				jobEvent(
					jobAt(rv, job => {
						job['status'].state = {phase};
						job['status'].failed = failed;
					}),
					rv,
				),
			);
		},
		failure() {
			known.push(evidence);
			failures.emit({type: 'failure', at: rv, evidence});
		},
	};
}

describe('startNotifier', () => {
	it('rings once when the job finishes, not again for the same phase', () => {
		const run = rig('finish', {VTE_VERSION: '7600'});
		run.job('Running');
		run.failure();
		expect(run.written()).toBe('');
		run.job('Completed');
		run.job('Completed');
		expect(run.written()).toBe('\u0007\u001B]777;notify;vcjob train Completed;team-a/train Completed\u001B\\');
	});

	it('with failures: at the first pod failure, then at the end', () => {
		const run = rig('failures', {TERM_PROGRAM: 'iTerm.app'});
		run.job('Running');
		run.failure();
		run.failure();
		run.job('Failed', 1);
		expect(run.written()).toBe(
			'\u0007\u001B]9;vcjob train: a pod failed: train-worker-0/main exit 1: error\u001B\\' +
				'\u0007\u001B]9;vcjob train Failed: Failed: train-worker-0/main exit 1: error\u001B\\',
		);
	});

	it('writes nothing when standard output is not a terminal', () => {
		const run = rig('failures', {VTE_VERSION: '7600'}, false);
		run.job('Running');
		run.failure();
		run.job('Failed', 1);
		expect(run.written()).toBe('');
	});

	it('stops with its unsubscribe', () => {
		const run = rig('finish');
		run.stop();
		run.job('Completed');
		expect(run.written()).toBe('');
	});
});

describe('notificationText', () => {
	it('names the job, the phase and the reason', () => {
		const job = jobAt(1, raw => {
			raw['status'].state = {phase: 'Aborted'};
		});
		expect(notificationText({type: 'finished', at: 0, job, outcome: 'failure'}, target)).toEqual({title: 'vcjob train Aborted', body: 'team-a/train Aborted'});
		expect(notificationText({type: 'first-failure', at: 0, job}, target)).toEqual({title: 'vcjob train: a pod failed', body: `failed pods: ${job.counters.failed}`});
	});
});
