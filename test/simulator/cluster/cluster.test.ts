import {describe, expect, it} from 'vitest';
import type {Simulator} from '../../../source/simulator/simulator-types.js';
import {getJson, simulatorsFor, type Json, type JsonResponse} from '../http.js';

const start = simulatorsFor({autoplay: false});

async function get(simulator: Simulator, path: string, init?: RequestInit): Promise<JsonResponse> {
	return getJson(`${simulator.url}${path}`, init);
}

function core(simulator: Simulator, resource: 'pods' | 'events', query = ''): string {
	return `/api/v1/namespaces/${simulator.scenario.namespace}/${resource}${query}`;
}

function podGroups(simulator: Simulator, name = ''): string {
	return `/apis/scheduling.volcano.sh/v1beta1/namespaces/${simulator.scenario.namespace}/podgroups${name ? `/${name}` : ''}`;
}

async function job(simulator: Simulator): Promise<Json | undefined> {
	const {namespace, jobName} = simulator.scenario;
	const {status, body} = await get(simulator, `/apis/batch.volcano.sh/v1alpha1/namespaces/${namespace}/jobs/${jobName}`);
	return status === 200 ? body : undefined;
}

async function jobPods(simulator: Simulator): Promise<Json[]> {
	const selector = encodeURIComponent(`volcano.sh/job-name=${simulator.scenario.jobName}`);
	const {status, body} = await get(simulator, core(simulator, 'pods', `?labelSelector=${selector}`));
	expect(status).toBe(200);
	expect(body).toMatchObject({kind: 'PodList', apiVersion: 'v1'});
	return body.items as Json[];
}

async function events(simulator: Simulator, fieldSelector?: string): Promise<Json[]> {
	const query = fieldSelector === undefined ? '' : `?fieldSelector=${encodeURIComponent(fieldSelector)}`;
	const {status, body} = await get(simulator, core(simulator, 'events', query));
	expect(status).toBe(200);
	expect(body).toMatchObject({kind: 'EventList', apiVersion: 'v1'});
	return body.items as Json[];
}

/** Reads until `done` holds of what was read (the cluster moves with real time); fails naming `what` past the deadline. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, deadlineMs = 5000): Promise<T> {
	const deadline = Date.now() + deadlineMs;
	for (;;) {
		const value = await read();
		if (done(value)) return value;
		if (Date.now() > deadline) throw new Error(`gave up after ${deadlineMs} ms waiting for ${what}`);
		await new Promise(resolve => setTimeout(resolve, 20));
	}
}

/** Live pods as task → phase → count, the shape of status.taskStatusCount. */
function countByTask(pods: readonly Json[]): Record<string, {phase: Record<string, number>}> {
	const counts: Record<string, {phase: Record<string, number>}> = {};
	for (const pod of pods) {
		const task = pod.metadata.labels['volcano.sh/task-spec'] as string;
		counts[task] ??= {phase: {}};
		counts[task].phase[pod.status.phase] = (counts[task].phase[pod.status.phase] ?? 0) + 1;
	}

	return counts;
}

const killPath = new Set(['Restarting', 'Aborting', 'Aborted', 'Terminating', 'Terminated', 'Completing', 'Completed', 'Failed']);

describe('pods follow the job', () => {
	for (const scenario of ['demo', 'fail']) {
		it(`match taskStatusCount and the terminating counter at every step of ${scenario}`, async () => {
			const simulator = await start({scenario});
			for (let index = 0; index < simulator.scenario.steps.length; index++) {
				simulator.goTo(index);
				const [document, pods] = await Promise.all([job(simulator), jobPods(simulator)]);
				const step = `step ${index}`;
				if (!document?.status) {
					expect(pods, step).toEqual([]);
					continue;
				}

				const {status, metadata} = document;
				const live = pods.filter(pod => pod.metadata.deletionTimestamp === undefined);
				const leaving = pods.filter(pod => pod.metadata.deletionTimestamp !== undefined);
				expect(countByTask(live), step).toEqual(status.taskStatusCount ?? {});
				expect(leaving.length, step).toBe(status.terminating ?? 0);
				for (const pod of pods) {
					expect(pod.metadata.ownerReferences[0], step).toMatchObject({kind: 'Job', uid: metadata.uid, controller: true});
					expect(pod.metadata.name, step).toBe(`${metadata.name}-${pod.metadata.labels['volcano.sh/task-spec']}-${pod.metadata.labels['volcano.sh/task-index']}`);
					expect(pod.metadata.labels['volcano.sh/job-namespace'], step).toBe(metadata.namespace);
					expect(pod.metadata.annotations['scheduling.k8s.io/group-name'], step).toBe(`${metadata.name}-${metadata.uid}`);
				}

				if (!killPath.has(status.state.phase)) {
					for (const pod of live) {
						expect(pod.metadata.annotations['volcano.sh/job-version'], step).toBe(String(status.version ?? 0));
						expect(pod.metadata.annotations['volcano.sh/job-retry-count'], step).toBe(String(status.retryCount ?? 0));
					}
				}

				for (const pod of live.filter(pod => pod.status.phase === 'Running')) {
					expect(pod.spec.nodeName, step).toMatch(/^192\.168\.0\.\d+$/);
					expect(Object.keys(pod.status.containerStatuses[0].state), step).toEqual(expect.arrayContaining([expect.stringMatching(/running|waiting/)]));
				}

				// The PodGroup lives from the controller's first write to the kill path.
				const groups = (await get(simulator, podGroups(simulator))).body.items as Json[];
				expect(groups.length, step).toBe(killPath.has(status.state.phase) ? 0 : 1);
				if (groups[0]) {
					expect(groups[0].status.running ?? 0, step).toBe(status.running ?? 0);
					expect(groups[0].status.failed ?? 0, step).toBe(status.failed ?? 0);
				}
			}
		});
	}

	it('show how each pod ended: Completed 0, OOMKilled 137, deletion under way on the kill path', async () => {
		const demo = await start({scenario: 'demo'});
		demo.goTo(6);
		const master = (await jobPods(demo)).find(pod => pod.metadata.labels['volcano.sh/task-spec'] === 'mpimaster')!;
		expect(master.status.phase).toBe('Succeeded');
		expect(master.status.containerStatuses[0].state.terminated).toMatchObject({exitCode: 0, reason: 'Completed'});
		demo.goTo(7);
		const completing = await jobPods(demo);
		expect(completing).toHaveLength(3);
		for (const pod of completing) {
			expect(Date.parse(pod.metadata.deletionTimestamp as string)).toBeGreaterThan(Date.parse(pod.metadata.creationTimestamp as string));
			expect(pod.metadata.deletionGracePeriodSeconds).toBe(30);
		}

		demo.goTo(8);
		expect(await jobPods(demo)).toEqual([]);

		const fail = await start({scenario: 'fail'});
		fail.goTo(3);
		const failed = (await jobPods(fail)).filter(pod => pod.status.phase === 'Failed');
		expect(failed.map(pod => pod.metadata.name)).toEqual(['openmpi-crash-mpiworker-0']);
		expect(failed[0]!.status.containerStatuses[0].state.terminated).toMatchObject({exitCode: 137, reason: 'OOMKilled'});
		expect(failed[0]!.status.conditions).toEqual(expect.arrayContaining([expect.objectContaining({type: 'Ready', status: 'False', reason: 'PodFailed'})]));
		// The failed pod outlives the job's last restart (PodRetainPhaseSoft); the last attempt's is the master.
		fail.goTo(fail.scenario.steps.length - 1);
		const kept = await jobPods(fail);
		expect(kept.map(pod => [pod.metadata.name, pod.status.phase])).toEqual([['openmpi-crash-mpimaster-0', 'Failed']]);
	});

	it('re-creates the pods with new uids, version and retry count after a restart', async () => {
		const simulator = await start({scenario: 'fail'});
		simulator.goTo(3);
		const before = await jobPods(simulator);
		simulator.goTo(4);
		const restarting = await jobPods(simulator);
		expect(restarting.map(pod => pod.metadata.uid).sort()).toEqual(before.map(pod => pod.metadata.uid).sort());
		expect(restarting.every(pod => pod.metadata.deletionTimestamp !== undefined)).toBe(true);
		simulator.goTo(5);
		expect(await jobPods(simulator)).toEqual([]);
		simulator.goTo(6);
		const after = await jobPods(simulator);
		expect(after).toHaveLength(3);
		const old = new Set(before.map(pod => pod.metadata.uid));
		expect(after.some(pod => old.has(pod.metadata.uid))).toBe(false);
		expect(after.map(pod => pod.metadata.name).sort()).toEqual(before.map(pod => pod.metadata.name).sort());
		for (const pod of after) {
			expect(pod.metadata.annotations).toMatchObject({'volcano.sh/job-version': '2', 'volcano.sh/job-retry-count': '1'});
		}
	});

	it('keeps restarting the OOMKilled worker, restartCount rising, with BackOff warnings', async () => {
		const simulator = await start({scenario: 'fail', speed: 100});
		simulator.goTo(2);
		const worker = async () => (await get(simulator, core(simulator, 'pods', '/openmpi-crash-mpiworker-0'))).body;
		const first = await worker();
		expect(first).toMatchObject({kind: 'Pod', apiVersion: 'v1', status: {phase: 'Running'}});
		// 2.5 s between restarts at speed 100: 25 ms. Two more, so the back-off has been said more than once.
		const restarts = first.status.containerStatuses[0].restartCount as number;
		const later = await eventually(worker, pod => (pod.status.containerStatuses[0].restartCount as number) >= restarts + 2, 'two more restarts of the worker');
		const status = later.status.containerStatuses[0] as Json;
		expect(status.lastState.terminated).toMatchObject({exitCode: 137, reason: 'OOMKilled'});
		expect(Number(later.metadata.resourceVersion)).toBeGreaterThan(Number(first.metadata.resourceVersion));
		const backOff = (await events(simulator, `involvedObject.uid=${later.metadata.uid as string},reason=BackOff`))[0]!;
		expect(backOff).toMatchObject({type: 'Warning', source: {component: 'kubelet'}});
		expect(backOff.message).toBe(
			`Back-off restarting failed container mpiworker in pod openmpi-crash-mpiworker-0_cci-namespace-42263891(${later.metadata.uid as string})`,
		);
		expect(backOff.count).toBeGreaterThan(1);

		simulator.goTo(3);
		const failed = await worker();
		expect(failed.status.phase).toBe('Failed');
		expect(failed.status.containerStatuses[0].restartCount).toBeGreaterThanOrEqual(status.restartCount as number);
		expect(failed.status.containerStatuses[0].state.terminated).toMatchObject({exitCode: 137, reason: 'OOMKilled'});
	});

	it('serves one pod by name, 404 for another, and nothing in another namespace', async () => {
		const simulator = await start({scenario: 'static'});
		const pod = await get(simulator, core(simulator, 'pods', '/openmpi-static-mpimaster-0'));
		expect(pod.status).toBe(200);
		expect(pod.body).toMatchObject({kind: 'Pod', apiVersion: 'v1', metadata: {name: 'openmpi-static-mpimaster-0'}});
		expect(pod.body.spec.containers[0]).toMatchObject({name: 'mpimaster', image: 'swr.cn-north-4.myhuaweicloud.com/demo/openmpi-hello:3.28'});
		const missing = await get(simulator, core(simulator, 'pods', '/nope'));
		expect(missing.status).toBe(404);
		expect(missing.body).toMatchObject({kind: 'Status', reason: 'NotFound', code: 404, message: 'pods "nope" not found', details: {name: 'nope', kind: 'pods'}});
		const elsewhere = await get(simulator, '/api/v1/namespaces/other/pods');
		expect(elsewhere.body).toMatchObject({kind: 'PodList', items: []});
	});
});

describe('label and field selectors', () => {
	async function names(simulator: Simulator, query: string): Promise<string[] | Json> {
		const {status, body} = await get(simulator, core(simulator, 'pods', query));
		return status === 200 ? (body.items as Json[]).map(pod => pod.metadata.name as string) : {httpStatus: status, ...body};
	}

	it('select pods like the API server', async () => {
		const simulator = await start({scenario: 'static'});
		const selector = (text: string) => `?labelSelector=${encodeURIComponent(text)}`;
		const all = ['openmpi-static-mpimaster-0', 'openmpi-static-mpiworker-0', 'openmpi-static-mpiworker-1'];
		expect(await names(simulator, selector('volcano.sh/job-name=openmpi-static'))).toEqual(all);
		expect(await names(simulator, selector('volcano.sh/job-name=other'))).toEqual([]);
		expect(await names(simulator, selector('volcano.sh/task-spec==mpiworker'))).toEqual(all.slice(1));
		expect(await names(simulator, selector('volcano.sh/task-spec!=mpiworker'))).toEqual(all.slice(0, 1));
		expect(await names(simulator, selector('volcano.sh/task-spec'))).toEqual(all);
		expect(await names(simulator, selector('!volcano.sh/task-spec'))).toEqual([]);
		expect(await names(simulator, selector('volcano.sh/job-name=openmpi-static, volcano.sh/task-index=1'))).toEqual(all.slice(2));
		expect(await names(simulator, selector('volcano.sh/task-spec in (mpimaster,x),!nope'))).toEqual(all.slice(0, 1));
		expect(await names(simulator, selector(''))).toEqual(all);
		expect(await names(simulator, `?fieldSelector=${encodeURIComponent('spec.nodeName=192.168.0.12')}`)).toEqual(all.slice(1, 2));
		expect(await names(simulator, `?fieldSelector=${encodeURIComponent('status.phase!=Running')}`)).toEqual([]);
	});

	it('refuse malformed selectors with 400 BadRequest and the API server words', async () => {
		const simulator = await start({scenario: 'static'});
		const refused = async (query: string, message: string) => {
			expect(await names(simulator, query)).toMatchObject({httpStatus: 400, kind: 'Status', reason: 'BadRequest', code: 400, message});
		};

		const label = (text: string) => `?labelSelector=${encodeURIComponent(text)}`;
		await refused(label('volcano.sh/job-name=a b'), "found 'b', expected: ',' or 'end of string'");
		await refused(label('=x'), "found '=', expected: !, identifier, or 'end of string'");
		await refused(label('app=x,'), "found '', expected: identifier after ','");
		await refused(label('app=('), "unable to parse requirement: found '(', expected: identifier");
		await refused(
			label('-bad=1'),
			'unable to parse requirement: <nil>: Invalid value: "-bad": name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\')',
		);
		const field = (text: string) => `?fieldSelector=${encodeURIComponent(text)}`;
		await refused(field('status.phase'), "invalid selector: 'status.phase'; can't understand 'status.phase'");
		await refused(field('metadata.labels=x'), 'field label not supported: metadata.labels');
		const eventField = await get(simulator, core(simulator, 'events', field('involvedObject.name=x,foo=bar')));
		expect(eventField.status).toBe(400);
		expect(eventField.body).toMatchObject({reason: 'BadRequest', message: 'field label not supported: foo'});
		const groupField = await get(simulator, `${podGroups(simulator)}${field('status.phase=Running')}`);
		expect(groupField.body).toMatchObject({code: 400, message: 'field label not supported: status.phase'});
	});

	it('filter events by object, kind, uid, namespace, type and reason', async () => {
		const simulator = await start({scenario: 'demo'});
		for (let index = 1; index <= 7; index++) simulator.goTo(index);
		const all = await events(simulator);
		const master = (await jobPods(simulator)).find(pod => pod.metadata.name === 'openmpi-hello-mpimaster-0')!;
		const ofMaster = await events(simulator, 'involvedObject.name=openmpi-hello-mpimaster-0');
		expect(ofMaster.map(event => event.reason)).toEqual(expect.arrayContaining(['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started']));
		expect(ofMaster.every(event => event.involvedObject.uid === master.metadata.uid)).toBe(true);
		expect(await events(simulator, `involvedObject.uid=${master.metadata.uid as string}`)).toEqual(ofMaster);
		const ofJob = await events(simulator, 'involvedObject.kind=Job,involvedObject.name=openmpi-hello');
		expect(ofJob.map(event => [event.reason, event.message])).toEqual([['ExecuteAction', 'Start to execute action CompleteJob ']]);
		expect(ofJob[0]!.source.component).toBe('vc-controller-manager');
		const killing = await events(simulator, 'reason=Killing');
		expect(killing.map(event => event.involvedObject.name).sort()).toEqual(['openmpi-hello-mpiworker-0', 'openmpi-hello-mpiworker-1']);
		expect(killing[0]).toMatchObject({type: 'Normal', message: 'Stopping container mpiworker', source: {component: 'kubelet', host: expect.stringMatching(/^192\.168\./)}});
		expect(await events(simulator, 'type=Warning')).toEqual([]);
		expect((await events(simulator, 'reason!=Killing')).length).toBe(all.length - 2);
		expect(await events(simulator, 'involvedObject.namespace=elsewhere')).toEqual([]);
	});
});

describe('PodGroup', () => {
	it('is named after the job and its uid, owned by the job, Pending → Inqueue → Running', async () => {
		const simulator = await start({scenario: 'demo'});
		simulator.goTo(2);
		const {metadata} = (await job(simulator))!;
		const name = `openmpi-hello-${metadata.uid as string}`;
		const pending = await get(simulator, podGroups(simulator, name));
		expect(pending.status).toBe(200);
		expect(pending.body).toMatchObject({
			apiVersion: 'scheduling.volcano.sh/v1beta1',
			kind: 'PodGroup',
			metadata: {
				name,
				namespace: 'cci-namespace-42263891',
				ownerReferences: [{apiVersion: 'batch.volcano.sh/v1alpha1', kind: 'Job', name: 'openmpi-hello', uid: metadata.uid, controller: true}],
			},
			spec: {minMember: 3, minTaskMember: {mpimaster: 1, mpiworker: 2}, queue: 'default', minResources: {cpu: '750m', memory: '3Gi', pods: '3'}},
			status: {phase: 'Pending'},
		});
		expect(pending.body.metadata.uid).not.toBe(metadata.uid);

		simulator.goTo(3);
		expect((await get(simulator, podGroups(simulator, name))).body.status).toEqual({phase: 'Inqueue'});
		simulator.goTo(5);
		const list = await get(simulator, podGroups(simulator));
		expect(list.body).toMatchObject({apiVersion: 'scheduling.volcano.sh/v1beta1', kind: 'PodGroupList', metadata: {resourceVersion: expect.stringMatching(/^\d+$/)}});
		expect(list.body.items).toHaveLength(1);
		expect(list.body.items[0].status).toMatchObject({
			phase: 'Running',
			running: 3,
			conditions: [{type: 'Scheduled', status: 'True', reason: 'tasks in gang are ready to be scheduled', transitionID: expect.any(String)}],
		});
		const scheduled = await events(simulator, `involvedObject.kind=PodGroup,involvedObject.name=${name}`);
		expect(scheduled.map(event => [event.reason, event.message, event.source.component])).toEqual([['Scheduled', 'pod group is ready', 'volcano']]);
	});

	it('is 404 before the controller initialises the job, and gone on the kill path', async () => {
		const simulator = await start({scenario: 'demo'});
		const absent = await get(simulator, podGroups(simulator, 'openmpi-hello'));
		expect(absent.status).toBe(404);
		expect(absent.body).toMatchObject({
			kind: 'Status',
			reason: 'NotFound',
			code: 404,
			message: 'podgroups.scheduling.volcano.sh "openmpi-hello" not found',
			details: {name: 'openmpi-hello', group: 'scheduling.volcano.sh', kind: 'podgroups'},
		});
		simulator.goTo(1);
		expect((await get(simulator, podGroups(simulator))).body.items).toEqual([]);
		simulator.goTo(7);
		expect((await get(simulator, podGroups(simulator))).body.items).toEqual([]);
	});

	it('goes by the job name alone with legacyPodGroupName, and in the seed', async () => {
		const simulator = await start({scenario: 'demo', legacyPodGroupName: true});
		simulator.goTo(3);
		expect((await get(simulator, podGroups(simulator, 'openmpi-hello'))).body.status.phase).toBe('Inqueue');
		const {metadata} = (await job(simulator))!;
		expect((await get(simulator, podGroups(simulator, `openmpi-hello-${metadata.uid as string}`))).status).toBe(404);
		for (const pod of await jobPods(simulator)) {
			expect(pod.metadata.annotations['scheduling.k8s.io/group-name']).toBe('openmpi-hello');
		}

		const seed = await start({scenario: 'seed'});
		const group = await get(seed, podGroups(seed, 'openmpi-hello-3-com'));
		expect(group.body).toMatchObject({spec: {minMember: 1}, status: {phase: 'Inqueue'}});
		expect(group.body.metadata.ownerReferences[0].uid).toBe('1a32a8c4-97db-11e9-9d09-dc9914fb58e0');
		// The document says pending: 3 and nothing more: three pods the scheduler has not bound, and no events.
		const pods = await jobPods(seed);
		expect(pods.map(pod => [pod.metadata.name, pod.status.phase, pod.spec.nodeName])).toEqual([
			['openmpi-hello-3-com-mpimaster-0', 'Pending', undefined],
			['openmpi-hello-3-com-mpiworker-0', 'Pending', undefined],
			['openmpi-hello-3-com-mpiworker-1', 'Pending', undefined],
		]);
		expect(pods[0]!.spec.containers[0].image).toBe('*.*.*.*:20202/swr/openmpi-hello:3.28');
		expect(await events(seed)).toEqual([]);
	});

	it('words the controller warning as before v1.11 with legacyPodGroupName', async () => {
		const simulator = await start({scenario: 'unschedulable', legacyPodGroupName: true});
		simulator.goTo(2);
		const [warning] = await events(simulator, 'reason=PodGroupPending');
		expect(warning!.message).toMatch(/^PodGroup cci-namespace-42263891:openmpi-gang unschedule,reason: 3\/3 tasks in gang unschedulable/);
	});
});

describe('scenarios that say why', () => {
	it('unschedulable: Pending for ever, with the gang and node verdicts, warnings counting up', async () => {
		const simulator = await start({scenario: 'unschedulable', speed: 50});
		simulator.goTo(1);
		expect((await get(simulator, podGroups(simulator))).body.items[0].status).toEqual({phase: 'Pending'});
		expect(await jobPods(simulator)).toEqual([]);
		simulator.goTo(2);
		const document = (await job(simulator))!;
		expect(document.status).toMatchObject({state: {phase: 'Pending'}, pending: 3});
		expect(document.spec.tasks[0].template.spec.containers[0].resources.requests.cpu).toBe('8');
		const gang =
			'3/3 tasks in gang unschedulable: pod group is not ready, 3 Pending, 3 minAvailable; Pending: 3 Unschedulable. ' +
			'Origin reason is openmpi-gang-mpimaster-0: 0/2 nodes are unavailable: 2 Insufficient cpu.';
		const [group] = (await get(simulator, podGroups(simulator))).body.items as Json[];
		expect(group!.status).toMatchObject({
			phase: 'Inqueue',
			conditions: [{type: 'Unschedulable', status: 'True', reason: 'NotEnoughResources', message: gang}],
		});
		expect(group!.spec.minResources).toMatchObject({cpu: '24', memory: '48Gi'});
		for (const pod of await jobPods(simulator)) {
			expect(pod.spec.nodeName).toBeUndefined();
			expect(pod.status).toMatchObject({
				phase: 'Pending',
				conditions: [{type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/2 nodes are unavailable: 2 Insufficient cpu.'}],
			});
		}

		const before = await events(simulator, 'type=Warning');
		expect(before.map(event => [event.involvedObject.kind, event.reason]).sort()).toEqual([
			['Job', 'PodGroupPending'],
			['Pod', 'FailedScheduling'],
			['Pod', 'FailedScheduling'],
			['Pod', 'FailedScheduling'],
			['PodGroup', 'Unschedulable'],
		]);
		const pendingWarning = before.find(event => event.reason === 'PodGroupPending')!;
		expect(pendingWarning.message).toBe(`PodGroup cci-namespace-42263891:openmpi-gang unschedulable, reason: ${gang}`);
		expect(pendingWarning.source.component).toBe('vc-controller-manager');

		// One retry every 5 s of scenario time: 100 ms here.
		const after = await eventually(
			async () => events(simulator, 'type=Warning'),
			warnings => warnings.every((event, index) => (event.count as number) > (before[index]?.count as number)),
			'every warning to be counted again',
		);
		expect(after.map(event => event.metadata.uid)).toEqual(before.map(event => event.metadata.uid));
		for (const [index, event] of after.entries()) {
			expect(event.count).toBeGreaterThan(before[index]!.count as number);
			expect(Date.parse(event.lastTimestamp as string)).toBeGreaterThanOrEqual(Date.parse(event.firstTimestamp as string));
			expect(event.firstTimestamp).toBe(before[index]!.firstTimestamp);
			expect(event.metadata.resourceVersion).not.toBe(before[index]!.metadata.resourceVersion);
		}

		expect(simulator.scenario.steps.at(-1)!.holdMs).toBeGreaterThanOrEqual(60_000);
	});

	it('image-pull: one worker cannot pull its image, two pods run, the job stays Pending', async () => {
		const simulator = await start({scenario: 'image-pull', speed: 50});
		for (let index = 1; index <= 3; index++) simulator.goTo(index);
		const image = 'swr.cn-north-4.myhuaweicloud.com/team/mpi-worker:3.29';
		const document = (await job(simulator))!;
		expect(document.status).toMatchObject({state: {phase: 'Pending'}, running: 2, pending: 1, minAvailable: 3});
		expect(document.spec.tasks[1].template.spec.containers[0].image).toBe(image);
		const group = (await get(simulator, podGroups(simulator))).body.items[0] as Json;
		expect(group.status).toMatchObject({phase: 'Running', running: 2});

		const worker = async () => (await get(simulator, core(simulator, 'pods', '/openmpi-pull-mpiworker-1'))).body;
		const first = await worker();
		expect(first.status.phase).toBe('Pending');
		expect(first.spec.nodeName).toBeDefined();
		expect(['ErrImagePull', 'ImagePullBackOff']).toContain(first.status.containerStatuses[0].state.waiting.reason);
		const waiting = await eventually(
			async () => (await worker()).status.containerStatuses[0].state.waiting as Json,
			state => state['reason'] === 'ImagePullBackOff',
			'the worker in ImagePullBackOff',
		);
		expect(waiting).toEqual({reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"`});

		const forWorker = `involvedObject.name=openmpi-pull-mpiworker-1`;
		const counts = async () =>
			Object.fromEntries((await events(simulator, forWorker)).map(event => [`${event.reason}: ${event.message as string}`, event.count as number]));
		const before = await counts();
		expect(Object.keys(before)).toEqual(
			expect.arrayContaining([
				`BackOff: Back-off pulling image "${image}"`,
				'Failed: Error: ImagePullBackOff',
				'Failed: Error: ErrImagePull',
				expect.stringMatching(/^Failed: Failed to pull image "swr\.cn-north-4\.myhuaweicloud\.com\/team\/mpi-worker:3\.29": rpc error: code = NotFound/),
			]),
		);
		const backOff = `BackOff: Back-off pulling image "${image}"`;
		const after = await eventually(
			counts,
			now => now[backOff]! > before[backOff]! && now['Failed: Error: ErrImagePull']! > before['Failed: Error: ErrImagePull']!,
			'the BackOff and ErrImagePull events to be counted again',
		);
		expect(after[`BackOff: Back-off pulling image "${image}"`]).toBeGreaterThan(before[`BackOff: Back-off pulling image "${image}"`]!);
		expect(after['Failed: Error: ErrImagePull']).toBeGreaterThan(before['Failed: Error: ErrImagePull']!);

		const running = (await jobPods(simulator)).filter(pod => pod.status.phase === 'Running');
		expect(running.map(pod => pod.metadata.name)).toEqual(['openmpi-pull-mpimaster-0', 'openmpi-pull-mpiworker-0']);
	});

	it('fail: the controller restarts the job on each failure, one ExecuteAction event counting them', async () => {
		const simulator = await start({scenario: 'fail'});
		// Steps 3 and 8: a worker of the first and of the second attempt fails.
		for (let index = 1; index <= 8; index++) simulator.goTo(index);
		const [action] = await events(simulator, 'reason=ExecuteAction');
		expect(action).toMatchObject({message: 'Start to execute action RestartJob ', count: 2, type: 'Normal', involvedObject: {kind: 'Job', name: 'openmpi-crash'}});
	});
});

describe('HTTP surface of the cluster paths', () => {
	it('wants the token, echoes X-Request-Id, pretty-prints, refuses other methods', async () => {
		const simulator = await start({scenario: 'static', token: 'secret'});
		for (const path of [core(simulator, 'pods'), core(simulator, 'events'), podGroups(simulator)]) {
			const denied = await get(simulator, path);
			expect(denied.status).toBe(401);
			expect(denied.body).toMatchObject({kind: 'Status', code: 401});
			const allowed = await get(simulator, path, {headers: {Authorization: 'Bearer secret'}});
			expect(allowed.status).toBe(200);
			expect(allowed.response.headers.get('x-request-id')).toMatch(/^[\da-f]{32}$/);
			const refused = await get(simulator, path, {method: 'DELETE', headers: {'X-Auth-Token': 'secret'}});
			expect(refused.status).toBe(405);
			expect(refused.body).toMatchObject({reason: 'MethodNotAllowed'});
		}

		const text = await (await fetch(`${simulator.url}${core(simulator, 'pods')}?pretty=true`, {headers: {'X-Auth-Token': 'secret'}})).text();
		expect(text).toContain('\n  "kind": "PodList"');
	});

	it('keeps the gateway 404 for paths nobody publishes, and serves discovery', async () => {
		const simulator = await start({scenario: 'static'});
		for (const path of ['/api/v1/namespaces', '/api/v1/namespaces/x/secrets', '/apis/scheduling.volcano.sh/v1beta1/namespaces/x/queues']) {
			const {status, body} = await get(simulator, path);
			expect([path, status, body.error_code]).toEqual([path, 404, 'APIGW.0101']);
		}

		const discovery = await get(simulator, '/apis/scheduling.volcano.sh/v1beta1');
		expect(discovery.body.resources[0]).toMatchObject({name: 'podgroups', kind: 'PodGroup', namespaced: true});
	});

	it('answers 403 for forbidden resources, like RBAC', async () => {
		const simulator = await start({scenario: 'static', forbidden: ['pods', 'podgroups']});
		const ns = simulator.scenario.namespace;
		const pods = await get(simulator, core(simulator, 'pods', '?labelSelector=volcano.sh/job-name%3Dopenmpi-static'));
		expect(pods.status).toBe(403);
		expect(pods.body).toEqual({
			kind: 'Status',
			apiVersion: 'v1',
			metadata: {},
			status: 'Failure',
			message: `pods is forbidden: User "demo" cannot list resource "pods" in API group "" in the namespace "${ns}"`,
			reason: 'Forbidden',
			details: {kind: 'pods'},
			code: 403,
		});
		const pod = await get(simulator, core(simulator, 'pods', '/openmpi-static-mpimaster-0'));
		expect(pod.body.message).toBe(
			`pods "openmpi-static-mpimaster-0" is forbidden: User "demo" cannot get resource "pods" in API group "" in the namespace "${ns}"`,
		);
		const groups = await get(simulator, podGroups(simulator));
		expect(groups.status).toBe(403);
		expect(groups.body).toMatchObject({
			message: `podgroups.scheduling.volcano.sh is forbidden: User "demo" cannot list resource "podgroups" in API group "scheduling.volcano.sh" in the namespace "${ns}"`,
			details: {group: 'scheduling.volcano.sh', kind: 'podgroups'},
		});
		expect((await get(simulator, core(simulator, 'events'))).status).toBe(200);
		expect((await job(simulator))?.status.state.phase).toBe('Running');
	});
});
