// The Ink side of the program, loaded only for the TUI: text and JSON output never pay for React and Ink.
import {render, renderToString} from 'ink';
import {App} from './app.js';
import {Screen} from './components/screen.js';
import {colorTheme, plainTheme, ThemeProvider} from './components/theme.js';
import type {WatchConfig} from './config.js';
import type {DetailsWatcher} from './core/watch-details.js';
import type {JobWatcher} from './core/watch-job.js';
import type {WatchState} from './core/watch-state.js';
import {createWatchStore} from './core/watch-store.js';
import {exitCodes} from './exit-codes.js';
import {isoSeconds, jobLine} from './output/text-writer.js';
import {runBoth, watchForFinish, type Io, type Target} from './run-watch.js';
import {CellScreen} from './terminal/cell-screen.js';

const enterAlternateScreen = '\u001B[?1049h';
const leaveAlternateScreen = '\u001B[?1049l';
const hideCursor = '\u001B[?25l';
const showCursor = '\u001B[?25h';
const resetStyle = '\u001B[0m';

/** A static frame of the panels for --once: tall enough to list everything, as wide as the terminal. */
export function renderFrame(state: WatchState, config: WatchConfig, columns: number, source?: string): string {
	return renderToString(
		<ThemeProvider value={config.color ? colorTheme : plainTheme}>
			<Screen state={state} intervalMs={config.intervalMs} columns={columns} rows={200} keys={false} details={config.details} source={source} />
		</ThemeProvider>,
		{columns},
	);
}

export async function runTui(config: WatchConfig, io: Io, target: Target, watcher: JobWatcher, details?: DetailsWatcher): Promise<number> {
	const store = createWatchStore(watcher, {...target, highlightMs: config.highlightMs});
	details?.subscribe(store.dispatch);
	let code: number = exitCodes.ok;
	const quit = (exitCode: number) => {
		code = exitCode;
		watcher.stop();
	};

	// Full screen (the default): Ink draws whole frames into a CellScreen, which writes only the cells that
	// changed. Without it (--no-alt-screen), Ink's own line-by-line incremental rendering in place.
	const screen = config.altScreen ? new CellScreen(io.stdout) : undefined;
	const leaveScreen = () => {
		io.stdout.write(`${resetStyle}${showCursor}${leaveAlternateScreen}`);
	};

	if (screen) {
		io.stdout.write(`${enterAlternateScreen}${hideCursor}`);
		// Whatever ends the process, the terminal gets its screen and cursor back.
		process.once('exit', leaveScreen);
	}

	const instance = render(
		<ThemeProvider value={config.color ? colorTheme : plainTheme}>
			<App
				store={store}
				watcher={watcher}
				details={details}
				intervalMs={config.intervalMs}
				source={target.connection?.credentials.description}
				notices={target.connection?.warnings ?? []}
				onQuit={reason => quit(reason === 'interrupt' ? exitCodes.sigint : exitCodes.ok)}
			/>
		</ThemeProvider>,
		{
			stdout: (screen as unknown as NodeJS.WriteStream | undefined) ?? io.stdout,
			stdin: io.stdin,
			stderr: io.stderr,
			// Keys are ours: Ctrl+C is a key in raw mode and quits through the same path as q.
			exitOnCtrlC: false,
			// Nothing of ours logs to the console; patching it would mix text into the frames.
			patchConsole: false,
			...(screen
				? {debug: true}
				: {
						// Only changed lines are rewritten: over SSH every byte counts.
						incrementalRendering: true,
						// Polls arrive every few seconds; 10 frames a second is plenty and bounds a burst.
						maxFps: 10,
					}),
		},
	);
	if (config.exitOnFinish) {
		watchForFinish(watcher, quit);
	}

	const stop = () => watcher.stop();
	io.signal.addEventListener('abort', stop, {once: true});
	try {
		await runBoth(watcher, details);
		await instance.waitUntilRenderFlush();
	} finally {
		io.signal.removeEventListener('abort', stop);
		instance.unmount();
		await instance.waitUntilExit().catch(() => {});
		store.dispose();
		if (screen) {
			screen.dispose();
			leaveScreen();
			process.off('exit', leaveScreen);
		}
	}

	if (screen) {
		// The full-screen frame is gone with the alternate screen: leave one line of record behind.
		const {job, namespace, name} = store.getState();
		io.stdout.write(
			`${isoSeconds(Date.now())} ${namespace}/${name} ${job ? jobLine(job) : 'not seen (it did not exist while watched)'}\n`,
		);
	}

	return code;
}
