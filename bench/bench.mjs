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
//   start-up             the first frame with every panel and --once -o text against kubectl get --raw, --version
//                        against node -e 0, dist/cli.js and dist/bin.mjs, in interleaved rounds (--startup-runs)
//   namespace            vcjob-watch -n NS on namespaces of each of --namespace-jobs sizes changing --namespace-rate
//                        times a second: ms to the first frame with the table, CPU ms and bytes per change over
//                        --namespace-window seconds, peak RSS; list + watch at each size, --poll (a list every 2 s)
//                        at 1,000; CPU per change at the largest size against the smallest
//
// Only loopback, bounded waits everywhere, and every process it starts is stopped on exit, error and Ctrl+C.
//
// This file reads the options and runs the cases; bench/cases/ measures (frame: the table of tools; soak; peaks;
// latency; namespace; startup), bench/lib/ holds the processes and /proc, the pseudo-terminal, the tools, the simulator and
// the report; --write writes to bench/results/.

import fs from 'node:fs';
import path from 'node:path';
import {parseArgs} from 'node:util';
import {frameReport, measureTools} from './cases/frame.mjs';
import {latencyReport, measureLatencies} from './cases/latency.mjs';
import {measureNamespaces, namespaceReport} from './cases/namespace.mjs';
import {peaksSection} from './cases/peaks.mjs';
import {soak, soakReport} from './cases/soak.mjs';
import {measureStartup, startupReport} from './cases/startup.mjs';
import {shutdown, startTracking, tmpDir} from './lib/processes.mjs';
import {gnuTime, requirePty} from './lib/pty.mjs';
import {log, machine, machineLine, writeResults} from './lib/report.mjs';
import {kubectlWorks, watch} from './lib/tools.mjs';

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
  --namespace-jobs N,N…  namespace sizes in the namespace case (default 100,1000,5000)
  --namespace-rate N     changes a second across the jobs (default 5)
  --namespace-window S   seconds over which its CPU is measured (default 60; --quick 20)
  --namespace-cli PATH   the vcjob-watch script it runs (default dist/cli.js): another build, to compare
  --no-namespace-poll    leave out the --poll run (at 1,000 jobs)
  --no-namespace     skip the namespace case
  --namespace-only   only the namespace case (--write: to bench/results/results-namespace.md)
  --peaks N          also start vcjob-watch --watch N times and give the spread of its peak RSS (default 0),
                     with, for scale, the RSS of Node alone and of Node with Ink drawing one line
  --peak-seconds S   how long each of those runs after its first frame (default 20)
  --peaks-only       only that (--write: to bench/results/results-peaks.md)
  --startup-runs N   rounds of the start-up case (default 7; --quick 3): first frame with every panel,
                     --once -o text and --version, against kubectl get --raw and node -e 0
  --no-startup       skip the start-up case
  --startup-only     only the start-up case (--write: to bench/results/results-startup.md)
  --no-competitors   measure vcjob-watch only
  --write            also write the report to bench/results/results.md
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
			'namespace-cli': {type: 'string'},
			'no-namespace-poll': {type: 'boolean', default: false},
			'no-namespace': {type: 'boolean', default: false},
			'namespace-only': {type: 'boolean', default: false},
			peaks: {type: 'string'},
			'peak-seconds': {type: 'string'},
			'peaks-only': {type: 'boolean', default: false},
			'startup-runs': {type: 'string'},
			'no-startup': {type: 'boolean', default: false},
			'startup-only': {type: 'boolean', default: false},
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
const namespaceJobs = (args['namespace-jobs'] ?? '100,1000,5000').split(',').map(value => Number(value.trim()));
if (namespaceJobs.some(value => !Number.isInteger(value) || value < 1 || value > 100_000)) {
	console.error('bench: --namespace-jobs takes whole numbers from 1 to 100000, separated by commas');
	process.exit(2);
}

const namespaceRate = intOption('namespace-rate', 5, 1, 1000);
const namespacePoll = !args['no-namespace-poll'];
const namespaceCli = args['namespace-cli'] === undefined ? undefined : path.resolve(args['namespace-cli']);
if (namespaceCli !== undefined && !fs.existsSync(namespaceCli)) {
	console.error(`bench: --namespace-cli: no file ${namespaceCli}`);
	process.exit(2);
}

const namespaceWindow = intOption('namespace-window', quick ? 20 : 60, 5, 3600);
const peakCount = intOption('peaks', args['peaks-only'] ? 10 : 0, 0, 1000);
const peakSeconds = intOption('peak-seconds', 20, 1, 3600);
const startupRuns = intOption('startup-runs', quick ? 3 : 7, 1, 100);
const soakInterval = args['soak-interval'];
if (!/^\d+(ms|s)?$/.test(soakInterval)) {
	console.error('bench: --soak-interval takes a duration such as 10ms or 1s');
	process.exit(2);
}

const settings = {
	quick, idleSeconds, changeCount, startCount, soakPolls, soakInterval, latencySamples,
	namespaceJobs, namespaceRate, namespaceWindow, namespacePoll, namespaceCli, peakCount, peakSeconds, startupRuns,
};

startTracking({keep: args.keep});
requirePty();

async function main() {
	const startedAt = performance.now();
	const info = machine();
	const competitors = !args['no-competitors'];
	const skipped = [];
	if (competitors && !kubectlWorks()) skipped.push('kubectl (Debian: apt-get install kubernetes-client)');
	if (competitors && !watch) skipped.push('watch (Debian: apt-get install procps)');

	if (args['peaks-only']) {
		const text = `${await peaksSection(settings)}\n\n${machineLine(info, startedAt)}`;
		console.log(text);
		if (args.write) writeResults(text, 'results-peaks.md');
		return;
	}

	if (args['startup-only']) {
		const text = `${startupReport(await measureStartup(settings), settings)}\n\n${machineLine(info, startedAt)}`;
		console.log(text);
		if (args.write) writeResults(text, 'results-startup.md');
		return;
	}

	const startup = args['no-startup'] || args['namespace-only'] ? undefined : await measureStartup(settings);
	const namespace = args['no-namespace'] ? [] : await measureNamespaces(settings);
	if (args['namespace-only']) {
		const text = `${namespaceReport(namespace, settings)}\n\n${machineLine(info, startedAt)}`;
		console.log(text);
		if (args.write) writeResults(text, 'results-namespace.md');
		return;
	}

	const latency = args['no-latency'] ? [] : await measureLatencies(settings);
	if (args['latency-only']) {
		const text = `${latencyReport(latency, settings)}\n\n${machineLine(info, startedAt)}`;
		console.log(text);
		if (args.write) writeResults(text);
		return;
	}

	const results = await measureTools(settings, competitors);
	let soakResult;
	if (!args['no-soak']) {
		log(`soak: ${soakPolls} polls at --interval ${soakInterval}`);
		soakResult = await soak(settings);
	}

	const peaks = peakCount > 0 ? await peaksSection(settings) : undefined;
	let text = [frameReport(results, settings), soakResult && soakReport(soakResult, settings), machineLine(info, startedAt)].filter(Boolean).join('\n\n');
	if (peaks) text = `${text}\n\n${peaks}`;
	if (latency.length > 0) text = `${latencyReport(latency, settings)}\n\n${text}`;
	if (startup) text = `${startupReport(startup, settings)}\n\n${text}`;
	if (namespace.length > 0) text = `${namespaceReport(namespace, settings)}\n\n${text}`;
	if (skipped.length > 0) text += `\n\nSkipped, not installed: ${skipped.join('; ')}.`;
	if (!gnuTime) text += '\n\nNo GNU time (/usr/bin/time; Debian package `time`): the RSS of short-lived children was sampled every 20 ms.';
	console.log(text);
	if (args.write) writeResults(text);

	if (args.keep) {
		const [own] = results;
		const idle = path.join(tmpDir(), 'vcjob-watch-idle-output.bin');
		fs.writeFileSync(idle, own.idleOutput);
		log(`transcripts kept in ${tmpDir()}; vcjob-watch's idle output (${own.idleBytes} bytes, writes at ${JSON.stringify(own.idleWrites)}) in ${idle}`);
	}
}

try {
	await main();
	await shutdown(0);
} catch (error) {
	console.error(`bench: ${error.stack ?? error}`);
	await shutdown(1);
}
