import {Dispatcher} from 'undici';

/**
 * A dispatcher whose transport can be replaced while the watch runs: an exec plugin's client certificate is
 * known only once the plugin has run, and changes when it runs again.
 */
export class SwitchingDispatcher extends Dispatcher {
	#current: Dispatcher;

	constructor(initial: Dispatcher) {
		super();
		this.#current = initial;
	}

	switchTo(next: Dispatcher): void {
		const previous = this.#current;
		this.#current = next;
		// Requests already sent on the old one finish there.
		void previous.close().catch(() => {});
	}

	override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
		return this.#current.dispatch(options, handler);
	}

	override close(callback: () => void): void;
	override close(): Promise<void>;
	override close(callback?: () => void): Promise<void> | void {
		const closing = this.#current.close();
		if (!callback) return closing;
		// undici's callback form of close(): the callback is called whichever way the promise settles.
		// eslint-disable-next-line promise/no-callback-in-promise
		void closing.then(callback, callback);
	}

	override destroy(error: Error | null, callback: () => void): void;
	override destroy(callback: () => void): void;
	override destroy(error: Error | null): Promise<void>;
	override destroy(): Promise<void>;
	override destroy(first?: Error | null | (() => void), second?: () => void): Promise<void> | void {
		const callback = typeof first === 'function' ? first : second;
		const error = typeof first === 'function' ? null : (first ?? null);
		const destroying = this.#current.destroy(error);
		if (!callback) return destroying;
		// eslint-disable-next-line promise/no-callback-in-promise
		void destroying.then(callback, callback);
	}
}
