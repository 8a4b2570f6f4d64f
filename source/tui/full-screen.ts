import {render, type Instance} from 'ink';
import type {ReactNode} from 'react';
import {CellScreen} from './cell-screen.js';

const enterAlternateScreen = '\u001B[?1049h';
const leaveAlternateScreen = '\u001B[?1049l';
const hideCursor = '\u001B[?25l';
const showCursor = '\u001B[?25h';
const resetStyle = '\u001B[0m';

export type Terminal = {
	readonly stdout: NodeJS.WriteStream;
	readonly stderr: NodeJS.WriteStream;
	readonly stdin: NodeJS.ReadStream;
};

export type MountedTui = {
	readonly instance: Instance;
	/** Whether the TUI took the alternate screen: its frame leaves nothing behind in the scrollback. */
	readonly fullScreen: boolean;
	/** Unmounts, and gives the terminal its screen and cursor back. */
	close(): Promise<void>;
};

/**
 * Renders a TUI. Full screen (the default): Ink draws whole frames into a CellScreen, which writes only the
 * cells that changed. Without it (--no-alt-screen), Ink's own line-by-line incremental rendering in place.
 */
export function mountTui(node: ReactNode, terminal: Terminal, altScreen: boolean): MountedTui {
	const {stdout} = terminal;
	const screen = altScreen ? new CellScreen(stdout) : undefined;
	const leaveScreen = () => {
		stdout.write(`${resetStyle}${showCursor}${leaveAlternateScreen}`);
	};
	const leaveOnExit = () => {
		// Ink unmounts on exit too, after this: its last frame must not land on the screen the user gets back.
		screen?.dispose();
		leaveScreen();
	};

	if (screen) {
		stdout.write(`${enterAlternateScreen}${hideCursor}`);
		// Whatever ends the process, the terminal gets its screen and cursor back.
		process.once('exit', leaveOnExit);
	}

	const instance = render(node, {
		stdout: (screen as unknown as NodeJS.WriteStream | undefined) ?? stdout,
		stdin: terminal.stdin,
		stderr: terminal.stderr,
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
	});

	return {
		instance,
		fullScreen: screen !== undefined,
		async close() {
			instance.unmount();
			await instance.waitUntilExit().catch(() => {});
			if (screen) {
				leaveOnExit();
				process.off('exit', leaveOnExit);
			}
		},
	};
}
