// A command under a pseudo-terminal: script -q -f -c "stty cols 100 rows 30; exec [time -o F -f '%M'] CMD" OUT.
// -f flushes every write, so the transcript's size is what the program has written to the terminal so far.
// And the peak resident set of what runs there (RssSampler).

import {spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {childrenOf, descendants, killPids, readStatus, runs, tmpDir} from './processes.mjs';

export const cols = 100;
export const rows = 30;

export function which(name) {
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

export const scriptPath = which('script');

// Called once the options are read: the bench cannot run without it.
export function requirePty() {
	if (!scriptPath || !/util-linux/.test(spawnSync(scriptPath, ['--version'], {encoding: 'utf8'}).stdout ?? '')) {
		console.error('bench: needs util-linux `script` for a pseudo-terminal (Debian: apt-get install bsdutils)');
		process.exit(2);
	}
}

// GNU time reports the largest resident set of everything it waited for, short-lived children included.
export const gnuTime = fs.existsSync('/usr/bin/time') &&
	spawnSync('/usr/bin/time', ['-f', '%M', 'true'], {encoding: 'utf8'}).status === 0
	? '/usr/bin/time'
	: undefined;

const quote = word => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`);

export const childEnv = {...process.env, TERM: 'xterm-256color', KUBECONFIG: '/dev/null', LANG: process.env.LANG || 'C.UTF-8'};
// These would change what the programs draw: CI makes Ink non-interactive, the others change colour or size.
for (const name of ['CI', 'NO_COLOR', 'FORCE_COLOR', 'COLUMNS', 'LINES']) delete childEnv[name];

// Escape sequences out, so that text split by cursor moves (watch wraps long lines with them) reads whole again.
const escapes = /\u001B(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001B]*(?:\u0007|\u001B\\)|[P_^X][^\u001B]*\u001B\\|[()*+][0-~]|[ -/]*[0-~])|[\r\n]/g;

let runNumber = 0;

export class PtyRun {
	constructor(label, argv) {
		this.label = label;
		this.argv = argv;
		this.id = ++runNumber;
		this.out = path.join(tmpDir(), `${this.id}-${label.replaceAll(/\W+/g, '_')}.typescript`);
		this.timeFile = path.join(tmpDir(), `${this.id}.time`);
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
export class RssSampler {
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
