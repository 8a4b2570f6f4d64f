// Report: number formatting, the machine line, and bench/results/.

import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {childEnv, scriptPath} from './pty.mjs';
import {kubectl, kubectlWorks, repo, watch} from './tools.mjs';

export const median = values => {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

export const percentile = (values, p) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

export const fmt = (value, digits = 0) =>
	value === undefined || Number.isNaN(value) ? '—' : value.toLocaleString('en-US', {minimumFractionDigits: digits, maximumFractionDigits: digits});

export function ratio(a, b) {
	if (a === undefined || b === undefined) return '—';
	if (b === 0) return a === 0 ? '1×' : '∞';
	const r = a / b;
	return `${r < 0.1 && r > 0 ? r.toPrecision(1) : r.toFixed(r < 10 ? 2 : 1)}×`;
}

export function log(message) {
	process.stderr.write(`bench: ${message}\n`);
}

export function machine() {
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
		kubectl: kubectlWorks() ? version(kubectl, ['version', '--client'], /v\d+\.\d+\.\d+\S*/) : '',
		watch: watch ? version(watch, ['--version'], /procps[- ]ng \S+/) : '',
		script: version(scriptPath, ['--version'], /util-linux \S+/),
	};
}

export function machineLine(info, startedAt) {
	return `Machine: ${info.nproc} CPUs (nproc), ${info.model}, ${fmt(info.ramGb, 1)} GiB RAM, Linux ${info.kernel}, Node ${info.node}; ` +
		`${[info.kubectl && `kubectl ${info.kubectl}`, info.watch && `watch (${info.watch})`, info.script && `script (${info.script})`].filter(Boolean).join(', ')}; ` +
		`vcjob-watch build ${info.build}; load average at the start ${info.load}; ${info.date}; ${fmt((performance.now() - startedAt) / 1000)} s in all.`;
}

// To bench/results/FILE, under the command that measured it.
export function writeResults(text, file = 'results.md') {
	// The options that change what is measured (not --write, --keep).
	const measuring = process.argv.slice(2).filter(arg => arg !== '--write' && arg !== '--keep');
	const command = `npm run bench${measuring.length > 0 ? ` -- ${measuring.join(' ')}` : ''}`;
	fs.writeFileSync(path.join(repo, 'bench', 'results', file), `# npm run bench\n\n\`${command}\`\n\n${text}\n`);
	log(`written to bench/results/${file}`);
}
