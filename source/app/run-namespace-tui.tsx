// The namespace's TUI, loaded only for it: text and JSON output never pay for React and Ink.
import {renderToString} from 'ink';
import {NamespaceScreen} from '../tui/namespace/namespace-screen.js';
import {colorTheme, plainTheme, ThemeProvider} from '../tui/kit/theme.js';
import type {Options} from './options.js';
import type {NamespaceState} from '../state/namespace-state.js';
import {createNamespaceStore} from '../state/namespace-store.js';
import {initialTableView, phaseCounts, visibleRows} from '../tui/namespace/namespace-view.js';
import type {NamespaceWatcher} from '../watch/namespace-watcher.js';
import {createJobViewStore} from '../state/job-view-store.js';
import {exitCodes} from './exit-codes.js';
import type {JobSession} from '../tui/namespace/use-job-session.js';
import {NamespaceApp} from '../tui/namespace/namespace-app.js';
import {isoSeconds} from '../output/text-writer.js';
import type {NamespaceTarget} from './run-namespace.js';
import {createJobLoops, runBoth, type Io} from './run-watch.js';
import {mountTui} from '../tui/full-screen.js';

/** The table once, every row of it, as wide as the terminal: --once. */
export function renderNamespaceFrame(state: NamespaceState, config: Options, columns: number, source?: string): string {
	return renderToString(
		<ThemeProvider value={config.color ? colorTheme : plainTheme}>
			<NamespaceScreen
				all
				state={state}
				list={visibleRows(state.rows, '', 'name')}
				view={initialTableView}
				columns={columns}
				rows={0}
				intervalMs={config.intervalMs}
				keys={false}
				source={source}
			/>
		</ThemeProvider>,
		{columns},
	);
}

/** One line for the scrollback when the full screen goes: how the namespace stood. */
export function namespaceRecord(state: NamespaceState): string {
	if (!state.listed) return `${state.namespace} not listed (no answer while watched)`;
	const counts = phaseCounts(state.rows);
	const total = counts.reduce((sum, entry) => sum + entry.count, 0);
	const phases = counts.map(entry => `${entry.phase}=${entry.count}`).join(' ');
	return `${state.namespace} jobs=${total}${phases ? ` ${phases}` : ''}`;
}

export async function runNamespaceTui(config: Options, io: Io, target: NamespaceTarget, watcher: NamespaceWatcher): Promise<number> {
	const store = createNamespaceStore(watcher, {namespace: target.namespace, selector: config.selector, highlightMs: config.highlightMs});
	let code: number = exitCodes.ok;
	const quit = (exitCode: number) => {
		code = exitCode;
		watcher.stop();
	};

	// A job opened from the table gets the loops and store of a single-job watch, stopped when it is closed.
	const sessions = new Set<JobSession>();
	const crashes: unknown[] = [];
	const openJob = (name: string): JobSession => {
		const job = {namespace: target.namespace, name};
		const loops = createJobLoops(config, target.clientOptions, job);
		const jobStore = createJobViewStore(loops.watcher, {...job, highlightMs: config.highlightMs});
		loops.details?.subscribe(jobStore.dispatch);
		const running = runBoth(loops.watcher, loops.details).catch((error: unknown) => {
			crashes.push(error);
			watcher.stop();
		});
		const session: JobSession = {
			name,
			store: jobStore,
			watcher: loops.watcher,
			details: loops.details,
			close() {
				sessions.delete(session);
				loops.watcher.stop();
				loops.details?.stop();
				void running.finally(() => jobStore.dispose());
			},
		};
		sessions.add(session);
		return session;
	};

	const tui = mountTui(
		<ThemeProvider value={config.color ? colorTheme : plainTheme}>
			<NamespaceApp
				store={store}
				watcher={watcher}
				intervalMs={config.intervalMs}
				openJob={openJob}
				source={target.connection.credentials.description}
				notices={target.connection.warnings}
				onQuit={reason => quit(reason === 'interrupt' ? exitCodes.sigint : exitCodes.ok)}
			/>
		</ThemeProvider>,
		io,
		config.altScreen,
	);

	const stop = () => watcher.stop();
	io.signal.addEventListener('abort', stop, {once: true});
	try {
		await watcher.run();
		await tui.instance.waitUntilRenderFlush();
	} finally {
		io.signal.removeEventListener('abort', stop);
		await tui.close();
		for (const session of [...sessions]) session.close();
		store.dispose();
	}

	if (tui.fullScreen) {
		io.stdout.write(`${isoSeconds(Date.now())} ${namespaceRecord(store.getState())}\n`);
	}

	if (crashes.length > 0) throw crashes[0];
	return code;
}
