#!/usr/bin/env node
// node bench/api-budget.mjs [SCENARIO] [STEP] [SECONDS] [-- vcjob-watch options]
// Requests a minute that vcjob-watch sends, by kind (the job, pods, PodGroup, events), in text output (which
// fetches every detail) against one step of a simulator scenario. Default: image-pull 3 60.
// STEP `play` plays the scenario from its first step as the demo does (looping), `play:N` at N times the speed:
// the job changes as it goes, which is what the details' refresh on a job change costs.
//   node bench/api-budget.mjs unschedulable 2
//   node bench/api-budget.mjs image-pull 3 60 -- --no-details
//   node bench/api-budget.mjs demo play
import {spawn} from 'node:child_process';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {fileURLToPath} from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const {startSimulator} = await import('#simulator');
const split = process.argv.indexOf('--');
const positional = process.argv.slice(2, split === -1 ? undefined : split);
const extra = split === -1 ? [] : process.argv.slice(split + 1);
const [scenario = 'image-pull', step = '3', seconds = '60'] = positional;

const play = /^play(?::(?<speed>[\d.]+))?$/.exec(step);
const sim = play
	? await startSimulator({scenario, autoplay: true, loop: true, speed: Number(play.groups?.speed ?? 1)})
	: await startSimulator({scenario, autoplay: false});
if (!play) sim.goTo(Number(step));
const child = spawn(process.execPath, [path.join(repo, 'dist', 'cli.js'), sim.scenario.jobName, '-n', sim.scenario.namespace, '-s', sim.url, '-o', 'text', ...extra], {
	stdio: ['ignore', 'ignore', 'inherit'],
});

// The simulator keeps the last 200 requests: read them often enough that none is missed.
const counted = new Set();
const counts = {};
// The job: its GET, or (watch mode, the default) its list and watch (a watch is logged when it ends). A pod's
// log (read once per failure) is a kind of its own.
const kindOf = request =>
	/\/jobs[/?]/.test(request.path) ? 'job' : /\/pods\/[^/?]+\/log/.test(request.path) ? 'logs' : request.path.includes('/pods') ? 'pods' : request.path.includes('/podgroups') ? 'podgroup' : request.path.includes('/events') ? 'events' : 'other';
const collect = () => {
	for (const request of sim.requests) {
		if (counted.has(request)) continue;
		counted.add(request);
		counts[kindOf(request)] = (counts[kindOf(request)] ?? 0) + 1;
	}
};

// With play, how often the scenario moved on (each step a new state of the job) says what the requests answered.
let steps = 0;
let lastStep = sim.stepIndex;
const started = Date.now();
while (Date.now() - started < Number(seconds) * 1000) {
	collect();
	if (sim.stepIndex !== lastStep) steps++;
	lastStep = sim.stepIndex;
	await sleep(200);
}

collect();
child.kill('SIGTERM');
const minutes = (Date.now() - started) / 60_000;
const perMinute = Object.fromEntries(Object.entries(counts).map(([kind, count]) => [kind, Math.round(count / minutes)]));
const total = Object.values(perMinute).reduce((sum, count) => sum + count, 0);
console.log(`${scenario} ${play ? step : `step ${step}`}${extra.length > 0 ? ` ${extra.join(' ')}` : ''}: ${total} requests a minute ${JSON.stringify(perMinute)}${play ? `, ${steps} steps` : ''}`);
await sim.close();
