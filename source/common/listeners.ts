/** Who is told of a loop's events: each listener, in the order it subscribed, as each event happens. */
export type Listeners<Event> = {
	emit(event: Event): void;
	/** Returns the unsubscribe. */
	subscribe(listener: (event: Event) => void): () => void;
};

export function createListeners<Event>(): Listeners<Event> {
	const listeners = new Set<(event: Event) => void>();
	return {
		emit(event) {
			for (const listener of listeners) listener(event);
		},
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
	};
}
