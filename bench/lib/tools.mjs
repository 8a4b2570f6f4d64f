// The tools: vcjob-watch (dist/cli.js, spawned by path) and the ones it is compared with, kubectl and `watch`, found
// on PATH.

import {spawnSync} from 'node:child_process';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {tmpDir} from './processes.mjs';
import {childEnv, which} from './pty.mjs';
import {jobPath} from './simulator.mjs';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cli = path.join(repo, 'dist', 'cli.js');

export const kubectl = which('kubectl');
export const watch = which('watch');
export const envPath = which('env');
let kubectlRuns;
// Whether kubectl is there and runs (asked once).
export const kubectlWorks = () => {
	kubectlRuns ??= kubectl !== undefined &&
		spawnSync(kubectl, ['version', '--client'], {encoding: 'utf8', timeout: 15_000, env: childEnv}).status === 0;
	return kubectlRuns;
};

export const vcjobArgv = (simulator, extra = []) => [process.execPath, cli, simulator.scenario.jobName, '-n', simulator.scenario.namespace, '-s', simulator.url, ...extra];
// Polling, as the tools it is compared with poll: the same 2 s, the same GET (watching is the latency case's).
export const vcjobWatch = {
	name: 'vcjob-watch --poll',
	// The phase appears only in a frame drawn from the job (not in the "connecting" frame or the command line).
	marker: 'Running',
	argv: (simulator, extra = []) => vcjobArgv(simulator, ['--poll', ...extra]),
};
// kubectl prints the JSON on one line; in 100×30 its end (where the phase is) can fall below the last row, so the
// first frame with data is the one that shows the document's start.
export const watchKubectl = {
	name: 'watch -n 2 kubectl get --raw PATH',
	marker: '"kind":"Job"',
	argv: simulator => [watch, '-n', '2', kubectl, '--server', simulator.url, 'get', '--raw', jobPath(simulator.scenario)],
};
export const kubectlOnce = {
	name: 'kubectl get --raw PATH (once)',
	marker: '"kind":"Job"',
	argv: simulator => [kubectl, '--server', simulator.url, 'get', '--raw', jobPath(simulator.scenario)],
};

// Push against push: vcjob-watch watching (its default where the server passes watches; --watch so that a refused
// watch fails the run rather than falling back to polls) and `kubectl get -w` as a user would type it against this
// server. kubectl first maps the resource through discovery (/api, /apis and the group versions' resource lists),
// GETs the job, then watches it (fieldSelector=metadata.name, from resourceVersion 0) and prints a row per event,
// until the server ends the watch. The simulator answers no Table (Accept: as=Table), so the rows are kubectl's
// fallback, NAME and AGE; an API server would send the CRD's printer columns (STATUS, minAvailable, RUNNINGS, AGE).
export const vcjobWatchPush = {
	name: 'vcjob-watch --watch',
	push: true,
	marker: 'Running',
	argv: (simulator, extra = []) => vcjobArgv(simulator, ['--watch', ...extra]),
};
let kubectlCaches = 0;
export const kubectlWatch = {
	name: 'kubectl get -w jobs.v1alpha1.batch.volcano.sh NAME',
	push: true,
	// The header and the job's row come in one write (kubectl's tabwriter holds both until its flush), and the
	// header is the same for both scenarios' jobs, whose names differ.
	marker: 'AGE',
	// A new discovery cache for each start (KUBECACHEDIR): each is a first start against this server, the same every
	// time, and nothing is written under $HOME. A warm cache saves the five discovery requests, about 10 ms here.
	argv: simulator => [
		envPath, `KUBECACHEDIR=${path.join(tmpDir(), `kube-cache-${++kubectlCaches}`)}`,
		kubectl, '--server', simulator.url, 'get', 'jobs.v1alpha1.batch.volcano.sh', simulator.scenario.jobName, '-n', simulator.scenario.namespace, '-w',
	],
};
