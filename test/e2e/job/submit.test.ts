import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, test} from 'vitest';
import {temporaryDirectory} from '../../helpers/temp-dir.js';
import {cliPath} from '../support/run-cli.js';
import {e2eFixture, fast} from '../support/fixture.js';

// `vcjob-watch submit -f FILE` against the simulator: the job created, then watched to its end in each output
// mode; a dry run; each refusal with its exit code and what it tells; standard input; the screen of a pty.

const {startSimulator, runCli, runInPty} = e2eFixture();
const example = join(import.meta.dirname, '../../../docs/examples/mpi-job.yaml');
const namespace = 'cci-namespace-42263891';

/** A job file in a fresh folder: the example's shape, with these metadata and spec fields. */
function jobFile(metadata: Record<string, unknown>, spec: Record<string, unknown> = {}): string {
	const container = (name: string) => ({name, image: 'volcanosh/example-mpi:0.0.3'});
	const job = {
		apiVersion: 'batch.volcano.sh/v1alpha1',
		kind: 'Job',
		metadata,
		spec: {
			minAvailable: 2,
			tasks: [
				{name: 'master', replicas: 1, template: {spec: {containers: [container('master')]}}},
				{name: 'worker', replicas: 1, template: {spec: {containers: [container('worker')]}}},
			],
			...spec,
		},
	};
	const file = join(temporaryDirectory(), 'job.json');
	writeFileSync(file, JSON.stringify(job));
	return file;
}

const speedy = async (options = {}) => startSimulator({scenario: 'empty', speed: 20, ...options});

describe('submit', () => {
	test('text: created, watched from its creation to Completed; --exit-on-finish exits 0', async () => {
		const sim = await speedy();
		const run = runCli(['submit', '-f', example, '-s', sim.url, '-n', namespace, '-o', 'text', '--exit-on-finish', ...fast]);
		expect(await run.exit(30_000)).toBe(0);
		// generateName: the server's name, mpi-hello- and five characters, in every line.
		const name = /job\.batch\.volcano\.sh\/(mpi-hello-[a-z\d]{5}) created in namespace cci-namespace-42263891/.exec(run.stderr())?.[1];
		expect(name).toBeDefined();
		const stdout = run.stdout();
		expect(stdout).toMatch(new RegExp(`${namespace}/${name} rv=\\d+ phase=- .*\\(first seen\\)`));
		expect(stdout).toMatch(/phase=Running pending=0 running=3/);
		expect(stdout.trimEnd().split('\n').at(-1)).toMatch(/phase=Completed/);
		// The create went with the job's body to the namespace's jobs.
		expect(sim.requests.find(request => request.method === 'POST')?.path).toBe(`/apis/batch.volcano.sh/v1alpha1/namespaces/${namespace}/jobs`);
	});

	test('json: the watch objects of the created job, its tasks as submitted; the file read from standard input', async () => {
		const sim = await speedy();
		const file = jobFile({name: 'from-stdin'});
		const run = runCli(['submit', '-f', '-', '-s', sim.url, '-n', namespace, '-o', 'json', '--exit-on-finish', ...fast], {}, {
			command: ['sh', '-c', `exec "$0" "$@" < '${file}'`, process.execPath, cliPath],
		});
		expect(await run.exit(30_000)).toBe(0);
		const changes = run.jsonLines().filter(line => line['event'] === 'change');
		expect(changes[0]).toMatchObject({name: 'from-stdin', namespace, first: true});
		expect(changes.at(-1)).toMatchObject({name: 'from-stdin', phase: 'Completed'});
		const tasks = (changes.at(-1)!['job'] as {spec: {tasks: Array<{name: string}>}}).spec.tasks.map(task => task.name);
		expect(tasks).toEqual(['master', 'worker']);
	});

	test('--dry-run: what would be created, a line or the object; nothing stored, nothing watched', async () => {
		const sim = await speedy();
		const text = runCli(['submit', '-f', example, '-s', sim.url, '-n', namespace, '--dry-run', '-o', 'text']);
		expect(await text.exit()).toBe(0);
		expect(text.stdout()).toMatch(
			/^job\.batch\.volcano\.sh\/mpi-hello-[a-z\d]{5} would be created \(server dry run, nothing stored\): namespace cci-namespace-42263891, tasks mpimaster ×1, mpiworker ×2, minAvailable 3, queue default\n$/,
		);
		const json = runCli(['submit', '-f', example, '-s', sim.url, '-n', namespace, '--dry-run', '-o', 'json']);
		expect(await json.exit()).toBe(0);
		expect(json.jsonLines()[0]).toMatchObject({kind: 'Job', metadata: {namespace}, spec: {minAvailable: 3}});
		expect(sim.requests.filter(request => request.method === 'POST').map(request => request.path)).toEqual([
			`/apis/batch.volcano.sh/v1alpha1/namespaces/${namespace}/jobs?dryRun=All`,
			`/apis/batch.volcano.sh/v1alpha1/namespaces/${namespace}/jobs?dryRun=All`,
		]);
		const list = await (await fetch(`${sim.url}/apis/batch.volcano.sh/v1alpha1/namespaces/${namespace}/jobs`)).json();
		expect((list as {items: unknown[]}).items).toEqual([]);
	});

	test('409: the job exists; it says so and gives the command that watches it; exit 3', async () => {
		const sim = await speedy();
		const file = jobFile({name: 'twice'});
		expect(await runCli(['submit', '-f', file, '-s', sim.url, '-n', namespace, '-o', 'text', '--once']).exit()).toBe(0);
		const again = runCli(['submit', '-f', file, '-s', sim.url, '-n', namespace, '-o', 'text', '--once']);
		expect(await again.exit()).toBe(3);
		expect(again.stderr()).toContain('409 AlreadyExists: jobs.batch.volcano.sh "twice" already exists');
		expect(again.stderr()).toContain(`a job named twice already exists in namespace ${namespace}`);
		expect(again.stderr()).toContain(`watch it with: vcjob-watch twice -s ${sim.url} -n ${namespace} -o text --once`);
	});

	test('422: every cause with its field, as text and as a JSON object; exit 3', async () => {
		const sim = await speedy();
		// Past the local checks: maxRetry is the server's to refuse.
		const file = jobFile({name: 'bad-retry'}, {maxRetry: -1});
		const run = runCli(['submit', '-f', file, '-s', sim.url, '-n', namespace, '-o', 'json']);
		expect(await run.exit()).toBe(3);
		expect(run.stderr()).toContain('422 Invalid');
		expect(run.stderr()).toContain("  spec.maxRetry: Invalid value: -1: 'maxRetry' cannot be less than zero.");
		expect(run.jsonLines()[0]).toMatchObject({
			event: 'refused',
			name: 'bad-retry',
			error: {status: 422, reason: 'Invalid', causes: [{field: 'spec.maxRetry'}]},
		});
	});

	test('403: the permission missing, named; exit 3', async () => {
		const sim = await speedy({forbidden: ['jobs/create']});
		const run = runCli(['submit', '-f', example, '-s', sim.url, '-n', 'team-a', '-o', 'text']);
		expect(await run.exit()).toBe(3);
		expect(run.stderr()).toContain('403 Forbidden: jobs.batch.volcano.sh is forbidden: User "demo" cannot create resource "jobs"');
		expect(run.stderr()).toContain('the permission missing is verb "create" on resource "jobs" in API group "batch.volcano.sh" (namespace team-a)');
	});

	test('a file that is no job: every problem by its path, nothing sent; exit 2', async () => {
		const sim = await speedy();
		const file = jobFile({namespace: 'Team A'}, {tasks: [{name: 'a', replicas: 0, template: {spec: {containers: []}}}]});
		const run = runCli(['submit', '-f', file, '-s', sim.url]);
		expect(await run.exit()).toBe(2);
		expect(run.stderr()).toContain('is not a Volcano Job that can be submitted:');
		expect(run.stderr()).toContain('  metadata.name: required');
		expect(run.stderr()).toContain('  spec.tasks[0].replicas: must be a positive integer, not 0');
		expect(run.stderr()).toContain('  spec.tasks[0].template.spec.containers: required: at least one container');
		expect(sim.requests).toEqual([]);
	});

	test('--demo in a pty: the job appears and moves on screen', async () => {
		const pty = runInPty(['submit', '-f', example, '--demo', '--speed', '5', '--interval', '200ms'], {columns: 100, rows: 30});
		await pty.waitForScreen(/mpi-hello-[a-z\d]{5}/, 15_000);
		await pty.waitForScreen(/Pending/, 15_000);
		await pty.waitForScreen(/Running/, 20_000);
		pty.type('q');
		expect(await pty.exit()).toBe(0);
	});
});
