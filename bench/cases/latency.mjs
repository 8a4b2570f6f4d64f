// Latency: from a change on the simulator to its line in vcjob-watch's text output, polling against watching, with
// the requests for the job per minute while it does not change; and watching a job idle for longer than the API
// server's watch window (the idle-job row).

import {setTimeout as sleep} from 'node:timers/promises';
import {PtyRun} from '../lib/pty.mjs';
import {fmt, log, median, percentile} from '../lib/report.mjs';
import {closeSimulator, jobRequestsOf, simulator} from '../lib/simulator.mjs';
import {vcjobArgv} from '../lib/tools.mjs';

// The rows: each mode's latency and idle requests, then the idle job's.
export async function measureLatencies(settings) {
	const {latencySamples, idleSeconds} = settings;
	const latency = [];
	for (const mode of ['poll', 'watch']) {
		log(`latency, --${mode}: ${latencySamples} changes, then ${idleSeconds} s idle`);
		latency.push({latency: await measureLatency(mode, settings), idle: await measureIdleRequests(mode, settings)});
	}

	log(`latency, --watch on an idle job: ${latencySamples} changes`);
	latency.push({latency: await measureIdleJobLatency(settings)});
	return latency;
}

/**
 * `count` changes of the job, to steps[0] and back to steps[1] in turn, each a random pause within pauseMs after the
 * last was seen; each timed from the write to the line naming the job's new resourceVersion in the terminal
 * transcript (read every 5 ms).
 */
async function timeChanges(sim, run, {count, pauseMs: [least, most], steps, what}) {
	const samples = [];
	for (let index = 0; index < count; index++) {
		await sleep(least + Math.random() * (most - least));
		sim.goTo(steps[index % 2]);
		const changedAt = performance.now();
		const marker = `rv=${sim.jobResourceVersion} `;
		const deadline = changedAt + 15_000;
		while (!run.text().includes(marker)) {
			if (performance.now() > deadline || run.exited) throw new Error(`${what}: ${marker} not shown within 15 s`);
			await sleep(5);
		}

		samples.push(performance.now() - changedAt);
	}

	return samples;
}

// Latency: vcjob-watch -o text on the demo job at step 5; the job switches to step 6 and back (each a write with a new
// resourceVersion), at a random moment 0.5-2.5 s after the last one was seen, so that a poll's phase is spread
// over the interval as a person's changes would be. Timed from the write to the line naming its resourceVersion
// in the terminal transcript (read every 5 ms; both modes pay the same).
async function measureLatency(mode, {latencySamples}) {
	const sim = await simulator('demo');
	sim.goTo(5);
	const run = new PtyRun(`vcjob-watch --${mode} latency`, vcjobArgv(sim, [`--${mode}`, '-o', 'text', '--no-details'])).start();
	try {
		await run.waitForText(`rv=${sim.jobResourceVersion} `, 30_000);
		const samples = await timeChanges(sim, run, {count: latencySamples, pauseMs: [500, 2500], steps: [6, 5], what: `vcjob-watch --${mode}`});
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

async function measureIdleJobLatency({latencySamples}) {
	const sim = await simulator('idle', {speed: idleSpeed});
	const run = new PtyRun('vcjob-watch --watch latency, idle job', vcjobArgv(sim, ['--watch', '-o', 'text', '--no-details'])).start();
	try {
		await run.waitForText('phase=Running', 30_000);
		const before = jobRequestsOf(sim).length;
		const samples = await timeChanges(sim, run, {count: latencySamples, pauseMs: [2000, 4000], steps: [1, 0], what: 'vcjob-watch on an idle job'});

		const requests = jobRequestsOf(sim).length - before;
		return {mode: 'watch', job: 'idle', samples, median: median(samples), p95: percentile(samples, 95), max: Math.max(...samples), requests};
	} finally {
		await run.stop();
		await closeSimulator(sim);
	}
}

// Requests for the job (GETs and lists of it, watches of the collection) while it does not change, from the first line on.
async function measureIdleRequests(mode, {idleSeconds}) {
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

export function latencyReport(latency, {latencySamples, idleSeconds}) {
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
