import {describe, expect, test} from 'vitest';
import type {PodInfo} from '../../../source/model/cluster.js';
import {normalizePod, normalizePods, podGroupNameOf} from '../../../source/model/normalize/normalize-pods.js';
import {describeValue, earlierUid, gangMessage, garbage, jobUid, loadClusterFixture, podGroupName} from '../../helpers/objects/cluster-fixtures.js';
import {edited, unsafeStrings, type RawObject} from '../../helpers/objects/fixtures.js';

const list = loadClusterFixture('pods');
const pods = normalizePods(list, jobUid);

function byName(name: string): PodInfo {
	const pod = pods.find(entry => entry.name === `mpi-allreduce-${name}`);
	if (!pod) throw new Error(`no pod ${name} in ${pods.map(entry => entry.name).join(', ')}`);
	return pod;
}

/** A pod of the fixture's list, changed by `edit`. */
function fixturePod(index: number, edit: (pod: RawObject) => void = () => {}): RawObject {
	return edited(list['items'][index] as RawObject, edit);
}

const badImage = 'swr.cn-north-4.myhuaweicloud.com/demo/openmpi-hello:3.29';

describe('the pods of a job in trouble', () => {
	test('trouble first (then by name), the running pod last, the earlier incarnation\'s pod left out', () => {
		expect(pods.map(pod => [pod.name, pod.rank])).toEqual([
			['mpi-allreduce-mpiworker-0', 0],
			['mpi-allreduce-mpiworker-1', 0],
			['mpi-allreduce-mpiworker-2', 0],
			['mpi-allreduce-mpiworker-3', 0],
			['mpi-allreduce-mpimaster-0', 4],
		]);
	});

	test('a healthy pod: task, ready, node, no problem', () => {
		expect(byName('mpimaster-0')).toEqual({
			name: 'mpi-allreduce-mpimaster-0',
			uid: 'a1000000-0000-4000-8000-000000000001',
			task: 'mpimaster',
			phase: 'Running',
			ready: 1,
			containers: 1,
			restarts: 0,
			node: '192.168.0.11',
			createdAt: '2024-03-11T08:05:21Z',
			deleting: false,
			containerNames: ['mpimaster'],
			rank: 4,
		});
	});

	test('container names: the spec\'s, the one kubectl.kubernetes.io/default-container names first; init containers not among them', () => {
		const pod = normalizePod({
			metadata: {name: 'p', annotations: {'kubectl.kubernetes.io/default-container': 'trainer'}},
			spec: {initContainers: [{name: 'fetch'}], containers: [{name: 'sidecar'}, {name: 'trainer'}, {name: 42}, {}]},
		});
		expect(pod.containerNames).toEqual(['trainer', 'sidecar']);
		expect(normalizePod({metadata: {name: 'q', annotations: {'kubectl.kubernetes.io/default-container': 'gone'}}, spec: {containers: [{name: 'a'}, {name: 'b'}]}}).containerNames).toEqual(['a', 'b']);
		expect(normalizePod({metadata: {name: 'r'}, spec: {}}).containerNames).toBeUndefined();
	});

	test('ImagePullBackOff: the kubelet\'s message names the image, the container is named', () => {
		const pod = byName('mpiworker-0');
		expect(pod.problem).toEqual({reason: 'ImagePullBackOff', message: `Back-off pulling image "${badImage}"`, container: 'mpiworker'});
		expect([pod.phase, pod.ready, pod.containers]).toEqual(['Pending', 1, 2]);
	});

	test('CrashLoopBackOff after an OOM kill: the last run\'s reason and exit code say why', () => {
		const pod = byName('mpiworker-1');
		expect(pod.problem).toMatchObject({reason: 'CrashLoopBackOff', exitCode: 137, container: 'mpiworker'});
		expect(pod.problem?.message).toMatch(/^last run: OOMKilled\b/);
		// The kubelet's back-off is still there, after the cause.
		expect(pod.problem?.message).toContain('back-off 1m20s restarting failed container=mpiworker');
		expect([pod.phase, pod.ready, pod.containers, pod.restarts]).toEqual(['Running', 1, 2, 4]);
	});

	test('an evicted pod says Evicted and why, not what became of its container', () => {
		const pod = byName('mpiworker-2');
		expect(pod.phase).toBe('Failed');
		expect(pod.problem).toEqual({
			reason: 'Evicted',
			message:
				'The node was low on resource: memory. Threshold quantity: 100Mi, available: 51200Ki. Container mpiworker was using 7340032Ki, request is 16Gi, has larger consumption of memory.',
		});
	});

	test('a pod not placed: the scheduler\'s words from PodScheduled, no node', () => {
		const pod = byName('mpiworker-3');
		expect(pod.problem).toEqual({reason: 'Unschedulable', message: gangMessage});
		expect(pod.node).toBeUndefined();
		expect([pod.phase, pod.ready, pod.containers]).toEqual(['Pending', 0, 1]);
	});
});

describe('whose pods', () => {
	test('a pod owned by another uid (an earlier job of the same name) is left out', () => {
		expect(pods.some(pod => pod.name === 'mpi-allreduce-mpiworker-9')).toBe(false);
		expect(normalizePods(list, earlierUid).map(pod => pod.name)).toEqual(['mpi-allreduce-mpiworker-9']);
	});

	test('without a job uid every labelled pod is shown', () => {
		expect(normalizePods(list, undefined)).toHaveLength(6);
	});

	test('a pod without owners is taken on its label; one owned by several counts if any owner is the job', () => {
		const orphan = fixturePod(0, pod => delete pod['metadata'].ownerReferences);
		const shared = fixturePod(4, pod => pod['metadata'].ownerReferences.unshift({kind: 'ConfigMap', uid: 'something-else'}));
		expect(normalizePods({items: [orphan, shared]}, jobUid)).toHaveLength(2);
	});

	test('the going pod of the earlier incarnation reads as deleting', () => {
		const [pod] = normalizePods(list, earlierUid);
		expect(pod).toMatchObject({deleting: true, rank: 3, phase: 'Running'});
	});
});

describe('problems', () => {
	const container = (state: RawObject, extra: RawObject = {}) => ({name: 'trainer', ready: false, restartCount: 0, state, ...extra});
	const pod = (phase: string, statuses: RawObject[], extra: RawObject = {}) =>
		normalizePod({metadata: {name: 'p'}, status: {phase, containerStatuses: statuses, ...extra}});

	test.each([['ContainerCreating'], ['PodInitializing']])('%s is starting, not trouble', reason => {
		const info = pod('Pending', [container({waiting: {reason}})]);
		expect(info.problem).toBeUndefined();
		expect(info.rank).toBe(1);
	});

	test('a container that failed: its reason and exit code', () => {
		const info = pod('Failed', [container({terminated: {reason: 'Error', exitCode: 1, message: 'Traceback: ZeroDivisionError'}})]);
		expect(info.problem).toEqual({reason: 'Error', exitCode: 1, message: 'Traceback: ZeroDivisionError', container: 'trainer'});
		expect(info.rank).toBe(0);
	});

	test('a non-zero exit without a reason reads as Error', () => {
		expect(pod('Failed', [container({terminated: {exitCode: 2}})]).problem).toEqual({reason: 'Error', exitCode: 2, container: 'trainer'});
	});

	test('a container that completed is no problem: the pod is done, last', () => {
		const info = pod('Succeeded', [container({terminated: {reason: 'Completed', exitCode: 0}})]);
		expect(info.problem).toBeUndefined();
		expect(info.rank).toBe(5);
	});

	test('CrashLoopBackOff without a message still says what the last run was', () => {
		const info = pod('Running', [container({waiting: {reason: 'CrashLoopBackOff'}}, {lastState: {terminated: {reason: 'Error', exitCode: 3}}})]);
		expect(info.problem).toEqual({reason: 'CrashLoopBackOff', message: 'last run: Error', exitCode: 3, container: 'trainer'});
	});

	test('a failing init container is found before the main containers (which wait on it)', () => {
		const info = normalizePod({
			metadata: {name: 'p'},
			status: {
				phase: 'Pending',
				initContainerStatuses: [{name: 'fetch-dataset', state: {waiting: {reason: 'CrashLoopBackOff'}}, lastState: {terminated: {reason: 'Error', exitCode: 22}}}],
				containerStatuses: [container({waiting: {reason: 'PodInitializing'}})],
			},
		});
		expect(info.problem).toEqual({reason: 'CrashLoopBackOff', message: 'last run: Error', exitCode: 22, container: 'fetch-dataset'});
	});

	test('a pod deadline: the pod\'s reason', () => {
		const info = pod('Failed', [container({terminated: {reason: 'Error', exitCode: 137}})], {reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline'});
		expect(info.problem).toEqual({reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline'});
	});

	test('PodScheduled False without a reason reads as Unschedulable; True is no problem', () => {
		expect(normalizePod({status: {phase: 'Pending', conditions: [{type: 'PodScheduled', status: 'False'}]}}).problem).toEqual({reason: 'Unschedulable'});
		expect(normalizePod({status: {phase: 'Pending', conditions: [{type: 'PodScheduled', status: 'True'}]}}).problem).toBeUndefined();
	});

	test('an exit code that is not an integer is not shown', () => {
		expect(pod('Failed', [container({terminated: {reason: 'Error', exitCode: '137'}})]).problem).toEqual({reason: 'Error', container: 'trainer'});
	});
});

describe('ranks: what needs a look sorts first', () => {
	const make = (name: string, phase: string, extra: {ready?: boolean; deleting?: boolean; waiting?: string} = {}) => ({
		metadata: {name, ...(extra.deleting ? {deletionTimestamp: '2024-03-11T08:10:00Z'} : {})},
		spec: {containers: [{name: 'c'}]},
		status: {
			phase,
			containerStatuses: [{name: 'c', ready: extra.ready ?? false, state: extra.waiting ? {waiting: {reason: extra.waiting}} : {running: {}}}],
		},
	});

	test('failing, pending, running not ready, deleting, running, finished', () => {
		const items = [
			make('done', 'Succeeded'),
			make('fine', 'Running', {ready: true}),
			make('going', 'Running', {ready: true, deleting: true}),
			make('warming', 'Running', {ready: false}),
			make('creating', 'Pending', {waiting: 'ContainerCreating'}),
			make('broken', 'Running', {waiting: 'CreateContainerConfigError'}),
			make('lost', 'Unknown'),
		];
		expect(normalizePods({items}, undefined).map(pod => [pod.name, pod.rank])).toEqual([
			['broken', 0],
			['creating', 1],
			['lost', 1],
			['warming', 2],
			['going', 3],
			['fine', 4],
			['done', 5],
		]);
	});

	test('names sort as numbers within a rank: worker-2 before worker-10', () => {
		const items = ['w-10', 'w-2', 'w-1'].map(name => make(name, 'Running', {ready: true}));
		expect(normalizePods({items}, undefined).map(pod => pod.name)).toEqual(['w-1', 'w-2', 'w-10']);
	});

	test('restarts are summed over the containers', () => {
		const info = normalizePod({status: {phase: 'Running', containerStatuses: [{restartCount: 2}, {restartCount: 3}, {restartCount: 'x'}]}});
		expect(info.restarts).toBe(5);
		expect(info.containers).toBe(3);
	});
});

describe('podGroupNameOf', () => {
	test('the group-name annotation of the job\'s pods', () => {
		expect(podGroupNameOf(list, jobUid)).toBe(podGroupName);
	});

	test('an earlier incarnation\'s pod, still going, does not name the new job\'s PodGroup', () => {
		const oldFirst = {items: [fixturePod(5), fixturePod(0)]};
		expect(podGroupNameOf(oldFirst, jobUid)).toBe(podGroupName);
		expect(podGroupNameOf({items: [fixturePod(5)]}, jobUid)).toBeUndefined();
	});

	test('pods without the annotation, or with an empty one, name nothing', () => {
		const bare = fixturePod(0, pod => delete pod['metadata'].annotations);
		const empty = fixturePod(1, pod => (pod['metadata'].annotations['scheduling.k8s.io/group-name'] = ''));
		expect(podGroupNameOf({items: [bare, empty]}, jobUid)).toBeUndefined();
	});
});

describe('garbage', () => {
	// Only an object among the items is a pod (every field defaulted); anything else is nothing, and names no PodGroup.
	const objectItems = (value: unknown) => {
		const items = (value as {items?: unknown} | null | undefined)?.items;
		return Array.isArray(items) ? items.filter(item => typeof item === 'object' && item !== null && !Array.isArray(item)).length : 0;
	};

	const unnamed: PodInfo = {name: '(unnamed)', phase: '', ready: 0, containers: 0, restarts: 0, deleting: false, rank: 1};

	test.each(garbage.map(value => [describeValue(value), value]))('%s as a list: a defaulted pod per object item, nothing else', (_label, value) => {
		const expected = Array.from({length: objectItems(value)}, () => unnamed);
		expect(normalizePods(value, jobUid)).toEqual(expected);
		expect(normalizePods(value, undefined)).toEqual(expected);
		expect(podGroupNameOf(value, jobUid)).toBeUndefined();
	});

	test('entries that are not objects are not pods: no phantom rows', () => {
		expect(normalizePods({items: [null, 3, 'pod', [], true]}, jobUid)).toEqual([]);
		expect(normalizePods({items: [null, 3, 'pod', [], true]}, undefined)).toEqual([]);
	});

	test('a pod of wrong types everywhere still reads as a pod', () => {
		const info = normalizePod({
			metadata: {name: 7, labels: [], deletionTimestamp: 0, ownerReferences: 'x'},
			spec: {containers: 'c', nodeName: {}},
			status: {phase: null, containerStatuses: [null, 5, {ready: 'yes', restartCount: -4, state: []}], conditions: {}},
		});
		expect(info).toEqual({name: '7', phase: '', ready: 0, containers: 3, restarts: 0, deleting: false, rank: 1});
	});
});

describe('hostile strings', () => {
	const hostile = loadClusterFixture('hostile')['pods'];
	const infos = normalizePods(hostile, jobUid);

	test('nothing a terminal would act on, and nothing that reorders or hides text, survives', () => {
		expect(infos).toHaveLength(3);
		expect(unsafeStrings(infos)).toEqual([]);
		expect(unsafeStrings(podGroupNameOf(hostile, jobUid))).toEqual([]);
	});

	test('the readable text is kept, on one line; controls are shown escaped', () => {
		const pod = infos.find(info => info.name === 'mpi-worker-0');
		expect(pod).toMatchObject({task: 'workereviltxt.exezwjoin', phase: 'Pendinga\\x07b\\x08c d', createdAt: '2024-03-11T08:05:21Zclick me'});
		expect(pod?.problem).toEqual({
			reason: 'ImagePullBackOff',
			message: 'last run: OOMKilled; Back-off pulling imageclick me "imgeviltxt.exe" x',
			exitCode: 137,
			container: 'worker',
		});
		expect(infos.find(info => info.name === 'evictedzwjoin')?.problem?.reason).toBe('Evicted');
		// A lone surrogate becomes U+FFFD rather than breaking the line's width.
		expect(infos.find(info => info.name.startsWith('unplaced'))?.name).toBe('unplaced\uFFFDlone');
		expect(podGroupNameOf(hostile, jobUid)).toBe('pg-x');
	});
});

describe('container runs: what failure records are made of', () => {
	const finished = {startedAt: '2024-03-11T08:01:00Z', finishedAt: '2024-03-11T08:09:00Z'};

	test('a container that ended or restarted: its restarts, its current and last exits; one still in its first run is left out', () => {
		const info = normalizePod({
			status: {
				phase: 'Running',
				initContainerStatuses: [{name: 'fetch', restartCount: 0, state: {terminated: {exitCode: 0, reason: 'Completed', ...finished}}}],
				containerStatuses: [
					{name: 'trainer', restartCount: 2, state: {running: {}}, lastState: {terminated: {exitCode: 137, reason: 'OOMKilled', signal: 0, ...finished}}},
					{name: 'sidecar', restartCount: 0, state: {terminated: {exitCode: 143, signal: 15, reason: 'Error', message: 'bye', ...finished}}},
					{name: 'fresh', restartCount: 0, state: {running: {}}},
				],
			},
		});
		expect(info.runs).toEqual([
			{name: 'fetch', init: true, restartCount: 0, terminated: {exitCode: 0, reason: 'Completed', ...finished}},
			{name: 'trainer', init: false, restartCount: 2, lastTerminated: {exitCode: 137, reason: 'OOMKilled', ...finished}},
			{name: 'sidecar', init: false, restartCount: 0, terminated: {exitCode: 143, signal: 15, reason: 'Error', message: ['bye'], ...finished}},
		]);
	});

	test('no container ended: no runs at all', () => {
		expect(byName('mpimaster-0')).not.toHaveProperty('runs');
	});

	test('the pod\'s own reason and message, also when only a message is sent', () => {
		expect(normalizePod({status: {phase: 'Failed', reason: 'Evicted', message: 'low on memory'}})).toMatchObject({reason: 'Evicted', message: 'low on memory'});
		const info = normalizePod({status: {phase: 'Failed', message: 'node lost'}});
		expect(info.message).toBe('node lost');
		expect(info).not.toHaveProperty('reason');
	});

	test('a termination message keeps its lines, blank ones dropped, the last 80 of them', () => {
		const trace = ['Traceback (most recent call last):', '  File "train.py", line 3', '', 'ZeroDivisionError: division by zero'].join('\n');
		const exit = (message: string) =>
			normalizePod({status: {phase: 'Failed', containerStatuses: [{name: 'c', state: {terminated: {exitCode: 1, message}}}]}}).runs?.[0]?.terminated?.message;
		expect(exit(trace)).toEqual(['Traceback (most recent call last):', 'File "train.py", line 3', 'ZeroDivisionError: division by zero']);
		expect(exit('a\r\nb\rc\u2028d')).toEqual(['a', 'b', 'c', 'd']);
		const long = exit(Array.from({length: 200}, (_, index) => `line ${index}`).join('\n'));
		expect(long).toHaveLength(80);
		expect(long?.at(-1)).toBe('line 199');
		expect(exit('x'.repeat(1000))?.[0]).toHaveLength(300);
		expect(exit(' \n \n')).toBeUndefined();
	});

	test('wrong types: no exit code that is not an integer, no run from garbage', () => {
		const info = normalizePod({
			status: {
				phase: 'Failed',
				containerStatuses: [
					{name: 'c', restartCount: '1', state: {terminated: {exitCode: '1', signal: 1.5, reason: 7, message: {}, finishedAt: []}}, lastState: {terminated: null}},
					{name: 'd', restartCount: 0, state: {terminated: 'yes'}, lastState: []},
				],
			},
		});
		expect(info.runs).toEqual([{name: 'c', init: false, restartCount: 1, terminated: {reason: '7'}}]);
	});
});
