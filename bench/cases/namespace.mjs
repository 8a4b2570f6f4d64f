// The namespace case: vcjob-watch -n NS on namespaces of many jobs that keep changing, a sweep of sizes at one rate
// (list + watch), and --poll at one size.

import {setTimeout as sleep} from 'node:timers/promises';
import {clockTicks, treeTicks} from '../lib/processes.mjs';
import {cols, PtyRun, rows, RssSampler} from '../lib/pty.mjs';
import {fmt, log, ratio} from '../lib/report.mjs';
import {closeSimulator, simulator} from '../lib/simulator.mjs';
import {cli} from '../lib/tools.mjs';

// --poll is measured at one size only: the one of these in the sweep, else the sweep's middle one.
const pollJobs = 1000;

// Each size in the default mode, smallest first; then --poll at one size.
export async function measureNamespaces(settings) {
	const {namespaceJobs, namespaceRate, namespaceWindow, namespacePoll} = settings;
	const sizes = [...namespaceJobs].sort((a, b) => a - b);
	const runs = sizes.map(jobs => ({jobs, extra: []}));
	if (namespacePoll) runs.push({jobs: sizes.includes(pollJobs) ? pollJobs : sizes[Math.floor(sizes.length / 2)], extra: ['--poll']});
	const namespace = [];
	for (const {jobs, extra} of runs) {
		log(`namespace: ${jobs} jobs, ${namespaceRate} changes/s, ${extra.join(' ') || 'list + watch'}, ${namespaceWindow} s`);
		namespace.push(await measureNamespace(jobs, extra, settings));
	}

	return namespace;
}

// One run: a namespace of `jobs` jobs (the static scenario's job besides), namespaceRate of them changing every
// second from the start (the simulator's manyJobs.changesPerSecond). First frame: until the table's "rows 1–" line
// is on the terminal. CPU: the process tree's over the window, per change the simulator made in it (each change is
// one write, one resourceVersion). Peak RSS: the tool's high-water mark over the whole run.
async function measureNamespace(jobs, extra, {namespaceRate, namespaceWindow, namespaceCli}) {
	const started = await simulator('static', {
		manyJobs: {count: jobs, changesPerSecond: namespaceRate},
		// The revision then moves only with the jobs' changes, which the CPU figure is per.
		backgroundWrites: false,
		// A window's worth of history: a watch never has to list again for want of it.
		historySize: Math.max(1000, namespaceRate * (namespaceWindow + 60)),
	});
	const argv = [process.execPath, namespaceCli ?? cli, '-n', started.scenario.namespace, '-s', started.url, ...extra];
	const run = new PtyRun(`vcjob-watch namespace ${jobs} ${extra.join(' ') || 'watch'}`, argv).start();
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
			jobs,
			poll: extra.includes('--poll'),
			firstMs,
			seconds,
			changes,
			cpuSeconds,
			cpuMsPerChange: changes > 0 ? (cpuSeconds / changes) * 1000 : Number.NaN,
			cpuPercent: (cpuSeconds / seconds) * 100,
			bytesPerChange: changes > 0 ? bytes / changes : Number.NaN,
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

export function namespaceReport(results, {namespaceRate, namespaceWindow, namespaceCli}) {
	const lines = [
		`Namespace: \`vcjob-watch -n NS\`${namespaceCli ? ` (${namespaceCli})` : ''} on namespaces of the sizes below (and the scenario's job), ` +
			`${fmt(namespaceRate)} changes a second from the start (the simulator's manyJobs.changesPerSecond), terminal ${cols}×${rows}; ` +
			`CPU and bytes over ${namespaceWindow} s after the first frame, per change the simulator made in that time.`,
		'',
		'| jobs | mode | first frame with the table (ms) | changes in the window | CPU ms per change | CPU % of a core | bytes written per change | peak RSS MB | lists, watches opened |',
		'|---:|---|---:|---:|---:|---:|---:|---:|---:|',
	];
	for (const r of results) {
		lines.push(`| ${fmt(r.jobs)} | ${r.poll ? 'a list every 2 s (`--poll`)' : 'a list, then a watch (default)'} | ${fmt(r.firstMs)} | ` +
			`${fmt(r.changes)} in ${fmt(r.seconds)} s | ${fmt(r.cpuMsPerChange, 2)} | ${fmt(r.cpuPercent, 1)} | ${fmt(r.bytesPerChange)} | ` +
			`${fmt(r.peakRssMb, 1)} | ${fmt(r.lists)}, ${fmt(r.watches)} |`);
	}

	// CPU per change should not grow with the namespace: the largest size's against the smallest's.
	const swept = results.filter(r => !r.poll);
	if (swept.length > 1) {
		const small = swept[0];
		const large = swept.at(-1);
		lines.push('', `CPU per change at ${fmt(large.jobs)} jobs against ${fmt(small.jobs)}: ${ratio(large.cpuMsPerChange, small.cpuMsPerChange)} ` +
			`(${fmt(large.cpuMsPerChange, 2)} and ${fmt(small.cpuMsPerChange, 2)} ms).`);
	}

	return lines.join('\n');
}
