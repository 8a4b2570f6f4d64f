import {describe, expect, it} from 'vitest';
import {commandFor, type CommandAction} from '../../../source/api/commands.js';
import type {Simulator} from '../../../source/simulator/simulator-types.js';
import {sleep} from '../../helpers/waits.js';
import {getJson, simulatorsFor, type Json} from '../http.js';

// The static scenario's job runs with 3 pods for good: the Commands and the deletion are what change it.
const start = simulatorsFor({scenario: 'static', speed: 10, backgroundWrites: false});

const namespace = 'cci-namespace-42263891';
const busPath = '/apis/bus.volcano.sh/v1alpha1';

function jobUrl(simulator: Simulator): string {
	return `${simulator.url}/apis/batch.volcano.sh/v1alpha1/namespaces/${namespace}/jobs/${simulator.scenario.jobName}`;
}

async function job(simulator: Simulator): Promise<Json> {
	return (await getJson(jobUrl(simulator))).body;
}

async function post(simulator: Simulator, action: CommandAction) {
	const current = await job(simulator);
	const body = commandFor({namespace, name: simulator.scenario.jobName, uid: current['metadata'].uid}, action);
	return getJson(`${simulator.url}${busPath}/namespaces/${namespace}/commands`, {
		method: 'POST',
		headers: {'Content-Type': 'application/json'},
		body: JSON.stringify(body),
	});
}

/** The phases the job goes through (each once, in order) until it reaches `last` from another. */
async function phasesUntil(simulator: Simulator, last: string): Promise<string[]> {
	const seen: string[] = [];
	const deadline = Date.now() + 5000;
	while (!(seen.length > 1 && seen.at(-1) === last) && Date.now() < deadline) {
		const phase = String((await job(simulator))['status']?.state?.phase);
		if (seen.at(-1) !== phase) seen.push(phase);
		await sleep(10);
	}

	return seen;
}

async function pods(simulator: Simulator): Promise<Json[]> {
	const list = await getJson(`${simulator.url}/api/v1/namespaces/${namespace}/pods?labelSelector=volcano.sh%2Fjob-name%3D${simulator.scenario.jobName}`);
	return list.body['items'] as Json[];
}

async function eventually(condition: () => Promise<boolean>): Promise<void> {
	const deadline = Date.now() + 5000;
	while (!(await condition()) && Date.now() < deadline) await sleep(10);
	expect(await condition()).toBe(true);
}

async function events(simulator: Simulator): Promise<Json[]> {
	return (await getJson(`${simulator.url}/api/v1/namespaces/${namespace}/events`)).body['items'] as Json[];
}

describe('Commands', () => {
	it('serves the bus group in discovery, listed in /apis with the others', async () => {
		const simulator = await start();
		const groups = (await getJson(`${simulator.url}/apis`)).body['groups'] as Json[];
		expect(groups.map(group => group['name'])).toContain('bus.volcano.sh');
		const list = await getJson(`${simulator.url}${busPath}`);
		expect(list.status).toBe(200);
		expect(list.body).toMatchObject({kind: 'APIResourceList', groupVersion: 'bus.volcano.sh/v1alpha1', resources: [{name: 'commands', kind: 'Command'}]});
		expect((await getJson(`${simulator.url}/apis/bus.volcano.sh`)).body).toMatchObject({kind: 'APIGroup', name: 'bus.volcano.sh'});
	});

	it('AbortJob: the Command is created, taken and deleted; Aborting → Aborted, the pods gone, CommandIssued said', async () => {
		const simulator = await start();
		const created = await post(simulator, 'AbortJob');
		expect(created.status).toBe(201);
		expect(created.body).toMatchObject({kind: 'Command', action: 'AbortJob', metadata: {namespace, uid: expect.any(String)}});
		const commandsUrl = `${simulator.url}${busPath}/namespaces/${namespace}/commands`;
		expect((await getJson(commandsUrl)).body['items']).toHaveLength(1);
		expect(await phasesUntil(simulator, 'Aborted')).toEqual(['Running', 'Aborting', 'Aborted']);
		expect((await getJson(commandsUrl)).body['items']).toEqual([]);
		const aborted = await job(simulator);
		expect(aborted['status']).toMatchObject({version: 2});
		expect(aborted['status'].retryCount ?? 0).toBe(0);
		expect(await pods(simulator)).toEqual([]);
		const issued = (await events(simulator)).find(event => event['reason'] === 'CommandIssued');
		expect(issued).toMatchObject({
			involvedObject: {kind: 'Job', name: simulator.scenario.jobName},
			message: 'Start to execute command AbortJob, and clean it up to make sure executed not more than once.',
		});
	});

	it('ResumeJob from Aborted: Restarting → Pending → Running, the retry count +1 as Volcano counts it', async () => {
		const simulator = await start();
		await post(simulator, 'AbortJob');
		await phasesUntil(simulator, 'Aborted');
		expect((await post(simulator, 'ResumeJob')).status).toBe(201);
		expect(await phasesUntil(simulator, 'Running')).toEqual(['Aborted', 'Restarting', 'Pending', 'Running']);
		expect((await job(simulator))['status']).toMatchObject({retryCount: 1, version: 4, running: 3});
		expect(await pods(simulator)).toHaveLength(3);
	});

	it('RestartJob deletes every pod and creates them again: Restarting → Pending → Running', async () => {
		const simulator = await start();
		const before = (await pods(simulator)).map(pod => pod['metadata'].uid as string);
		await post(simulator, 'RestartJob');
		expect(await phasesUntil(simulator, 'Running')).toEqual(['Running', 'Restarting', 'Pending', 'Running']);
		expect((await job(simulator))['status']).toMatchObject({retryCount: 1, version: 2});
		const after = (await pods(simulator)).map(pod => pod['metadata'].uid as string);
		expect(after).toHaveLength(3);
		expect(after.some(uid => before.includes(uid))).toBe(false);
	});

	it('TerminateJob ends Terminated, CompleteJob Completed', async () => {
		const terminated = await start();
		await post(terminated, 'TerminateJob');
		expect(await phasesUntil(terminated, 'Terminated')).toEqual(['Running', 'Terminating', 'Terminated']);
		const completed = await start();
		await post(completed, 'CompleteJob');
		expect(await phasesUntil(completed, 'Completed')).toEqual(['Running', 'Completing', 'Completed']);
	});

	it('a Command the phase does not act on changes nothing but is taken (ResumeJob on a Running job)', async () => {
		const simulator = await start();
		await post(simulator, 'ResumeJob');
		await eventually(async () => (await events(simulator)).some(event => event['reason'] === 'CommandIssued'));
		expect((await job(simulator))['status'].state.phase).toBe('Running');
	});

	it('refuses what is not a Command (400) and an unknown action (422)', async () => {
		const simulator = await start();
		const url = `${simulator.url}${busPath}/namespaces/${namespace}/commands`;
		const notCommand = await getJson(url, {method: 'POST', body: JSON.stringify({kind: 'Job'})});
		expect(notCommand.status).toBe(400);
		const body = {...commandFor({namespace, name: 'x', uid: 'u'}, 'AbortJob'), action: 'Explode'};
		const unknown = await getJson(url, {method: 'POST', body: JSON.stringify(body)});
		expect(unknown.status).toBe(422);
	});
});

describe('delete', () => {
	it('Foreground: the job is marked, its pods go, then the job (404)', async () => {
		const simulator = await start();
		const answer = await getJson(jobUrl(simulator), {method: 'DELETE', body: JSON.stringify({kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground'})});
		expect(answer.status).toBe(200);
		expect(answer.body['metadata']).toMatchObject({deletionTimestamp: expect.any(String), finalizers: ['foregroundDeletion']});
		const marked = await job(simulator);
		expect(marked['metadata'].deletionTimestamp).toEqual(expect.any(String));
		let gone = false;
		let podsLeftWhileThere = -1;
		const deadline = Date.now() + 5000;
		while (!gone && Date.now() < deadline) {
			const response = await getJson(jobUrl(simulator));
			gone = response.status === 404;
			if (!gone) podsLeftWhileThere = (await pods(simulator)).length;
			await sleep(10);
		}

		expect(gone).toBe(true);
		expect(podsLeftWhileThere).toBe(0);
		expect(await pods(simulator)).toEqual([]);
		expect((await getJson(jobUrl(simulator), {method: 'DELETE'})).status).toBe(404);
	});

	it('a second DELETE while the job is being deleted: 200 with the object, its deletionTimestamp unchanged', async () => {
		// At speed 1 its pods take seconds to go: the job is still there for the second DELETE.
		const simulator = await start({speed: 1});
		const first = await getJson(jobUrl(simulator), {method: 'DELETE', body: JSON.stringify({kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground'})});
		const marked = first.body['metadata'].deletionTimestamp as string;
		// Its clock has whole seconds: a second later, a new deletion would carry another time.
		await sleep(1100);
		const second = await getJson(jobUrl(simulator), {method: 'DELETE'});
		expect(second.status).toBe(200);
		expect(second.body).toMatchObject({kind: 'Job', metadata: {name: simulator.scenario.jobName, deletionTimestamp: marked, finalizers: ['foregroundDeletion']}});
	});
});

describe('refusals', () => {
	it('without the bus group: 404 on its discovery and its paths', async () => {
		const simulator = await start({busGroup: false});
		expect((await getJson(`${simulator.url}${busPath}`)).status).toBe(404);
		expect((await getJson(`${simulator.url}/apis/bus.volcano.sh`)).status).toBe(404);
		const groups = (await getJson(`${simulator.url}/apis`)).body['groups'] as Json[];
		expect(groups.map(group => group['name'])).toEqual(['batch.volcano.sh', 'scheduling.volcano.sh']);
		const answer = await post(simulator, 'AbortJob');
		expect(answer.status).toBe(404);
		expect(answer.body).toMatchObject({kind: 'Status', code: 404});
	});

	it('403 for Commands and for deleting jobs, naming the verb and resource', async () => {
		const simulator = await start({forbidden: ['commands', 'jobs/delete']});
		const command = await post(simulator, 'AbortJob');
		expect(command.status).toBe(403);
		expect(command.body['message']).toContain('cannot create resource "commands" in API group "bus.volcano.sh"');
		const deletion = await getJson(jobUrl(simulator), {method: 'DELETE'});
		expect(deletion.status).toBe(403);
		expect(deletion.body['message']).toContain('cannot delete resource "jobs" in API group "batch.volcano.sh"');
		expect((await job(simulator))['status'].state.phase).toBe('Running');
	});
});
