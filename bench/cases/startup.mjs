// Start-up against its yardsticks, in rounds that take each command in turn (a busy moment of the machine then
// falls on all of them alike): the first frame with every panel (`Policies` on the terminal) against
// `kubectl get --raw PATH`, `--once -o text` against the same, and `--version` against `node -e 0`. Median of N.

import fs from 'node:fs';
import path from 'node:path';
import {PtyRun} from '../lib/pty.mjs';
import {fmt, log, median, ratio} from '../lib/report.mjs';
import {closeSimulator, simulator} from '../lib/simulator.mjs';
import {cli, envPath, kubectlOnce, kubectlWorks, repo, vcjobArgv} from '../lib/tools.mjs';

// The program as npm installs it (package.json's bin; built by `node scripts/build-standalone.mjs --package`), when
// it has been built: the same commands through it.
const bin = path.join(repo, 'dist', 'bin.mjs');
const hasBin = () => fs.existsSync(bin);
const binArgv = (sim, extra = []) => [process.execPath, bin, ...vcjobArgv(sim, extra).slice(2)];

// Each: how it is started, and until what it is timed (a marker on the terminal, or its exit).
const commands = sim => [
	{key: 'kubectl', name: 'kubectl get --raw PATH', argv: kubectlOnce.argv(sim), marker: kubectlOnce.marker, when: kubectlWorks},
	{key: 'frame', name: 'vcjob-watch NAME -n NS -s URL (every panel)', argv: vcjobArgv(sim), marker: 'Policies', rss: true},
	{key: 'text', name: 'vcjob-watch … --once -o text', argv: vcjobArgv(sim, ['--once', '-o', 'text'])},
	{key: 'node', name: 'node -e 0', argv: [process.execPath, '-e', '0']},
	{key: 'version', name: 'vcjob-watch --version', argv: [process.execPath, cli, '--version']},
	// The same first frame without the start-up's second boot (MALLOC_ARENA_MAX already set): what that boot costs.
	{key: 'binFrame', name: 'dist/bin.mjs NAME -n NS -s URL (every panel)', argv: binArgv(sim), marker: 'Policies', rss: true, when: hasBin},
	{key: 'binText', name: 'dist/bin.mjs … --once -o text', argv: binArgv(sim, ['--once', '-o', 'text']), when: hasBin},
	{key: 'binVersion', name: 'dist/bin.mjs --version', argv: [process.execPath, bin, '--version'], when: hasBin},
	{key: 'frameArena', name: 'the same, MALLOC_ARENA_MAX=2 set', argv: [envPath, 'MALLOC_ARENA_MAX=2', ...vcjobArgv(sim)], marker: 'Policies', when: () => envPath !== undefined},
];

async function once(command) {
	const run = new PtyRun(`startup ${command.key}`, command.argv).start();
	try {
		let ms;
		if (command.marker) {
			ms = await run.waitForText(command.marker, 30_000);
		} else {
			await run.waitExit(30_000);
			if (!run.exited) throw new Error(`${command.name} did not exit within 30 s`);
			ms = performance.now() - run.startedAt;
		}

		if (command.rss) await run.settle();
		await run.stop();
		return {ms, rssMb: (run.timeReport()?.maxKb ?? Number.NaN) / 1024};
	} finally {
		await run.stop();
	}
}

export async function measureStartup(settings) {
	const rounds = settings.startupRuns;
	const sim = await simulator('static');
	try {
		const list = commands(sim).filter(command => !command.when || command.when());
		const samples = Object.fromEntries(list.map(command => [command.key, []]));
		for (let round = 0; round < rounds; round++) {
			log(`start-up: round ${round + 1} of ${rounds}`);
			for (const command of list) samples[command.key].push(await once(command));
		}

		return list.map(command => ({
			...command,
			ms: median(samples[command.key].map(s => s.ms)),
			all: samples[command.key].map(s => Math.round(s.ms)),
			rssMb: median(samples[command.key].map(s => s.rssMb)),
		}));
	} finally {
		await closeSimulator(sim);
	}
}

export function startupReport(rows, settings) {
	const by = Object.fromEntries(rows.map(row => [row.key, row]));
	const lines = [
		`Start-up, median of ${settings.startupRuns} rounds (each round runs every command once, in this order), in a ` +
			'pseudo-terminal; a first frame is timed until its marker is on the terminal, the others until they exit.',
		'',
		'| command | ms (median) | every run (ms) | peak RSS MB |',
		'|---|---:|---|---:|',
		...rows.map(row => `| \`${row.name}\` | ${fmt(row.ms)} | ${row.all.join(', ')} | ${fmt(row.rssMb, 1)} |`),
	];
	const goal = (label, a, b, limit) => a && b
		? `${label} ${ratio(a.ms, b.ms)} (goal ≤ ${limit}×: ${a.ms / b.ms <= limit ? 'met' : 'missed'})`
		: undefined;
	const goals = [
		goal('first frame with every panel ÷ kubectl', by.frame, by.kubectl, 4),
		goal('--once -o text ÷ kubectl', by.text, by.kubectl, 2.5),
		goal('--version ÷ node -e 0', by.version, by.node, 2.5),
	].filter(Boolean);
	const binGoals = [
		goal('first frame with every panel ÷ kubectl', by.binFrame, by.kubectl, 4),
		goal('--once -o text ÷ kubectl', by.binText, by.kubectl, 2.5),
		goal('--version ÷ node -e 0', by.binVersion, by.node, 2.5),
	].filter(Boolean);
	lines.push('', `Ratios, dist/cli.js: ${goals.join('; ')}.`);
	if (binGoals.length > 0) lines.push(`Ratios, dist/bin.mjs (as installed): ${binGoals.join('; ')}.`);
	return lines.join('\n');
}
