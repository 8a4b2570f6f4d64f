import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {createFinishHook} from '../../../source/app/job/on-finish.js';
import type {FailureRecord} from '../../../source/model/failures.js';
import type {HookEvent} from '../../../source/state/hook-status.js';
import type {FailureEvent, FailureEvidence} from '../../../source/watch/failure-watcher.js';
import type {WatchEvent} from '../../../source/watch/job-watcher.js';
import {fakeWatcher} from '../../helpers/fakes/fake-watcher.js';
import {jobAt, jobEvent} from '../../helpers/objects/jobs.js';
import {temporaryDirectory} from '../../helpers/temp-dir.js';

const environment = {PATH: process.env['PATH'], SHELL: '/bin/sh'};

function phased(rv: number, phase: string) {
	return jobAt(rv, job => {
		job['status'].state = {phase};
	});
}

function rig(command: string, options: {timeoutMs?: number; env?: Record<string, string | undefined>; withPods?: boolean} = {}) {
	const jobs = fakeWatcher<WatchEvent>();
	const failureEvents = fakeWatcher<FailureEvent>();
	const evidence: FailureEvidence[] = [];
	const reads: string[] = [];
	const hook = createFinishHook(
		{command, timeoutMs: options.timeoutMs ?? 10_000, env: options.env ?? environment},
		{
			job: {namespace: 'team-a', name: 'train-1'},
			watcher: jobs.watcher,
			failures: {subscribe: failureEvents.watcher.subscribe, evidence: () => evidence},
			...(options.withPods
				? {
						details: {
							async readPodsNow() {
								reads.push('pods');
								// The last failure arrives with the pods read at the finish.
								evidence.push({record: oomKilled, log: {status: 'pending'}});
							},
						},
					}
				: {}),
			readTimeoutMs: 1000,
		},
	);
	const events: HookEvent[] = [];
	hook.subscribe(event => events.push(event));
	let rv = 0;
	return {
		hook,
		events,
		reads,
		job(phase: string) {
			rv++;
			jobs.emit(jobEvent(phased(rv, phase), rv));
		},
	};
}

const oomKilled: FailureRecord = {
	key: 'k',
	pod: 'train-1-worker-0',
	container: 'worker',
	exitCode: 137,
	reason: 'OOMKilled',
	meaning: 'out of memory (OOMKilled)',
	version: 0,
	retryCount: 0,
	seenAt: 0,
};

describe('createFinishHook', () => {
	it('runs the command once per finish, with the finish in its environment, and tells how it ended', async () => {
		const dir = temporaryDirectory();
		const hooks = rig(`echo run >> ${dir}/runs; env > ${dir}/env; echo; echo "  ok $VCJOB_PHASE"; exit 0`);
		hooks.job('Running');
		hooks.job('Completed');
		hooks.job('Completed');
		await hooks.hook.settled();
		expect(readFileSync(join(dir, 'runs'), 'utf8')).toBe('run\n');
		const env = readFileSync(join(dir, 'env'), 'utf8');
		expect(env).toMatch(/^VCJOB_NAME=train-1$/m);
		expect(env).toMatch(/^VCJOB_EXIT=0$/m);
		expect(env).not.toMatch(/^VCJOB_FAILURE=/m);
		expect(hooks.events.map(event => event.state)).toEqual(['running', 'exited']);
		expect(hooks.events[1]).toMatchObject({type: 'hook', state: 'exited', phase: 'Completed', jobExit: 0, exitCode: 0, output: 'ok Completed'});
	});

	it('reads the pods once more before a failed job\'s command, and gives it the latest failure', async () => {
		const dir = temporaryDirectory();
		const hooks = rig(`printf '%s|%s' "$VCJOB_EXIT" "$VCJOB_FAILURE" > ${dir}/seen; exit 3`, {withPods: true});
		hooks.job('Failed');
		await hooks.hook.settled();
		expect(hooks.reads).toEqual(['pods']);
		expect(readFileSync(join(dir, 'seen'), 'utf8')).toBe('1|train-1-worker-0/worker exit 137: out of memory (OOMKilled)');
		expect(hooks.events.at(-1)).toMatchObject({state: 'exited', exitCode: 3, jobExit: 1});
	});

	it('stops a command still running at the timeout, with its process group', async () => {
		const hooks = rig('echo started; sleep 30', {timeoutMs: 200});
		hooks.job('Completed');
		await hooks.hook.settled();
		expect(hooks.events.at(-1)).toMatchObject({state: 'timed-out', signal: 'SIGTERM', output: 'started', timeoutMs: 200});
	});

	it('stop(): a running command is stopped, and none starts after', async () => {
		const hooks = rig('sleep 30');
		hooks.job('Completed');
		await new Promise(resolve => setTimeout(resolve, 100));
		await hooks.hook.stop();
		expect(hooks.events.at(-1)).toMatchObject({state: 'stopped', signal: 'SIGTERM'});
		hooks.job('Running');
		hooks.job('Completed');
		await hooks.hook.settled();
		expect(hooks.events.filter(event => event.state === 'running')).toHaveLength(1);
	});

	it('a shell that cannot be started is told as an error', async () => {
		const hooks = rig('true', {env: {PATH: process.env['PATH'], SHELL: '/nonexistent/shell'}});
		hooks.job('Completed');
		await hooks.hook.settled();
		expect(hooks.events).toEqual([expect.objectContaining({state: 'error', error: expect.stringMatching(/ENOENT/)})]);
	});
});
