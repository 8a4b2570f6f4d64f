import type {JobWatcher} from './watch-job.js';
import {
	initialWatchState,
	nextHighlightExpiry,
	nextMinuteTick,
	reduceWatch,
	type WatchAction,
	type WatchState,
	type WatchStateOptions,
} from './watch-state.js';

export type WatchStore = {
	getState(): WatchState;
	subscribe(listener: () => void): () => void;
	dispatch(action: WatchAction): void;
	dispose(): void;
};

export type WatchStoreOptions = WatchStateOptions & {
	readonly namespace: string;
	readonly name: string;
	readonly now?: () => number;
};

/**
 * The watch state kept outside React: it listens to the watcher from before the first poll, so no event
 * is lost to a render that has not happened yet, and owns the one timer that ends highlights (and, while a
 * stream brings no answers to count them by, turns the minute for the ages).
 */
export function createWatchStore(watcher: Pick<JobWatcher, 'subscribe'>, options: WatchStoreOptions): WatchStore {
	const now = options.now ?? Date.now;
	const listeners = new Set<() => void>();
	let state = initialWatchState(options.namespace, options.name, now());
	let timer: NodeJS.Timeout | undefined;
	let timerAt: number | undefined;

	const schedule = () => {
		const times = [nextHighlightExpiry(state), nextMinuteTick(state)].filter(time => time !== undefined);
		const expiry = times.length === 0 ? undefined : Math.min(...times);
		if (expiry === timerAt) {
			return;
		}

		clearTimeout(timer);
		timerAt = expiry;
		if (expiry !== undefined) {
			timer = setTimeout(() => {
				timerAt = undefined;
				dispatch({type: 'tick', at: now()});
			}, Math.max(0, expiry - now()) + 10);
			timer.unref();
		}
	};

	function dispatch(action: WatchAction) {
		const next = reduceWatch(state, action, options);
		if (next === state) {
			return;
		}

		state = next;
		schedule();
		for (const listener of listeners) {
			listener();
		}
	}

	const unsubscribe = watcher.subscribe(dispatch);
	return {
		getState: () => state,
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		dispatch,
		dispose() {
			unsubscribe();
			clearTimeout(timer);
			listeners.clear();
		},
	};
}
