// Peaks: the spread of vcjob-watch --watch's peak RSS over separate starts, with Node's and Ink's for scale.

import {spawnSync} from 'node:child_process';
import {setTimeout as sleep} from 'node:timers/promises';
import {readStatus} from '../lib/processes.mjs';
import {childEnv, PtyRun} from '../lib/pty.mjs';
import {fmt, log, median} from '../lib/report.mjs';
import {closeSimulator, simulator} from '../lib/simulator.mjs';
import {repo, vcjobWatchPush} from '../lib/tools.mjs';

// Peaks: the resident set's high-water mark of separate starts, each left running peakSeconds after its first frame
// on a job that does not change (where the peak is reached: loading, the first frames, the first collections).
async function measurePeaks(settings) {
	const {peakCount, peakSeconds} = settings;
	const sim = await simulator('static');
	const peaks = [];
	try {
		for (let index = 0; index < peakCount; index++) {
			const run = new PtyRun(`vcjob-watch peak ${index + 1}`, vcjobWatchPush.argv(sim)).start();
			try {
				const pid = await run.waitForTool();
				await run.waitForText(vcjobWatchPush.marker, 30_000);
				await sleep(peakSeconds * 1000);
				const status = readStatus(pid);
				if (!status) throw new Error(`vcjob-watch exited during its peak run: ${run.stderr}`);
				peaks.push(status.hwmKb / 1024);
			} finally {
				await run.stop();
			}
		}
	} finally {
		await closeSimulator(sim);
	}

	return peaks;
}

// For scale, with the peaks: the resident set of Node alone and of Node with Ink drawing one line (non-interactive,
// output to a pipe), 2 s after start, median of 3; everything else in vcjob-watch's figure is its own.
const floorScripts = {
	'Node alone': '',
	'Ink drawing one line': "const {render, Text} = await import('ink'); const React = await import('react'); render(React.createElement(Text, null, 'one line'));",
};

async function measureFloor() {
	const floor = {};
	for (const [name, body] of Object.entries(floorScripts)) {
		const samples = [];
		for (let index = 0; index < 3; index++) {
			const code = `import fs from 'node:fs'; ${body} setTimeout(() => { process.stderr.write('RSS=' + /^VmRSS:\\s+(\\d+)/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1] + '\\n'); process.exit(0); }, 2000);`;
			const child = spawnSync(process.execPath, ['--input-type=module', '-e', code], {cwd: repo, encoding: 'utf8', timeout: 30_000, env: childEnv});
			const kb = Number(/RSS=(\d+)/.exec(child.stderr ?? '')?.[1]);
			if (!Number.isFinite(kb)) throw new Error(`floor, ${name}: ${child.stderr}`);
			samples.push(kb / 1024);
		}

		floor[name] = median(samples);
	}

	return floor;
}

// Measured and reported.
export async function peaksSection(settings) {
	const {peakCount, peakSeconds} = settings;
	log(`peaks: ${peakCount} starts of vcjob-watch --watch, ${peakSeconds} s each`);
	return peaksReport(await measurePeaks(settings), await measureFloor(), settings);
}

function peaksReport(peaks, floor, {peakSeconds}) {
	const sorted = [...peaks].sort((a, b) => a - b);
	// Where the limit came from: vcjob-watch sets MALLOC_ARENA_MAX=2 itself on Linux unless it is already set.
	const arenas = process.env.MALLOC_ARENA_MAX === undefined ? '2 (set by vcjob-watch itself)' : `${process.env.MALLOC_ARENA_MAX} (set before the bench)`;
	return `Peak RSS of ${peaks.length} starts of vcjob-watch --watch, each ${peakSeconds} s after its first frame, MALLOC_ARENA_MAX ${arenas}: ` +
		`min ${fmt(sorted[0], 1)} MB, median ${fmt(median(sorted), 1)} MB, max ${fmt(sorted.at(-1), 1)} MB ` +
		`(${sorted.map(value => fmt(value, 1)).join(', ')}). For scale, RSS 2 s after start, median of 3: ` +
		`${Object.entries(floor).map(([name, mb]) => `${name} ${fmt(mb, 1)} MB`).join(', ')}.`;
}
