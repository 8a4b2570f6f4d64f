// The soak: the resident set of vcjob-watch across many polls of a job that does not change.

import {setTimeout as sleep} from 'node:timers/promises';
import {clockTicks, readStatus, treeTicks} from '../lib/processes.mjs';
import {PtyRun} from '../lib/pty.mjs';
import {fmt} from '../lib/report.mjs';
import {closeSimulator, simulator} from '../lib/simulator.mjs';
import {vcjobWatch} from '../lib/tools.mjs';

// Soak: vcjob-watch polling a job that never changes at a fast interval; VmRSS sampled every second.
export async function soak(settings) {
	const {soakPolls, soakInterval} = settings;
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

export function soakReport(s, settings) {
	const {soakPolls, soakInterval} = settings;
	return `Soak: vcjob-watch --interval ${soakInterval}, a job that never changes: ${fmt(s.polls)} polls` +
		`${s.complete ? '' : ` (stopped at the time limit, ${fmt(soakPolls)} asked)`} in ${fmt(s.seconds)} s, ${fmt(s.pollsPerSecond)} polls/s, ` +
		`${fmt(s.cpuPercent, 0)}% of a core. RSS ${fmt(s.startMb, 1)} MB at the first frame, ${fmt(s.warmMb, 1)} MB after ${fmt(s.warmPolls)} polls, ` +
		`${fmt(s.endMb, 1)} MB at the end: growth ${s.endMb - s.warmMb >= 0 ? '+' : ''}${fmt(s.endMb - s.warmMb, 1)} MB after the warm-up ` +
		`(${s.endMb - s.startMb >= 0 ? '+' : ''}${fmt(s.endMb - s.startMb, 1)} MB from the first frame); range ${fmt(s.minMb, 1)}–${fmt(s.maxMb, 1)} MB, ` +
		`peak ${fmt(s.peakMb, 1)} MB; trend after the warm-up ${s.slopeMbPer10k >= 0 ? '+' : ''}${fmt(s.slopeMbPer10k, 2)} MB per 10,000 polls.`;
}
