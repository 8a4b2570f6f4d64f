import {useInput, useStdin, useWindowSize} from 'ink';
import {useState} from 'react';
import type {DetailsWatcher} from '../../watch/details-poller.js';
import type {JobWatcher} from '../../watch/job-watcher.js';
import type {JobViewStore} from '../../state/job-view-store.js';
import {dispatchKey, jobKeys, type JobAction, type KeyHandlers} from '../keys.js';
import {jobScreen} from './help-overlay.js';
import {Screen} from './screen.js';
import {planScreen, wantedFor, type View} from './screen-plan.js';
import {useDetailsDemand} from './use-details-demand.js';
import {useJobView} from './use-job-view.js';

type Props = {
	readonly store: JobViewStore;
	readonly watcher: Pick<JobWatcher, 'pollNow' | 'setPaused' | 'paused'>;
	/** The PodGroup/pods/events loop; absent with --no-details. */
	readonly details?: Pick<DetailsWatcher, 'setWanted' | 'pollNow'> | undefined;
	readonly intervalMs: number;
	/** q quits; Ctrl+C interrupts (exit 130, as a shell expects). */
	readonly onQuit: (reason: 'quit' | 'interrupt') => void;
	readonly source?: string | undefined;
	readonly notices?: readonly string[];
	/** Opened from the namespace's table: Esc in the main view goes back there. */
	readonly onBack?: (() => void) | undefined;
};

/** The live TUI: the watch state, the terminal's size, and the keys. */
export function App({store, watcher, details, intervalMs, onQuit, source, notices = [], onBack}: Props) {
	const state = useJobView(store);
	const {columns, rows} = useWindowSize();
	// `ssh host cmd` without -t gives no TTY on stdin: then there are no keys to read, only Ctrl+C.
	const {isRawModeSupported} = useStdin();
	const [view, setView] = useState<View>('main');
	const withDetails = details !== undefined;
	const plan = planScreen(state, {columns, rows: rows - notices.length, details: withDetails});
	useDetailsDemand(details, wantedFor(view, plan, withDetails));

	// The same key again goes back, like ? does for the help.
	const toggle = (next: View) => {
		setView(shown => (shown === next ? 'main' : next));
	};

	const handlers: KeyHandlers<JobAction> = {
		quit: () => onQuit('quit'),
		interrupt: () => onQuit('interrupt'),
		refresh() {
			watcher.pollNow();
			details?.pollNow();
		},
		pause: () => watcher.setPaused(!watcher.paused),
		events: () => toggle('events'),
		pods: () => toggle('pods'),
		podGroup: () => toggle('podGroup'),
		timeline: () => toggle('timeline'),
		help: () => toggle('help'),
		'main-view': () => setView('main'),
		jobs: () => onBack?.(),
	};

	useInput(
		(input, key) => {
			dispatchKey(jobKeys, handlers, jobScreen(view), input, key, {details: withDetails, back: onBack !== undefined});
		},
		{isActive: isRawModeSupported === true},
	);

	return (
		<Screen
			state={state}
			intervalMs={intervalMs}
			columns={columns}
			rows={rows}
			view={view}
			keys={isRawModeSupported === true}
			details={withDetails}
			source={source}
			notices={notices}
			back={onBack !== undefined}
		/>
	);
}
