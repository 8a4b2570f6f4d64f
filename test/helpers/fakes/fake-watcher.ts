/**
 * A watcher the test drives: `emit` sends its listeners an event as the real watcher would, and the keys' calls
 * (`pollNow`, `paused:true`) are recorded in `calls`.
 */
export function fakeWatcher<Event>() {
	const listeners = new Set<(event: Event) => void>();
	const calls: string[] = [];
	const watcher = {
		paused: false,
		pollNow: () => calls.push('pollNow'),
		setPaused(value: boolean) {
			calls.push(`paused:${value}`);
			watcher.paused = value;
		},
		subscribe(listener: (event: Event) => void) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
	};
	return {
		watcher,
		calls,
		emit(event: Event) {
			for (const listener of listeners) listener(event);
		},
		/** How many listen now (none once the store that subscribed is disposed). */
		listenerCount: () => listeners.size,
	};
}
