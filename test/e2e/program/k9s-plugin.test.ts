// contrib/k9s/plugins.yaml: a k9s plugin file whose command line, once k9s has put in the selected job's name,
// namespace and context, is one the program runs.
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {expect, test} from 'vitest';
import {parse} from 'yaml';
import {writeKubeconfig} from '../../helpers/servers/kubeconfig.js';
import {temporaryDirectory} from '../../helpers/temp-dir.js';
import {e2eFixture} from '../support/fixture.js';

const {startSimulator, runCli} = e2eFixture();

type Plugin = {shortCut: string; description: string; scopes: string[]; command: string; background: boolean; args: string[]};

const file = parse(readFileSync(new URL('../../../contrib/k9s/plugins.yaml', import.meta.url), 'utf8')) as {plugins: Record<string, Plugin>};

test('one plugin, in the view of Volcano jobs (their short name), on a shifted key, in the foreground, running vcjob-watch', () => {
	const plugins = Object.values(file.plugins);
	expect(plugins).toHaveLength(1);
	const [plugin] = plugins;
	expect(plugin).toMatchObject({command: 'vcjob-watch', background: false, scopes: ['vcjob']});
	// k9s's own single keys are lower-case letters and Ctrl- ones: a Shift- letter leaves them alone.
	expect(plugin!.shortCut).toMatch(/^Shift-[A-Z]$/);
	expect(plugin!.description).not.toBe('');
	expect(plugin!.args).toEqual(['$NAME', '-n', '$NAMESPACE', '--context', '$CONTEXT']);
});

test("its arguments, filled in as k9s does, watch the job through the kubeconfig's context", async () => {
	const simulator = await startSimulator({scenario: 'static'});
	const home = temporaryDirectory();
	// k9s passes the context it shows: here not the kubeconfig's current one, which points nowhere.
	writeKubeconfig(join(home, '.kube', 'config'), {
		currentContext: 'other',
		clusters: {sim: {server: simulator.url}, nowhere: {server: 'http://127.0.0.1:1'}},
		contexts: {ctx: {cluster: 'sim'}, other: {cluster: 'nowhere'}},
	});
	const values: Record<string, string> = {$NAME: simulator.scenario.jobName, $NAMESPACE: simulator.scenario.namespace, $CONTEXT: 'ctx'};
	const args = Object.values(file.plugins)[0]!.args.map(arg => values[arg] ?? arg);
	const run = runCli([...args, '--once', '-o', 'text'], {HOME: home});
	expect(await run.exit()).toBe(0);
	expect(run.stdout()).toContain(simulator.scenario.jobName);
	expect(run.stdout()).toContain('Running');
});
