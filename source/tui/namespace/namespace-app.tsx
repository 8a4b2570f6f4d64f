import {useInput, useStdin, useWindowSize} from 'ink';
import {useMemo, useState} from 'react';
import {App} from '../job/job-app.js';
import {jobsTableHeight, NamespaceScreen} from './namespace-screen.js';
import type {NamespaceStore} from '../../state/namespace-store.js';
import {initialTableView, pinSelection, reduceTableView, tableWindow, visibleRows, type TableView, type ViewAction} from './namespace-view.js';
import type {NamespaceWatcher} from '../../watch/namespace-watcher.js';
import {useJobSession, type JobSession} from './use-job-session.js';
import {useNamespaceState} from './use-namespace-state.js';

type Props = {
	readonly store: NamespaceStore;
	readonly watcher: Pick<NamespaceWatcher, 'pollNow' | 'setPaused' | 'paused'>;
	readonly intervalMs: number;
	/** q quits; Ctrl+C interrupts (exit 130). */
	readonly onQuit: (reason: 'quit' | 'interrupt') => void;
	/** Starts watching one job for its own view (Enter); its close() stops that watch (Esc). */
	readonly openJob: (name: string) => JobSession;
	readonly source?: string | undefined;
	readonly notices?: readonly string[];
};

/** The namespace's TUI: the table and its keys, or one job's own view opened from it. */
export function NamespaceApp({store, watcher, intervalMs, onQuit, openJob, source, notices = []}: Props) {
	const state = useNamespaceState(store);
	const {columns, rows} = useWindowSize();
	const {isRawModeSupported} = useStdin();
	const keys = isRawModeSupported === true;
	const [view, setView] = useState<TableView>(initialTableView);
	const [help, setHelp] = useState(false);
	const [opened, setOpened] = useState<string>();
	const session = useJobSession(openJob, opened);
	// Filtered and sorted again only when a job changes or the filter or order does.
	const list = useMemo(() => visibleRows(state.rows, view.filter, view.sort), [state.rows, view.filter, view.sort]);
	const height = jobsTableHeight(rows, notices.length);
	// The first listing selects its first row: from then on the selection follows that job, not the place. Set
	// while rendering (React's way to adjust state to what was just computed), so no frame shows it unpinned.
	const pinned = pinSelection(view, list, height);
	if (pinned !== view) setView(pinned);
	const act = (action: ViewAction) => {
		setView(current => reduceTableView(current, action, list, height));
	};

	useInput(
		(input, key) => {
			if (key.ctrl && input === 'c') {
				onQuit('interrupt');
			} else if (view.editing) {
				// Typing a filter: every printable key is text, q and s included.
				if (key.escape) act({type: 'filter-clear'});
				else if (key.return) act({type: 'filter-keep'});
				else if (key.backspace || key.delete) act({type: 'filter-backspace'});
				else if (key.upArrow) act({type: 'move', by: -1});
				else if (key.downArrow) act({type: 'move', by: 1});
				else if (!key.ctrl && !key.meta && input !== '') act({type: 'filter-input', text: input});
			} else if (input === 'q') {
				onQuit('quit');
			} else if (input === '?') {
				setHelp(shown => !shown);
			} else if (help) {
				if (key.escape) setHelp(false);
			} else if (input === '/') {
				act({type: 'filter-start'});
			} else if (input === 's') {
				act({type: 'sort-next'});
			} else if (key.upArrow || input === 'k') {
				act({type: 'move', by: -1});
			} else if (key.downArrow || input === 'j') {
				act({type: 'move', by: 1});
			} else if (key.pageUp) {
				act({type: 'page', by: -1});
			} else if (key.pageDown || input === ' ') {
				act({type: 'page', by: 1});
			} else if (key.home || input === 'g') {
				act({type: 'first'});
			} else if (key.end || input === 'G') {
				act({type: 'last'});
			} else if (key.return) {
				const row = list[tableWindow(view, list, height).selected];
				if (row && row.deletedAt === undefined) setOpened(row.job.name);
			} else if (key.escape) {
				if (view.filter !== '') act({type: 'filter-clear'});
			} else if (input === 'r') {
				watcher.pollNow();
			} else if (input === 'p') {
				watcher.setPaused(!watcher.paused);
			}
		},
		{isActive: keys && opened === undefined},
	);

	if (session) {
		return (
			<App
				store={session.store}
				watcher={session.watcher}
				details={session.details}
				intervalMs={intervalMs}
				source={source}
				notices={notices}
				onQuit={onQuit}
				onBack={() => {
					setOpened(undefined);
				}}
			/>
		);
	}

	return (
		<NamespaceScreen
			state={state}
			list={list}
			view={view}
			columns={columns}
			rows={rows}
			intervalMs={intervalMs}
			help={help}
			keys={keys}
			source={source}
			notices={notices}
		/>
	);
}
