import type {FailureRecord} from '../../../../source/model/failures.js';
import {initialJobView, reduceJobView, type JobViewState} from '../../../../source/state/job-view.js';
import type {FailureEvidence, FailureLog} from '../../../../source/watch/failure-watcher.js';
import type {PodInfo} from '../../../../source/model/cluster.js';
import {runningJob} from '../../../helpers/fakes/render-helpers.js';

export const at = Date.parse('2026-11-27T02:30:00Z');
export const options = {highlightMs: 4000};
const iso = (time: number) => new Date(time).toISOString();

/** The fail scenario's three failures, oldest first: a worker out of memory, the master's ValueError, the master stopped by SIGTERM. */
export const oomWorker: FailureRecord = {
	key: '["uid-w0","mpiworker",0]',
	pod: 'mpi-demo-mpiworker-0',
	podUid: 'a1b2c3d4-0000-4000-8000-000000000001',
	container: 'mpiworker',
	task: 'mpiworker',
	exitCode: 137,
	meaning: 'out of memory (OOMKilled)',
	reason: 'OOMKilled',
	node: 'node-a',
	startedAt: iso(at - 1_200_000),
	finishedAt: iso(at - 900_000),
	run: 0,
	restartedInPlace: true,
	version: 0,
	retryCount: 0,
	seenAt: at - 899_000,
};

export const valueError: FailureRecord = {
	key: '["uid-m0","mpimaster",0]',
	pod: 'mpi-demo-mpimaster-0',
	podUid: 'b1b2c3d4-0000-4000-8000-000000000002',
	container: 'mpimaster',
	task: 'mpimaster',
	exitCode: 1,
	meaning: 'error',
	reason: 'Error',
	message: ['ValueError: loss is NaN at step 1200', 'raised in train.py line 88'],
	node: 'node-b',
	startedAt: iso(at - 700_000),
	finishedAt: iso(at - 420_000),
	run: 0,
	restartedInPlace: false,
	version: 1,
	retryCount: 1,
	seenAt: at - 419_000,
};

export const sigterm: FailureRecord = {
	key: '["uid-m1","mpimaster",0]',
	pod: 'mpi-demo-mpimaster-0',
	podUid: 'c1b2c3d4-0000-4000-8000-000000000003',
	container: 'mpimaster',
	task: 'mpimaster',
	exitCode: 143,
	meaning: 'terminated (SIGTERM)',
	reason: 'Error',
	node: 'node-a',
	startedAt: iso(at - 300_000),
	finishedAt: iso(at - 120_000),
	run: 0,
	restartedInPlace: false,
	version: 2,
	retryCount: 2,
	seenAt: at - 119_000,
};

export const lines = (count: number, prefix = 'step'): FailureLog => ({
	status: 'lines',
	lines: Array.from({length: count}, (_, index) => `${prefix} ${index + 1} loss ${(1 / (index + 2)).toFixed(3)}`),
	cut: false,
	previous: false,
});

export const traceback: FailureLog = {
	status: 'lines',
	lines: ['epoch 4 step 1199 loss 0.213', 'Traceback (most recent call last):', '  File "train.py", line 88, in <module>', 'ValueError: loss is NaN at step 1200'],
	cut: false,
	previous: false,
};

/** A Failed job after three retries, with these records (oldest first) seen at their seenAt. */
export function failedState(evidence: readonly FailureEvidence[], now = at): JobViewState {
	const job = runningJob({status: {state: {phase: 'Failed'}, failed: 1, running: 0, retryCount: 2}, spec: {maxRetry: 3}});
	let state = reduceJobView(initialJobView('default', 'mpi-demo', now), {type: 'job', at: now, raw: {}, job, changes: [], rvChanged: true}, options);
	for (const item of evidence) state = reduceJobView(state, {type: 'failure', at: item.record.seenAt, evidence: item}, options);
	return reduceJobView(state, {type: 'tick', at: now}, options);
}

/** The same state, its clock moved on: highlights of records seen long ago have ended. */
export const threeFailures = (): FailureEvidence[] => [
	{record: oomWorker, log: lines(30)},
	{record: valueError, log: traceback},
	{record: sigterm, log: {status: 'pending'}},
];

export const pod = (name: string, overrides: Partial<PodInfo> = {}): PodInfo => ({
	name,
	task: name.includes('master') ? 'mpimaster' : 'mpiworker',
	phase: 'Running',
	ready: 1,
	containers: 1,
	restarts: 0,
	deleting: false,
	rank: 4,
	...overrides,
});
