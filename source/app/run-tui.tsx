// The Ink side of the program, loaded only for the TUI: text and JSON output never pay for React and Ink.
import {renderToString} from 'ink';
import {App} from '../tui/job/job-app.js';
import {Screen} from '../tui/job/screen.js';
import {colorTheme, plainTheme, ThemeProvider} from '../tui/kit/theme.js';
import type {Options} from './options.js';
import type {DetailsWatcher} from '../watch/details-poller.js';
import type {JobWatcher} from '../watch/job-watcher.js';
import type {JobViewState} from '../state/job-view.js';
import {createJobViewStore} from '../state/job-view-store.js';
import {exitCodes} from './exit-codes.js';
import {isoSeconds, jobLine} from '../output/text-writer.js';
import {runBoth, watchForFinish, type Io, type Target} from './run-watch.js';
import {mountTui} from '../tui/full-screen.js';

/** A static frame of the panels for --once: tall enough to list everything, as wide as the terminal. */
export function renderFrame(state: JobViewState, config: Options, columns: number, source?: string): string {
	return renderToString(
		<ThemeProvider value={config.color ? colorTheme : plainTheme}>
			<Screen state={state} intervalMs={config.intervalMs} columns={columns} rows={200} keys={false} details={config.details} source={source} />
		</ThemeProvider>,
		{columns},
	);
}

export async function runTui(config: Options, io: Io, target: Target, watcher: JobWatcher, details?: DetailsWatcher): Promise<number> {
	const store = createJobViewStore(watcher, {...target, highlightMs: config.highlightMs});
	details?.subscribe(store.dispatch);
	let code: number = exitCodes.ok;
	const quit = (exitCode: number) => {
		code = exitCode;
		watcher.stop();
	};

	const tui = mountTui(
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
		io,
		config.altScreen,
	);
	if (config.exitOnFinish) {
		watchForFinish(watcher, quit);
	}

	const stop = () => watcher.stop();
	io.signal.addEventListener('abort', stop, {once: true});
	try {
		await runBoth(watcher, details);
		await tui.instance.waitUntilRenderFlush();
	} finally {
		io.signal.removeEventListener('abort', stop);
		await tui.close();
		store.dispose();
	}

	if (tui.fullScreen) {
		// The full-screen frame is gone with the alternate screen: leave one line of record behind.
		const {job, namespace, name} = store.getState();
		io.stdout.write(
			`${isoSeconds(Date.now())} ${namespace}/${name} ${job ? jobLine(job) : 'not seen (it did not exist while watched)'}\n`,
		);
	}

	return code;
}
