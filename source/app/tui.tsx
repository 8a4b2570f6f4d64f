// The one TUI runner, for either view, and the static frame of --once: loaded only for them, so text and JSON
// output never pay for React and Ink.
import '../tui/ink-loaded.js';
import {renderToString} from 'ink';
import type {ReactNode} from 'react';
import {colorTheme, plainTheme, ThemeProvider} from '../tui/kit/theme.js';
import {mountTui} from '../tui/full-screen.js';
import {isoSeconds} from '../output/text-writer.js';
import type {Connection} from '../connect/connection.js';
import {exitCodes} from './exit-codes.js';
import type {Options} from './options.js';
import type {Io} from './session.js';
import {startView, type StartedView} from './tui-start.js';
import {followTitle} from './terminal/pane-title.js';
import type {Outcome, ViewDriver, ViewTui} from './view-driver.js';

function themed(options: Pick<Options, 'color'>, node: ReactNode) {
	return <ThemeProvider value={options.color ? colorTheme : plainTheme}>{node}</ThemeProvider>;
}

/** The view once, tall enough for everything, as wide as the terminal: --once in the TUI output. */
export async function renderFrame<State, O extends Outcome>(
	driver: ViewDriver<State, O>,
	state: State,
	options: Pick<Options, 'color'>,
	columns: number,
	source: string | undefined,
): Promise<string> {
	const view = await driver.loadTui();
	return renderToString(themed(options, view.frame(state, columns, source)), {columns});
}

/** The live view until q, Ctrl+C, a signal or (--exit-on-finish) the job's end; returns the exit code. */
export async function runTui<State, O extends Outcome>(
	driver: ViewDriver<State, O>,
	options: Pick<Options, 'color' | 'altScreen' | 'exitOnFinish' | 'title'>,
	io: Io,
	connection: Pick<Connection, 'credentials' | 'warnings'>,
	started: StartedView<State> = startView(driver, options, io.signal),
): Promise<number> {
	const {store, quit} = started;
	let view: ViewTui<State>;
	try {
		view = await driver.loadTui();
	} catch (error) {
		driver.stop();
		started.release();
		throw error;
	}

	const tui = mountTui(
		themed(
			options,
			view.root({
				store,
				onQuit: reason => quit(reason === 'interrupt' ? exitCodes.sigint : exitCodes.ok),
				source: connection.credentials.description,
				notices: connection.warnings,
			}),
		),
		io,
		options.altScreen,
	);
	// The window's (or tmux pane's) title follows the view; the user's comes back once the TUI is gone.
	const title = options.title && view.title ? followTitle(store, view.title, io.stdout, io.env, view.titleChanges) : undefined;
	// The full-screen frame is gone with the alternate screen: leave one line of record behind.
	const writeRecord = () => io.stdout.write(`${isoSeconds(Date.now())} ${view.record(store.getState())}\n`);
	// An exception nothing catches, or a second signal, ends the process without the finally below; the
	// terminal is given back on exit (mountTui), and the record goes after it.
	if (tui.fullScreen) process.once('exit', writeRecord);
	let failed: {readonly error: unknown} | undefined;
	try {
		await started.running;
		await tui.instance.waitUntilRenderFlush();
	} finally {
		process.off('exit', writeRecord);
		started.release();
		// Before the screen is left: what follows leaving it is the record line, and nothing else.
		title?.stop();
		await tui.close();
		failed = driver.closeOpened?.();
		store.dispose();
		// A watch that failed leaves it too, before its error is thrown.
		if (tui.fullScreen) writeRecord();
	}

	if (failed) throw failed.error;
	return started.exitCode();
}
