import {execFile, spawn, spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {afterEach, describe, expect, it} from 'vitest';
import type {Simulator} from '../../source/simulator/server.js';
import {simulatorsFor, type Json} from './http.js';

const directories: string[] = [];
const start = simulatorsFor({autoplay: false});

afterEach(() => {
	for (const directory of directories.splice(0)) rmSync(directory, {recursive: true, force: true});
});

// What client-go's discovery client sends: aggregated discovery first, plain JSON as the fallback.
const discoveryAccept =
	'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

async function get(simulator: Simulator, path: string): Promise<{status: number; type: string | null; body: Json}> {
	const response = await fetch(`${simulator.url}${path}`, {headers: {Accept: discoveryAccept}});
	return {status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as Json};
}

describe('discovery', () => {
	it('answers /api and /apis as an API server without aggregated discovery', async () => {
		const simulator = await start({scenario: 'static'});
		const core = await get(simulator, '/api');
		// Plain JSON, not an APIGroupDiscoveryList: the client then reads the group versions one by one.
		expect([core.status, core.type]).toEqual([200, 'application/json']);
		expect(core.body).toEqual({
			kind: 'APIVersions',
			versions: ['v1'],
			serverAddressByClientCIDRs: [{clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${simulator.port}`}],
		});

		const groups = await get(simulator, '/apis/');
		expect([groups.status, groups.type]).toEqual([200, 'application/json']);
		expect(groups.body).toMatchObject({kind: 'APIGroupList', apiVersion: 'v1'});
		expect(groups.body.groups).toEqual([
			{
				name: 'batch.volcano.sh',
				versions: [{groupVersion: 'batch.volcano.sh/v1alpha1', version: 'v1alpha1'}],
				preferredVersion: {groupVersion: 'batch.volcano.sh/v1alpha1', version: 'v1alpha1'},
			},
			{
				name: 'scheduling.volcano.sh',
				versions: [{groupVersion: 'scheduling.volcano.sh/v1beta1', version: 'v1beta1'}],
				preferredVersion: {groupVersion: 'scheduling.volcano.sh/v1beta1', version: 'v1beta1'},
			},
		]);

		const batch = await get(simulator, '/apis/batch.volcano.sh');
		expect(batch.body).toEqual({kind: 'APIGroup', apiVersion: 'v1', ...groups.body.groups[0]});
		expect((await get(simulator, '/apis/nope.example.com')).body.error_code).toBe('APIGW.0101');
	});

	it('serves a resource list for every version it names, as kubectl walks them', async () => {
		const simulator = await start({scenario: 'static'});
		const paths = [
			...(await get(simulator, '/api')).body.versions.map((version: string) => `/api/${version}`),
			...(await get(simulator, '/apis')).body.groups.flatMap((group: Json) => group.versions.map((version: Json) => `/apis/${version.groupVersion}`)),
		];
		expect(paths).toEqual(['/api/v1', '/apis/batch.volcano.sh/v1alpha1', '/apis/scheduling.volcano.sh/v1beta1']);
		for (const listPath of paths) {
			const {status, body} = await get(simulator, listPath);
			expect([listPath, status, body.kind, body.groupVersion]).toEqual([listPath, 200, 'APIResourceList', listPath.replace(/^\/apis?\//, '')]);
		}

		const jobs = (await get(simulator, '/apis/batch.volcano.sh/v1alpha1')).body.resources.find((resource: Json) => resource.name === 'jobs');
		expect(jobs).toMatchObject({namespaced: true, kind: 'Job', shortNames: ['vcjob', 'vj']});
		expect(jobs.verbs).toEqual(expect.arrayContaining(['get', 'list', 'watch']));
	});
});

const kubectl = (process.env['PATH'] ?? '')
	.split(path.delimiter)
	.map(directory => path.join(directory, 'kubectl'))
	.find(candidate => spawnSync(candidate, ['version', '--client'], {timeout: 15_000}).status === 0);

describe.skipIf(kubectl === undefined)('kubectl against the simulator', () => {
	function kubectlEnv(): NodeJS.ProcessEnv {
		const cache = mkdtempSync(path.join(tmpdir(), 'vcjob-kubectl-cache-'));
		directories.push(cache);
		return {PATH: process.env['PATH'], HOME: cache, KUBECONFIG: '/dev/null', KUBECACHEDIR: cache};
	}

	it('maps jobs.v1alpha1.batch.volcano.sh and vcjob to the job', async () => {
		const simulator = await start({scenario: 'static'});
		const {namespace, jobName} = simulator.scenario;
		const env = kubectlEnv();
		for (const resource of ['jobs.v1alpha1.batch.volcano.sh', 'vcjob']) {
			// Not spawnSync: the simulator answers from this process's event loop.
			const {stdout, stderr} = await promisify(execFile)(kubectl!, ['--server', simulator.url, 'get', resource, jobName, '-n', namespace, '-o', 'name'], {env, timeout: 15_000});
			expect([resource, stdout, stderr]).toEqual([resource, `job.batch.volcano.sh/${jobName}\n`, '']);
		}
	});

	it('prints the job, then its change, with get -w until the server ends the watch', async () => {
		// The watch lasts 1.5 to 3 s; kubectl get -w ends with it.
		const simulator = await start({scenario: 'demo', maxWatchSeconds: 3});
		simulator.goTo(5);
		const {namespace, jobName} = simulator.scenario;
		const child = spawn(kubectl!, ['--server', simulator.url, 'get', 'jobs.v1alpha1.batch.volcano.sh', jobName, '-n', namespace, '-w', '-o', 'name'], {env: kubectlEnv()});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', chunk => {
			stdout += chunk;
		});
		child.stderr.on('data', chunk => {
			stderr += chunk;
		});
		const exited = new Promise<number | null>(resolve => child.once('exit', resolve));
		try {
			const deadline = Date.now() + 10_000;
			while (!stdout.includes('\n') && Date.now() < deadline) {
				await new Promise(resolve => setTimeout(resolve, 10));
			}

			while (!simulator.requests.some(request => request.path.includes('watch=true')) && Date.now() < deadline) {
				await new Promise(resolve => setTimeout(resolve, 10));
			}

			simulator.goTo(6);
			expect(await exited).toBe(0);
		} finally {
			child.kill();
		}

		expect([stdout, stderr]).toEqual([`job.batch.volcano.sh/${jobName}\njob.batch.volcano.sh/${jobName}\n`, '']);
		const watchRequest = simulator.requests.find(request => request.path.includes('watch=true'));
		expect(watchRequest?.path).toBe(
			`/apis/batch.volcano.sh/v1alpha1/namespaces/${namespace}/jobs?fieldSelector=metadata.name%3D${jobName}&resourceVersion=0&watch=true`,
		);
	});
});
