#!/usr/bin/env node
// npm run bench [-- options]: vcjob-watch against `watch -n 2 kubectl get --raw PATH` and `kubectl get --raw PATH`,
// and vcjob-watch --watch against `kubectl get -w`, side by side, on the built-in simulator, under a real
// pseudo-terminal (util-linux `script`), 100×30.
//
// Measured per tool (see the notes printed with the table, and README "## Measured"):
//   first frame (ms)     spawn → the first time the terminal output (escape sequences removed) holds the job's data
//   first frame bytes    everything written until that frame is complete (a start-up frame included)
//   idle bytes/min       bytes written after the first frame, over --idle seconds, to a job that does not change
//   bytes per change     bytes written in the 6 s after the poll that fetched a change (demo steps 5 ⇄ 6); for
//                        a watch, after the change (the server sends it at once)
//   CPU % of a core      CPU time of the process tree over the idle window ÷ the window
//   peak RSS MB          the tree's largest resident set at one time
//   soak                 RSS (VmRSS) of vcjob-watch across N polls at --interval 10ms, on a job that does not change
//   latency              time from a change on the simulator to its line in vcjob-watch's text output, polling
//                        (--poll, every 2 s) against watching (--watch): N samples each, median and p95; and the
//                        requests for the job per minute while it does not change, in each mode; and watching a
//                        job idle for longer than the API server's watch window (the idle scenario)
//   peaks                the peak RSS (VmHWM) of N separate starts of vcjob-watch --watch, each --peak-seconds after its
//                        first frame: min, median, max (the peak moves from start to start)
//   namespace            vcjob-watch -n NS on a namespace of --namespace-jobs jobs changing --namespace-rate times a
//                        second: ms to the first frame with the table, CPU seconds per 100 changes over
//                        --namespace-window seconds, peak RSS; list + watch, and --poll (a list every 2 s)
//
// Only loopback, bounded waits everywhere, and every process it starts is stopped on exit, error and Ctrl+C.

import {spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {parseArgs} from 'node:util';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(repo, 'dist', 'cli.js');

const usage = `npm run bench [-- options]

  --idle S           idle window in seconds per tool (default 60)
  --quick            idle 20 s (scaled to per minute), 2 changes, 1 start, 3,000 soak polls
  --changes N        changes measured per tool (default 4, alternating demo steps 5 ⇄ 6)
  --starts N         launches per tool for the start-up figures; the median is shown (default 3)
  --soak-polls N     polls in the soak (default 12000, about 2-3 minutes; the growth target is for 100000)
  --soak-interval D  vcjob-watch --interval in the soak (default 10ms)
  --no-soak          skip the soak
  --latency N        changes timed per mode, polling and watching (default 30)
  --no-latency       skip the latency case
  --latency-only     only the latency case
  --namespace-jobs N     jobs in the namespace case (default 1000)
  --namespace-rate N     changes a second across them (default 20)
  --namespace-window S   seconds over which its CPU is measured (default 60; --quick 20)
  --no-namespace     skip the namespace case
  --namespace-only   only the namespace case (--write: to bench/results-namespace.md)
  --peaks N          also start vcjob-watch --watch N times and give the spread of its peak RSS (default 0),
                     with, for scale, the RSS of Node alone and of Node with Ink drawing one line
  --peak-seconds S   how long each of those runs after its first frame (default 20)
  --peaks-only       only that (--write: to bench/results-peaks.md)
  --no-competitors   measure vcjob-watch only
  --write            also write the report to bench/results.md
  --keep             keep the pseudo-terminal transcripts (the directory is printed)
  --help`;

let args;
try {
	args = parseArgs({
		options: {
			idle: {type: 'string'},
			quick: {type: 'boolean', default: false},
			changes: {type: 'string'},
			starts: {type: 'string'},
			'soak-polls': {type: 'string'},
			'soak-interval': {type: 'string', default: '10ms'},
			'no-soak': {type: 'boolean', default: false},
			latency: {type: 'string'},
			'no-latency': {type: 'boolean', default: false},
			'latency-only': {type: 'boolean', default: false},
			'namespace-jobs': {type: 'string'},
			'namespace-rate': {type: 'string'},
			'namespace-window': {type: 'string'},
			'no-namespace': {type: 'boolean', default: false},
			'namespace-only': {type: 'boolean', default: false},
			peaks: {type: 'string'},
			'peak-seconds': {type: 'string'},
			'peaks-only': {type: 'boolean', default: false},
			'no-competitors': {type: 'boolean', default: false},
			write: {type: 'boolean', default: false},
			keep: {type: 'boolean', default: false},
			help: {type: 'boolean', default: false},
		},
		strict: true,
	}).values;
} catch (error) {
	console.error(`bench: ${error.message}\n\n${usage}`);
	process.exit(2);
}

if (args.help) {
	console.log(usage);
	process.exit(0);
}

function intOption(name, fallback, min, max) {
	if (args[name] === undefined) return fallback;
	const value = Number(args[name]);
	if (!Number.isInteger(value) || value < min || value > max) {
		console.error(`bench: --${name} must be a whole number from ${min} to ${max}`);
		process.exit(2);
	}

	return value;
}

const quick = args.quick;
const idleSeconds = intOption('idle', quick ? 20 : 60, 5, 3600);
const changeCount = intOption('changes', quick ? 2 : 4, 1, 50);
const startCount = intOption('starts', quick ? 1 : 3, 1, 20);
const soakPolls = intOption('soak-polls', quick ? 3000 : 12_000, 100, 10_000_000);
const latencySamples = intOption('latency', quick ? 10 : 30, 2, 1000);
const namespaceJobs = intOption('namespace-jobs', 1000, 1, 100_000);
const namespaceRate = intOption('namespace-rate', 20, 1, 1000);
const namespaceWindow = intOption('namespace-window', quick ? 20 : 60, 5, 3600);
const peakCount = intOption('peaks', args['peaks-only'] ? 10 : 0, 0, 1000);
const peakSeconds = intOption('peak-seconds', 20, 1, 3600);
const soakInterval = args['soak-interval'];
if (!/^\d+(ms|s)?$/.test(soakInterval)) {
	console.error('bench: --soak-interval takes a duration such as 10ms or 1s');
	process.exit(2);
}

const cols = 100;
const rows = 30;
const highlightWindowMs = 6000; // the redraw of a change plus the one when its highlight ends (--highlight 4s)
const firstRedrawMs = 1500;

// ---------------------------------------------------------------------------------------------------------------
// Processes: everything started here is tracked, and stopped by pid (never by name).

const runs = new Set();
const simulators = new Set();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vcjob-bench-'));
let cleaned = false;

function killPids(pids, signal) {
	for (const pid of pids) {
		try {
			process.kill(pid, signal);
		} catch {
			// already gone
		}
	}
}

function cleanupNow() {
	if (cleaned) return;
	cleaned = true;
	for (const run of runs) killPids([...descendants(run.child.pid), run.child.pid], 'SIGKILL');
	runs.clear();
	if (!args.keep) fs.rmSync(tmp, {recursive: true, force: true});
}

async function shutdown(code) {
	for (const run of [...runs]) await run.stop().catch(() => {});
	await Promise.allSettled([...simulators].map(simulator => simulator.close()));
	cleanupNow();
	process.exit(code);
}

process.on('exit', cleanupNow);
process.once('SIGINT', () => {
	console.error('\nbench: interrupted; stopping what it started');
	void shutdown(130);
});
process.once('SIGTERM', () => void shutdown(143));
process.once('SIGHUP', () => void shutdown(129));

// ---------------------------------------------------------------------------------------------------------------
// /proc

const clockTicks = Number(spawnSync('getconf', ['CLK_TCK'], {encoding: 'utf8'}).stdout?.trim()) || 100;

function readStat(pid) {
	try {
		const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
		// f[0] is field 3 (state): utime 14, stime 15, cutime 16, cstime 17.
		return {state: f[0], ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), childTicks: Number(f[13]) + Number(f[14])};
	} catch {
		return undefined;
	}
}

function readStatus(pid) {
	try {
		const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = key => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
		return {name: /^Name:\s+(.*)$/m.exec(text)?.[1] ?? '', rssKb: kb('VmRSS'), hwmKb: kb('VmHWM')};
	} catch {
		return undefined;
	}
}

function childrenOf(pid) {
	const found = new Set();
	try {
		for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
			const text = fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
			for (const child of text.split(/\s+/).filter(Boolean)) found.add(Number(child));
		}

		return [...found];
	} catch {
		// No /proc/PID/task/TID/children (CONFIG_PROC_CHILDREN off), or the process is gone: scan /proc.
	}

	for (const entry of fs.readdirSync('/proc')) {
		if (/^\d+$/.test(entry) && readStat(entry)?.ppid === pid) found.add(Number(entry));
	}

	return [...found];
}

function descendants(pid) {
	const out = [];
	const queue = [pid];
	while (queue.length > 0 && out.length < 1000) {
		for (const child of childrenOf(queue.shift())) {
			out.push(child);
			queue.push(child);
		}
	}

	return out;
}

// CPU ticks used so far by a process tree: each process's own utime+stime, plus cutime+cstime, which the kernel adds
// to a parent when it reaps a child (and that child's own reaped children): so the short-lived kubectl runs that
// `watch` starts (through sh) are counted once reaped, and a live one through its own stat. The difference of two
// readings is the CPU time the tree used between them. A child reaped between reading it and its parent would be
// counted twice (or not at all): a reading is repeated until the set of processes is the same before and after.
function treeTicksOnce(pid) {
	const stat = readStat(pid);
	if (!stat) return 0;
	let total = stat.ticks + stat.childTicks;
	for (const child of childrenOf(pid)) total += treeTicksOnce(child);
	return total;
}

function treeTicks(pid) {
	for (let attempt = 0; attempt < 5; attempt++) {
		const before = descendants(pid).join(',');
		const ticks = treeTicksOnce(pid);
		if (descendants(pid).join(',') === before) return ticks;
	}

	return treeTicksOnce(pid);
}

// ---------------------------------------------------------------------------------------------------------------
// A command under a pseudo-terminal: script -q -f -c "stty cols 100 rows 30; exec [time -o F -f '%M'] CMD" OUT.
// -f flushes every write, so the transcript's size is what the program has written to the terminal so far.

function which(name) {
	for (const dir of (process.env.PATH ?? '').split(':')) {
		const candidate = path.join(dir || '.', name);
		try {
			fs.accessSync(candidate, fs.constants.X_OK);
			if (fs.statSync(candidate).isFile()) return candidate;
		} catch {
			// not here
		}
	}

	return undefined;
}

const scriptPath = which('script');
if (!scriptPath || !/util-linux/.test(spawnSync(scriptPath, ['--version'], {encoding: 'utf8'}).stdout ?? '')) {
	console.error('bench: needs util-linux `script` for a pseudo-terminal (Debian: apt-get install bsdutils)');
	process.exit(2);
}

// GNU time reports the largest resident set of everything it waited for, short-lived children included.
const gnuTime = fs.existsSync('/usr/bin/time') &&
	spawnSync('/usr/bin/time', ['-f', '%M', 'true'], {encoding: 'utf8'}).status === 0
	? '/usr/bin/time'
	: undefined;

const quote = word => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`);

const childEnv = {...process.env, TERM: 'xterm-256color', KUBECONFIG: '/dev/null', LANG: process.env.LANG || 'C.UTF-8'};
// These would change what the programs draw: CI makes Ink non-interactive, the others change colour or size.
for (const name of ['CI', 'NO_COLOR', 'FORCE_COLOR', 'COLUMNS', 'LINES']) delete childEnv[name];

// Escape sequences out, so that text split by cursor moves (watch wraps long lines with them) reads whole again.
const escapes = /\u001B(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001B]*(?:\u0007|\u001B\\)|[P_^X][^\u001B]*\u001B\\|[()*+][0-~]|[ -/]*[0-~])|[\r\n]/g;

let runNumber = 0;

class PtyRun {
	constructor(label, argv) {
		this.label = label;
		this.argv = argv;
		this.id = ++runNumber;
		this.out = path.join(tmp, `${this.id}-${label.replaceAll(/\W+/g, '_')}.typescript`);
		this.timeFile = path.join(tmp, `${this.id}.time`);
		this.exited = false;
	}

	start() {
		const wrapped = gnuTime ? [gnuTime, '-o', this.timeFile, '-f', '%e %U %S %M', ...this.argv] : this.argv;
		const command = `stty cols ${cols} rows ${rows}; exec ${wrapped.map(quote).join(' ')}`;
		this.startedAt = performance.now();
		// stdin stays an open pipe: script forwards it to the terminal, and an EOF there would end the session.
		this.child = spawn(scriptPath, ['-q', '-f', '-c', command, this.out], {stdio: ['pipe', 'ignore', 'pipe'], env: childEnv});
		this.stderr = '';
		this.child.stderr.on('data', chunk => {
			this.stderr += chunk;
		});
		this.child.stdin.on('error', () => {});
		this.exitPromise = new Promise(resolve => {
			this.child.once('exit', code => {
				this.exited = true;
				this.exitCode = code;
				runs.delete(this);
				resolve(code);
			});
			this.child.once('error', error => {
				this.exited = true;
				this.stderr += String(error);
				runs.delete(this);
				resolve(-1);
			});
		});
		runs.add(this);
		return this;
	}

	raw() {
		try {
			return fs.readFileSync(this.out);
		} catch {
			return Buffer.alloc(0);
		}
	}

	// script writes "Script started on … [COMMAND=…]\n" first (even with -q): not the program's bytes.
	headerLength(buffer = this.raw()) {
		if (this.header !== undefined) return this.header;
		if (buffer.length === 0) return 0;
		if (!buffer.subarray(0, 15).toString('latin1').startsWith('Script started')) return (this.header = 0);
		const newline = buffer.indexOf(10);
		return newline < 0 ? buffer.length : (this.header = newline + 1);
	}

	bytes() {
		let size = 0;
		try {
			size = fs.statSync(this.out).size;
		} catch {
			return 0;
		}

		return Math.max(0, size - this.headerLength());
	}

	// The program's output, without script's header and, once it has exited, its "Script done" line.
	programOutput() {
		const buffer = this.raw();
		const start = this.headerLength(buffer);
		let end = buffer.length;
		if (this.exited) {
			const done = buffer.lastIndexOf('\nScript done');
			if (done >= start) end = done;
		}

		return buffer.subarray(start, end);
	}

	text() {
		return this.programOutput().toString('utf8').replaceAll(escapes, '');
	}

	// The process script started (sh, which execs into time or the program).
	get rootPid() {
		this.root ??= childrenOf(this.child.pid)[0];
		return this.root;
	}

	// The program itself: under GNU time, time's child.
	get toolPid() {
		if (this.tool) return this.tool;
		const root = this.rootPid;
		if (root === undefined) return undefined;
		if (!gnuTime) return root;
		if (readStatus(root)?.name !== 'time') return undefined; // sh has not exec'd yet
		this.tool = childrenOf(root)[0];
		return this.tool;
	}

	async waitForText(marker, timeoutMs) {
		const deadline = performance.now() + timeoutMs;
		while (performance.now() < deadline) {
			const seenExited = this.exited;
			if (this.text().includes(marker)) return performance.now() - this.startedAt;
			if (seenExited) break;
			await sleep(5);
		}

		throw new Error(`${this.label}: no "${marker}" on the terminal within ${timeoutMs} ms (exit ${this.exitCode ?? 'none'}) ${this.stderr}\n` +
			`terminal so far: ${JSON.stringify(this.text().slice(-400))}`);
	}

	async waitForTool(timeoutMs = 10_000) {
		const deadline = performance.now() + timeoutMs;
		while (performance.now() < deadline && !this.exited) {
			if (this.toolPid !== undefined) return this.toolPid;
			await sleep(2);
		}

		return this.toolPid;
	}

	// Wait until the output has not grown for quietMs (at most maxMs): the frame being drawn is complete.
	async settle(quietMs = 300, maxMs = 1500) {
		const deadline = performance.now() + maxMs;
		let last = this.bytes();
		let since = performance.now();
		while (performance.now() < deadline) {
			await sleep(25);
			const now = this.bytes();
			if (now !== last) {
				last = now;
				since = performance.now();
			} else if (performance.now() - since >= quietMs) {
				break;
			}
		}

		return last;
	}

	async waitExit(timeoutMs) {
		return Promise.race([this.exitPromise, sleep(timeoutMs).then(() => undefined)]);
	}

	// SIGTERM to the program (the terminal is restored, time writes its report, script ends); then, if need be,
	// SIGTERM and SIGKILL to every process under script, found by pid.
	async stop() {
		if (this.exited) return;
		const tool = this.toolPid ?? this.rootPid;
		if (tool !== undefined) killPids([tool], 'SIGTERM');
		if (await this.waitExit(4000) !== undefined) return;
		const all = [...descendants(this.child.pid), this.child.pid];
		killPids(all, 'SIGTERM');
		if (await this.waitExit(2000) !== undefined) return;
		killPids([...descendants(this.child.pid), ...all], 'SIGKILL');
		await this.waitExit(2000);
	}

	timeReport() {
		try {
			const [elapsed, user, system, maxKb] = fs.readFileSync(this.timeFile, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
			return Number.isFinite(maxKb) ? {elapsed, cpuSeconds: user + system, maxKb} : undefined;
		} catch {
			return undefined;
		}
	}
}

// Peak resident set of a tool's process tree. The tool's own VmHWM (the kernel's high-water mark) is exact; for a
// tool with no children (vcjob-watch) that is the answer, or GNU time's %M if larger (reached after the last sample).
// Children (kubectl under watch) live for a few tens of ms, so their peak comes from GNU time's %M, the largest
// resident set of anything time waited for, when that is larger than the tool's own (then it is a child's); else
// from sampling their VmHWM every 20 ms. One child runs at a time, so tool + largest child is the tree's peak.
class RssSampler {
	constructor(run) {
		this.run = run;
		this.childPeakKb = 0;
		this.toolHwmKb = 0;
		this.sawChildren = false;
		this.timer = setInterval(() => this.sample(), 20);
	}

	sample() {
		const tool = this.run.toolPid;
		if (tool === undefined) return;
		this.toolHwmKb = Math.max(this.toolHwmKb, readStatus(tool)?.hwmKb ?? 0);
		let children = 0;
		for (const pid of descendants(tool)) {
			this.sawChildren = true;
			children += readStatus(pid)?.hwmKb ?? 0;
		}

		this.childPeakKb = Math.max(this.childPeakKb, children);
	}

	finish() {
		this.sample();
		clearInterval(this.timer);
	}

	// Call after the run has stopped (time's report is written then).
	peakMb() {
		const report = this.run.timeReport();
		if (!this.sawChildren) {
			// A single process: time's %M is its own peak (also what it reached after the last sample).
			return Math.max(this.toolHwmKb, report?.maxKb ?? 0) / 1024;
		}

		const childKb = report && report.maxKb > this.toolHwmKb ? Math.max(report.maxKb, this.childPeakKb) : this.childPeakKb;
		return (this.toolHwmKb + childKb) / 1024;
	}
}

// ---------------------------------------------------------------------------------------------------------------
// The tools

const {startSimulator} = await import(pathToFileURL(path.join(repo, 'dist', 'simulator', 'server.js')).href);

function jobPath(scenario) {
	return `/apis/batch.volcano.sh/v1alpha1/namespaces/${scenario.namespace}/jobs/${scenario.jobName}`;
}

const kubectl = which('kubectl');
const watch = which('watch');
const kubectlWorks = kubectl !== undefined &&
	spawnSync(kubectl, ['version', '--client'], {encoding: 'utf8', timeout: 15_000, env: childEnv}).status === 0;

const vcjobArgv = (simulator, extra = []) => [process.execPath, cli, simulator.scenario.jobName, '-n', simulator.scenario.namespace, '-s', simulator.url, ...extra];
// Polling, as the tools it is compared with poll: the same 2 s, the same GET (watching is the latency case's).
const vcjobWatch = {
	name: 'vcjob-watch --poll',
	// The phase appears only in a frame drawn from the job (not in the "connecting" frame or the command line).
	marker: 'Running',
	argv: (simulator, extra = []) => vcjobArgv(simulator, ['--poll', ...extra]),
};
// kubectl prints the JSON on one line; in 100×30 its end (where the phase is) can fall below the last row, so the
// first frame with data is the one that shows the document's start.
const watchKubectl = {
	name: 'watch -n 2 kubectl get --raw PATH',
	marker: '"kind":"Job"',
	argv: simulator => [watch, '-n', '2', kubectl, '--server', simulator.url, 'get', '--raw', jobPath(simulator.scenario)],
};
const kubectlOnce = {
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
const vcjobWatchPush = {
	name: 'vcjob-watch --watch',
	push: true,
	marker: 'Running',
	argv: (simulator, extra = []) => vcjobArgv(simulator, ['--watch', ...extra]),
};
const envPath = which('env');
let kubectlCaches = 0;
const kubectlWatch = {
	name: 'kubectl get -w jobs.v1alpha1.batch.volcano.sh NAME',
	push: true,
	// The header and the job's row come in one write (kubectl's tabwriter holds both until its flush), and the
	// header is the same for both scenarios' jobs, whose names differ.
	marker: 'AGE',
	// A new discovery cache for each start (KUBECACHEDIR): each is a first start against this server, the same every
	// time, and nothing is written under $HOME. A warm cache saves the five discovery requests, about 10 ms here.
	argv: simulator => [
		envPath, `KUBECACHEDIR=${path.join(tmp, `kube-cache-${++kubectlCaches}`)}`,
		kubectl, '--server', simulator.url, 'get', 'jobs.v1alpha1.batch.volcano.sh', simulator.scenario.jobName, '-n', simulator.scenario.namespace, '-w',
	],
};

async function simulator(scenario) {
	const started = await startSimulator({scenario, host: '127.0.0.1', port: 0, autoplay: false});
	simulators.add(started);
	return started;
}

async function closeSimulator(started) {
	simulators.delete(started);
	await started.close();
}

const median = values => {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

function log(message) {
	process.stderr.write(`bench: ${message}\n`);
}

// Start-up only: launch, wait for the first frame with data, let it finish, stop.
async function measureStart(tool, sim) {
	const run = new PtyRun(`${tool.name} start`, tool.argv(sim)).start();
	try {
		const firstMs = await run.waitForText(tool.marker, 30_000);
		const firstBytes = await run.settle();
		return {firstMs, firstBytes};
	} finally {
		await run.stop();
	}
}

// The idle run: first frame, then idleSeconds of a job that does not change (static scenario).
async function measureIdle(tool) {
	const sim = await simulator('static');
	const run = new PtyRun(`${tool.name} idle`, tool.argv(sim)).start();
	let rss;
	try {
		await run.waitForTool();
		rss = new RssSampler(run);
		const firstMs = await run.waitForText(tool.marker, 30_000);
		const firstBytes = await run.settle();
		const root = run.rootPid;
		const b0 = run.bytes();
		const c0 = treeTicks(root);
		const t0 = performance.now();
		const marks = [];
		let last = b0;
		while (performance.now() - t0 < idleSeconds * 1000) {
			await sleep(50);
			const now = run.bytes();
			if (now !== last) {
				marks.push({at: Math.round((performance.now() - t0) / 100) / 10, bytes: now - last});
				last = now;
			}

			if (run.exited) throw new Error(`${tool.name} exited during the idle window: ${run.stderr}`);
		}

		const c1 = treeTicks(root);
		const seconds = (performance.now() - t0) / 1000;
		const idleBytes = run.bytes() - b0;
		const idleOutput = run.programOutput().subarray(b0);
		rss.finish();
		await run.stop();
		const startups = [{firstMs, firstBytes}];
		for (let index = 1; index < startCount; index++) startups.push(await measureStart(tool, sim));
		return {
			firstMs: median(startups.map(s => s.firstMs)),
			firstBytes: median(startups.map(s => s.firstBytes)),
			idleBytesPerMin: (idleBytes / seconds) * 60,
			idleBytes,
			idleSeconds: seconds,
			idleWrites: marks,
			idleOutput,
			cpuSeconds: (c1 - c0) / clockTicks,
			cpuPercent: ((c1 - c0) / clockTicks / seconds) * 100,
			peakRssMb: rss.peakMb(),
			requests: sim.requestCount,
		};
	} finally {
		rss?.finish();
		await run.stop();
		await closeSimulator(sim);
	}
}

// Changes: the demo scenario held at step 5 (Running, 3 running), then 6 (2 running, 1 succeeded), 5, 6, …
// The window starts when the tool's poll reaches the simulator after the change, and is measured at 1.5 s (the
// redraw) and at 6 s (also the redraw when the highlight ends, 4 s later).
async function measureChanges(tool) {
	const sim = await simulator('demo');
	sim.goTo(5);
	const run = new PtyRun(`${tool.name} changes`, tool.argv(sim)).start();
	try {
		await run.waitForText(tool.marker, 30_000);
		await sleep(highlightWindowMs); // past any highlight of the first frame
		const samples = [];
		for (let index = 0; index < changeCount; index++) {
			const before = run.bytes();
			const changedAt = Date.now();
			sim.goTo(index % 2 === 0 ? 6 : 5);
			// A watch is sent the change as it is written: no later request to wait for.
			let polledAt = tool.push ? changedAt : undefined;
			const deadline = Date.now() + 15_000;
			while (polledAt === undefined && Date.now() < deadline) {
				await sleep(5);
				polledAt = sim.requests.find(request => request.at >= changedAt && request.path.includes('/jobs/'))?.at;
			}

			if (polledAt === undefined) throw new Error(`${tool.name}: no poll within 15 s of a change`);
			await sleep(Math.max(0, polledAt + firstRedrawMs - Date.now()));
			const first = run.bytes() - before;
			await sleep(Math.max(0, polledAt + highlightWindowMs - Date.now()));
			const total = run.bytes() - before;
			samples.push({first, total});
			await sleep(500);
		}

		return {
			firstRedraw: samples.reduce((sum, s) => sum + s.first, 0) / samples.length,
			perChange: samples.reduce((sum, s) => sum + s.total, 0) / samples.length,
			samples,
		};
	} finally {
		await run.stop();
		await closeSimulator(sim);
	}
}

// kubectl once: time to the answer on the terminal, bytes, CPU and RSS (GNU time, else /proc sampled every 2 ms).
async function measureOnce(tool) {
	const sim = await simulator('static');
	try {
		const results = [];
		for (let index = 0; index < startCount; index++) {
			const run = new PtyRun(`${tool.name} ${index}`, tool.argv(sim)).start();
			let sampled = {ticks: 0, hwmKb: 0};
			try {
				const poll = setInterval(() => {
					const pid = run.toolPid;
					if (pid === undefined) return;
					const stat = readStat(pid);
					const status = readStatus(pid);
					if (stat) sampled.ticks = Math.max(sampled.ticks, stat.ticks);
					if (status) sampled.hwmKb = Math.max(sampled.hwmKb, status.hwmKb);
				}, 2);
				const firstMs = await run.waitForText(tool.marker, 30_000);
				await run.waitExit(30_000);
				clearInterval(poll);
				if (!run.exited) throw new Error(`${tool.name} did not exit within 30 s`);
				const report = run.timeReport();
				results.push({
					firstMs,
					firstBytes: run.programOutput().length,
					cpuSeconds: report ? report.cpuSeconds : sampled.ticks / clockTicks,
					peakRssMb: (report ? report.maxKb : sampled.hwmKb) / 1024,
				});
			} finally {
				await run.stop();
			}
		}

		return {
			firstMs: median(results.map(r => r.firstMs)),
			firstBytes: median(results.map(r => r.firstBytes)),
			cpuSeconds: median(results.map(r => r.cpuSeconds)),
			peakRssMb: median(results.map(r => r.peakRssMb)),
		};
	} finally {
		await closeSimulator(sim);
	}
}

// Soak: vcjob-watch polling a job that never changes at a fast interval; VmRSS sampled every second.
async function soak() {
	const sim = await simulator('static');
	const run = new PtyRun('vcjob-watch soak', vcjobWatch.argv(sim, ['--interval', soakInterval])).start();
	try {
		await run.waitForTool();
		await run.waitForText(vcjobWatch.marker, 30_000);
		const pid = run.toolPid;
		const polls0 = sim.requestCount;
		const t0 = performance.now();
		const c0 = treeTicks(run.rootPid);
		const samples = [{polls: 0, rssKb: readStatus(pid).rssKb}];
		const warmPolls = Math.min(1000, Math.ceil(soakPolls / 10));
		// Bounded: even at 5 ms a poll on a loaded machine plus a minute.
		const deadline = t0 + soakPolls * 50 + 60_000;
		let nextSample = t0 + 1000;
		while (sim.requestCount - polls0 < soakPolls && performance.now() < deadline) {
			await sleep(20);
			if (run.exited) throw new Error(`vcjob-watch exited during the soak: ${run.stderr}`);
			if (performance.now() >= nextSample) {
				nextSample += 1000;
				samples.push({polls: sim.requestCount - polls0, rssKb: readStatus(pid)?.rssKb ?? 0});
			}
		}

		const seconds = (performance.now() - t0) / 1000;
		const polls = sim.requestCount - polls0;
		const c1 = treeTicks(run.rootPid);
		const end = readStatus(pid);
		samples.push({polls, rssKb: end.rssKb});
		const warm = samples.find(s => s.polls >= warmPolls) ?? samples.at(-1);
		// Least-squares slope of RSS over polls after the warm-up, in MB per 10,000 polls.
		const after = samples.filter(s => s.polls >= warm.polls);
		const mean = key => after.reduce((sum, s) => sum + s[key], 0) / after.length;
		const mp = mean('polls');
		const mr = mean('rssKb');
		const den = after.reduce((sum, s) => sum + (s.polls - mp) ** 2, 0);
		const slope = den > 0 ? after.reduce((sum, s) => sum + (s.polls - mp) * (s.rssKb - mr), 0) / den : 0;
		return {
			polls,
			complete: polls >= soakPolls,
			seconds,
			pollsPerSecond: polls / seconds,
			cpuPercent: ((c1 - c0) / clockTicks / seconds) * 100,
			startMb: samples[0].rssKb / 1024,
			warmMb: warm.rssKb / 1024,
			warmPolls: warm.polls,
			endMb: end.rssKb / 1024,
			peakMb: end.hwmKb / 1024,
			minMb: Math.min(...samples.map(s => s.rssKb)) / 1024,
			maxMb: Math.max(...samples.map(s => s.rssKb)) / 1024,
			slopeMbPer10k: (slope * 10_000) / 1024,
		};
	} finally {
		await run.stop();
		await closeSimulator(sim);
	}
}

// Peaks: the resident set's high-water mark of separate starts, each left running peakSeconds after its first frame
// on a job that does not change (where the peak is reached: loading, the first frames, the first collections).
async function measurePeaks() {
	const sim = await simulator('static');
	const peaks = [];
	try {
		for (let index = 0; index < peakCount; index++) {
			const run = new PtyRun(`vcjob-watch peak ${index + 1}`, vcjobWatchPush.argv(sim)).start();
			try {
				const pid = await run.waitForTool();
				await run.waitForText(vcjobWatchPush.marker, 30_000);
				await sleep(peakSeconds * 1000);
				const status = readStatus(pid);
				if (!status) throw new Error(`vcjob-watch exited during its peak run: ${run.stderr}`);
				peaks.push(status.hwmKb / 1024);
			} finally {
				await run.stop();
			}
		}
	} finally {
		await closeSimulator(sim);
	}

	return peaks;
}

// For scale, with the peaks: the resident set of Node alone and of Node with Ink drawing one line (non-interactive,
// output to a pipe), 2 s after start, median of 3; everything else in vcjob-watch's figure is its own.
const floorScripts = {
	'Node alone': '',
	'Ink drawing one line': "const {render, Text} = await import('ink'); const React = await import('react'); render(React.createElement(Text, null, 'one line'));",
};

async function measureFloor() {
	const floor = {};
	for (const [name, body] of Object.entries(floorScripts)) {
		const samples = [];
		for (let index = 0; index < 3; index++) {
			const code = `import fs from 'node:fs'; ${body} setTimeout(() => { process.stderr.write('RSS=' + /^VmRSS:\\s+(\\d+)/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1] + '\\n'); process.exit(0); }, 2000);`;
			const child = spawnSync(process.execPath, ['--input-type=module', '-e', code], {cwd: repo, encoding: 'utf8', timeout: 30_000, env: childEnv});
			const kb = Number(/RSS=(\d+)/.exec(child.stderr ?? '')?.[1]);
			if (!Number.isFinite(kb)) throw new Error(`floor, ${name}: ${child.stderr}`);
			samples.push(kb / 1024);
		}

		floor[name] = median(samples);
	}

	return floor;
}

async function peaksSection() {
	log(`peaks: ${peakCount} starts of vcjob-watch --watch, ${peakSeconds} s each`);
	return peaksReport(await measurePeaks(), await measureFloor());
}

function peaksReport(peaks, floor) {
	const sorted = [...peaks].sort((a, b) => a - b);
	// Where the limit came from: vcjob-watch sets MALLOC_ARENA_MAX=2 itself on Linux unless it is already set.
	const arenas = process.env.MALLOC_ARENA_MAX === undefined ? '2 (set by vcjob-watch itself)' : `${process.env.MALLOC_ARENA_MAX} (set before the bench)`;
	return `Peak RSS of ${peaks.length} starts of vcjob-watch --watch, each ${peakSeconds} s after its first frame, MALLOC_ARENA_MAX ${arenas}: ` +
		`min ${fmt(sorted[0], 1)} MB, median ${fmt(median(sorted), 1)} MB, max ${fmt(sorted.at(-1), 1)} MB ` +
		`(${sorted.map(value => fmt(value, 1)).join(', ')}). For scale, RSS 2 s after start, median of 3: ` +
		`${Object.entries(floor).map(([name, mb]) => `${name} ${fmt(mb, 1)} MB`).join(', ')}.`;
}

// Latency: vcjob-watch -o text on the demo job at step 5; the job switches to step 6 and back (each a write with a new
// resourceVersion), at a random moment 0.5-2.5 s after the last one was seen, so that a poll's phase is spread
// over the interval as a person's changes would be. Timed from the write to the line naming its resourceVersion
// in the terminal transcript (read every 5 ms; both modes pay the same).
const percentile = (values, p) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

const jobRequestsOf = sim => {
	const base = `/apis/batch.volcano.sh/v1alpha1/namespaces/${sim.scenario.namespace}/jobs`;
	return sim.requests.filter(request => request.path.startsWith(`${base}/`) || request.path.startsWith(`${base}?`));
};

async function measureLatency(mode) {
	const sim = await simulator('demo');
	sim.goTo(5);
	const run = new PtyRun(`vcjob-watch --${mode} latency`, vcjobArgv(sim, [`--${mode}`, '-o', 'text', '--no-details'])).start();
	try {
		await run.waitForText(`rv=${sim.jobResourceVersion} `, 30_000);
		const samples = [];
		for (let index = 0; index < latencySamples; index++) {
			await sleep(500 + Math.random() * 2000);
			sim.goTo(index % 2 === 0 ? 6 : 5);
			const changedAt = performance.now();
			const marker = `rv=${sim.jobResourceVersion} `;
			const deadline = changedAt + 15_000;
			while (!run.text().includes(marker)) {
				if (performance.now() > deadline || run.exited) throw new Error(`vcjob-watch --${mode}: ${marker} not shown within 15 s`);
				await sleep(5);
			}

			samples.push(performance.now() - changedAt);
		}

		return {mode, samples, median: median(samples), p95: percentile(samples, 95), max: Math.max(...samples)};
	} finally {
		await run.stop();
		await closeSimulator(sim);
	}
}

// Latency on an idle job, watching: the idle scenario's job was last written an hour before the start, on a cluster
// whose other jobs keep changing, so its own resourceVersion is long out of the API server's watch window (a watch
// from it gets 410). The simulator runs 60 times faster than real time, so its window (75 s) is about 1.3 s here;
// each change comes 2-4 s after the last one was seen, on a job idle for longer than the window. Timed as above.
const idleSpeed = 60;

async function measureIdleJobLatency() {
	const started = await startSimulator({scenario: 'idle', host: '127.0.0.1', port: 0, autoplay: false, speed: idleSpeed});
	simulators.add(started);
	const sim = started;
	const run = new PtyRun('vcjob-watch --watch latency, idle job', vcjobArgv(sim, ['--watch', '-o', 'text', '--no-details'])).start();
	try {
		await run.waitForText('phase=Running', 30_000);
		const samples = [];
		const before = jobRequestsOf(sim).length;
		for (let index = 0; index < latencySamples; index++) {
			await sleep(2000 + Math.random() * 2000);
			sim.goTo(index % 2 === 0 ? 1 : 0);
			const changedAt = performance.now();
			const marker = `rv=${sim.jobResourceVersion} `;
			const deadline = changedAt + 15_000;
			while (!run.text().includes(marker)) {
				if (performance.now() > deadline || run.exited) throw new Error(`vcjob-watch on an idle job: ${marker} not shown within 15 s`);
				await sleep(5);
			}

			samples.push(performance.now() - changedAt);
		}

		const requests = jobRequestsOf(sim).length - before;
		return {mode: 'watch', job: 'idle', samples, median: median(samples), p95: percentile(samples, 95), max: Math.max(...samples), requests};
	} finally {
		await run.stop();
		await closeSimulator(sim);
	}
}

// Requests for the job (GETs and lists of it, watches of the collection) while it does not change, from the first line on.
async function measureIdleRequests(mode) {
	const sim = await simulator('static');
	const run = new PtyRun(`vcjob-watch --${mode} idle requests`, vcjobArgv(sim, [`--${mode}`, '-o', 'text', '--no-details'])).start();
	try {
		await run.waitForText('phase=Running', 30_000);
		const before = jobRequestsOf(sim).length;
		const t0 = performance.now();
		await sleep(idleSeconds * 1000);
		const seconds = (performance.now() - t0) / 1000;
		const requests = jobRequestsOf(sim).length - before;
		return {requests, seconds, perMinute: (requests / seconds) * 60, atStart: before};
	} finally {
		await run.stop();
		await closeSimulator(sim);
	}
}

function latencyReport(latency) {
	const ms = value => `${fmt(value)} ms`;
	const lines = [
		`Latency: a change on the simulator (demo steps 5 ⇄ 6, ${latencySamples} per mode, 0.5-2.5 s apart at random) to its line ` +
			'in `vcjob-watch -o text --no-details`, read from the pseudo-terminal every 5 ms; idle requests: the job\'s GETs and watch ' +
			`requests after the first line, a Running job that never changes, ${idleSeconds} s, scaled to a minute.`,
		'',
		'| mode | median | p95 | max | idle requests/min | requests before the first line |',
		'|---|---:|---:|---:|---:|---:|',
	];
	for (const {latency: l, idle} of latency) {
		if (l.job === 'idle') continue;
		lines.push(`| \`--${l.mode}\` | ${ms(l.median)} | ${ms(l.p95)} | ${ms(l.max)} | ${fmt(idle.perMinute, 1)} (${idle.requests} in ${fmt(idle.seconds)} s) | ${idle.atStart} |`);
	}

	const idleJob = latency.find(({latency: l}) => l.job === 'idle');
	if (idleJob) {
		const l = idleJob.latency;
		lines.push(`| \`--watch\`, idle job | ${ms(l.median)} | ${ms(l.p95)} | ${ms(l.max)} | ${l.requests} ${l.requests === 1 ? 'request' : 'requests'} for ${latencySamples} changes | — |`);
		lines.push(
			'',
			`The idle-job row: the \`idle\` scenario at ${idleSpeed}× (its job last written an hour before, out of the simulated API ` +
				'server\'s 75 s watch window), each change 2-4 s after the last was seen; requests: the job\'s lists and watches during the changes.',
		);
	}

	return lines.join('\n');
}

// The namespace case: a namespace of namespaceJobs jobs (the static scenario's job besides), namespaceRate of them
// changing every second from the start (the simulator's manyJobs.changesPerSecond). First frame: until the table's
// "rows 1–" line is on the terminal. CPU: the process tree's over the window, per 100 changes the simulator made
// in it (each change is one write, one resourceVersion). Peak RSS: the tool's high-water mark over the whole run.
async function measureNamespace(extra) {
	const started = await startSimulator({
		scenario: 'static',
		host: '127.0.0.1',
		port: 0,
		autoplay: false,
		manyJobs: {count: namespaceJobs, changesPerSecond: namespaceRate},
		// The revision then moves only with the jobs' changes, which the CPU figure is per.
		backgroundWrites: false,
		// A window's worth of history: a watch never has to list again for want of it.
		historySize: Math.max(1000, namespaceRate * (namespaceWindow + 60)),
	});
	simulators.add(started);
	const argv = [process.execPath, cli, '-n', started.scenario.namespace, '-s', started.url, ...extra];
	const run = new PtyRun(`vcjob-watch namespace ${extra.join(' ') || 'watch'}`, argv).start();
	let rss;
	try {
		await run.waitForTool();
		rss = new RssSampler(run);
		const firstMs = await run.waitForText('rows 1–', 60_000);
		await run.settle();
		const root = run.rootPid;
		const c0 = treeTicks(root);
		const rv0 = started.resourceVersion;
		const b0 = run.bytes();
		const t0 = performance.now();
		while (performance.now() - t0 < namespaceWindow * 1000) {
			await sleep(100);
			if (run.exited) throw new Error(`vcjob-watch exited during the namespace window: ${run.stderr}`);
		}

		const c1 = treeTicks(root);
		const seconds = (performance.now() - t0) / 1000;
		const changes = started.resourceVersion - rv0;
		const cpuSeconds = (c1 - c0) / clockTicks;
		const bytes = run.bytes() - b0;
		rss.finish();
		await run.stop();
		const requests = started.requests.filter(request => request.path.includes('/jobs'));
		return {
			mode: extra.includes('--poll') ? 'a list every 2 s (`--poll`)' : 'a list, then a watch (default)',
			firstMs,
			seconds,
			changes,
			cpuSeconds,
			cpuPer100: changes > 0 ? (cpuSeconds / changes) * 100 : Number.NaN,
			cpuPercent: (cpuSeconds / seconds) * 100,
			bytesPerSecond: bytes / seconds,
			peakRssMb: rss.peakMb(),
			lists: requests.filter(request => request.path.includes('limit=')).length,
			watches: requests.filter(request => request.path.includes('watch=')).length,
		};
	} finally {
		rss?.finish();
		await run.stop();
		simulators.delete(started);
		await started.close();
	}
}

function namespaceReport(results) {
	const lines = [
		`Namespace: \`vcjob-watch -n NS\`, ${fmt(namespaceJobs)} jobs (and the scenario's), ${fmt(namespaceRate)} changes a second from the start ` +
			`(the simulator's manyJobs.changesPerSecond), terminal ${cols}×${rows}; CPU over ${namespaceWindow} s after the first frame.`,
		'',
		'| mode | first frame with the table (ms) | changes in the window | CPU s per 100 changes | CPU % of a core | bytes written/s | peak RSS MB | lists, watches opened |',
		'|---|---:|---:|---:|---:|---:|---:|---:|',
	];
	for (const r of results) {
		lines.push(`| ${r.mode} | ${fmt(r.firstMs)} | ${fmt(r.changes)} in ${fmt(r.seconds)} s | ${fmt(r.cpuPer100, 3)} | ${fmt(r.cpuPercent, 1)} | ` +
			`${fmt(r.bytesPerSecond)} | ${fmt(r.peakRssMb, 1)} | ${fmt(r.lists)}, ${fmt(r.watches)} |`);
	}

	return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// Report

function machine() {
	const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
	const model = /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
	const memKb = Number(/^MemTotal:\s+(\d+)/m.exec(fs.readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0);
	const nproc = spawnSync('nproc', {encoding: 'utf8'}).stdout?.trim() || String(os.availableParallelism());
	const git = (...a) => spawnSync('git', a, {cwd: repo, encoding: 'utf8'}).stdout?.trim() ?? '';
	const commit = git('rev-parse', '--short', 'HEAD');
	const dirty = git('status', '--porcelain', '--', 'source') !== '';
	const version = (cmd, a, pattern) => {
		const out = spawnSync(cmd, a, {encoding: 'utf8', env: childEnv, timeout: 15_000});
		return pattern.exec(`${out.stdout ?? ''}${out.stderr ?? ''}`)?.[0] ?? '';
	};
	return {
		nproc,
		model,
		ramGb: memKb / 1024 / 1024,
		node: process.version,
		kernel: os.release(),
		load: os.loadavg().map(v => v.toFixed(2)).join(' '),
		date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
		build: commit ? `${commit}${dirty ? ' + uncommitted changes in source/' : ''}` : 'unknown',
		kubectl: kubectlWorks ? version(kubectl, ['version', '--client'], /v\d+\.\d+\.\d+\S*/) : '',
		watch: watch ? version(watch, ['--version'], /procps[- ]ng \S+/) : '',
		script: version(scriptPath, ['--version'], /util-linux \S+/),
	};
}

const fmt = (value, digits = 0) =>
	value === undefined || Number.isNaN(value) ? '—' : value.toLocaleString('en-US', {minimumFractionDigits: digits, maximumFractionDigits: digits});

function ratio(a, b) {
	if (a === undefined || b === undefined) return '—';
	if (b === 0) return a === 0 ? '1×' : '∞';
	const r = a / b;
	return `${r < 0.1 && r > 0 ? r.toPrecision(1) : r.toFixed(r < 10 ? 2 : 1)}×`;
}

function report(results, soakResult, info, startedAt) {
	const lines = [];
	const scaled = idleSeconds !== 60 ? ` (measured over ${idleSeconds} s, scaled to a minute${quick ? ': --quick' : ''})` : '';
	lines.push(
		`Simulator on 127.0.0.1, terminal ${cols}×${rows} (util-linux script, TERM=xterm-256color), poll interval 2 s; ` +
			`idle: a Running job that never changes, ${idleSeconds} s${scaled}; changes: ${changeCount}, demo steps 5 ⇄ 6; ` +
			`start-up: median of ${startCount}.`,
		'',
		'| tool | first frame (ms) | first frame bytes | idle bytes/min | bytes per change | CPU % of a core (idle) | peak RSS MB |',
		'|---|---:|---:|---:|---:|---:|---:|',
	);
	for (const r of results) {
		if (r.once) {
			lines.push(`| \`${r.name}\` | ${fmt(r.firstMs)} | ${fmt(r.firstBytes)} | — (exits) | — | ${fmt(r.cpuSeconds, 2)} CPU s per run | ${fmt(r.peakRssMb, 1)} |`);
		} else {
			lines.push(`| \`${r.name}\` | ${fmt(r.firstMs)} | ${fmt(r.firstBytes)} | ${fmt(r.idleBytesPerMin)} | ` +
				`${fmt(r.perChange)} (${fmt(r.firstRedraw)} + ${fmt(r.perChange - r.firstRedraw)}) | ` +
				`${fmt(r.cpuPercent, 2)} (${fmt(r.cpuSeconds, 2)} s in ${fmt(r.idleSeconds)} s) | ${fmt(r.peakRssMb, 1)} |`);
		}
	}

	lines.push('', 'Bytes per change: the 6 s after the poll that saw the change = (the first 1.5 s: the redraw) + (the rest: ' +
		'the redraw when the highlight ends for vcjob-watch, the clock in the header for watch).');
	const [own, competitor, once] = results;
	if (competitor && !competitor.once) {
		lines.push('', `Ratios, vcjob-watch ÷ watch+kubectl: first frame ${ratio(own.firstMs, competitor.firstMs)}, ` +
			`first frame bytes ${ratio(own.firstBytes, competitor.firstBytes)}, idle bytes/min ${ratio(own.idleBytesPerMin, competitor.idleBytesPerMin)}, ` +
			`bytes per change ${ratio(own.perChange, competitor.perChange)}, CPU ${ratio(own.cpuPercent, competitor.cpuPercent)}, ` +
			`peak RSS ${ratio(own.peakRssMb, competitor.peakRssMb)}.`);
	}

	if (once?.once) {
		lines.push(`Ratios, vcjob-watch ÷ kubectl once: first frame ${ratio(own.firstMs, once.firstMs)}, peak RSS ${ratio(own.peakRssMb, once.peakRssMb)}.`);
	}

	const ownPush = results.find(r => r.name === vcjobWatchPush.name);
	const kubectlPush = results.find(r => r.name === kubectlWatch.name);
	if (ownPush && kubectlPush) {
		lines.push(`Ratios, vcjob-watch --watch ÷ kubectl get -w: first frame ${ratio(ownPush.firstMs, kubectlPush.firstMs)}, ` +
			`first frame bytes ${ratio(ownPush.firstBytes, kubectlPush.firstBytes)}, idle bytes/min ${ratio(ownPush.idleBytesPerMin, kubectlPush.idleBytesPerMin)}, ` +
			`bytes per change ${ratio(ownPush.perChange, kubectlPush.perChange)}, CPU ${ratio(ownPush.cpuPercent, kubectlPush.cpuPercent)}, ` +
			`peak RSS ${ratio(ownPush.peakRssMb, kubectlPush.peakRssMb)}.`);
		lines.push('', 'The watches (vcjob-watch --watch, kubectl get -w): bytes per change from the change itself, which the server sends at once; ' +
			'kubectl get -w prints a row per event, NAME and AGE here (the simulator serves no Table, where an API server sends ' +
			'the CRD\'s printer columns), and its first frame includes discovery with an empty cache. The simulator sends vcjob-watch, ' +
			'which asks for bookmarks, one a second (the API server about one a minute); kubectl asks for none.');
	}

	const targets = [];
	if (competitor && !competitor.once) {
		const ok = own.idleBytesPerMin <= competitor.idleBytesPerMin;
		targets.push(`idle bytes/min ≤ watch+kubectl's: ${ok ? 'met' : 'MISSED'} (${fmt(own.idleBytesPerMin)} vs ${fmt(competitor.idleBytesPerMin)})`);
	}

	targets.push(`CPU ≤ 1% of a core: ${own.cpuPercent <= 1 ? 'met' : 'MISSED'} (${fmt(own.cpuPercent, 2)}%)`,
		`peak RSS ≤ 120 MB: ${own.peakRssMb <= 120 ? 'met' : 'MISSED'} (${fmt(own.peakRssMb, 1)} MB)`);
	lines.push('', `Targets for vcjob-watch: ${targets.join('; ')}.`);

	if (soakResult) {
		const s = soakResult;
		lines.push('', `Soak: vcjob-watch --interval ${soakInterval}, a job that never changes: ${fmt(s.polls)} polls` +
			`${s.complete ? '' : ` (stopped at the time limit, ${fmt(soakPolls)} asked)`} in ${fmt(s.seconds)} s, ${fmt(s.pollsPerSecond)} polls/s, ` +
			`${fmt(s.cpuPercent, 0)}% of a core. RSS ${fmt(s.startMb, 1)} MB at the first frame, ${fmt(s.warmMb, 1)} MB after ${fmt(s.warmPolls)} polls, ` +
			`${fmt(s.endMb, 1)} MB at the end: growth ${s.endMb - s.warmMb >= 0 ? '+' : ''}${fmt(s.endMb - s.warmMb, 1)} MB after the warm-up ` +
			`(${s.endMb - s.startMb >= 0 ? '+' : ''}${fmt(s.endMb - s.startMb, 1)} MB from the first frame); range ${fmt(s.minMb, 1)}–${fmt(s.maxMb, 1)} MB, ` +
			`peak ${fmt(s.peakMb, 1)} MB; trend after the warm-up ${s.slopeMbPer10k >= 0 ? '+' : ''}${fmt(s.slopeMbPer10k, 2)} MB per 10,000 polls.`);
	}

	lines.push('', machineLine(info, startedAt));
	return lines.join('\n');
}

function machineLine(info, startedAt) {
	return `Machine: ${info.nproc} CPUs (nproc), ${info.model}, ${fmt(info.ramGb, 1)} GiB RAM, Linux ${info.kernel}, Node ${info.node}; ` +
		`${[info.kubectl && `kubectl ${info.kubectl}`, info.watch && `watch (${info.watch})`, info.script && `script (${info.script})`].filter(Boolean).join(', ')}; ` +
		`vcjob-watch build ${info.build}; load average at the start ${info.load}; ${info.date}; ${fmt((performance.now() - startedAt) / 1000)} s in all.`;
}

// ---------------------------------------------------------------------------------------------------------------

function writeResults(text, file = 'results.md') {
	// The options that change what is measured (not --write, --keep).
	const measuring = process.argv.slice(2).filter(arg => arg !== '--write' && arg !== '--keep');
	const command = `npm run bench${measuring.length > 0 ? ` -- ${measuring.join(' ')}` : ''}`;
	fs.writeFileSync(path.join(repo, 'bench', file), `# npm run bench\n\n\`${command}\`\n\n${text}\n`);
	log(`written to bench/${file}`);
}

async function main() {
	const startedAt = performance.now();
	const info = machine();
	const results = [];
	const competitors = !args['no-competitors'];
	const skipped = [];
	if (competitors && !kubectlWorks) skipped.push('kubectl (Debian: apt-get install kubernetes-client)');
	if (competitors && !watch) skipped.push('watch (Debian: apt-get install procps)');

	if (args['peaks-only']) {
		const text = `${await peaksSection()}\n\n${machineLine(info, startedAt)}`;
		console.log(text);
		if (args.write) writeResults(text, 'results-peaks.md');
		return;
	}

	const namespace = [];
	if (!args['no-namespace']) {
		for (const extra of [[], ['--poll']]) {
			log(`namespace: ${namespaceJobs} jobs, ${namespaceRate} changes/s, ${extra.join(' ') || 'list + watch'}, ${namespaceWindow} s`);
			namespace.push(await measureNamespace(extra));
		}
	}

	if (args['namespace-only']) {
		const text = `${namespaceReport(namespace)}\n\n${machineLine(info, startedAt)}`;
		console.log(text);
		if (args.write) writeResults(text, 'results-namespace.md');
		return;
	}

	const latency = [];
	if (!args['no-latency']) {
		for (const mode of ['poll', 'watch']) {
			log(`latency, --${mode}: ${latencySamples} changes, then ${idleSeconds} s idle`);
			latency.push({latency: await measureLatency(mode), idle: await measureIdleRequests(mode)});
		}

		log(`latency, --watch on an idle job: ${latencySamples} changes`);
		latency.push({latency: await measureIdleJobLatency()});
	}

	if (args['latency-only']) {
		const text = `${latencyReport(latency)}\n\n${machineLine(info, startedAt)}`;
		console.log(text);
		if (args.write) writeResults(text);
		return;
	}

	log(`vcjob-watch: first frame and ${idleSeconds} s idle`);
	const own = {name: vcjobWatch.name, ...(await measureIdle(vcjobWatch))};
	log(`vcjob-watch: ${changeCount} changes`);
	Object.assign(own, await measureChanges(vcjobWatch));
	results.push(own);

	if (competitors && kubectlWorks && watch) {
		log(`watch + kubectl: first frame and ${idleSeconds} s idle`);
		const other = {name: watchKubectl.name, ...(await measureIdle(watchKubectl))};
		log(`watch + kubectl: ${changeCount} changes`);
		Object.assign(other, await measureChanges(watchKubectl));
		results.push(other);
	}

	if (competitors && kubectlWorks) {
		log('kubectl get --raw, once');
		results.push({name: kubectlOnce.name, once: true, ...(await measureOnce(kubectlOnce))});
	}

	if (competitors && kubectlWorks && envPath) {
		for (const tool of [vcjobWatchPush, kubectlWatch]) {
			log(`${tool.name}: first frame and ${idleSeconds} s idle`);
			const row = {name: tool.name, ...(await measureIdle(tool))};
			log(`${tool.name}: ${changeCount} changes`);
			Object.assign(row, await measureChanges(tool));
			results.push(row);
		}
	}

	let soakResult;
	if (!args['no-soak']) {
		log(`soak: ${soakPolls} polls at --interval ${soakInterval}`);
		soakResult = await soak();
	}

	const peaks = peakCount > 0 ? await peaksSection() : undefined;
	let text = report(results, soakResult, info, startedAt);
	if (peaks) text = `${text}\n\n${peaks}`;
	if (latency.length > 0) text = `${latencyReport(latency)}\n\n${text}`;
	if (namespace.length > 0) text = `${namespaceReport(namespace)}\n\n${text}`;
	if (skipped.length > 0) text += `\n\nSkipped, not installed: ${skipped.join('; ')}.`;
	if (!gnuTime) text += '\n\nNo GNU time (/usr/bin/time; Debian package `time`): the RSS of short-lived children was sampled every 20 ms.';
	console.log(text);
	if (args.write) writeResults(text);

	if (args.keep) {
		const idle = path.join(tmp, 'vcjob-watch-idle-output.bin');
		fs.writeFileSync(idle, own.idleOutput);
		log(`transcripts kept in ${tmp}; vcjob-watch's idle output (${own.idleBytes} bytes, writes at ${JSON.stringify(own.idleWrites)}) in ${idle}`);
	}
}

try {
	await main();
	await shutdown(0);
} catch (error) {
	console.error(`bench: ${error.stack ?? error}`);
	await shutdown(1);
}
