import {describe, expect, test} from 'vitest';
import {getJson, simulatorsFor} from '../http.js';

// POST of jobs to the simulator, as kube-apiserver with Volcano's webhooks answers it, and the created job played.

const simulator = simulatorsFor({scenario: 'empty', backgroundWrites: false});
const namespace = 'team-a';
const task = (name: string, replicas: number) => ({name, replicas, template: {spec: {containers: [{name, image: 'busybox'}]}}});
const job = (metadata: Record<string, unknown>, spec: Record<string, unknown> = {}) => ({
	apiVersion: 'batch.volcano.sh/v1alpha1',
	kind: 'Job',
	metadata,
	spec: {tasks: [task('ps', 1), task('worker', 2)], ...spec},
});

async function post(url: string, body: unknown, query = '') {
	return getJson(`${url}/apis/batch.volcano.sh/v1alpha1/namespaces/${namespace}/jobs${query}`, {
		method: 'POST',
		headers: {'Content-Type': 'application/json'},
		body: JSON.stringify(body),
	});
}

describe('POST a job', () => {
	test('201 with the job as stored, Volcano\'s defaults applied; then it is played through its lifecycle', async () => {
		const sim = await simulator({autoplay: false});
		const {status, body} = await post(sim.url, job({name: 'trainer', labels: {team: 'a'}}));
		expect(status).toBe(201);
		expect(body).toMatchObject({
			metadata: {name: 'trainer', namespace, labels: {team: 'a'}},
			spec: {minAvailable: 3, queue: 'default', schedulerName: 'volcano', maxRetry: 3, tasks: [{name: 'ps', minAvailable: 1}, {name: 'worker', minAvailable: 2}]},
		});
		expect(body['metadata']['uid']).toMatch(/^[\da-f-]{36}$/);
		expect(body['status']).toBeUndefined();
		const served = await getJson(`${sim.url}/apis/batch.volcano.sh/v1alpha1/namespaces/${namespace}/jobs/trainer`);
		expect(served.body['metadata']['uid']).toBe(body['metadata']['uid']);
		// Running: its pods are the submitted tasks'.
		sim.goTo(4);
		const running = await getJson(`${sim.url}/apis/batch.volcano.sh/v1alpha1/namespaces/${namespace}/jobs/trainer`);
		expect(running.body['status']).toMatchObject({state: {phase: 'Running'}, running: 3});
		const pods = await getJson(`${sim.url}/api/v1/namespaces/${namespace}/pods`);
		expect((pods.body['items'] as Array<{metadata: {name: string}}>).map(pod => pod.metadata.name).sort()).toEqual(['trainer-ps-0', 'trainer-worker-0', 'trainer-worker-1']);
		sim.goTo(7);
		const completed = await getJson(`${sim.url}/apis/batch.volcano.sh/v1alpha1/namespaces/${namespace}/jobs/trainer`);
		expect(completed.body['status']['state']['phase']).toBe('Completed');
	});

	test('generateName: the prefix and five characters', async () => {
		const sim = await simulator();
		const {status, body} = await post(sim.url, job({generateName: 'trainer-'}));
		expect(status).toBe(201);
		expect(body['metadata']['name']).toMatch(/^trainer-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
	});

	test('dryRun=All: the object back, nothing stored', async () => {
		const sim = await simulator();
		const {status, body} = await post(sim.url, job({name: 'dry'}), '?dryRun=All');
		expect(status).toBe(201);
		expect(body).toMatchObject({kind: 'Job', metadata: {name: 'dry', namespace}, spec: {minAvailable: 3}});
		const served = await getJson(`${sim.url}/apis/batch.volcano.sh/v1alpha1/namespaces/${namespace}/jobs/dry`);
		expect(served.status).toBe(404);
	});

	test('409 AlreadyExists for a name taken', async () => {
		const sim = await simulator();
		expect((await post(sim.url, job({name: 'twice'}))).status).toBe(201);
		const {status, body} = await post(sim.url, job({name: 'twice'}));
		expect(status).toBe(409);
		expect(body).toEqual({
			kind: 'Status',
			apiVersion: 'v1',
			metadata: {},
			status: 'Failure',
			message: 'jobs.batch.volcano.sh "twice" already exists',
			reason: 'AlreadyExists',
			details: {name: 'twice', group: 'batch.volcano.sh', kind: 'jobs'},
			code: 409,
		});
	});

	test.each([
		['no tasks', {tasks: []}, 'spec.tasks', 'Invalid value: []: No task specified in job spec'],
		['replicas < 0', {minAvailable: 0, tasks: [task('a', -1)]}, 'spec.tasks[0].replicas', "Invalid value: -1: 'replicas' must be >= 0 in task: a"],
		['duplicate task names', {tasks: [task('a', 1), task('a', 1)]}, 'spec.tasks[1].name', 'Invalid value: "a": duplicated task name a'],
		['minAvailable > total replicas', {minAvailable: 5}, 'spec.minAvailable', "Invalid value: 5: 'minAvailable' should not be greater than total replicas in tasks"],
		['maxRetry < 0', {maxRetry: -1}, 'spec.maxRetry', "Invalid value: -1: 'maxRetry' cannot be less than zero."],
	])('422 Invalid: %s, with its cause', async (_what, spec, field, message) => {
		const sim = await simulator();
		const {status, body} = await post(sim.url, job({name: 'bad'}, spec));
		expect(status).toBe(422);
		expect(body).toMatchObject({reason: 'Invalid', code: 422, details: {name: 'bad', group: 'batch.volcano.sh', kind: 'Job', causes: [{reason: 'FieldValueInvalid', field, message}]}});
		expect(body['message']).toBe(`Job.batch.volcano.sh "bad" is invalid: ${field}: ${message}`);
	});

	test('403 with forbidden jobs/create, naming the verb, resource, group and namespace', async () => {
		const sim = await simulator({forbidden: ['jobs/create']});
		const {status, body} = await post(sim.url, job({name: 'x'}));
		expect(status).toBe(403);
		expect(body['message']).toBe('jobs.batch.volcano.sh is forbidden: User "demo" cannot create resource "jobs" in API group "batch.volcano.sh" in the namespace "team-a"');
	});

	test('400 for a body that is not a job of this namespace', async () => {
		const sim = await simulator();
		expect((await post(sim.url, job({name: 'x', namespace: 'other'}))).status).toBe(400);
		expect((await post(sim.url, {...job({name: 'x'}), kind: 'Pod'})).status).toBe(400);
	});
});
