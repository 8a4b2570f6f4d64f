import {useInput, useStdin, useWindowSize} from 'ink';
import {useState} from 'react';
import type {JobWatcher} from './core/watch-job.js';
import type {WatchStore} from './core/watch-store.js';
import {Screen} from './components/screen.js';
import {useWatchState} from './hooks/use-watch-state.js';

type Props = {
	readonly store: WatchStore;
	readonly watcher: Pick<JobWatcher, 'pollNow' | 'setPaused' | 'paused'>;
	readonly intervalMs: number;
	/** q quits; Ctrl+C interrupts (exit 130, as a shell expects). */
	readonly onQuit: (reason: 'quit' | 'interrupt') => void;
	readonly source?: string | undefined;
	readonly notices?: readonly string[];
};

/** The live TUI: the watch state, the terminal's size, and the keys. */
export function App({store, watcher, intervalMs, onQuit, source, notices}: Props) {
	const state = useWatchState(store);
	const {columns, rows} = useWindowSize();
	// `ssh host cmd` without -t gives no TTY on stdin: then there are no keys to read, only Ctrl+C.
	const {isRawModeSupported} = useStdin();
	const [showHelp, setShowHelp] = useState(false);

	useInput(
		(input, key) => {
			if (key.ctrl && input === 'c') {
				onQuit('interrupt');
			} else if (input === 'q') {
				onQuit('quit');
			} else if (input === 'r') {
				watcher.pollNow();
			} else if (input === 'p') {
				watcher.setPaused(!watcher.paused);
			} else if (input === '?') {
				setShowHelp(shown => !shown);
			} else if (key.escape) {
				setShowHelp(false);
			}
		},
		{isActive: isRawModeSupported === true},
	);

	return (
		<Screen
			state={state}
			intervalMs={intervalMs}
			columns={columns}
			rows={rows}
			showHelp={showHelp}
			keys={isRawModeSupported === true}
			source={source}
			notices={notices ?? []}
		/>
	);
}
