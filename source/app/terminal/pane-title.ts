// The TUI's window (or tmux pane) title: the job's phase and running pods, or the namespace's counts, written
// only when the text changes, and the title the user had put back at exit.
import type {Environment} from '../../common/usage-error.js';
import {insideTmux, popTitle, pushTitle, titleBytes} from './sequences.js';

export type PaneTitle = {
	/** Writes the title when `text` differs from the last one written. */
	set(text: string): void;
	/** The user's title back; idempotent (called at the end and on exit). */
	restore(): void;
};

/** How long the pane's title may take to read: a tmux that does not answer by then is not waited for. */
const tmuxReadMs = 500;

/**
 * tmux: the pane's title as it is now, to set back at exit (a tmux that ignores the title stack needs it).
 * Calls back with undefined when it cannot be read.
 */
function readTmuxPaneTitle(env: Environment, done: (title: string | undefined) => void): void {
	void (async () => {
		let title: string | undefined;
		try {
			title = await tmuxPaneTitle(env);
		} catch {
			title = undefined;
		}

		done(title);
	})();
}

async function tmuxPaneTitle(env: Environment): Promise<string | undefined> {
	const pane = env['TMUX_PANE'];
	// Loaded here, inside tmux only: not a part of every start.
	const {execFile} = await import('node:child_process');
	return new Promise(resolve => {
		execFile('tmux', ['display-message', '-p', ...(pane ? ['-t', pane] : []), '#{pane_title}'], {timeout: tmuxReadMs, env: env as NodeJS.ProcessEnv}, (error, stdout) => {
			resolve(error ? undefined : stdout.replace(/\n$/, ''));
		});
	});
}

/**
 * Takes over the title: the terminal's is pushed on its stack (XTWINOPS 22;2), popped at restore (23;2). Inside
 * tmux the pane's title is also read first and written back just before the pop.
 */
export function startPaneTitle(stdout: Pick<NodeJS.WriteStream, 'write'>, env: Environment, read = readTmuxPaneTitle): PaneTitle {
	let last: string | undefined;
	let restored = false;
	let saved: string | undefined;
	if (insideTmux(env)) read(env, title => (saved = title));
	stdout.write(pushTitle);
	return {
		set(text) {
			if (restored || text === last) return;
			last = text;
			stdout.write(titleBytes(text));
		},
		restore() {
			if (restored) return;
			restored = true;
			stdout.write(`${saved === undefined ? '' : titleBytes(saved)}${popTitle}`);
		},
	};
}

/**
 * The title follows `text` of the store's state from now on; stop() unsubscribes and restores it. An exit that
 * skips the caller's cleanup (an uncaught error, a second signal) restores it too.
 */
export function followTitle<State>(
	store: {getState(): State; subscribe(listener: () => void): () => void},
	text: (state: State) => string,
	stdout: Pick<NodeJS.WriteStream, 'write'>,
	env: Environment,
	otherChanges?: (listener: () => void) => () => void,
): {stop(): void} {
	const title = startPaneTitle(stdout, env);
	const update = () => title.set(text(store.getState()));
	update();
	const unsubscribeStore = store.subscribe(update);
	const unsubscribeOthers = otherChanges?.(update);
	const unsubscribe = () => {
		unsubscribeStore();
		unsubscribeOthers?.();
	};

	const restore = () => title.restore();
	// Ahead of the other exit hooks (the screen left, the record line): nothing may come between those two.
	process.prependOnceListener('exit', restore);
	return {
		stop() {
			unsubscribe();
			process.off('exit', restore);
			title.restore();
		},
	};
}
