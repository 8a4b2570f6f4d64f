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
	/**
	 * Views are told of changes at most once per this many ms: the first after a quiet spell at once, the ones
	 * that follow together at the end of the spell. Each telling redraws the screen, and in a busy namespace
	 * changes, highlights that end and minutes that turn come at different moments. Default 0: every change.
	 */
	readonly drawEveryMs?: number;
};

/**
 * The namespace state outside React: subscribed to the watcher before its first list, so nothing is lost to
 * a render that has not happened yet; owns the one timer that ends highlights and removes deleted rows.
 */
export function createNamespaceStore(watcher: Pick<NamespaceWatcher, 'subscribe'>, options: NamespaceStoreOptions): NamespaceStore {
	const now = options.now ?? Date.now;
	// Drawn no more often than that anyway: a step as long as the draws' makes one tick for each draw.
	const stepMs = Math.max(expiryStepMs, options.drawEveryMs ?? 0);
	const store = createTimedStore<NamespaceState, NamespaceAction>({
		initial: initialNamespaceState(options.namespace, now(), options.selector),
		reduce: (state, action) => reduceNamespace(state, action, options),
		nextTick(state) {
			// Highlights that end within the same step end together: with many jobs changing, one redraw ends a
			// handful of them instead of one redraw for each.
			const due = nextNamespaceExpiry(state);
			return due === undefined ? undefined : Math.ceil(due / stepMs) * stepMs;
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
	return options.drawEveryMs ? throttled(store, options.drawEveryMs, now) : store;
}

/** The store, its listeners told at most once per `everyMs`; the state itself is always the latest. */
function throttled(store: NamespaceStore, everyMs: number, now: () => number): NamespaceStore {
	const listeners = new Set<() => void>();
	let toldAt = Number.NEGATIVE_INFINITY;
	let toldListed = false;
	let timer: NodeJS.Timeout | undefined;
	const tell = () => {
		clearTimeout(timer);
		timer = undefined;
		toldAt = now();
		toldListed = store.getState().listed;
		for (const listener of listeners) listener();
	};

	const unsubscribe = store.subscribe(() => {
		// The first listing is drawn at once: the time to the first table is not a redraw to save.
		if (!toldListed && store.getState().listed) {
			tell();
			return;
		}

		if (timer !== undefined) return;
		const waitMs = toldAt + everyMs - now();
		if (waitMs <= 0) {
			tell();
			return;
		}

		timer = setTimeout(tell, waitMs);
		// Like the store's own timer: it must not keep the process alive once everything else is done.
		timer.unref();
	});
	return {
		...store,
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		dispose() {
			unsubscribe();
			clearTimeout(timer);
			listeners.clear();
			store.dispose();
		},
	};
}
