// What the TUI starts before Ink and React load (about 250 ms of a start): the view's store, its requests and
// the ways it ends. The first request (DNS, TCP, TLS, the GET) then travels while the program loads, instead
// of after. No Ink here: run.ts calls this, then loads tui.tsx.
import type {Store} from '../state/timed-store.js';
import {exitCodes} from './exit-codes.js';
import type {Options} from './options.js';
import type {Outcome, ViewDriver} from './view-driver.js';

export type StartedView<State> = {
	readonly store: Store<State, unknown>;
	/** driver.run(), already going; awaited by the TUI (a failure is its to throw). */
	readonly running: Promise<void>;
	/** q, Ctrl+C, or the job's end: the exit code, and the view stops. */
	readonly quit: (exitCode: number) => void;
	readonly exitCode: () => number;
	/** Lets go of the signal. */
	readonly release: () => void;
};

export function startView<State, O extends Outcome>(
	driver: ViewDriver<State, O>,
	options: Pick<Options, 'exitOnFinish'>,
	signal: AbortSignal,
): StartedView<State> {
	const store = driver.createStore();
	let code: number = exitCodes.ok;
	const quit = (exitCode: number) => {
		code = exitCode;
		driver.stop();
	};

	if (options.exitOnFinish) driver.watchForFinish?.(quit);
	const stop = () => driver.stop();
	signal.addEventListener('abort', stop, {once: true});
	const running = driver.run();
	// Awaited later, once the TUI is up: until then a failure waits there rather than going unhandled.
	running.catch(() => undefined);
	if (signal.aborted) stop();
	return {store, running, quit, exitCode: () => code, release: () => signal.removeEventListener('abort', stop)};
}
