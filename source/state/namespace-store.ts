import {
	initialNamespaceState,
	nextNamespaceExpiry,
	reduceNamespace,
	type NamespaceAction,
	type NamespaceState,
	type NamespaceStateOptions,
} from './namespace-state.js';
import {createTimedStore, type Store} from './timed-store.js';
import type {NamespaceWatcher} from '../watch/namespace-watcher.js';
import type {NamespaceExits} from '../watch/namespace-exits.js';

const expiryStepMs = 1000;

export type NamespaceStore = Store<NamespaceState, NamespaceAction>;

export type NamespaceStoreOptions = NamespaceStateOptions & {
	readonly namespace: string;
	readonly selector?: string | undefined;
	readonly now?: () => number;
	/** The latest failure of each job, when the pods are read (not with --no-details). */
	readonly exits?: Pick<NamespaceExits, 'subscribe'> | undefined;
};

/**
 * The namespace state outside React: subscribed to the watcher before its first list, so nothing is lost to
 * a render that has not happened yet; owns the one timer that ends highlights and removes deleted rows.
 */
export function createNamespaceStore(watcher: Pick<NamespaceWatcher, 'subscribe'>, options: NamespaceStoreOptions): NamespaceStore {
	const now = options.now ?? Date.now;
	return createTimedStore({
		initial: initialNamespaceState(options.namespace, now(), options.selector),
		reduce: (state, action) => reduceNamespace(state, action, options),
		nextTick(state) {
			// Highlights that end within the same step end together: with many jobs changing, one redraw ends a
			// handful of them instead of one redraw for each.
			const due = nextNamespaceExpiry(state);
			return due === undefined ? undefined : Math.ceil(due / expiryStepMs) * expiryStepMs;
		},
		tick: (at): NamespaceAction => ({type: 'tick', at}),
		subscribe(listener) {
			const unsubscribe = watcher.subscribe(listener);
			const unsubscribeExits = options.exits?.subscribe(listener);
			return () => {
				unsubscribe();
				unsubscribeExits?.();
			};
		},
		now,
	});
}
