import {createTimedStore, type Store} from './timed-store.js';
import type {JobWatcher} from '../watch/job-watcher.js';
import {
	initialWatchState,
	nextHighlightExpiry,
	nextMinuteTick,
	reduceWatch,
	type WatchAction,
	type WatchState,
	type WatchStateOptions,
} from './watch-state.js';

export type WatchStore = Store<WatchState, WatchAction>;

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
	return createTimedStore({
		initial: initialWatchState(options.namespace, options.name, now()),
		reduce: (state, action) => reduceWatch(state, action, options),
		nextTick(state) {
			const times = [nextHighlightExpiry(state), nextMinuteTick(state)].filter(time => time !== undefined);
			return times.length === 0 ? undefined : Math.min(...times);
		},
		tick: (at): WatchAction => ({type: 'tick', at}),
		subscribe: listener => watcher.subscribe(listener),
		now,
	});
}
