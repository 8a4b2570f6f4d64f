import {execFile, spawn, spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {afterEach, describe, expect, test} from 'vitest';
import type {Simulator} from '../../../source/simulator/simulator-types.js';
import {waitUntil} from '../../e2e/support/wait.js';
import {simulatorsFor, type Json} from '../http.js';

// kubectl, a real client, against the simulator: discovery, short names, get -o json, paging with --chunk-size and
// get -w. CI must run these (.ci/run installs kubectl and sets VCJOB_REQUIRE_KUBECTL=1); elsewhere they are skipped
// when no kubectl is found, saying so. VCJOB_KUBECTL names the binary to use (e.g. an older kubectl to try).

const execFileAsync = promisify(execFile);

function works(candidate: string): boolean {
	return spawnSync(candidate, ['version', '--client'], {timeout: 15_000, env: {PATH: '/usr/bin:/bin'}}).status === 0;
}

const named = process.env['VCJOB_KUBECTL'];
const kubectl = named
	? works(named)
		? named
		: undefined
	: (process.env['PATH'] ?? '')
			.split(path.delimiter)
			.filter(Boolean)
			.map(directory => path.join(directory, 'kubectl'))
			.find(candidate => works(candidate));
const required = process.env['VCJOB_REQUIRE_KUBECTL'] === '1' || Boolean(process.env['CI']) || named !== undefined;
const version = kubectl
	? (JSON.parse(spawnSync(kubectl, ['version', '--client', '-o', 'json'], {timeout: 15_000, encoding: 'utf8', env: {PATH: '/usr/bin:/bin'}}).stdout || '{}') as Json)['clientVersion']?.['gitVersion']
	: undefined;
const missing = named ? `VCJOB_KUBECTL=${named} does not run` : 'no kubectl on PATH';

// Defined only where they can run: a missing kubectl is a failure where it is required and a warning elsewhere,
// never a quiet skip.
// oxlint-disable-next-line vitest/no-conditional-tests -- which tests exist depends on the machine, said above
if (kubectl === undefined && required) {
	test('kubectl is there to check the simulator against a real client', () => {
		expect.fail(
			`${missing}, and these tests are required here (CI or VCJOB_REQUIRE_KUBECTL=1): .ci/run installs Debian's kubernetes-client; elsewhere set VCJOB_KUBECTL=/path/to/kubectl`,
		);
	});
} else if (kubectl === undefined) {
	console.warn(`kubectl against the simulator: not run, ${missing} (set VCJOB_KUBECTL=/path/to/kubectl to run them)`);
}

const directories: string[] = [];
const start = simulatorsFor({autoplay: false});
const children: Array<ReturnType<typeof spawn>> = [];

afterEach(() => {
	for (const child of children.splice(0)) child.kill();
	for (const directory of directories.splice(0)) rmSync(directory, {recursive: true, force: true});
});

/** A temporary HOME holding a kubeconfig for the simulator (its namespace as the context's), and nothing else. */
function kubectlEnv(simulator: Simulator): NodeJS.ProcessEnv {
	const home = mkdtempSync(path.join(tmpdir(), 'vcjob-kubectl-'));
	directories.push(home);
	const kubeconfig = path.join(home, 'kubeconfig');
	writeFileSync(
		kubeconfig,
		[
			'apiVersion: v1',
			'kind: Config',
			'clusters:',
			'- name: simulator',
			'  cluster:',
			`    server: ${simulator.url}`,
			'contexts:',
			'- name: simulator',
			'  context:',
			'    cluster: simulator',
			'    user: anonymous',
			`    namespace: ${simulator.scenario.namespace}`,
			'current-context: simulator',
			'users:',
			'- name: anonymous',
			'  user: {}',
			'',
		].join('\n'),
	);
	return {HOME: home, KUBECONFIG: kubeconfig, KUBECACHEDIR: path.join(home, 'cache'), PATH: '/usr/bin:/bin'};
}

/** kubectl's stdout; a failure shows its stderr. Not spawnSync: the simulator answers from this process's event loop. */
async function run(simulator: Simulator, ...args: string[]): Promise<string> {
	try {
		const {stdout, stderr} = await execFileAsync(kubectl!, args, {env: kubectlEnv(simulator), timeout: 15_000, maxBuffer: 16 * 1024 * 1024});
		expect(stderr).toBe('');
		return stdout;
	} catch (error) {
		const {stderr, message} = error as {stderr?: string; message: string};
		throw new Error(`kubectl ${args.join(' ')} failed: ${stderr || message}`);
	}
}

async function apiGet(simulator: Simulator, apiPath: string): Promise<Json> {
	return (await (await fetch(`${simulator.url}${apiPath}`)).json()) as Json;
}

const listRequests = (simulator: Simulator, pathPrefix: string) =>
	simulator.requests.filter(request => request.method === 'GET' && request.path.startsWith(`${pathPrefix}?`) && !request.path.includes('watch='));

describe.runIf(kubectl !== undefined)(`kubectl ${version ?? ''} against the simulator`, () => {
	test('the job by every name discovery gives it: plural, group, version, and its short names', async () => {
		const simulator = await start({scenario: 'static'});
		const {jobName} = simulator.scenario;
		const jobs = (await apiGet(simulator, '/apis/batch.volcano.sh/v1alpha1')).resources.find((resource: Json) => resource.name === 'jobs');
		expect(jobs.shortNames.length).toBeGreaterThan(0);
		for (const resource of ['jobs.batch.volcano.sh', 'jobs.v1alpha1.batch.volcano.sh', ...jobs.shortNames]) {
			expect([resource, await run(simulator, 'get', resource, jobName, '-o', 'name')]).toEqual([resource, `job.batch.volcano.sh/${jobName}\n`]);
		}
	});

	test('get pods -o json: the pods the simulator lists, whole', async () => {
		const simulator = await start({scenario: 'static'});
		const {namespace} = simulator.scenario;
		const output = JSON.parse(await run(simulator, 'get', 'pods', '-o', 'json')) as Json;
		const served = await apiGet(simulator, `/api/v1/namespaces/${namespace}/pods`);
		expect(output.kind).toBe('List');
		expect(served.items.length).toBeGreaterThan(1);
		expect(output.items).toEqual(served.items.map((pod: Json) => ({apiVersion: 'v1', kind: 'Pod', ...pod})));
	});

	test('get events -o json: the events the simulator lists, whole', async () => {
		const simulator = await start({scenario: 'static'});
		const {namespace, jobName} = simulator.scenario;
		const output = JSON.parse(await run(simulator, 'get', 'events', '-o', 'json')) as Json;
		const served = await apiGet(simulator, `/api/v1/namespaces/${namespace}/events`);
		expect(served.items.length).toBeGreaterThan(1);
		expect(output.items).toEqual(served.items.map((event: Json) => ({apiVersion: 'v1', kind: 'Event', ...event})));
		// Events of the job's pods and of its PodGroup, named after the job.
		expect(new Set(output.items.map((event: Json) => event.involvedObject.kind))).toEqual(new Set(['Pod', 'PodGroup']));
		expect(output.items.every((event: Json) => event.involvedObject.name.startsWith(`${jobName}-`))).toBe(true);
	});

	test('--chunk-size pages through the list: each page asked with the previous continue token', async () => {
		const simulator = await start({scenario: 'namespace'});
		const jobsPath = `/apis/batch.volcano.sh/v1alpha1/namespaces/${simulator.scenario.namespace}/jobs`;
		const names = (await run(simulator, 'get', 'vcjob', '--chunk-size=60', '-o', 'name')).trim().split('\n');
		const served = await apiGet(simulator, jobsPath);
		expect(served.items).toHaveLength(200);
		expect(names).toEqual(served.items.map((job: Json) => `job.batch.volcano.sh/${job.metadata.name}`));
		const pages = listRequests(simulator, jobsPath).map(request => new URL(request.path, simulator.url).searchParams);
		expect(pages.map(query => query.get('limit'))).toEqual(['60', '60', '60', '60']);
		expect(pages[0]!.has('continue')).toBe(false);
		expect(pages.slice(1).every(query => (query.get('continue') ?? '') !== '')).toBe(true);
	});

	test('get -w: the job, then the change the simulator makes', async () => {
		const simulator = await start({scenario: 'demo'});
		simulator.goTo(5);
		const {namespace, jobName} = simulator.scenario;
		const jobPath = `/apis/batch.volcano.sh/v1alpha1/namespaces/${namespace}/jobs/${jobName}`;
		const before = await apiGet(simulator, jobPath);
		const child = spawn(kubectl!, ['get', 'vcjob', jobName, '-w', '-o', 'jsonpath={.metadata.resourceVersion} {.status.state.phase}{"\\n"}'], {
			env: kubectlEnv(simulator),
		});
		children.push(child);
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', chunk => (stdout += chunk));
		child.stderr.on('data', chunk => (stderr += chunk));
		await waitUntil(() => stdout.includes('\n'), `kubectl's first line (stderr: ${stderr})`);
		await waitUntil(() => simulator.requests.some(request => request.path.includes('watch=')), "kubectl's watch request");
		simulator.goTo(6);
		const after = await apiGet(simulator, jobPath);
		expect(after.metadata.resourceVersion).not.toBe(before.metadata.resourceVersion);
		await waitUntil(() => stdout.split('\n').length > 2, `the change in kubectl's output (so far: ${JSON.stringify(stdout)}, stderr: ${stderr})`);
		expect(stdout.split('\n').slice(0, 2)).toEqual([
			`${before.metadata.resourceVersion} ${before.status.state.phase}`,
			`${after.metadata.resourceVersion} ${after.status.state.phase}`,
		]);
		expect(stderr).toBe('');
		// One watch of the job by name, as kubectl sends it.
		const watch = new URL(simulator.requests.find(request => request.path.includes('watch='))!.path, simulator.url);
		expect([watch.pathname, watch.searchParams.get('fieldSelector'), watch.searchParams.get('watch')]).toEqual([
			`/apis/batch.volcano.sh/v1alpha1/namespaces/${namespace}/jobs`,
			`metadata.name=${jobName}`,
			'true',
		]);
	});
});
