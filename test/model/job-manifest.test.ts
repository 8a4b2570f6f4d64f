import {describe, expect, test} from 'vitest';
import {checkJobManifest, submitNamespace} from '../../source/model/job-manifest.js';

// The local checks of `submit -f`: a good job passes as it is; each problem is named by its path.

const container = {name: 'main', image: 'busybox'};
const task = (name: string, replicas: unknown = 1) => ({name, replicas, template: {spec: {containers: [container]}}});
const job = (overrides: Record<string, unknown> = {}) => ({
	apiVersion: 'batch.volcano.sh/v1alpha1',
	kind: 'Job',
	metadata: {name: 'mpi-hello'},
	spec: {minAvailable: 3, tasks: [task('mpimaster'), task('mpiworker', 2)]},
	...overrides,
});

function problems(document: unknown): readonly string[] {
	return checkJobManifest(document).problems;
}

describe('checkJobManifest', () => {
	test('a good job: no problem, its name and namespace read', () => {
		const checked = checkJobManifest(job({metadata: {name: 'mpi-hello', namespace: 'team-a'}}));
		expect(checked.problems).toEqual([]);
		expect('manifest' in checked && checked.manifest).toMatchObject({name: 'mpi-hello', namespace: 'team-a'});
	});

	test('generateName alone is a name enough', () => {
		const checked = checkJobManifest(job({metadata: {generateName: 'mpi-hello-'}}));
		expect('manifest' in checked && checked.manifest).toMatchObject({generateName: 'mpi-hello-'});
	});

	test.each([
		['no object', ['a', 'b'], 'the file holds a list, not a Volcano Job (apiVersion, kind, metadata, spec)'],
		['nothing', null, 'the file holds nothing, not a Volcano Job (apiVersion, kind, metadata, spec)'],
		['apiVersion', job({apiVersion: 'batch/v1'}), 'apiVersion: must be batch.volcano.sh/v1alpha1, not "batch/v1"'],
		['no apiVersion', job({apiVersion: undefined}), 'apiVersion: must be batch.volcano.sh/v1alpha1 (missing)'],
		['kind', job({kind: 'Deployment'}), 'kind: must be Job, not "Deployment"'],
		['no metadata', job({metadata: undefined}), 'metadata: required: a name (metadata.name) or a prefix (metadata.generateName)'],
		['no name', job({metadata: {}}), 'metadata.name: required (or metadata.generateName, for a name the server makes unique)'],
		['bad name', job({metadata: {name: 'MPI_job'}}), `metadata.name: "MPI_job" is not a job name: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters`],
		['bad generateName', job({metadata: {generateName: '-x'}}), `metadata.generateName: "-x" is not a name prefix: lowercase letters, digits, '-' and '.', starting with a letter or digit, at most 248 characters`],
		['bad namespace', job({metadata: {name: 'a', namespace: 'Team A'}}), `metadata.namespace: "Team A" is not a namespace: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit`],
		['no spec', job({spec: undefined}), 'spec: required: at least one task (spec.tasks)'],
		['no tasks', job({spec: {tasks: []}}), 'spec.tasks: required: at least one task'],
		['tasks not a list', job({spec: {tasks: 'two'}}), 'spec.tasks: required: at least one task, not "two"'],
		['a task not an object', job({spec: {tasks: [3]}}), 'spec.tasks[0]: must be an object (a task: name, replicas, template)'],
		['empty task name', job({spec: {tasks: [task('')]}}), 'spec.tasks[0].name: must be a non-empty string'],
		['replicas 0', job({spec: {tasks: [task('a'), task('b', 0)]}}), 'spec.tasks[1].replicas: must be a positive integer, not 0'],
		['replicas missing', job({spec: {tasks: [{name: 'a', template: {spec: {containers: [container]}}}]}}), 'spec.tasks[0].replicas: must be a positive integer (missing)'],
		['replicas a string', job({spec: {tasks: [task('a', '2')]}}), 'spec.tasks[0].replicas: must be a positive integer, not "2"'],
		['no template', job({spec: {tasks: [{name: 'a', replicas: 1}]}}), 'spec.tasks[0].template: required: a pod template (spec.containers)'],
		['no pod spec', job({spec: {tasks: [{name: 'a', replicas: 1, template: {}}]}}), 'spec.tasks[0].template.spec: required: a pod spec with containers'],
		['no containers', job({spec: {tasks: [{name: 'a', replicas: 1, template: {spec: {containers: []}}}]}}), 'spec.tasks[0].template.spec.containers: required: at least one container'],
		['a container not an object', job({spec: {tasks: [{name: 'a', replicas: 1, template: {spec: {containers: ['x']}}}]}}), 'spec.tasks[0].template.spec.containers[0]: must be an object (name, image)'],
		['container without name', job({spec: {tasks: [{name: 'a', replicas: 1, template: {spec: {containers: [{image: 'x'}]}}}]}}), 'spec.tasks[0].template.spec.containers[0].name: required'],
		['container without image', job({spec: {tasks: [{name: 'a', replicas: 1, template: {spec: {containers: [{name: 'x'}]}}}]}}), 'spec.tasks[0].template.spec.containers[0].image: required'],
		['duplicate task names', job({spec: {tasks: [task('a'), task('a')]}}), 'spec.tasks: task name "a" appears more than once'],
		['minAvailable negative', job({spec: {minAvailable: -1, tasks: [task('a')]}}), 'spec.minAvailable: must be a whole number, 0 or more, not -1'],
		['minAvailable too big', job({spec: {minAvailable: 4, tasks: [task('a'), task('b', 2)]}}), "spec.minAvailable: 4 is more than the tasks' replicas (3): the job could never start"],
		['a status', job({status: {state: {phase: 'Running'}}}), 'status: must be left out: the controller writes it'],
	])('%s', (_what, document, message) => {
		expect(problems(document)).toEqual([message]);
	});

	test('every problem at once, in the order of the file', () => {
		expect(problems({apiVersion: 'v1', kind: 'Pod', metadata: {}, spec: {tasks: [task('a', -1)]}})).toEqual([
			'apiVersion: must be batch.volcano.sh/v1alpha1, not "v1"',
			'kind: must be Job, not "Pod"',
			'metadata.name: required (or metadata.generateName, for a name the server makes unique)',
			'spec.tasks[0].replicas: must be a positive integer, not -1',
		]);
	});

	test('what the file holds is shown on one line, without escape sequences', () => {
		expect(problems(job({kind: 'Job\u001B]0;owned\u0007\nx'}))).toEqual(['kind: must be Job, not "Job\\u001b]0;owned\\u0007\\nx"']);
	});
});

describe('submitNamespace, as kubectl decides', () => {
	test('the file\'s, -n, or the fallback', () => {
		expect(submitNamespace({namespace: 'a'}, undefined, 'default')).toEqual({namespace: 'a'});
		expect(submitNamespace({}, 'b', 'default')).toEqual({namespace: 'b'});
		expect(submitNamespace({}, undefined, 'ctx')).toEqual({namespace: 'ctx'});
		expect(submitNamespace({namespace: 'a'}, 'a', 'default')).toEqual({namespace: 'a'});
	});

	test('a file\'s namespace that -n contradicts is an error', () => {
		expect(submitNamespace({namespace: 'a'}, 'b', 'default')).toBe(
			'the namespace from the provided object "a" does not match the namespace "b" given with -n: leave one out, or make them agree',
		);
	});
});
