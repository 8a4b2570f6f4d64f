// The built CLI with a kubeconfig: which namespace wins, and what an exec plugin's stderr may and may not put
// on the screen.
import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, test} from 'vitest';
import {oneContext, writeKubeconfig} from '../../helpers/servers/kubeconfig.js';
import {temporaryDirectory} from '../../helpers/temp-dir.js';
import {e2eFixture} from '../support/fixture.js';

const namespace = 'cci-namespace-42263891';
const job = 'openmpi-hello-3-com';
const seen = /rv=7681358 phase=Inqueue pending=3/;

const {startSimulator, runCli, runInPty} = e2eFixture();

/** The seed job (it never changes) on plain http at 127.0.0.1, wanting this bearer token when one is given. */
async function seed(token?: string) {
	return startSimulator({scenario: 'seed', autoplay: false, ...(token ? {token} : {})});
}

describe('the namespace', () => {
	test("-n wins over the kubeconfig context's namespace, which is used without it", async () => {
		const sim = await seed();
		const path = writeKubeconfig(join(temporaryDirectory(), 'config'), oneContext({cluster: {server: sim.url}, namespace: 'team-from-context'}));
		const withFlag = runCli([job, '--kubeconfig', path, '-n', namespace, '--no-details', '--once', '-o', 'text']);
		expect(await withFlag.exit()).toBe(0);
		expect(withFlag.stdout()).toMatch(new RegExp(`${namespace}/${job} ${seen.source}`));
		const withoutFlag = runCli([job, '--kubeconfig', path, '--no-details', '--once', '-o', 'text']);
		// No such job in the context's namespace: exit 4, and the request says where it looked.
		expect(await withoutFlag.exit()).toBe(4);
		expect(sim.requests.map(request => request.path)).toEqual([
			`/apis/batch.volcano.sh/v1alpha1/namespaces/${namespace}/jobs/${job}`,
			`/apis/batch.volcano.sh/v1alpha1/namespaces/team-from-context/jobs/${job}`,
		]);
	});
});

describe("an exec plugin's stderr", () => {
	/**
	 * A kubeconfig whose user is a plugin that writes three lines to stderr, then prints a token (or, told to
	 * fail, exits 1 after them).
	 */
	function pluginKubeconfig(server: string, outcome: 'token' | 'fail') {
		const folder = temporaryDirectory();
		const plugin = join(folder, 'noisy-plugin.mjs');
		writeFileSync(
			plugin,
			[
				"process.stderr.write('PLUGIN-NOISE: opening the browser\\nPLUGIN-NOISE: cached login used\\n');",
				outcome === 'fail'
					? "process.stderr.write('could not get a token: the session has ended\\n'); process.exit(1);"
					: "process.stderr.write('PLUGIN-NOISE: done\\n');",
				"const {apiVersion} = JSON.parse(process.env.KUBERNETES_EXEC_INFO);",
				"process.stdout.write(JSON.stringify({kind: 'ExecCredential', apiVersion, status: {token: 'exec-token'}}));",
			].join('\n'),
		);
		const exec = {apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: [plugin], interactiveMode: 'Never'};
		return writeKubeconfig(join(folder, 'config'), oneContext({cluster: {server}, user: {exec}, namespace}));
	}

	test('is not shown: not with -o text, not on the live screen', async () => {
		const sim = await seed('exec-token');
		const path = pluginKubeconfig(sim.url, 'token');
		const text = runCli([job, '--kubeconfig', path, '--no-details', '--once', '-o', 'text']);
		expect(await text.exit()).toBe(0);
		expect(text.stdout()).toMatch(seen);
		expect(text.stdout() + text.stderr()).not.toContain('PLUGIN-NOISE');

		const live = runInPty([job, '--kubeconfig', path, '--no-details'], {columns: 120, rows: 30});
		await live.waitForScreen(/Inqueue/);
		// The plugin ran and finished before the request the screen shows: all it wrote went by already.
		expect(live.raw()).not.toContain('PLUGIN-NOISE');
		expect(sim.requests.every(request => request.status === 200)).toBe(true);
	});

	test('when it fails: its exit code and the last line of its stderr, and nothing else it wrote', async () => {
		const sim = await seed('exec-token');
		const path = pluginKubeconfig(sim.url, 'fail');
		const text = runCli([job, '--kubeconfig', path, '--no-details', '--once', '-o', 'text']);
		expect(await text.exit()).toBe(3);
		expect(text.stdout()).toContain(
			'error: exec plugin node (kubeconfig user u): failed (exit 1): could not get a token: the session has ended',
		);
		expect(text.stdout() + text.stderr()).not.toContain('PLUGIN-NOISE');

		const live = runInPty([job, '--kubeconfig', path, '--no-details'], {columns: 160, rows: 30});
		await live.waitForScreen(/failed \(exit 1\): could not get a token: the session has ended/);
		expect(live.raw()).not.toContain('PLUGIN-NOISE');
		// The plugin failed before any request: the API server was never asked.
		expect(sim.requestCount).toBe(0);
	});
});
