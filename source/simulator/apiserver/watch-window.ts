/**
 * The watch cache's history of one kind (k8s.io/apiserver pkg/storage/cacher/watch_cache_history.go): a ring
 * buffer of the latest events, whose capacity follows how old its events are. It starts at 100 events; when full,
 * it doubles (up to 102,400) while its oldest event is younger than eventFreshDuration (75 s), halves (not below
 * 100) when the event a quarter of the capacity back from the newest is older than that, and otherwise drops its
 * oldest. A watch can start from the event before the oldest one held, or from the relist it was rebuilt at.
 */

export const lowerBoundCapacity = 100;
export const upperBoundCapacity = 100 * 1024;
/** DefaultEventFreshDuration: the bookmark frequency (1 min) + 15 s. */
export const eventFreshMs = 75_000;

export type WindowOptions = {
	/** A capacity that never changes (tests); default: resized by the rule above. */
	readonly capacity?: number;
	readonly freshMs?: number;
};

export type WatchWindow<Event extends {readonly resourceVersion: number}> = {
	/** Record an event that happened at `at` (simulated ms). */
	push(event: Event, at: number): void;
	/** Empty the window, as a relist at listResourceVersion does (the capacity stays). */
	reset(listResourceVersion: number): void;
	/** Where a watch may start from: "oldest-1" in the API server's words. */
	readonly floor: number;
	/** The refusal for a watch from resourceVersion, or undefined when the window covers it. */
	tooOld(resourceVersion: number): string | undefined;
	/** The events after resourceVersion, oldest first (the window must cover it). */
	eventsAfter(resourceVersion: number): Event[];
	readonly capacity: number;
	readonly size: number;
};

export function createWatchWindow<Event extends {readonly resourceVersion: number}>(
	listResourceVersion: number,
	options: WindowOptions = {},
): WatchWindow<Event> {
	const fixed = options.capacity;
	if (fixed !== undefined && (!Number.isInteger(fixed) || fixed < 0)) {
		throw new RangeError(`historySize must be a whole number, got ${fixed}`);
	}

	const freshMs = options.freshMs ?? eventFreshMs;
	let capacity = fixed ?? lowerBoundCapacity;
	let cache: Array<{event: Event; at: number} | undefined> = Array.from({length: capacity});
	let startIndex = 0;
	let endIndex = 0;
	let removedSinceRelist = false;
	let relistedAt = listResourceVersion;
	// Only for a capacity of 0, where nothing is ever held.
	let lastDropped = listResourceVersion;

	const slot = (index: number) => cache[index % capacity]!;
	const full = () => endIndex === startIndex + capacity;

	function resize(to: number): void {
		const next: typeof cache = Array.from({length: to});
		if (to < capacity) {
			startIndex = endIndex - to;
		}

		for (let index = startIndex; index < endIndex; index++) {
			next[index % to] = cache[index % capacity];
		}

		cache = next;
		capacity = to;
	}

	function resizeFor(at: number): void {
		if (fixed !== undefined || !full()) {
			return;
		}

		if (at - slot(startIndex).at < freshMs) {
			const to = Math.min(capacity * 2, upperBoundCapacity);
			if (to > capacity) resize(to);
			return;
		}

		if (at - slot(endIndex - capacity / 4).at > freshMs) {
			const to = Math.max(capacity / 2, lowerBoundCapacity);
			if (to < capacity) resize(to);
		}
	}

	function oldest(): number {
		if (!removedSinceRelist) {
			return relistedAt + 1;
		}

		return endIndex > startIndex ? slot(startIndex).event.resourceVersion : lastDropped + 1;
	}

	function firstAfter(resourceVersion: number): number {
		let low = startIndex;
		let high = endIndex;
		while (low < high) {
			const middle = (low + high) >>> 1;
			if (slot(middle).event.resourceVersion > resourceVersion) {
				high = middle;
			} else {
				low = middle + 1;
			}
		}

		return low;
	}

	return {
		push(event, at) {
			if (capacity === 0) {
				removedSinceRelist = true;
				lastDropped = event.resourceVersion;
				return;
			}

			resizeFor(at);
			if (full()) {
				cache[startIndex % capacity] = undefined;
				startIndex++;
				removedSinceRelist = true;
			}

			cache[endIndex % capacity] = {event, at};
			endIndex++;
		},
		reset(resourceVersion) {
			startIndex = endIndex;
			removedSinceRelist = false;
			relistedAt = resourceVersion;
			lastDropped = resourceVersion;
			cache.fill(undefined);
		},
		get floor() {
			return oldest() - 1;
		},
		tooOld(resourceVersion) {
			const floor = oldest() - 1;
			return resourceVersion < floor ? `too old resource version: ${resourceVersion} (${floor})` : undefined;
		},
		eventsAfter(resourceVersion) {
			const events: Event[] = [];
			for (let index = firstAfter(resourceVersion); index < endIndex; index++) {
				events.push(slot(index).event);
			}

			return events;
		},
		get capacity() {
			return capacity;
		},
		get size() {
			return endIndex - startIndex;
		},
	};
}
