// The main table: per tool, the first frame (time and bytes), idle bytes/min, bytes per change, CPU and peak RSS;
// vcjob-watch --poll against `watch -n 2 kubectl get --raw PATH` and `kubectl get --raw PATH` once, and vcjob-watch
// --watch against `kubectl get -w`.

import {setTimeout as sleep} from 'node:timers/promises';
import {clockTicks, readStat, readStatus, treeTicks} from '../lib/processes.mjs';
import {cols, PtyRun, rows, RssSampler} from '../lib/pty.mjs';
import {fmt, log, median, ratio} from '../lib/report.mjs';
import {closeSimulator, simulator} from '../lib/simulator.mjs';
import {envPath, kubectlOnce, kubectlWatch, kubectlWorks, vcjobWatch, vcjobWatchPush, watch, watchKubectl} from '../lib/tools.mjs';

const highlightWindowMs = 6000; // the redraw of a change plus the one when its highlight ends (--highlight 4s)
const firstRedrawMs = 1500;

// Every tool there is (competitors: the ones it is compared with too), each row complete.
export async function measureTools(settings, competitors) {
	const {idleSeconds, changeCount} = settings;
	const results = [];
	log(`vcjob-watch: first frame and ${idleSeconds} s idle`);
	const own = {name: vcjobWatch.name, ...(await measureIdle(vcjobWatch, settings))};
	log(`vcjob-watch: ${changeCount} changes`);
	Object.assign(own, await measureChanges(vcjobWatch, settings));
	results.push(own);

	if (competitors && kubectlWorks() && watch) {
		log(`watch + kubectl: first frame and ${idleSeconds} s idle`);
		const other = {name: watchKubectl.name, ...(await measureIdle(watchKubectl, settings))};
		log(`watch + kubectl: ${changeCount} changes`);
		Object.assign(other, await measureChanges(watchKubectl, settings));
		results.push(other);
	}

	if (competitors && kubectlWorks()) {
		log('kubectl get --raw, once');
		results.push({name: kubectlOnce.name, once: true, ...(await measureOnce(kubectlOnce, settings))});
	}

	if (competitors && kubectlWorks() && envPath) {
		for (const tool of [vcjobWatchPush, kubectlWatch]) {
			log(`${tool.name}: first frame and ${idleSeconds} s idle`);
			const row = {name: tool.name, ...(await measureIdle(tool, settings))};
			log(`${tool.name}: ${changeCount} changes`);
			Object.assign(row, await measureChanges(tool, settings));
			results.push(row);
		}
	}

	return results;
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
async function measureIdle(tool, settings) {
	const {idleSeconds, startCount} = settings;
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
async function measureChanges(tool, settings) {
	const {changeCount} = settings;
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
async function measureOnce(tool, settings) {
	const {startCount} = settings;
	const sim = await simulator('static');
	try {
		const results = [];
		for (let index = 0; index < startCount; index++) {
			const run = new PtyRun(`${tool.name} ${index}`, tool.argv(sim)).start();
			const sampled = {ticks: 0, hwmKb: 0};
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


// The table, its notes, the ratios and the targets.
export function frameReport(results, settings) {
	const {quick, idleSeconds, changeCount, startCount} = settings;
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
	return lines.join('\n');
}
