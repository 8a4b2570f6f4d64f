// Processes: everything the bench starts is tracked, and stopped by pid (never by name); and the /proc readers.

import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const runs = new Set();
export const simulators = new Set();
let tmp;
let keep = false;
let cleaned = false;

export function killPids(pids, signal) {
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
	if (!keep && tmp) fs.rmSync(tmp, {recursive: true, force: true});
}

export async function shutdown(code) {
	for (const run of [...runs]) await run.stop().catch(() => {});
	await Promise.allSettled([...simulators].map(simulator => simulator.close()));
	cleanupNow();
	process.exit(code);
}

// Makes the directory for the transcripts (kept on exit with keep) and stops everything on exit, error and Ctrl+C.
export function startTracking(options) {
	keep = options.keep;
	tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vcjob-bench-'));
	process.on('exit', cleanupNow);
	process.once('SIGINT', () => {
		console.error('\nbench: interrupted; stopping what it started');
		void shutdown(130);
	});
	process.once('SIGTERM', () => void shutdown(143));
	process.once('SIGHUP', () => void shutdown(129));
}

export function tmpDir() {
	if (tmp === undefined) throw new Error('bench: startTracking() first');
	return tmp;
}

// ---------------------------------------------------------------------------------------------------------------
// /proc

export const clockTicks = Number(spawnSync('getconf', ['CLK_TCK'], {encoding: 'utf8'}).stdout?.trim()) || 100;

export function readStat(pid) {
	try {
		const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
		// f[0] is field 3 (state): utime 14, stime 15, cutime 16, cstime 17.
		return {state: f[0], ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), childTicks: Number(f[13]) + Number(f[14])};
	} catch {
		return undefined;
	}
}

export function readStatus(pid) {
	try {
		const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = key => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
		return {name: /^Name:\s+(.*)$/m.exec(text)?.[1] ?? '', rssKb: kb('VmRSS'), hwmKb: kb('VmHWM')};
	} catch {
		return undefined;
	}
}

export function childrenOf(pid) {
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

export function descendants(pid) {
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

export function treeTicks(pid) {
	for (let attempt = 0; attempt < 5; attempt++) {
		const before = descendants(pid).join(',');
		const ticks = treeTicksOnce(pid);
		if (descendants(pid).join(',') === before) return ticks;
	}

	return treeTicksOnce(pid);
}
