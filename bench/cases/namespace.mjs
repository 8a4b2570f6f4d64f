// The namespace case: vcjob-watch -n NS on a namespace of many jobs that keep changing, list + watch and --poll.

import {setTimeout as sleep} from 'node:timers/promises';
import {clockTicks, treeTicks} from '../lib/processes.mjs';
import {cols, PtyRun, rows, RssSampler} from '../lib/pty.mjs';
import {fmt, log} from '../lib/report.mjs';
import {closeSimulator, simulator} from '../lib/simulator.mjs';
import {cli} from '../lib/tools.mjs';

// Both modes, the default first.
export async function measureNamespaces(settings) {
	const {namespaceJobs, namespaceRate, namespaceWindow} = settings;
	const namespace = [];
	for (const extra of [[], ['--poll']]) {
		log(`namespace: ${namespaceJobs} jobs, ${namespaceRate} changes/s, ${extra.join(' ') || 'list + watch'}, ${namespaceWindow} s`);
		namespace.push(await measureNamespace(extra, settings));
	}

	return namespace;
}

// The namespace case: a namespace of namespaceJobs jobs (the static scenario's job besides), namespaceRate of them
// changing every second from the start (the simulator's manyJobs.changesPerSecond). First frame: until the table's
// "rows 1–" line is on the terminal. CPU: the process tree's over the window, per 100 changes the simulator made
// in it (each change is one write, one resourceVersion). Peak RSS: the tool's high-water mark over the whole run.
async function measureNamespace(extra, {namespaceJobs, namespaceRate, namespaceWindow}) {
	const started = await simulator('static', {
		manyJobs: {count: namespaceJobs, changesPerSecond: namespaceRate},
		// The revision then moves only with the jobs' changes, which the CPU figure is per.
		backgroundWrites: false,
		// A window's worth of history: a watch never has to list again for want of it.
		historySize: Math.max(1000, namespaceRate * (namespaceWindow + 60)),
	});
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
		await closeSimulator(started);
	}
}

export function namespaceReport(results, {namespaceJobs, namespaceRate, namespaceWindow}) {
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
