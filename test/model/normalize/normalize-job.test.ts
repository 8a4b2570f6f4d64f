import {describe, expect, test} from 'vitest';
import {normalizeJob} from '../../../source/model/normalize/normalize-job.js';
import type {Job} from '../../../source/model/job.js';
import {allStrings, edited, loadFixture, normalize, unsafeStrings, type RawObject} from '../../helpers/objects/fixtures.js';

const zero = {pending: 0, running: 0, succeeded: 0, failed: 0, terminating: 0, unknown: 0};

/** The seed with its status replaced, as a minimal real-shaped job. */
function withStatus(status: unknown): RawObject {
	return edited(loadFixture('seed-inqueue'), job => {
		job['status'] = status;
	});
}

describe('the seed document (CCI example response)', () => {
	test('comes out whole, with the old phase Inqueue kept as sent', () => {
		const job = normalize(loadFixture('seed-inqueue'));
		expect(job).toStrictEqual({
			namespace: 'cci-namespace-42263891',
			name: 'openmpi-hello-3-com',
			uid: '1a32a8c4-97db-11e9-9d09-dc9914fb58e0',
			resourceVersion: '7681358',
			creationTimestamp: '2019-06-26T06:24:50Z',
			queue: 'default',
			minAvailable: 1,
			maxRetry: 3,
			phase: 'Inqueue',
			phaseKind: 'waiting',
			counters: {...zero, pending: 3},
			retryCount: 0,
			version: 0,
			tasks: [
				{
					name: 'mpimaster',
					replicas: 1,
					images: ['*.*.*.*:20202/swr/openmpi-hello:3.28'],
					pods: {},
					policies: [{trigger: 'TaskCompleted', action: 'CompleteJob'}],
				},
				{
					name: 'mpiworker',
					replicas: 2,
					images: ['*.*.*.*:20202/swr/openmpi-hello:3.28'],
					pods: {},
					policies: [],
				},
			],
			policies: [],
			plugins: ['env', 'ssh', 'svc'],
			controlledResources: {},
			conditions: [],
		} satisfies Job);
	});

	test('the object name wins over the name the watcher was asked for', () => {
		const job = normalizeJob(loadFixture('seed-inqueue'), {namespace: 'other', name: 'asked-for'});
		expect([job.namespace, job.name]).toEqual(['cci-namespace-42263891', 'openmpi-hello-3-com']);
	});
});

describe('a Running MPI job from newer Volcano', () => {
	const job = normalize(loadFixture('running-mpi'));

	test('counters, retries, version and runningDuration', () => {
		expect(job.phase).toBe('Running');
		expect(job.phaseKind).toBe('running');
		expect(job.counters).toEqual({...zero, running: 3});
		expect([job.retryCount, job.version, job.maxRetry, job.minAvailable]).toEqual([1, 2, 5, 3]);
		expect(job.runningDuration).toBe('4m12.5s');
		expect(job.lastTransitionTime).toBe('2024-03-11T08:14:09Z');
	});

	test('taskStatusCount lands on each task, images in container order', () => {
		expect(job.tasks.map(task => [task.name, task.replicas, task.minAvailable, task.pods, task.images])).toEqual([
			['mpimaster', 1, 1, {Running: 1}, ['swr.cn-north-4.myhuaweicloud.com/demo/openmpi-hello:3.28']],
			[
				'mpiworker',
				2,
				undefined,
				{Running: 2},
				['swr.cn-north-4.myhuaweicloud.com/demo/openmpi-hello:3.28', 'swr.cn-north-4.myhuaweicloud.com/demo/fluent-bit:2.2'],
			],
		]);
	});

	test('job policies by events[], exitCode and event with timeout; task policies on the task', () => {
		expect(job.policies).toEqual([
			{trigger: 'PodEvicted, PodFailed', action: 'RestartJob'},
			{trigger: 'exitCode 137', action: 'AbortJob'},
			{trigger: 'PodPending', action: 'TerminateJob', timeout: '10m0s'},
		]);
		expect(job.tasks[0]!.policies).toEqual([{trigger: 'TaskCompleted', action: 'CompleteJob'}]);
	});

	test('conditions repeated on every status write (Volcano < 1.15.1) are de-duplicated, keeping the first time', () => {
		expect(job.conditions).toEqual([
			{phase: 'Pending', at: '2024-03-11T08:00:01Z'},
			{phase: 'Running', at: '2024-03-11T08:00:20Z'},
			{phase: 'Restarting', at: '2024-03-11T08:04:32Z'},
			{phase: 'Pending', at: '2024-03-11T08:05:01Z'},
			{phase: 'Running', at: '2024-03-11T08:05:30Z'},
		]);
	});

	test('controlledResources and plugins', () => {
		expect(job.controlledResources).toEqual({'plugin-env': 'env', 'plugin-ssh': 'ssh', 'plugin-svc': 'svc'});
		expect(job.plugins).toEqual(['env', 'ssh', 'svc']);
	});
});

test('a Completed job whose counters the kill path zeroed reads all zero, not missing', () => {
	const job = normalize(loadFixture('completed-zeroed'));
	expect(job.phase).toBe('Completed');
	expect(job.phaseKind).toBe('success');
	expect(job.counters).toEqual(zero);
	expect(job.tasks.map(task => task.pods)).toEqual([{}, {}]);
	expect(job.runningDuration).toBe('15m11.2s');
	expect(job.conditions.at(-1)).toEqual({phase: 'Completed', at: '2024-03-11T08:20:41Z'});
});

describe('status shapes', () => {
	test.each<[string, unknown, Partial<Job>]>([
		['missing status: not initialised yet', undefined, {phase: '', phaseKind: 'waiting', counters: zero, retryCount: 0, version: 0, conditions: []}],
		['status null', null, {phase: '', phaseKind: 'waiting', counters: zero, controlledResources: {}}],
		['status a string', 'Running', {phase: '', phaseKind: 'waiting', counters: zero}],
		['state null', {state: null, running: 2}, {phase: '', counters: {...zero, running: 2}}],
		['phase null', {state: {phase: null}}, {phase: '', phaseKind: 'waiting'}],
		['phase a number', {state: {phase: 7}}, {phase: '7', phaseKind: 'unknown'}],
		['counters omitted (omitempty) are 0', {state: {phase: 'Pending'}}, {counters: zero}],
		[
			'every counter read',
			{state: {phase: 'Running'}, pending: 1, running: 2, succeeded: 3, failed: 4, terminating: 5, unknown: 6},
			{counters: {pending: 1, running: 2, succeeded: 3, failed: 4, terminating: 5, unknown: 6}},
		],
		['the document\'s capital "Succeeded"', {state: {phase: 'Running'}, Succeeded: 2}, {counters: {...zero, succeeded: 2}}],
		['lower camel case wins over "Succeeded"', {succeeded: 1, Succeeded: 5}, {counters: {...zero, succeeded: 1}}],
		['the document\'s capital "ControlledResources"', {ControlledResources: {'plugin-svc': 'svc'}}, {controlledResources: {'plugin-svc': 'svc'}}],
		['controlledResources wins', {controlledResources: {a: 'b'}, ControlledResources: {c: 'd'}}, {controlledResources: {a: 'b'}}],
		['controlledResources garbage', {controlledResources: ['svc']}, {controlledResources: {}}],
		['controlledResources value not a string', {controlledResources: {a: null, b: 3}}, {controlledResources: {a: '', b: '3'}}],
		['unknown phase kept as sent', {state: {phase: 'Suspended'}}, {phase: 'Suspended', phaseKind: 'unknown'}],
		['an old phase', {state: {phase: 'Inqueue'}}, {phase: 'Inqueue', phaseKind: 'waiting'}],
		['reason and message (rarely sent)', {state: {phase: 'Failed', reason: 'PodFailed', message: 'worker 1 exited'}}, {reason: 'PodFailed', message: 'worker 1 exited'}],
		['retryCount and version', {retryCount: 2, version: 4}, {retryCount: 2, version: 4}],
	])('%s', (_title, status, expected) => {
		expect(normalize(withStatus(status))).toMatchObject(expected);
	});

	test.each<[string, unknown, number]>([
		['null', null, 0],
		['absent', undefined, 0],
		['a digit string', '3', 3],
		['a word', 'three', 0],
		['negative', -2, 0],
		['fractional', 2.7, 2],
		['Infinity (1e400 in JSON)', JSON.parse('1e400'), 0],
		['boolean', true, 0],
		['object', {value: 3}, 0],
		['array', [3], 0],
		['empty string', '', 0],
		['signed string', '-1', 0],
	])('a counter that is %s reads %d', (_title, value, expected) => {
		const job = normalize(withStatus({state: {phase: 'Running'}, running: value, retryCount: value, version: value}));
		expect(job.counters.running).toBe(expected);
		expect(job.retryCount).toBe(expected);
		expect(job.version).toBe(expected);
	});

	test('minAvailable comes from spec, else from status', () => {
		const noSpec = edited(loadFixture('seed-inqueue'), raw => {
			delete raw['spec'].minAvailable;
			raw['status'].minAvailable = 2;
		});
		expect(normalize(noSpec).minAvailable).toBe(2);
		const neither = edited(noSpec, raw => {
			delete raw['status'].minAvailable;
		});
		expect(normalize(neither)).not.toHaveProperty('minAvailable');
	});
});

describe('spec shapes', () => {
	function withSpec(edit: (spec: RawObject) => void): Job {
		return normalize(edited(loadFixture('seed-inqueue'), raw => edit(raw['spec'])));
	}

	test.each<[string, unknown, number]>([
		['absent: the default 3', undefined, 3],
		['null: the default 3', null, 3],
		['set', 5, 5],
		['explicitly 0', 0, 0],
	])('maxRetry %s', (_title, value, expected) => {
		expect(withSpec(spec => (spec['maxRetry'] = value)).maxRetry).toBe(expected);
	});

	test('tasks without template or replicas', () => {
		const job = withSpec(spec => {
			spec['tasks'] = [{name: 'bare'}, {name: 'nulls', replicas: null, template: null, policies: null}, {name: 'no-spec', template: {}}];
		});
		expect(job.tasks).toEqual([
			{name: 'bare', replicas: 0, images: [], pods: {}, policies: []},
			{name: 'nulls', replicas: 0, images: [], pods: {}, policies: []},
			{name: 'no-spec', replicas: 0, images: [], pods: {}, policies: []},
		]);
	});

	test('tasks that are not objects, or have no name, still show, named by position', () => {
		const job = withSpec(spec => {
			spec['tasks'] = [null, 'mpiworker', {replicas: 2}, {name: 42, replicas: 1}];
		});
		expect(job.tasks.map(task => [task.name, task.replicas])).toEqual([
			['task-0', 0],
			['task-1', 0],
			['task-2', 2],
			['task-3', 1],
		]);
	});

	test('tasks, policies and plugins that are not lists or maps read as empty', () => {
		const job = withSpec(spec => {
			spec['tasks'] = {mpimaster: {}};
			spec['policies'] = 'RestartJob';
			spec['plugins'] = ['ssh'];
		});
		expect([job.tasks, job.policies, job.plugins]).toEqual([[], [], []]);
	});

	test('taskStatusCount per task: zero and garbage entries dropped, unknown tasks ignored', () => {
		const raw = edited(loadFixture('seed-inqueue'), job => {
			job['status'] = {
				state: {phase: 'Running'},
				taskStatusCount: {
					mpimaster: {phase: {Running: 1, Pending: 0}},
					mpiworker: {phase: {Running: 1, Failed: 1, Unknown: 'x', Succeeded: null}},
					'not-in-spec': {phase: {Running: 9}},
				},
			};
		});
		expect(normalize(raw).tasks.map(task => task.pods)).toEqual([{Running: 1}, {Running: 1, Failed: 1}]);
	});

	test.each<[string, unknown]>([
		['null', null],
		['a list', [{phase: {Running: 1}}]],
		['a task entry without phase', {mpimaster: {Running: 1}}],
		['phase not a map', {mpimaster: {phase: ['Running']}}],
	])('taskStatusCount that is %s gives no pods', (_title, taskStatusCount) => {
		const job = normalize(withStatus({state: {phase: 'Running'}, taskStatusCount}));
		expect(job.tasks.map(task => task.pods)).toEqual([{}, {}]);
	});

	test.each<[string, unknown, unknown]>([
		['event', {event: 'PodFailed', action: 'RestartJob'}, {trigger: 'PodFailed', action: 'RestartJob'}],
		['events[]', {events: ['PodEvicted', 'PodFailed'], action: 'RestartJob'}, {trigger: 'PodEvicted, PodFailed', action: 'RestartJob'}],
		['exitCode', {exitCode: 3, action: 'AbortJob'}, {trigger: 'exitCode 3', action: 'AbortJob'}],
		['exitCode 0', {exitCode: 0, action: 'CompleteJob'}, {trigger: 'exitCode 0', action: 'CompleteJob'}],
		['event "*"', {event: '*', action: 'RestartPod'}, {trigger: '*', action: 'RestartPod'}],
		['no trigger at all', {action: 'RestartJob'}, {trigger: '*', action: 'RestartJob'}],
		['no action', {event: 'PodFailed'}, {trigger: 'PodFailed', action: '(none)'}],
		['the document\'s words', {event: 'PodFailed', action: 'Restart'}, {trigger: 'PodFailed', action: 'Restart'}],
		['a timeout', {event: 'PodPending', action: 'AbortJob', timeout: '5m0s'}, {trigger: 'PodPending', action: 'AbortJob', timeout: '5m0s'}],
		['events with garbage entries', {events: [null, 'PodFailed', 3], action: 'RestartJob'}, {trigger: 'PodFailed, 3', action: 'RestartJob'}],
	])('a policy with %s', (_title, policy, expected) => {
		const job = withSpec(spec => {
			spec['policies'] = [policy];
			spec['tasks'][1].policies = [policy];
		});
		expect(job.policies).toStrictEqual([expected]);
		expect(job.tasks[1]!.policies).toStrictEqual([expected]);
	});

	test('policies that are not objects are skipped', () => {
		expect(withSpec(spec => (spec['policies'] = [null, 'RestartJob', 3, {event: 'PodFailed', action: 'AbortJob'}])).policies).toEqual([
			{trigger: 'PodFailed', action: 'AbortJob'},
		]);
	});
});

describe('conditions', () => {
	test('consecutive repeats collapse; a phase entered again later is kept', () => {
		const job = normalize(
			withStatus({
				state: {phase: 'Running'},
				conditions: [
					{status: 'Pending', lastTransitionTime: 't1'},
					{status: 'Pending', lastTransitionTime: 't2'},
					{status: 'Running', lastTransitionTime: 't3'},
					{status: 'Restarting', lastTransitionTime: 't4'},
					{status: 'Running', lastTransitionTime: 't5'},
					{status: 'Running', lastTransitionTime: 't6'},
				],
			}),
		);
		expect(job.conditions).toEqual([
			{phase: 'Pending', at: 't1'},
			{phase: 'Running', at: 't3'},
			{phase: 'Restarting', at: 't4'},
			{phase: 'Running', at: 't5'},
		]);
	});

	test('entries without a status are skipped, a missing time is left out', () => {
		const job = normalize(
			withStatus({conditions: [null, 'Running', {lastTransitionTime: 't0'}, {status: 'Pending'}, {status: 'Running', lastTransitionTime: null}]}),
		);
		expect(job.conditions).toStrictEqual([{phase: 'Pending'}, {phase: 'Running'}]);
	});

	test('conditions that are not a list read as none', () => {
		expect(normalize(withStatus({conditions: {status: 'Running'}})).conditions).toEqual([]);
	});
});

describe('input that is not a job object', () => {
	test.each<[string, unknown]>([
		['null', null],
		['undefined', undefined],
		['an array', [loadFixture('seed-inqueue')]],
		['a string', 'not a job'],
		['a number', 42],
		['a boolean', true],
		['an empty object', {}],
		['metadata and spec of the wrong type', {metadata: 'x', spec: [], status: 5}],
	])('%s never throws and uses the fallback name', (_title, value) => {
		const job = normalizeJob(value, {namespace: 'team-a', name: 'my-job'});
		expect(job).toMatchObject({
			namespace: 'team-a',
			name: 'my-job',
			uid: '',
			resourceVersion: '',
			phase: '',
			phaseKind: 'waiting',
			counters: zero,
			maxRetry: 3,
			tasks: [],
			policies: [],
			conditions: [],
		});
	});

	test('a name that sanitises to nothing falls back too', () => {
		const job = normalizeJob({metadata: {name: '\u001B[2J', namespace: '  '}}, {namespace: 'team-a', name: 'my-job'});
		expect([job.namespace, job.name]).toEqual(['team-a', 'my-job']);
	});
});

describe('the hostile job', () => {
	const job = normalize(loadFixture('hostile'));

	test('no string, key or value, carries a control, bidi or invisible character, or a lone surrogate', () => {
		expect(allStrings(job).length).toBeGreaterThan(30);
		expect(unsafeStrings(job)).toEqual([]);
		const text = JSON.stringify(job);
		for (const bad of ['\u001B', '\u0007', '\u009B', '\u009D', '\u202E', '\r', '\n', '\u200B']) {
			expect(text.includes(bad)).toBe(false);
		}
	});

	test('what remains is the readable text, with controls shown as \\xNN', () => {
		expect(job.name).toBe('mpi-hostile');
		expect(job.namespace).toBe('ns');
		expect(job.phase).toBe('Running');
		expect(job.phaseKind).toBe('running');
		expect(job.queue).toBe('queueeviltxt.exe');
		expect(job.resourceVersion).toBe('42a\\x07b\\x08c d');
		expect(job.creationTimestamp).toBe('2024-03-11T08:00:00Zclick me');
		expect(job.tasks.map(task => task.name)).toEqual(['master', 'workereviltxt.exezwjoin']);
		expect(job.tasks.map(task => task.pods)).toEqual([{Running: 1}, {'Pending \\x8d': 1, 'Runninga\\x07b\\x08c d': 1}]);
		expect(job.policies[0]).toEqual({trigger: 'PodFailed', action: 'RestartJob', timeout: '10ma\\x07b\\x08c d'});
		expect(job.uid).toBe('uid \\x8d');
		expect(job.controlledResources).toEqual({'plugin-svcclick me': 'svc', 'volume-pvc-eviltxt.exe': 'datalone \uFFFD high \uFFFD low'});
	});

	test('lengths are capped: the 10,000-character message is cut with an ellipsis', () => {
		expect(job.message).toBeDefined();
		expect(Array.from(job.message!).length).toBeLessThanOrEqual(1000);
		expect(job.message!.endsWith('…')).toBe(true);
		expect(job.message!.startsWith('Amessage Amessage')).toBe(true);
		for (const {text} of allStrings(job)) {
			expect(Array.from(text).length).toBeLessThanOrEqual(1000);
		}
	});

	test('a 1,000-character name is cut to the Kubernetes limit of 253', () => {
		const long = normalize({metadata: {name: 'a'.repeat(1000), uid: 'u'.repeat(100)}});
		expect(Array.from(long.name)).toHaveLength(253);
		expect(long.name.endsWith('a…')).toBe(true);
		expect(long.uid.length).toBeLessThanOrEqual(64);
	});

	test('huge lists are bounded', () => {
		const raw = withStatus({
			conditions: Array.from({length: 150}, (_, index) => ({status: index % 2 === 0 ? 'Pending' : 'Running', lastTransitionTime: `t${index}`})),
		});
		raw['spec'].tasks = Array.from({length: 1000}, (_, index) => ({name: `t${index}`, replicas: 1}));
		const job = normalize(raw);
		expect(job.tasks.length).toBeLessThanOrEqual(200);
		expect(job.conditions.length).toBeLessThanOrEqual(50);
		expect(job.conditions.at(-1)).toEqual({phase: 'Running', at: 't149'});
	});
});
