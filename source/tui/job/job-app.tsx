import {useInput, useStdin, useWindowSize} from 'ink';
import {useState} from 'react';
import {minuteOf} from '../../common/duration.js';
import type {DetailsWatcher} from '../../watch/details-poller.js';
import type {JobWatcher} from '../../watch/job-watcher.js';
import type {OpenLog} from '../../watch/log-follower.js';
import type {JobViewStore} from '../../state/job-view-store.js';
import {dispatchKey, type KeyHandlers} from '../key-lookup.js';
import {confirmKeys, jobKeys, type ConfirmAction, type JobAction} from '../keys.js';
import {useJobActions, type ActionsPort} from './use-job-actions.js';
import {jobScreen} from './help-overlay.js';
import {fullViewRows} from './layout.js';
import {failuresViewLines} from './failures/failures-view.js';
import {logViewLines} from './failures/log-view.js';
import {selectedIndex} from './panels/pods-panel.js';
import {logTargetFor, nextContainer, type LogTarget} from './failures/pod-log.js';
import {Screen} from './screen.js';
import {hookLines} from './hook-line.js';
import {planScreen, wantedFor, type View} from './screen-plan.js';
import {scrollBy, type ScrollAction, type ScrollTop} from './scroll.js';
import {useDetailsDemand} from './use-details-demand.js';
import {useJobView} from './use-job-view.js';
import {useLogFollow} from './failures/use-log-follow.js';

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
	/** Follows a pod's log in the log view; without it, the log view shows the saved ends of failed runs only. */
	readonly openLog?: OpenLog | undefined;
	/** With --actions: what the keys that act on the job use; without it, the view only watches. */
	readonly actions?: ActionsPort | undefined;
};

/** The live TUI: the watch state, the terminal's size, and the keys. */
export function App({store, watcher, details, intervalMs, onQuit, source, notices: given = [], onBack, openLog, actions}: Props) {
	const state = useJobView(store);
	// The header names the namespace: the job's name is enough in the question.
	const acting = useJobActions(actions, state.name);
	const notices = given;
	// The confirmation, or what came of the last action, stays in lines of their own at the top.
	// --on-finish: how its command did, in a line of its own below them.
	const topMessages = [...acting.lines, ...hookLines(state.hook)];
	const topLines = given.length + topMessages.length;
	const {columns, rows} = useWindowSize();
	// `ssh host cmd` without -t gives no TTY on stdin: then there are no keys to read, only Ctrl+C.
	const {isRawModeSupported} = useStdin();
	const [view, setView] = useState<View>('main');
	// The view ? was pressed in: the help lists its keys, and ? again goes back to it (where it was scrolled to).
	const [helpFrom, setHelpFrom] = useState<View>('main');
	// The pods view's selection, by name (the list reorders as pods change); undefined: the first.
	const [selectedPod, setSelectedPod] = useState<string>();
	const [logTarget, setLogTarget] = useState<LogTarget>();
	const [top, setTop] = useState<ScrollTop>(0);
	const withDetails = details !== undefined;
	const plan = planScreen(state, {columns, rows: rows - topLines, details: withDetails});
	useDetailsDemand(details, wantedFor(view, plan, withDetails));
	// The log is followed only while its view is open: closing it, however, stops the follower.
	// The help over the log keeps it: ? again comes back to the same stream.
	const shownLog = view === 'log' || (view === 'help' && helpFrom === 'log') ? logTarget : undefined;
	const followed = useLogFollow(openLog, shownLog?.noLive === undefined ? shownLog?.pod : undefined, shownLog?.container);
	const pods = state.details.pods.status === 'ok' || state.details.pods.status === 'error' ? (state.details.pods.value ?? []) : [];
	const podNamed = (name: string) => pods.find(pod => pod.name === name);

	const show = (next: View) => {
		setView(next);
		// A log opens at its end (and follows it); the failures at the newest.
		setTop(next === 'log' ? 'end' : 0);
	};

	// The same key again goes back, like ? does for the help.
	const toggle = (next: View) => {
		show(view === next ? 'main' : next);
	};

	const scroll = (action: ScrollAction) => {
		const page = fullViewRows(rows, topLines) - 1;
		const now = minuteOf(state.now);
		const count =
			view === 'log' && logTarget
				? logViewLines({target: logTarget, failures: state.failures, log: followed}).length
				: failuresViewLines({failures: state.failures, highlights: state.highlights, now, width: columns}).length;
		setTop(current => scrollBy(current, action, count, page, view === 'log'));
	};

	const selectBy = (by: number) => {
		const index = selectedIndex(pods, selectedPod ?? '') + by;
		const pod = pods[Math.min(Math.max(0, index), pods.length - 1)];
		if (pod) setSelectedPod(pod.name);
	};

	const openLogView = () => {
		const pod = pods[selectedIndex(pods, selectedPod ?? '')];
		if (!pod) return;
		setLogTarget(logTargetFor(pod, state.failures, openLog !== undefined));
		show('log');
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
		failures: () => toggle('failures'),
		help() {
			if (view === 'help') {
				setView(helpFrom);
				return;
			}

			setHelpFrom(view);
			setView('help');
		},
		'select-up': () => selectBy(-1),
		'select-down': () => selectBy(1),
		log: () => (view === 'log' ? show('pods') : openLogView()),
		container: () => setLogTarget(target => target && nextContainer(target, podNamed(target.pod), state.failures)),
		'pause-log': () => followed.togglePause(),
		'scroll-up': () => scroll('scroll-up'),
		'scroll-down': () => scroll('scroll-down'),
		'page-up': () => scroll('page-up'),
		'page-down': () => scroll('page-down'),
		top: () => scroll('top'),
		bottom: () => scroll('bottom'),
		'close-log': () => show('pods'),
		'main-view': () => show('main'),
		jobs: () => onBack?.(),
		suspend: () => acting.ask('suspend'),
		resume: () => acting.ask('resume'),
		restart: () => acting.ask('restart'),
		terminate: () => acting.ask('terminate'),
		complete: () => acting.ask('complete'),
		delete: () => acting.ask('delete'),
	};

	const confirmHandlers: KeyHandlers<ConfirmAction> = {
		confirm: () => acting.answer(true),
		cancel: () => acting.answer(false),
		interrupt: () => onQuit('interrupt'),
	};

	useInput(
		(input, key) => {
			if (acting.confirming) {
				dispatchKey(confirmKeys, confirmHandlers, 'confirm', input, key);
				return;
			}

			dispatchKey(jobKeys, handlers, jobScreen(view), input, key, {details: withDetails, back: onBack !== undefined, actions: acting.offered});
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
			helpFrom={helpFrom}
			keys={isRawModeSupported === true}
			details={withDetails}
			source={source}
			notices={notices}
			actionLines={topMessages}
			back={onBack !== undefined}
			actions={acting.offered}
			selectedPod={selectedPod}
			top={top}
			log={shownLog && {target: shownLog, shown: followed}}
		/>
	);
}
