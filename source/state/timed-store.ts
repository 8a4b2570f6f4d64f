/** A view's state kept outside React, with the one timer that moves it on when nothing else happens. */
export type Store<State, Action> = {
	getState(): State;
	subscribe(listener: () => void): () => void;
	dispatch(action: Action): void;
	dispose(): void;
};

export type TimedStoreOptions<State, Action> = {
	readonly initial: State;
	readonly reduce: (state: State, action: Action) => State;
	/** When the state next changes by itself (a highlight ends, a minute turns): a tick is dispatched then. */
	readonly nextTick: (state: State) => number | undefined;
	readonly tick: (at: number) => Action;
	/** Where the actions come from: subscribed to at once, before the first request, so none is lost to a render that has not happened yet. */
	readonly subscribe: (listener: (action: Action) => void) => () => void;
	readonly now: () => number;
};

export function createTimedStore<State, Action>(options: TimedStoreOptions<State, Action>): Store<State, Action> {
	const {now} = options;
	const listeners = new Set<() => void>();
	let state = options.initial;
	let timer: NodeJS.Timeout | undefined;
	let timerAt: number | undefined;

	const schedule = () => {
		const expiry = options.nextTick(state);
		if (expiry === timerAt) return;
		clearTimeout(timer);
		timerAt = expiry;
		if (expiry !== undefined) {
			timer = setTimeout(() => {
				timerAt = undefined;
				dispatch(options.tick(now()));
			}, Math.max(0, expiry - now()) + 10);
			// The screen's timer must not keep the process alive once everything else is done.
			timer.unref();
		}
	};

	function dispatch(action: Action) {
		const next = options.reduce(state, action);
		if (next === state) return;
		state = next;
		schedule();
		for (const listener of listeners) listener();
	}

	const unsubscribe = options.subscribe(dispatch);
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
