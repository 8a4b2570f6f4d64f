import {useInput, useStdin, useWindowSize} from 'ink';
import {useMemo, useState} from 'react';
import {App} from '../job/job-app.js';
import {jobsTableHeight, NamespaceScreen} from './namespace-screen.js';
import type {NamespaceStore} from '../../state/namespace-store.js';
import {initialTableView, pinSelection, reduceTableView, tableWindow, type TableView, type ViewAction} from './namespace-view.js';
import {createRowOrder} from './row-order.js';
import type {NamespaceWatcher} from '../../watch/namespace-watcher.js';
import {useJobSession, type JobSession} from './use-job-session.js';
import {dispatchKey, type KeyHandlers} from '../key-lookup.js';
import {filterKeys, tableKeys, type FilterAction, type TableAction} from '../keys.js';
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
	// Asked again only when a job changes or the filter or order does; then only the changed jobs move.
	const [order] = useState(createRowOrder);
	const {rows: jobs, version, changes} = state;
	const list = useMemo(() => order.rows({rows: jobs, version, changes}, view.filter, view.sort), [order, jobs, version, changes, view.filter, view.sort]);
	const height = jobsTableHeight(rows, notices.length);
	// The first listing selects its first row: from then on the selection follows that job, not the place. Set
	// while rendering (React's way to adjust state to what was just computed), so no frame shows it unpinned.
	const pinned = pinSelection(view, list, height);
	if (pinned !== view) setView(pinned);
	const act = (action: ViewAction) => {
		setView(current => reduceTableView(current, action, list, height));
	};

	const quit = () => onQuit('quit');
	const interrupt = () => onQuit('interrupt');
	const tableHandlers: KeyHandlers<TableAction> = {
		up: () => act({type: 'move', by: -1}),
		down: () => act({type: 'move', by: 1}),
		'page-up': () => act({type: 'page', by: -1}),
		'page-down': () => act({type: 'page', by: 1}),
		first: () => act({type: 'first'}),
		last: () => act({type: 'last'}),
		open() {
			const row = list[tableWindow(view, list, height).selected];
			if (row && row.deletedAt === undefined) setOpened(row.job.name);
		},
		filter: () => act({type: 'filter-start'}),
		'clear-filter'() {
			if (view.filter !== '') act({type: 'filter-clear'});
		},
		sort: () => act({type: 'sort-next'}),
		refresh: () => watcher.pollNow(),
		pause: () => watcher.setPaused(!watcher.paused),
		help: () => setHelp(shown => !shown),
		'close-help': () => setHelp(false),
		quit,
		interrupt,
	};
	// Typing a filter: every printable key is text, q and s included.
	const filterHandlers: KeyHandlers<FilterAction> = {
		type: text => act({type: 'filter-input', text}),
		erase: () => act({type: 'filter-backspace'}),
		keep: () => act({type: 'filter-keep'}),
		clear: () => act({type: 'filter-clear'}),
		up: () => act({type: 'move', by: -1}),
		down: () => act({type: 'move', by: 1}),
		interrupt,
	};

	useInput(
		(input, key) => {
			if (view.editing) dispatchKey(filterKeys, filterHandlers, 'filter', input, key);
			else dispatchKey(tableKeys, tableHandlers, help ? 'table-help' : 'table', input, key);
		},
		{isActive: keys && opened === undefined},
	);

	if (session) {
		return (
			<App
				store={session.store}
				watcher={session.watcher}
				details={session.details}
				openLog={session.openLog}
				actions={session.actions}
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
			longestName={order.longestName()}
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
