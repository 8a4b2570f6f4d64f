import {
	initialNamespaceState,
	nextNamespaceExpiry,
	reduceNamespace,
	type NamespaceAction,
	type NamespaceState,
	type NamespaceStateOptions,
} from './namespace-state.js';
import type {NamespaceWatcher} from './watch-namespace.js';

const expiryStepMs = 1000;

export type NamespaceStore = {
	getState(): NamespaceState;
	subscribe(listener: () => void): () => void;
	dispatch(action: NamespaceAction): void;
	dispose(): void;
};

export type NamespaceStoreOptions = NamespaceStateOptions & {
	readonly namespace: string;
	readonly selector?: string | undefined;
	readonly now?: () => number;
};

/**
 * The namespace state outside React: subscribed to the watcher before its first list, so nothing is lost to
 * a render that has not happened yet; owns the one timer that ends highlights and removes deleted rows.
 */
export function createNamespaceStore(watcher: Pick<NamespaceWatcher, 'subscribe'>, options: NamespaceStoreOptions): NamespaceStore {
	const now = options.now ?? Date.now;
	const listeners = new Set<() => void>();
	let state = initialNamespaceState(options.namespace, now(), options.selector);
	let timer: NodeJS.Timeout | undefined;
	let timerAt: number | undefined;

	const schedule = () => {
		// Highlights that end within the same step end together: with many jobs changing, one redraw ends a
		// handful of them instead of one redraw for each.
		const due = nextNamespaceExpiry(state);
		const expiry = due === undefined ? undefined : Math.ceil(due / expiryStepMs) * expiryStepMs;
		if (expiry === timerAt) return;
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

	function dispatch(action: NamespaceAction) {
		const next = reduceNamespace(state, action, options);
		if (next === state) return;
		state = next;
		schedule();
		for (const listener of listeners) listener();
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
