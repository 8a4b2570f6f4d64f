#!/usr/bin/env node
// `npm run screenshots`: pictures of the real program in its key states, for the README.
//
// Each shot runs the built CLI (dist/cli.js) in a pseudo-terminal of a given size (util-linux `script`),
// against the simulator (#simulator: dist/simulator/index.js) with autoplay off, and drives the simulator from step to
// step (goTo, then the `r` key so the watcher polls at once). Every byte the program writes goes, as it
// comes, into xterm.js running in Debian's headless Chromium. When the terminal shows the state wanted (read
// back from xterm.js's own buffer: text and cell colours, after a complete synchronized-output frame and a
// quiet moment), the feed is held and the terminal element is saved as a PNG.
//
// Nothing is drawn by hand: the picture is the program's own output as a terminal emulator renders it.
//
// Needs: `script` (Debian package bsdutils), Chromium (chromium) and the DejaVu Sans Mono font
// (fonts-dejavu-core). Missing ones are installed with apt-get when running as root, else named in the
// error. CHROMIUM_PATH overrides /usr/bin/chromium.

import {spawn, spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import {dirname, join, relative} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = join(root, 'screenshots');
const require = createRequire(import.meta.url);
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const fontFamily = 'DejaVu Sans Mono';

// The whole run is bounded; each wait has its own, shorter limit.
const overallLimitMs = 5 * 60_000;
const highlightMs = 5000;

// ---------------------------------------------------------------------------------------------------------
// Prerequisites

function has(command) {
	return spawnSync('sh', ['-c', `command -v ${command}`], {stdio: 'ignore'}).status === 0;
}

function hasFont() {
	if (!has('fc-list')) {
		return false;
	}

	const result = spawnSync('fc-list', [`:family=${fontFamily}`], {encoding: 'utf8'});
	return result.status === 0 && result.stdout.trim() !== '';
}

function ensurePrerequisites() {
	const missing = [];
	if (!has('script')) {
		missing.push({what: 'util-linux script', pkg: 'bsdutils'});
	}

	if (!existsSync(chromiumPath)) {
		missing.push({what: `Chromium (${chromiumPath})`, pkg: 'chromium'});
	}

	if (!hasFont()) {
		missing.push({what: `the ${fontFamily} font`, pkg: 'fonts-dejavu-core'});
	}

	if (missing.length === 0) {
		return;
	}

	const packages = [...new Set(missing.map(m => m.pkg))];
	const list = missing.map(m => `${m.what} (apt package ${m.pkg})`).join(', ');
	if (process.getuid?.() !== 0 || !has('apt-get')) {
		throw new Error(`missing: ${list}. Install with: sudo apt-get install -y ${packages.join(' ')}`);
	}

	console.log(`installing ${packages.join(' ')} (missing: ${list})`);
	const options = {stdio: 'inherit', timeout: 10 * 60_000, env: {...process.env, DEBIAN_FRONTEND: 'noninteractive'}};
	if (spawnSync('apt-get', ['update', '-qq'], options).status !== 0) {
		throw new Error(`apt-get update failed; install by hand: apt-get install -y ${packages.join(' ')}`);
	}

	if (spawnSync('apt-get', ['install', '-y', '-qq', ...packages], options).status !== 0) {
		throw new Error(`apt-get install failed; install by hand: apt-get install -y ${packages.join(' ')}`);
	}

	if (!has('script') || !existsSync(chromiumPath) || !hasFont()) {
		throw new Error(`still missing after apt-get install: ${list}`);
	}
}

// ---------------------------------------------------------------------------------------------------------
// The page: xterm.js with a dark theme

// One Dark-like colours; "black" stays black so a highlighted value (black on yellow) reads well, and
// bright black (the program's gray labels and borders) stays legible on the dark background.
const theme = {
	background: '#1e2127',
	foreground: '#d7dae0',
	cursor: '#d7dae0',
	black: '#000000',
	red: '#e06c75',
	green: '#98c379',
	yellow: '#e5c07b',
	blue: '#61afef',
	magenta: '#c678dd',
	cyan: '#56b6c2',
	white: '#d7dae0',
	brightBlack: '#7f848e',
	brightRed: '#f07c85',
	brightGreen: '#a8d389',
	brightYellow: '#f0cc8b',
	brightBlue: '#71bfff',
	brightMagenta: '#d688ed',
	brightCyan: '#66c6d2',
	brightWhite: '#ffffff',
};

const pageHtml = `<!doctype html>
<html><head><meta charset="utf-8"><style>
html, body { margin: 0; padding: 0; background: ${theme.background}; }
#frame { display: inline-block; padding: 10px 12px; background: ${theme.background}; }
.xterm-viewport, .xterm-scrollable-element > .scrollbar { display: none !important; }
</style></head><body><div id="frame"><div id="term"></div></div></body></html>`;

function pageSetup({cols, rows, theme, fontFamily}) {
	const term = new window.Terminal({
		cols,
		rows,
		theme,
		fontFamily: `'${fontFamily}', monospace`,
		fontSize: 14,
		lineHeight: 1,
		scrollback: 0,
		cursorBlink: false,
		allowTransparency: false,
		drawBoldTextInBrightColors: false,
		fontWeightBold: 'bold',
	});
	term.open(document.querySelector('#term'));
	window.feed = base64 =>
		new Promise(resolve => {
			const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
			term.write(bytes, resolve);
		});
	// What is on the screen: the text of each row, and the runs of cells drawn on yellow (a highlight).
	window.screenState = () => {
		const buffer = term.buffer.active;
		const lines = [];
		const highlights = [];
		let cell;
		for (let y = 0; y < term.rows; y++) {
			const line = buffer.getLine(buffer.viewportY + y);
			lines.push(line ? line.translateToString(true) : '');
			let run = '';
			for (let x = 0; line && x < term.cols; x++) {
				cell = line.getCell(x, cell);
				const yellow = cell && cell.isBgPalette() && (cell.getBgColor() === 3 || cell.getBgColor() === 11);
				if (yellow) {
					run += cell.getChars() || ' ';
				} else if (run) {
					highlights.push(run);
					run = '';
				}
			}

			if (run) {
				highlights.push(run);
			}
		}

		return {lines, highlights, altScreen: buffer.type === 'alternate'};
	};
}

// ---------------------------------------------------------------------------------------------------------
// Small files: Chromium's PNG has a thousand or so colours (anti-aliased text); an indexed PNG of the 256
// most frequent, with every theme colour kept exactly, looks the same at a third of the size.

function hexToRgb(hex) {
	const n = Number.parseInt(hex.slice(1), 16);
	return [n >> 16, (n >> 8) & 255, n & 255];
}

function toIndexedPng(pngBytes, {decode, encode}) {
	const {width, height, data, channels} = decode(pngBytes);
	const pixels = width * height;
	const key = o => (data[o] << 16) | (data[o + 1] << 8) | data[o + 2];
	const counts = new Map();
	for (let i = 0; i < pixels; i++) {
		const k = key(i * channels);
		counts.set(k, (counts.get(k) ?? 0) + 1);
	}

	const pinned = Object.values(theme).map(hex => {
		const [r, g, b] = hexToRgb(hex);
		return (r << 16) | (g << 8) | b;
	});
	const keys = [...new Set([...pinned.filter(k => counts.has(k)), ...[...counts.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k)])].slice(
		0,
		256,
	);
	const palette = keys.map(k => [k >> 16, (k >> 8) & 255, k & 255]);
	const nearest = new Map(keys.map((k, i) => [k, i]));
	const indices = new Uint8Array(pixels);
	for (let i = 0; i < pixels; i++) {
		const o = i * channels;
		const k = key(o);
		let index = nearest.get(k);
		if (index === undefined) {
			let best = Infinity;
			for (const [j, [r, g, b]] of palette.entries()) {
				const distance = 3 * (r - data[o]) ** 2 + 4 * (g - data[o + 1]) ** 2 + 2 * (b - data[o + 2]) ** 2;
				if (distance < best) {
					best = distance;
					index = j;
				}
			}

			nearest.set(k, index);
		}

		indices[i] = index;
	}

	return encode({width, height, data: indices, depth: 8, channels: 1, palette}, {zlib: {level: 9}});
}

// ---------------------------------------------------------------------------------------------------------
// One run of the CLI in a pseudo-terminal, its output streamed into one page

const bsu = Buffer.from('\u001B[?2026h');
const esu = Buffer.from('\u001B[?2026l');
const children = new Set();
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

class TerminalRun {
	constructor(page, child) {
		this.page = page;
		this.child = child;
		this.all = Buffer.alloc(0);
		this.held = [];
		this.frozen = false;
		this.chain = Promise.resolve();
		this.lastByteAt = Date.now();
		this.exited = new Promise(resolve => child.on('exit', (code, signal) => resolve({code, signal})));
		child.stdout.on('data', chunk => {
			this.all = Buffer.concat([this.all, chunk]);
			this.lastByteAt = Date.now();
			if (this.frozen) {
				this.held.push(chunk);
			} else {
				this.send(chunk);
			}
		});
	}

	send(chunk) {
		const base64 = chunk.toString('base64');
		this.chain = this.chain.then(() => this.page.evaluate(data => window.feed(data), base64));
	}

	/** Inside a synchronized-output frame that has not ended yet. */
	get inFrame() {
		return this.all.lastIndexOf(bsu) > this.all.lastIndexOf(esu);
	}

	key(text) {
		this.child.stdin.write(text);
	}

	/**
	 * Waits until the screen, after a complete frame and quietMs without output, satisfies predicate; then
	 * holds the feed (what the program writes meanwhile waits) until release(). Returns the screen state.
	 */
	async hold(predicate, {label, timeoutMs = 20_000, quietMs = 300}) {
		const deadline = Date.now() + timeoutMs;
		let state;
		for (;;) {
			if (Date.now() - this.lastByteAt >= quietMs && !this.inFrame) {
				this.frozen = true;
				await this.chain;
				state = await this.page.evaluate(() => window.screenState());
				if (this.held.length === 0 && predicate(state)) {
					return state;
				}

				this.release();
			}

			if (Date.now() > deadline) {
				const screen = (state?.lines ?? []).map(line => `  |${line}`).join('\n');
				throw new Error(`timed out waiting for ${label}; the screen was:\n${screen}`);
			}

			await sleep(50);
		}
	}

	release() {
		this.frozen = false;
		for (const chunk of this.held.splice(0)) {
			this.send(chunk);
		}
	}

	async wait(predicate, options) {
		const state = await this.hold(predicate, options);
		this.release();
		return state;
	}

	async stop() {
		if (this.child.exitCode === null && this.child.signalCode === null) {
			this.key('q');
			const quit = await Promise.race([this.exited, sleep(3000).then(() => undefined)]);
			if (!quit) {
				try {
					process.kill(-this.child.pid, 'SIGKILL');
				} catch {}

				await Promise.race([this.exited, sleep(2000)]);
			}
		}

		await this.chain.catch(() => {});
	}
}

// ---------------------------------------------------------------------------------------------------------
// Shots

const text = state => state.lines.join('\n');
const has404 = state => text(state).includes('to appear');

/**
 * Moves the simulator to each step in turn, and waits until the watcher has fetched it and drawn what
 * changed (a poll that changes nothing draws nothing: then one second without output will do).
 */
async function walk(ctx, steps) {
	for (const step of steps) {
		const requestsBefore = ctx.sim.requestCount;
		const bytesBefore = ctx.run.all.length;
		ctx.sim.goTo(step);
		ctx.run.key('r');
		const answered = () => {
			const count = ctx.sim.requestCount - requestsBefore;
			return count > 0 && ctx.sim.requests.slice(-count).some(r => r.status === 200 || r.status === 404);
		};

		const deadline = Date.now() + 10_000;
		while (!answered()) {
			if (Date.now() > deadline) {
				throw new Error(`the watcher did not fetch step ${step}`);
			}

			await sleep(25);
		}

		const answeredAt = Date.now();
		while (ctx.run.all.length === bytesBefore && Date.now() - answeredAt < 1000) {
			await sleep(25);
		}

		await ctx.run.wait(() => true, {label: `the frame of step ${step}`});
	}
}

const noHighlights = state => state.highlights.length === 0;

async function settle(ctx) {
	await ctx.run.wait(noHighlights, {label: 'highlights to end', timeoutMs: highlightMs + 10_000});
}

const range = (from, to) => Array.from({length: to - from + 1}, (_, i) => from + i);

const shots = [
	{
		name: 'waiting',
		caption: 'waiting for the job to appear (the API answers 404)',
		scenario: 'demo',
		async drive(ctx) {
			await walk(ctx, [0]);
			return ctx.run.hold(has404, {label: 'the waiting line'});
		},
	},
	{
		name: 'pending',
		caption: 'Pending: one pod of three runs; the counters that moved are highlighted',
		scenario: 'demo',
		async drive(ctx) {
			await walk(ctx, range(0, 3));
			await settle(ctx);
			await walk(ctx, [4]);
			return ctx.run.hold(s => text(s).includes('Pending') && s.highlights.some(h => h.includes('1↑')), {
				label: 'Pending with running 1↑ highlighted',
			});
		},
	},
	{
		name: 'running-change',
		caption: 'the job has just started Running: phase, counters and tasks changed',
		scenario: 'demo',
		async drive(ctx) {
			await walk(ctx, range(0, 4));
			await settle(ctx);
			await walk(ctx, [5]);
			return ctx.run.hold(s => s.highlights.some(h => h.includes('Running')) && s.highlights.some(h => h.includes('3↑')), {
				label: 'Running highlighted',
			});
		},
	},
	{
		name: 'completed',
		caption: 'Completed, a while after the last change',
		scenario: 'demo',
		async drive(ctx) {
			await walk(ctx, range(0, 8));
			await settle(ctx);
			return ctx.run.hold(s => text(s).includes('Completed') && noHighlights(s), {label: 'Completed'});
		},
	},
	{
		name: 'failed',
		caption: 'Failed after three restarts (the fail scenario): why, in the Failures panel',
		scenario: 'fail',
		async drive(ctx) {
			await walk(ctx, range(0, ctx.sim.scenario.steps.length - 1));
			await settle(ctx);
			// The last failure's log is read after the pods: the panel is whole when its last line is there.
			return ctx.run.hold(s => text(s).includes('Failed') && text(s).includes('received SIGTERM') && noHighlights(s), {label: 'Failed, with its Failures panel'});
		},
	},
	{
		name: 'narrow',
		caption: 'a 60×20 terminal: the master pod has succeeded',
		scenario: 'demo',
		cols: 60,
		rows: 20,
		async drive(ctx) {
			await walk(ctx, range(0, 5));
			await settle(ctx);
			await walk(ctx, [6]);
			return ctx.run.hold(s => s.highlights.length > 0, {label: 'a highlighted change'});
		},
	},
	{
		name: 'unschedulable',
		caption: 'an 80×24 terminal: Pending, and why: the PodGroup\'s Unschedulable message and the scheduler\'s warnings',
		scenario: 'unschedulable',
		cols: 80,
		rows: 24,
		async drive(ctx) {
			await walk(ctx, range(0, 2));
			await settle(ctx);
			return ctx.run.hold(s => text(s).includes('gang unschedulable') && text(s).includes('⚠') && text(s).includes('Pods 3') && noHighlights(s), {
				label: 'the PodGroup message and the warnings',
			});
		},
	},
	{
		name: 'image-pull',
		caption: 'the pods view (key o): which pod cannot start, and why, in full',
		scenario: 'image-pull',
		async drive(ctx) {
			await walk(ctx, range(0, 3));
			await ctx.run.wait(s => text(s).includes('ImagePullBackOff'), {label: 'the failing pod', timeoutMs: 20_000});
			ctx.run.key('o');
			return ctx.run.hold(s => text(s).includes('Why') && text(s).includes('Esc back'), {label: 'the pods view'});
		},
	},
	{
		name: 'actions',
		caption: 'with --actions: S and y suspended the job (AbortJob: Aborting, Aborted), then R and y resumed it (ResumeJob: Restarting)',
		scenario: 'demo',
		args: ['--actions'],
		async drive(ctx) {
			await walk(ctx, range(0, 5));
			await settle(ctx);
			ctx.run.key('S');
			await ctx.run.wait(s => text(s).includes('y sends it'), {label: 'the question for S'});
			ctx.run.key('y');
			// The simulator's controller takes the Command on its own; the steps after it are driven from here.
			await ctx.run.wait(s => text(s).includes('AbortJob sent') && text(s).includes('│ Aborting'), {label: 'Aborting', timeoutMs: 15_000});
			// Its pods take a moment to go, as on a cluster.
			await sleep(2000);
			ctx.sim.advance();
			await ctx.run.wait(s => text(s).includes('│ Aborted'), {label: 'Aborted', timeoutMs: 15_000});
			await settle(ctx);
			ctx.run.key('R');
			await ctx.run.wait(s => text(s).includes('y sends it'), {label: 'the question for R'});
			ctx.run.key('y');
			return ctx.run.hold(s => text(s).includes('ResumeJob sent') && text(s).includes('│ Restarting') && text(s).includes('CommandIssued'), {
				label: 'Restarting, with the line saying what was sent',
				timeoutMs: 15_000,
			});
		},
	},
	{
		name: 'retrying',
		caption: 'the server fails (503, then an nginx 502 page): retrying with backoff, the last job kept',
		scenario: 'demo',
		// The faults are served to job GETs: polled, as a server without watches is.
		args: ['--poll', '--interval', '2s', '--max-wait', '30s'],
		async drive(ctx, faults) {
			await walk(ctx, range(0, 5));
			await settle(ctx);
			ctx.sim.injectFaults(
				faults.statusFault(503),
				faults.proxyHtmlFault(502),
				faults.statusFault(503),
				faults.proxyHtmlFault(502),
				faults.statusFault(503),
				faults.proxyHtmlFault(502),
			);
			return ctx.run.hold(s => /retrying: attempt [3-9]/.test(text(s)) && text(s).includes('HTML page'), {
				label: 'retrying: attempt 3 with the 502 page',
				timeoutMs: 45_000,
			});
		},
	},
];

// ---------------------------------------------------------------------------------------------------------

async function takeShot(browser, shot, simulator, faults, png, cleanups) {
	const cols = shot.cols ?? 100;
	const rows = shot.rows ?? 30;
	const sim = await simulator.startSimulator({scenario: shot.scenario, autoplay: false, port: 0});
	cleanups.push(() => sim.close());
	const page = await browser.newPage({viewport: {width: cols * 10 + 80, height: rows * 20 + 80}, deviceScaleFactor: 1});
	cleanups.push(() => page.close());
	await page.setContent(pageHtml);
	await page.addStyleTag({path: require.resolve('@xterm/xterm/css/xterm.css')});
	await page.addScriptTag({path: require.resolve('@xterm/xterm/lib/xterm.js')});
	await page.evaluate(pageSetup, {cols, rows, theme, fontFamily});

	// A user's terminal: no CI variables (Ink draws only the last frame in CI), colours on.
	const env = Object.fromEntries(
		Object.entries(process.env).filter(([key]) => !['CI', 'CONTINUOUS_INTEGRATION', 'NO_COLOR', 'FORCE_COLOR'].includes(key) && !key.startsWith('CI_')),
	);
	env.TERM = 'xterm-256color';
	env.LANG = env.LC_ALL = 'C.UTF-8';
	delete env.HW_AUTH_TOKEN;
	const quote = s => `'${String(s).replaceAll("'", "'\\''")}'`;
	const cli = [
		process.execPath,
		join(root, 'dist', 'cli.js'),
		sim.scenario.jobName,
		'-n',
		sim.scenario.namespace,
		'-s',
		sim.url,
		'--highlight',
		`${highlightMs}ms`,
		...(shot.args ?? []),
	];
	const command = `stty cols ${cols} rows ${rows}; exec ${cli.map(quote).join(' ')}`;
	const child = spawn('script', ['-q', '-f', '-e', '-c', command, '/dev/null'], {
		cwd: root,
		env,
		stdio: ['pipe', 'pipe', 'pipe'],
		detached: true,
	});
	let stderr = '';
	child.stderr.on('data', chunk => {
		stderr += chunk;
	});
	children.add(child);
	child.on('exit', () => children.delete(child));
	const run = new TerminalRun(page, child);
	cleanups.push(() => run.stop());

	await run.wait(s => s.altScreen && text(s).includes(sim.scenario.jobName), {label: 'the first frame'}).catch(error => {
		throw new Error(`${error.message}\n${stderr}`);
	});
	const state = await shot.drive({sim, run}, faults);
	const file = join(outDir, `${shot.name}.png`);
	const picture = await page.locator('#frame').screenshot({animations: 'disabled'});
	writeFileSync(file, toIndexedPng(picture, png));
	run.release();
	return {file, state};
}

async function main() {
	ensurePrerequisites();
	if (!existsSync(join(root, 'dist', 'cli.js'))) {
		throw new Error('dist/cli.js is missing: run `npm run build` first (`npm run screenshots` does)');
	}

	// The simulator's one door (package.json "imports"): startSimulator and the fault helpers.
	const simulator = await import('#simulator');
	const faults = simulator;
	const {chromium} = await import('playwright-core');
	const png = await import('fast-png');

	const wanted = process.argv.slice(2);
	const selected = wanted.length === 0 ? shots : shots.filter(shot => wanted.includes(shot.name));
	if (selected.length === 0) {
		throw new Error(`no such shot: ${wanted.join(' ')}; shots: ${shots.map(shot => shot.name).join(' ')}`);
	}

	mkdirSync(outDir, {recursive: true});
	// Playwright starts Chromium with a fresh temporary profile of its own; HOME points into a temporary
	// folder too, so nothing of the user's is read or written.
	const home = mkdtempSync(join(tmpdir(), 'vcjob-watch-shots-'));
	const browser = await chromium.launch({
		executablePath: chromiumPath,
		headless: true,
		timeout: 60_000,
		env: {...process.env, HOME: home},
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--font-render-hinting=none',
		],
	});
	try {
		for (const shot of selected) {
			const cleanups = [];
			const started = Date.now();
			try {
				const {file} = await takeShot(browser, shot, simulator, faults, png, cleanups);
				const kb = (statSync(file).size / 1024).toFixed(1);
				console.log(`${relative(root, file)}  ${kb} KB  ${((Date.now() - started) / 1000).toFixed(1)}s  ${shot.caption}`);
			} finally {
				for (const cleanup of cleanups.reverse()) {
					await cleanup().catch(() => {});
				}
			}
		}
	} finally {
		await browser.close().catch(() => {});
		rmSync(home, {recursive: true, force: true});
	}
}

// Every pseudo-terminal ends with this process: killing `script` closes the terminal, and the CLI inside
// it gets SIGHUP.
function killChildren() {
	for (const child of children) {
		try {
			process.kill(-child.pid, 'SIGKILL');
		} catch {}
	}
}

process.on('exit', killChildren);
for (const [signal, code] of [
	['SIGINT', 130],
	['SIGTERM', 143],
	['SIGHUP', 129],
]) {
	process.on(signal, () => {
		console.error(`screenshots: stopped by ${signal}`);
		process.exit(code);
	});
}

const watchdog = setTimeout(() => {
	console.error(`screenshots: gave up after ${overallLimitMs / 1000}s`);
	process.exit(1);
}, overallLimitMs);
watchdog.unref();

try {
	await main();
} catch (error) {
	console.error(`screenshots: ${error instanceof Error ? error.message : error}`);
	process.exitCode = 1;
}
