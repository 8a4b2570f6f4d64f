import {describe, expect, test} from 'vitest';
import {describePolicy, diffJob, flattenJob, jobPaths} from '../../source/model/diff-job.js';
import type {Change} from '../../source/model/job.js';
import {edited, loadFixture, normalize, type RawObject} from '../helpers/objects/fixtures.js';

const running = loadFixture('running-mpi');

function diff(before: RawObject, after: RawObject): Change[] {
	return diffJob(normalize(before), normalize(after));
}

/** The running fixture after a write that changed `edit`, with a new resourceVersion as the server would. */
function write(edit: (job: RawObject) => void): RawObject {
	return edited(running, job => {
		edit(job);
		job['metadata'].resourceVersion = String(Number(job['metadata'].resourceVersion) + 1);
	});
}

describe('no change', () => {
	test('the same job twice', () => {
		expect(diff(running, running)).toEqual([]);
	});

	test('only bookkeeping moved: resourceVersion, lastTransitionTime, managedFields, creationTimestamp, generation, conditions', () => {
		const after = write(job => {
			job['status'].state.lastTransitionTime = '2024-03-11T08:20:00Z';
			job['metadata'].managedFields[0].time = '2024-03-11T08:20:00Z';
			job['metadata'].managedFields.push({manager: 'kubectl', operation: 'Update'});
			job['metadata'].creationTimestamp = '2024-03-11T09:00:00Z';
			job['metadata'].generation = 7;
			job['status'].conditions.push({status: 'Running', lastTransitionTime: '2024-03-11T08:20:00Z'});
		});
		expect(diff(running, after)).toEqual([]);
	});

	test('a counter moving from absent to an explicit 0 is no change', () => {
		const after = write(job => {
			job['status'].failed = 0;
			job['status'].taskStatusCount.mpiworker.phase.Failed = 0;
		});
		expect(diff(running, after)).toEqual([]);
	});
});

describe('what a person should see change', () => {
	test('the phase', () => {
		const after = write(job => {
			job['status'].state.phase = 'Completing';
		});
		expect(diff(running, after)).toEqual([{path: 'status.state.phase', label: 'phase', old: 'Running', new: 'Completing'}]);
	});

	test('a counter going up and one going down, with their direction', () => {
		const after = write(job => {
			job['status'].running = 2;
			job['status'].failed = 1;
		});
		expect(diff(running, after)).toEqual([
			{path: 'status.running', label: 'running', old: 3, new: 2, direction: 'down'},
			{path: 'status.failed', label: 'failed', old: 0, new: 1, direction: 'up'},
		]);
	});

	test('retries and version', () => {
		const after = write(job => {
			job['status'].retryCount = 2;
			job['status'].version = 3;
		});
		expect(diff(running, after)).toEqual([
			{path: 'status.retryCount', label: 'retries', old: 1, new: 2, direction: 'up'},
			{path: 'status.version', label: 'version', old: 2, new: 3, direction: 'up'},
		]);
	});

	test('a pod phase appearing in taskStatusCount counts from 0, one disappearing goes to 0', () => {
		const after = write(job => {
			job['status'].taskStatusCount.mpiworker = {phase: {Running: 1, Failed: 1}};
		});
		expect(diff(running, after)).toEqual([
			{path: 'status.taskStatusCount[mpiworker].phase.Running', label: 'mpiworker Running', old: 2, new: 1, direction: 'down'},
			{path: 'status.taskStatusCount[mpiworker].phase.Failed', label: 'mpiworker Failed', old: 0, new: 1, direction: 'up'},
		]);
	});

	test('a task vanishing from taskStatusCount (no pods left) drops its counts to 0', () => {
		const after = write(job => {
			delete job['status'].taskStatusCount.mpimaster;
		});
		expect(diff(running, after)).toEqual([
			{path: 'status.taskStatusCount[mpimaster].phase.Running', label: 'mpimaster Running', old: 1, new: 0, direction: 'down'},
		]);
	});

	test('a task\'s replicas', () => {
		const after = write(job => {
			job['spec'].tasks[1].replicas = 4;
		});
		expect(diff(running, after)).toEqual([
			{path: 'spec.tasks[mpiworker].replicas', label: 'mpiworker replicas', old: 2, new: 4, direction: 'up'},
		]);
	});

	test('a task\'s image', () => {
		const after = write(job => {
			job['spec'].tasks[0].template.spec.containers[0].image = 'swr.cn-north-4.myhuaweicloud.com/demo/openmpi-hello:3.29';
		});
		expect(diff(running, after)).toEqual([
			{
				path: 'spec.tasks[mpimaster].image',
				label: 'mpimaster image',
				old: 'swr.cn-north-4.myhuaweicloud.com/demo/openmpi-hello:3.28',
				new: 'swr.cn-north-4.myhuaweicloud.com/demo/openmpi-hello:3.29',
			},
		]);
	});

	test('a job policy\'s action, as the policy reads', () => {
		const after = write(job => {
			job['spec'].policies[0].action = 'AbortJob';
		});
		expect(diff(running, after)).toEqual([
			{path: 'spec.policies[0]', label: 'policy 1', old: 'PodEvicted, PodFailed → RestartJob', new: 'PodEvicted, PodFailed → AbortJob'},
		]);
	});

	test('a task policy added', () => {
		const after = write(job => {
			job['spec'].tasks[1].policies = [{event: 'PodFailed', action: 'RestartTask', timeout: '1m0s'}];
		});
		expect(diff(running, after)).toEqual([
			{path: 'spec.tasks[mpiworker].policies[0]', label: 'mpiworker policy 1', old: undefined, new: 'PodFailed → RestartTask after 1m0s'},
		]);
	});

	test('a policy removed', () => {
		const after = write(job => {
			job['spec'].policies.pop();
		});
		expect(diff(running, after)).toEqual([
			{path: 'spec.policies[2]', label: 'policy 3', old: 'PodPending → TerminateJob after 10m0s', new: undefined},
		]);
	});

	test('a new uid: another incarnation of the job under the same name', () => {
		const after = write(job => {
			job['metadata'].uid = '0b7a9f54-3c9e-4d1f-8a2b-6e5d4c3b2a19';
		});
		expect(diff(running, after)).toEqual([
			{path: 'metadata.uid', label: 'uid', old: '5d1c0e2a-7f43-4d6b-9a51-3b7f0c2e8a11', new: '0b7a9f54-3c9e-4d1f-8a2b-6e5d4c3b2a19'},
		]);
	});

	test('deletion requested', () => {
		const after = write(job => {
			job['metadata'].deletionTimestamp = '2024-03-11T08:30:00Z';
		});
		expect(diff(running, after)).toEqual([{path: 'metadata.deletionTimestamp', label: 'deleting', old: undefined, new: 'yes'}]);
	});

	test('minAvailable, maxRetry and queue', () => {
		const after = write(job => {
			job['spec'].minAvailable = 2;
			job['spec'].maxRetry = 3;
			job['spec'].queue = 'gpu';
		});
		expect(diff(running, after)).toEqual([
			{path: 'spec.minAvailable', label: 'minAvailable', old: 3, new: 2, direction: 'down'},
			{path: 'spec.maxRetry', label: 'maxRetry', old: 5, new: 3, direction: 'down'},
			{path: 'spec.queue', label: 'queue', old: 'default', new: 'gpu'},
		]);
	});

	test('the kill path after completion: phase, and counters read back to 0', () => {
		const changes = diff(running, loadFixture('completed-zeroed'));
		expect(changes.map(change => [change.path, change.old, change.new, change.direction])).toEqual([
			['status.state.phase', 'Running', 'Completed', undefined],
			['status.running', 3, 0, 'down'],
			['status.version', 2, 3, 'up'],
			['status.runningDuration', '4m12.5s', '15m11.2s', undefined],
			['status.taskStatusCount[mpimaster].phase.Running', 1, 0, 'down'],
			['status.taskStatusCount[mpiworker].phase.Running', 2, 0, 'down'],
		]);
	});

	test('the seed job starting: phase from the old Inqueue, pods from pending to running', () => {
		const seed = loadFixture('seed-inqueue');
		const after = edited(seed, job => {
			job['metadata'].resourceVersion = '7681359';
			job['status'] = {minAvailable: 1, running: 3, state: {phase: 'Running'}};
		});
		expect(diff(seed, after)).toEqual([
			{path: 'status.state.phase', label: 'phase', old: 'Inqueue', new: 'Running'},
			{path: 'status.pending', label: 'pending', old: 3, new: 0, direction: 'down'},
			{path: 'status.running', label: 'running', old: 0, new: 3, direction: 'up'},
		]);
	});

	test('the job becoming initialised: phase from nothing', () => {
		const before = edited(running, job => {
			delete job['status'];
		});
		const changes = diff(before, running);
		expect(changes[0]).toEqual({path: 'status.state.phase', label: 'phase', old: undefined, new: 'Running'});
	});
});

describe('paths', () => {
	test('the helpers spell the paths the diff uses', () => {
		expect(jobPaths.counter('running')).toBe('status.running');
		expect(jobPaths.taskPods('mpiworker', 'Failed')).toBe('status.taskStatusCount[mpiworker].phase.Failed');
		expect(jobPaths.taskReplicas('mpiworker')).toBe('spec.tasks[mpiworker].replicas');
	});

	test('flattenJob leaves out what moves on every write', () => {
		const paths = [...flattenJob(normalize(running)).keys()];
		expect(paths).not.toContain(jobPaths.resourceVersion);
		expect(paths.some(path => /lastTransitionTime|managedFields|creationTimestamp|conditions/.test(path))).toBe(false);
		expect(paths).toContain('status.running');
	});

	test('describePolicy', () => {
		expect(describePolicy({trigger: 'PodFailed', action: 'RestartJob'})).toBe('PodFailed → RestartJob');
		expect(describePolicy({trigger: 'exitCode 137', action: 'AbortJob', timeout: '30s'})).toBe('exitCode 137 → AbortJob after 30s');
	});
});
