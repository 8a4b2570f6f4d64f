// What a view (one job, or a namespace's jobs) gives the runners: once.ts, lines.ts and tui.tsx are written
// once against this type, and job/driver.ts and namespace/driver.ts implement it.
import type {ReactElement} from 'react';
import type {ApiError} from '../api/api-error.js';
import type {Store} from '../state/timed-store.js';

export type LineFormat = 'text' | 'json';

/** How one look ended (the job's GET or the namespace's list, after its retries). */
export type Outcome = {readonly kind: string; readonly error?: ApiError};

export type TuiProps<State> = {
	readonly store: Store<State, unknown>;
	/** q quits, Ctrl+C interrupts (exit 130). */
	readonly onQuit: (reason: 'quit' | 'interrupt') => void;
	/** Where the credentials come from, for the status line. */
	readonly source?: string | undefined;
	/** Shown for as long as the view runs (e.g. TLS verification is off). */
	readonly notices: readonly string[];
};

/** The Ink side of a view: loaded only for the TUI and for a --once frame. */
export type ViewTui<State> = {
	/** The live view with its keys. */
	root(props: TuiProps<State>): ReactElement;
	/** The whole view once, without keys, as wide as the terminal: --once in the TUI output. */
	frame(state: State, columns: number, source: string | undefined): ReactElement;
	/** One line for the scrollback when the full screen goes: how the view stood. */
	record(state: State): string;
	/** The window (or tmux pane) title for how the view stands now: `vcjob NAME: Running 2/4`. */
	title?(state: State): string;
	/** Changes to the title besides the store's: a job opened from the namespace's table, then its own changes. */
	titleChanges?(listener: () => void): () => void;
};

export type ViewDriver<State, O extends Outcome> = {
	/** Who the text lines name: "namespace/name", or the namespace. */
	readonly label: string;
	/** What the JSON line of a --once that gave up carries beside time, event, final and error. */
	readonly failureFields: Readonly<Record<string, string>>;
	/** Subscribes this view's writers (output/) for the format to its watchers, from before the first request. */
	writeLines(format: LineFormat, write: (line: string) => void): void;
	/** The view state (state/), fed by the watchers from now on, for the TUI or a frame. */
	createStore(): Store<State, unknown>;
	/** One look with at most `retries` retries, and whatever else one frame needs (a job's details). */
	once(retries: number): Promise<O>;
	/** Watches (or polls) until stop(); resolves then. */
	run(): Promise<void>;
	stop(): void;
	/** The exit code of a --once look. */
	exitCode(outcome: O): number;
	/** --exit-on-finish: calls back with the exit code once the view ends by itself (a job that finished). */
	watchForFinish?(onFinish: (code: number) => void): void;
	/**
	 * After the TUI: stops what the view opened on its own (jobs opened from the namespace's table), and gives
	 * the first failure of one, to be thrown once the terminal is restored.
	 */
	closeOpened?(): {readonly error: unknown} | undefined;
	loadTui(): Promise<ViewTui<State>>;
};
