// Shell completion as a shell uses it: the scripts `vcjob-watch completion SHELL` prints, checked by each
// installed shell, a real bash completing a command line (its names read from the simulator through the hidden
// `__complete` mode), and `__complete` itself when the cluster cannot answer.
import {spawnSync} from 'node:child_process';
import {chmodSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, test} from 'vitest';
import {shells} from '../../../source/cli/completion/shells.js';
import {scenarioNames, scenarios} from '../../../source/simulator/index.js';
import {httpServersFor} from '../../helpers/servers/http-server.js';
import {writeKubeconfig, oneContext} from '../../helpers/servers/kubeconfig.js';
import {temporaryDirectory} from '../../helpers/temp-dir.js';
import {e2eFixture} from '../support/fixture.js';
import {cliPath} from '../support/run-cli.js';

const {startSimulator, runCli} = e2eFixture();
const startServer = httpServersFor();
const namespace = scenarios['namespace']!.namespace;
const kubectlComplete = fileURLToPath(new URL('../../../contrib/kubectl/kubectl_complete-vcjob_watch', import.meta.url));

/** A folder holding `vcjob-watch`, the built program, as npm would put it on PATH; to go in front of PATH. */
function programOnPath(): string {
	const folder = temporaryDirectory('vcjob-watch-bin-');
	const program = join(folder, 'vcjob-watch');
	writeFileSync(program, `#!/bin/sh\nexec '${process.execPath}' '${cliPath}' "$@"\n`);
	chmodSync(program, 0o755);
	return `${folder}:${process.env['PATH']}`;
}

/** The shells of `completion` installed here: each script is checked by its own shell when there is one. */
const installed = shells.filter(shell => spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0);

/** `bash -c script` with vcjob-watch on PATH: its exit code and what it printed. */
async function inBash(script: string, env: Record<string, string> = {}) {
	const run = runCli([], {PATH: programOnPath(), ...env}, {command: ['bash', '--norc', '--noprofile', '-c', script]});
	return {code: await run.exit(), stdout: run.stdout(), stderr: run.stderr()};
}

/** Sources the bash script, completes the words (the last one is being typed) and prints COMPREPLY, one a line. */
function completing(words: readonly string[]): string {
	const quoted = words.map(word => `'${word}'`).join(' ');
	return `source <(vcjob-watch completion bash) && COMP_WORDS=(vcjob-watch ${quoted}) && COMP_CWORD=${words.length} && _vcjob_watch && printf '%s\\n' "\${COMPREPLY[@]}"`;
}

const lines = (text: string) => text.split('\n').filter(line => line !== '');

describe('vcjob-watch completion SHELL', () => {
	test('each script is accepted by its shell (bash is always here; zsh and fish where installed)', async () => {
		expect(installed).toContain('bash');
		const folder = temporaryDirectory();
		for (const shell of installed) {
			const run = runCli(['completion', shell]);
			expect(await run.exit(), shell).toBe(0);
			expect(run.stderr()).toBe('');
			const file = join(folder, `completion.${shell}`);
			writeFileSync(file, run.stdout());
			const check = spawnSync(shell, ['-n', file], {encoding: 'utf8'});
			expect({shell, status: check.status, stderr: check.stderr}).toEqual({shell, status: 0, stderr: ''});
		}
	});

	test('no shell, or one it does not know: a usage error (2) that names the three', async () => {
		for (const args of [['completion'], ['completion', 'tcsh']]) {
			const run = runCli(args);
			expect(await run.exit()).toBe(2);
			expect(run.stdout()).toBe('');
			expect(run.stderr()).toMatch(/^vcjob-watch: completion takes one shell, bash, zsh, fish/);
		}
	});
});

describe('bash completing a command line', () => {
	test('sourced, the function is registered for vcjob-watch; it completes flags, scenarios and -o values', async () => {
		const registered = await inBash('source <(vcjob-watch completion bash) && complete -p vcjob-watch');
		expect(registered.stdout).toBe('complete -F _vcjob_watch vcjob-watch\n');
		expect(lines((await inBash(completing(['--names']))).stdout)).toEqual(['--namespace']);
		expect(lines((await inBash(completing(['--scenario', '']))).stdout)).toEqual(scenarioNames);
		expect(lines((await inBash(completing(['-o', 't']))).stdout)).toEqual(['tui', 'text']);
		expect(lines((await inBash(completing(['completion', '']))).stdout)).toEqual(['bash', 'zsh', 'fish']);
	});

	test("the first word: the subcommands and the jobs of the simulator's namespace, through -s and -n typed before", async () => {
		const simulator = await startSimulator({scenario: 'namespace'});
		const offered = lines((await inBash(completing(['-s', simulator.url, '-n', namespace, '']))).stdout);
		expect(offered).toEqual(expect.arrayContaining(['simulate', 'submit', 'replay', 'completion', 'suspend', 'delete', 'train-0001', 'train-0200']));
		// After an action verb, only the jobs; the word typed so far narrows them.
		const afterVerb = lines((await inBash(completing(['-s', simulator.url, '-n', namespace, 'suspend', 'train-000']))).stdout);
		expect(afterVerb).toEqual(['train-0001', 'train-0002', 'train-0003', 'train-0004', 'train-0005', 'train-0006', 'train-0007', 'train-0008', 'train-0009']);
	});

	test("without -s: the cluster and namespace of the kubeconfig's context in HOME, as a watch would use", async () => {
		const simulator = await startSimulator({scenario: 'namespace'});
		const home = temporaryDirectory();
		writeKubeconfig(join(home, '.kube', 'config'), oneContext({cluster: {server: simulator.url}, namespace}));
		const offered = lines((await inBash(completing(['delete', 'train-01']), {HOME: home})).stdout);
		expect(offered).toHaveLength(100);
		expect(offered[0]).toBe('train-0100');
	});

	test('kubectl vcjob-watch: the kubectl_complete script answers with the words and the directive kubectl reads', async () => {
		const simulator = await startSimulator({scenario: 'namespace'});
		const run = runCli(['-s', simulator.url, '-n', namespace, 'terminate', 'train-000'], {PATH: programOnPath()}, {command: [kubectlComplete]});
		expect(await run.exit()).toBe(0);
		expect(lines(run.stdout())).toEqual([...Array.from({length: 9}, (_, index) => `train-000${index + 1}`), ':4']);
		const flags = runCli(['--dry'], {PATH: programOnPath()}, {command: [kubectlComplete]});
		expect(await flags.exit()).toBe(0);
		expect(flags.stdout()).toBe('--dry-run\n:4\n');
	});
});

describe('__complete, the names from the cluster', () => {
	test('a server that cannot be reached, or that never answers: nothing printed, exit 0', async () => {
		const silent = await startServer(() => {});
		for (const server of ['http://127.0.0.1:1', silent.url]) {
			const run = runCli(['__complete', 'jobs', '-s', server, '-n', 'team-a']);
			expect(await run.exit()).toBe(0);
			expect({stdout: run.stdout(), stderr: run.stderr()}).toEqual({stdout: '', stderr: ''});
		}

		expect(silent.requests.map(request => request.url)).toEqual(['/apis/batch.volcano.sh/v1alpha1/namespaces/team-a/jobs?limit=500']);
	});

	test('half-typed or refused command lines, and kinds it does not know: nothing, exit 0', async () => {
		for (const args of [['jobs', '-n'], ['jobs', '--token=x'], ['pods'], [], ['jobs', '--demo'], ['namespaces', '-s', 'ftp://x']]) {
			const run = runCli(['__complete', ...args]);
			expect(await run.exit(), args.join(' ')).toBe(0);
			expect({stdout: run.stdout(), stderr: run.stderr()}).toEqual({stdout: '', stderr: ''});
		}
	});

	test("namespaces: the server's list, only names valid in Kubernetes; a 403 falls back to the context's namespace", async () => {
		let allowed = true;
		const server = await startServer((request, response) => {
			if (!allowed) {
				response.writeHead(403, {'content-type': 'application/json'});
				response.end(JSON.stringify({kind: 'Status', status: 'Failure', reason: 'Forbidden', code: 403}));
				return;
			}

			const names = ['default', 'team-a', 'Team_B', '\u001B]0;pwned\u0007', 'x'.repeat(64), 'team-c'];
			response.writeHead(200, {'content-type': 'application/json'});
			response.end(JSON.stringify({kind: 'NamespaceList', items: names.map(name => ({metadata: {name}}))}));
		});
		const home = temporaryDirectory();
		writeKubeconfig(join(home, '.kube', 'config'), oneContext({cluster: {server: server.url}, namespace: 'team-q'}));

		const listed = runCli(['__complete', 'namespaces'], {HOME: home});
		expect(await listed.exit()).toBe(0);
		expect(listed.stdout()).toBe('default\nteam-a\nteam-c\n');
		expect(server.requests[0]?.url).toBe('/api/v1/namespaces?limit=500');

		allowed = false;
		const forbidden = runCli(['__complete', 'namespaces'], {HOME: home});
		expect(await forbidden.exit()).toBe(0);
		expect({stdout: forbidden.stdout(), stderr: forbidden.stderr()}).toEqual({stdout: 'team-q\n', stderr: ''});
	});
});
