// The namespace view's Ink side, loaded only for the TUI or a --once frame.
import type {NamespaceState} from '../../state/namespace-state.js';
import {NamespaceApp} from '../../tui/namespace/namespace-app.js';
import {NamespaceScreen} from '../../tui/namespace/namespace-screen.js';
import {initialTableView, phaseCounts, visibleRows} from '../../tui/namespace/namespace-view.js';
import type {JobSession} from '../../tui/namespace/use-job-session.js';
import type {NamespaceWatcher} from '../../watch/namespace-watcher.js';
import type {ViewTui} from '../view-driver.js';
import {jobTitle, namespaceTitle} from '../terminal/title-text.js';
import {createListeners} from '../../common/listeners.js';

export type NamespaceTuiParts = {
	readonly watcher: Pick<NamespaceWatcher, 'pollNow' | 'setPaused' | 'paused'>;
	readonly openJob: (name: string) => JobSession;
	readonly intervalMs: number;
};

/** One line for the scrollback when the full screen goes: how the namespace stood. */
export function namespaceRecord(state: NamespaceState): string {
	if (!state.listed) return `${state.namespace} not listed (no answer while watched)`;
	const counts = phaseCounts(state.rows, state.version);
	const total = counts.reduce((sum, entry) => sum + entry.count, 0);
	const phases = counts.map(entry => `${entry.phase}=${entry.count}`).join(' ');
	return `${state.namespace} jobs=${total}${phases ? ` ${phases}` : ''}`;
}

export function namespaceTui({watcher, openJob, intervalMs}: NamespaceTuiParts): ViewTui<NamespaceState> {
	// While a job opened from the table is on screen, the title is that job's, as `vcjob NAME` would give it.
	let opened: JobSession | undefined;
	const titleListeners = createListeners<void>();
	const openWithTitle = (name: string): JobSession => {
		const session = openJob(name);
		opened = session;
		const unsubscribe = session.store.subscribe(() => titleListeners.emit(undefined));
		titleListeners.emit(undefined);
		return {
			...session,
			close() {
				unsubscribe();
				if (opened === session) opened = undefined;
				titleListeners.emit(undefined);
				session.close();
			},
		};
	};

	return {
		root: ({store, onQuit, source, notices}) => (
			<NamespaceApp store={store} watcher={watcher} intervalMs={intervalMs} openJob={openWithTitle} source={source} notices={notices} onQuit={onQuit} />
		),
		// The table once, every row of it.
		frame: (state, columns, source) => (
			<NamespaceScreen
				all
				state={state}
				list={visibleRows(state.rows, '', 'name')}
				view={initialTableView}
				columns={columns}
				rows={0}
				intervalMs={intervalMs}
				keys={false}
				source={source}
			/>
		),
		record: namespaceRecord,
		title(state) {
			if (opened) {
				const job = opened.store.getState();
				return jobTitle(job.name, job.job, job.missingSince !== undefined);
			}

			return namespaceTitle(state.namespace, state.listed, phaseCounts(state.rows, state.version));
		},
		titleChanges: listener => titleListeners.subscribe(() => listener()),
	};
}
