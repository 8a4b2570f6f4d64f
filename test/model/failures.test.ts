import {describe, expect, test} from 'vitest';
import {describeExit, failureSignal, type FailureState, maxFailureRecords, noFailures, recordFailures, showsFailure} from '../../source/model/failures.js';
import {normalizePod} from '../../source/model/normalize/normalize-pods.js';
import {unsafeStrings, type RawObject} from '../helpers/objects/fixtures.js';
import {jobAt} from '../helpers/objects/jobs.js';

describe('describeExit', () => {
	test.each([
		[137, 'Error', 'killed (SIGKILL): out of memory or evicted'],
		[137, undefined, 'killed (SIGKILL): out of memory or evicted'],
		[137, '', 'killed (SIGKILL): out of memory or evicted'],
		[137, 'ContainerStatusUnknown', 'killed (SIGKILL)'],
		[137, 'OOMKilled', 'out of memory (OOMKilled)'],
		[143, 'Error', 'terminated (SIGTERM)'],
		[139, 'Error', 'segmentation fault (SIGSEGV)'],
		[134, 'Error', 'aborted (SIGABRT)'],
		[130, 'Error', 'interrupted (SIGINT)'],
		[129, 'Error', 'hung up (SIGHUP)'],
		[131, 'Error', 'quit (SIGQUIT)'],
		[132, 'Error', 'illegal instruction (SIGILL)'],
		[135, 'Error', 'bus error (SIGBUS)'],
		[136, 'Error', 'arithmetic error (SIGFPE)'],
		[138, 'Error', 'user signal 1 (SIGUSR1)'],
		[140, 'Error', 'user signal 2 (SIGUSR2)'],
		[141, 'Error', 'broken pipe (SIGPIPE)'],
		[142, 'Error', 'alarm (SIGALRM)'],
		[152, 'Error', 'CPU time limit (SIGXCPU)'],
		[159, 'Error', 'bad system call (SIGSYS)'],
		[162, 'Error', 'signal 34'],
		[192, 'Error', 'signal 64'],
		[1, 'Error', 'error'],
		[2, 'Error', 'incorrect usage'],
		[126, 'ContainerCannotRun', 'not executable'],
		[127, 'ContainerCannotRun', 'command not found'],
		[128, 'StartError', 'could not start'],
		[128, 'ContainerCannotRun', 'could not start'],
		[255, 'Error', 'exit status -1 or out of range'],
	])('%i %s: %s', (code, reason, meaning) => {
		expect(describeExit(code, reason)).toBe(meaning);
	});

	test.each([
		[0, 'Completed'],
		[0, undefined],
		[3, 'Error'],
		[128, 'Error'],
		[193, 'Error'],
		[-1, 'Error'],
		[undefined, undefined],
	])('%s %s means nothing beyond its number', (code, reason) => {
		expect(describeExit(code, reason)).toBeUndefined();
	});

	test('OOMKilled says why whatever the code', () => {
		expect(describeExit(0, 'OOMKilled')).toBe('out of memory (OOMKilled)');
		expect(describeExit(undefined, 'OOMKilled')).toBe('out of memory (OOMKilled)');
	});

	test('the kubelet\'s signal, when the code does not name one', () => {
		expect(describeExit(undefined, 'Error', 9)).toBe('killed (SIGKILL)');
		expect(describeExit(1, 'Error', 15)).toBe('terminated (SIGTERM)');
		// The code's signal wins: it is what the process died of.
		expect(describeExit(139, 'Error', 9)).toBe('segmentation fault (SIGSEGV)');
		expect(describeExit(1, 'Error', 0)).toBe('error');
		expect(describeExit(1, 'Error', 99)).toBe('error');
	});
});

const job = {version: 2, retryCount: 1};
const at = Date.parse('2024-03-11T08:10:00Z');

type Container = {
	name?: string;
	restartCount?: number;
	state?: RawObject;
	lastState?: RawObject;
};

function pod(name: string, uid: string, phase: string, containers: Container[], extra: {reason?: string; message?: string; init?: Container[]} = {}) {
	const status = (container: Container) => ({name: 'trainer', restartCount: 0, state: {running: {}}, ...container});
	return normalizePod({
		metadata: {name, uid, labels: {'volcano.sh/task-spec': 'worker'}, creationTimestamp: '2024-03-11T08:00:00Z'},
		spec: {nodeName: 'node-7'},
		status: {
			phase,
			...(extra.reason ? {reason: extra.reason} : {}),
			...(extra.message ? {message: extra.message} : {}),
			...(extra.init ? {initContainerStatuses: extra.init.map(status)} : {}),
			containerStatuses: containers.map(status),
		},
	});
}

const exited = (exitCode: number, reason: string, more: RawObject = {}) => ({
	terminated: {exitCode, reason, startedAt: '2024-03-11T08:01:00Z', finishedAt: '2024-03-11T08:09:00Z', ...more},
});

function record(state: FailureState, ...snapshots: Array<Parameters<typeof recordFailures>[1]>): FailureState {
	return snapshots.reduce((current, pods, index) => recordFailures(current, pods, job, at + index * 1000), state);
}

describe('failure records', () => {
	test('a failed pod: each failed container, with everything that says why, and the job at that moment', () => {
		const failedPod = pod('w-0', 'uid-a', 'Failed', [
			{state: exited(137, 'OOMKilled', {message: 'last words\n  at main.py:3'})},
			{name: 'sidecar', state: exited(0, 'Completed')},
		]);
		const state = recordFailures(noFailures, [failedPod], job, at);
		expect(state.records).toEqual([
			{
				key: JSON.stringify(['uid-a', 'trainer', 0]),
				pod: 'w-0',
				podUid: 'uid-a',
				container: 'trainer',
				task: 'worker',
				exitCode: 137,
				meaning: 'out of memory (OOMKilled)',
				reason: 'OOMKilled',
				message: ['last words', 'at main.py:3'],
				node: 'node-7',
				startedAt: '2024-03-11T08:01:00Z',
				finishedAt: '2024-03-11T08:09:00Z',
				run: 0,
				restartedInPlace: false,
				version: 2,
				retryCount: 1,
				seenAt: at,
			},
		]);
	});

	test('a running pod whose container exited non-zero is recorded before the pod fails', () => {
		const state = recordFailures(noFailures, [pod('w-0', 'uid-a', 'Running', [{state: exited(143, 'Error')}, {name: 'sidecar'}])], job, at);
		expect(state.records).toMatchObject([{container: 'trainer', exitCode: 143, meaning: 'terminated (SIGTERM)', reason: 'Error'}]);
	});

	test('a failed pod that no container explains: the pod\'s own reason and message', () => {
		const evicted = pod('w-0', 'uid-a', 'Failed', [], {reason: 'Evicted', message: 'The node was low on resource: memory.'});
		const [only] = recordFailures(noFailures, [evicted], job, at).records;
		expect(only).toEqual({
			key: JSON.stringify(['uid-a']),
			pod: 'w-0',
			podUid: 'uid-a',
			task: 'worker',
			podReason: 'Evicted',
			podMessage: 'The node was low on resource: memory.',
			node: 'node-7',
			version: 2,
			retryCount: 1,
			seenAt: at,
		});
	});

	test('a failed pod whose containers did fail: their records carry the pod\'s reason, no record of the pod itself', () => {
		const deadline = pod('w-0', 'uid-a', 'Failed', [{state: exited(137, 'Error')}], {reason: 'DeadlineExceeded', message: 'Pod was active too long'});
		expect(recordFailures(noFailures, [deadline], job, at).records).toMatchObject([
			{container: 'trainer', exitCode: 137, meaning: 'killed (SIGKILL): out of memory or evicted', podReason: 'DeadlineExceeded', podMessage: 'Pod was active too long'},
		]);
	});

	test('healthy, pending and succeeded pods record nothing, and the state is the same object', () => {
		const pods = [
			pod('w-0', 'uid-a', 'Running', [{}]),
			pod('w-1', 'uid-b', 'Pending', [{state: {waiting: {reason: 'ContainerCreating'}}}]),
			pod('w-2', 'uid-c', 'Succeeded', [{state: exited(0, 'Completed')}]),
		];
		expect(recordFailures(noFailures, pods, job, at)).toBe(noFailures);
	});

	test('a restart in place: the last run, from lastState, as the run before the current one', () => {
		const before = pod('w-0', 'uid-a', 'Running', [{}]);
		const after = pod('w-0', 'uid-a', 'Running', [{restartCount: 1, lastState: exited(1, 'Error', {message: 'ZeroDivisionError'})}]);
		const state = record(noFailures, [before], [after]);
		expect(state.records).toMatchObject([
			{container: 'trainer', exitCode: 1, meaning: 'error', reason: 'Error', message: ['ZeroDivisionError'], run: 0, restartedInPlace: true, seenAt: at + 1000},
		]);
	});

	test('the same run seen while current and then as the last state is one record', () => {
		const ended = pod('w-0', 'uid-a', 'Running', [{state: exited(1, 'Error')}]);
		const restarted = pod('w-0', 'uid-a', 'Running', [{restartCount: 1, lastState: exited(1, 'Error')}]);
		const crashing = pod('w-0', 'uid-a', 'Running', [{restartCount: 1, state: {waiting: {reason: 'CrashLoopBackOff'}}, lastState: exited(1, 'Error')}]);
		const state = record(noFailures, [ended], [restarted], [crashing], [crashing]);
		expect(state.records).toHaveLength(1);
		expect(state.records[0]).toMatchObject({run: 0, restartedInPlace: false, seenAt: at});
	});

	test('each restart is a record: restartCount rising is a new run', () => {
		const crash = (restartCount: number) => pod('w-0', 'uid-a', 'Running', [{restartCount, lastState: exited(2, 'Error', {finishedAt: `2024-03-11T08:0${restartCount}:00Z`})}]);
		const state = record(noFailures, [crash(1)], [crash(1)], [crash(2)], [crash(3)]);
		expect(state.records.map(entry => [entry.run, entry.finishedAt])).toEqual([
			[0, '2024-03-11T08:01:00Z'],
			[1, '2024-03-11T08:02:00Z'],
			[2, '2024-03-11T08:03:00Z'],
		]);
	});

	test('a restart whose last state the kubelet no longer has is still recorded', () => {
		const state = recordFailures(noFailures, [pod('w-0', 'uid-a', 'Running', [{restartCount: 2}])], job, at);
		expect(state.records).toEqual([expect.objectContaining({container: 'trainer', run: 1, restartedInPlace: true})]);
		expect(state.records[0]).not.toHaveProperty('exitCode');
	});

	test('a failing init container is recorded as one', () => {
		const blocked = pod('w-0', 'uid-a', 'Pending', [{state: {waiting: {reason: 'PodInitializing'}}}], {
			init: [{name: 'fetch', restartCount: 1, state: {waiting: {reason: 'CrashLoopBackOff'}}, lastState: exited(127, 'ContainerCannotRun')}],
		});
		expect(recordFailures(noFailures, [blocked], job, at).records).toMatchObject([
			{container: 'fetch', initContainer: true, exitCode: 127, meaning: 'command not found', run: 0},
		]);
	});

	test('records outlive their pod, and a pod re-created under the same name is a new pod', () => {
		const first = pod('w-0', 'uid-a', 'Failed', [{state: exited(137, 'OOMKilled')}]);
		const recreated = pod('w-0', 'uid-b', 'Failed', [{state: exited(137, 'OOMKilled')}]);
		const state = record(noFailures, [first], [], [recreated], [recreated]);
		expect(state.records.map(entry => [entry.pod, entry.podUid, entry.seenAt])).toEqual([
			['w-0', 'uid-a', at],
			['w-0', 'uid-b', at + 2000],
		]);
		// The gone pod is forgotten, not its record.
		expect([...state.seen.keys()]).toEqual(['uid-b']);
	});

	test('the job\'s version and retry count are those when the failure was seen', () => {
		const first = recordFailures(noFailures, [pod('w-0', 'uid-a', 'Failed', [{state: exited(1, 'Error')}])], {version: 1, retryCount: 0}, at);
		const second = recordFailures(first, [pod('w-0', 'uid-b', 'Failed', [{state: exited(1, 'Error')}])], {version: 2, retryCount: 1}, at + 1000);
		expect(second.records.map(entry => [entry.version, entry.retryCount])).toEqual([
			[1, 0],
			[2, 1],
		]);
	});

	test('runs seen in one snapshot are in the order they ended', () => {
		const late = pod('w-0', 'uid-a', 'Failed', [{state: exited(1, 'Error', {finishedAt: '2024-03-11T08:09:30Z'})}]);
		const early = pod('w-1', 'uid-b', 'Failed', [{state: exited(1, 'Error', {finishedAt: '2024-03-11T08:09:10Z'})}]);
		expect(recordFailures(noFailures, [late, early], job, at).records.map(entry => entry.pod)).toEqual(['w-1', 'w-0']);
	});

	test('capped: the newest kept, and a run that fell off is not recorded again while its pod shows it', () => {
		const pods = Array.from({length: maxFailureRecords + 5}, (_, index) =>
			pod(`w-${index}`, `uid-${index}`, 'Failed', [{state: exited(1, 'Error', {finishedAt: new Date(at + index * 1000).toISOString()})}]),
		);
		const state = recordFailures(noFailures, pods, job, at);
		expect(state.records).toHaveLength(maxFailureRecords);
		expect(state.records[0]?.pod).toBe('w-5');
		expect(state.records.at(-1)?.pod).toBe(`w-${maxFailureRecords + 4}`);
		expect(recordFailures(state, pods, job, at + 1000)).toBe(state);
		expect(recordFailures(noFailures, pods, job, at, 3).records.map(entry => entry.pod)).toEqual(['w-52', 'w-53', 'w-54']);
		expect(recordFailures(noFailures, pods, job, at, 0).records).toEqual([]);
	});

	test('the state before is left as it was', () => {
		const first = recordFailures(noFailures, [pod('w-0', 'uid-a', 'Failed', [{state: exited(1, 'Error')}])], job, at);
		const copy = structuredClone(first);
		recordFailures(first, [pod('w-1', 'uid-b', 'Failed', [{state: exited(2, 'Error')}])], job, at);
		expect(first).toEqual(copy);
		expect(noFailures).toEqual({records: [], seen: new Map()});
	});

	test('a pod without a uid is told apart by its creation time', () => {
		const bare = (createdAt: string) =>
			normalizePod({metadata: {name: 'w-0', creationTimestamp: createdAt}, status: {phase: 'Failed', containerStatuses: [{name: 'c', state: exited(1, 'Error')}]}});
		const state = record(noFailures, [bare('2024-03-11T08:00:00Z')], [bare('2024-03-11T08:00:00Z')], [bare('2024-03-11T08:05:00Z')]);
		expect(state.records).toHaveLength(2);
	});

	test('hostile strings arrive sanitised: nothing a terminal acts on, nothing reordered', () => {
		const evil = '\u001B]0;pwned\u0007evil\u202Etxt.exe\u200B\u001B[2J';
		const hostile = normalizePod({
			metadata: {name: `w-0${evil}`, uid: `uid${evil}`, labels: {'volcano.sh/task-spec': `task${evil}`}},
			spec: {nodeName: `node${evil}`},
			status: {
				phase: 'Failed',
				reason: `Evicted${evil}`,
				message: `low\non memory${evil}`,
				containerStatuses: [
					{
						name: `c${evil}`,
						restartCount: 1,
						lastState: {terminated: {exitCode: 1, reason: `Error${evil}`, message: `line 1${evil}\r\nline\u00072\u2028line 3`, startedAt: `t${evil}`, finishedAt: `t${evil}`}},
						state: {terminated: {exitCode: 137, reason: `OOMKilled${evil}`, message: evil}},
					},
				],
			},
		});
		const state = recordFailures(noFailures, [hostile], job, at);
		expect(state.records).toHaveLength(2);
		expect(unsafeStrings(state.records)).toEqual([]);
		expect(state.records[0]).toMatchObject({
			pod: 'w-0eviltxt.exe',
			container: 'ceviltxt.exe',
			task: 'taskeviltxt.exe',
			node: 'nodeeviltxt.exe',
			reason: 'Erroreviltxt.exe',
			message: ['line 1eviltxt.exe', 'line\\x072', 'line 3'],
			podReason: 'Evictedeviltxt.exe',
			podMessage: 'low on memoryeviltxt.exe',
		});
		// Not the kubelet's OOMKilled: only its exact word counts.
		expect(state.records[1]).toMatchObject({exitCode: 137, meaning: 'killed (SIGKILL)', message: ['eviltxt.exe']});
	});
});

// The running job (3 running, retryCount 1) with its status edited as Volcano would write it.
type Status = {phase?: string; failed?: number; running?: number; tasks?: Record<string, Record<string, number>>};
function jobWith(status: Status) {
	return jobAt(1, raw => {
		if (status.phase) raw['status'].state.phase = status.phase;
		if (status.failed !== undefined) raw['status'].failed = status.failed;
		if (status.running !== undefined) raw['status'].running = status.running;
		if (status.tasks) raw['status'].taskStatusCount = Object.fromEntries(Object.entries(status.tasks).map(([task, phase]) => [task, {phase}]));
	});
}

describe('failureSignal: the job\'s status says a pod just failed', () => {
	const running = jobWith({});

	test.each<[string, Status]>([
		['the failed counter rose', {failed: 1, running: 2}],
		['a task\'s Failed count rose, the counter not (yet)', {tasks: {mpimaster: {Running: 1}, mpiworker: {Running: 1, Failed: 1}}}],
		['a task with no Failed count before now has one', {tasks: {mpimaster: {Failed: 1}, mpiworker: {Running: 2}}}],
		['the phase turned Restarting (RestartJob)', {phase: 'Restarting'}],
		['the phase turned Aborting', {phase: 'Aborting'}],
		['the phase turned Failed', {phase: 'Failed'}],
		['the phase turned Terminating', {phase: 'Terminating'}],
	])('%s', (_title, status) => {
		expect(failureSignal(running, jobWith(status))).toBe(true);
	});

	test.each<[string, Status, Status]>([
		['nothing moved', {}, {}],
		['pods started and finished', {running: 2}, {running: 3}],
		['the failed counter fell (RestartJob zeroed it)', {phase: 'Running', failed: 1}, {phase: 'Running', failed: 0}],
		['a task\'s Failed count fell', {tasks: {mpiworker: {Failed: 2}}}, {tasks: {mpiworker: {Failed: 1, Running: 1}}}],
		['a task\'s Failed count the same', {failed: 1, tasks: {mpiworker: {Failed: 1}}}, {failed: 1, tasks: {mpiworker: {Failed: 1}, mpimaster: {Running: 1}}}],
		['still Restarting', {phase: 'Restarting'}, {phase: 'Restarting'}],
		['still Failed', {phase: 'Failed', failed: 1}, {phase: 'Failed', failed: 1}],
		['a phase no failure leads to', {phase: 'Restarting'}, {phase: 'Pending'}],
		['Completed', {phase: 'Completing'}, {phase: 'Completed'}],
	])('no signal: %s', (_title, before, after) => {
		expect(failureSignal(jobWith(before), jobWith(after))).toBe(false);
	});
});

describe('showsFailure: a job first seen already shows a failure', () => {
	test.each<[Status, boolean]>([
		[{}, false],
		[{phase: 'Pending'}, false],
		[{phase: 'Completed'}, false],
		[{failed: 1}, true],
		[{phase: 'Restarting'}, true],
		[{phase: 'Aborting'}, true],
		[{phase: 'Terminating'}, true],
		[{phase: 'Failed'}, true],
	])('%j: %s', (status, shows) => {
		expect(showsFailure(jobWith(status))).toBe(shows);
	});
});
