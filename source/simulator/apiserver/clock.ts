// Time and chance for the simulated API server. Its clock runs in simulated milliseconds (an epoch like
// Date.now() that moves `speed` times as fast as real time), so that --speed 60 makes a minute of bookmarks,
// watch-cache history and etcd progress notifications pass in a second; tests inject their own clock.

/** Simulated milliseconds since the epoch. */
export type Now = () => number;

/** The default clock: real elapsed time × speed, from Date.now() at creation. */
export function simulatedClock(speed: number): Now {
	const origin = Date.now();
	const started = performance.now();
	return () => origin + (performance.now() - started) * speed;
}

/** Work that checks, on every beat of real time, what has fallen due on the (possibly injected) clock. */
export type Ticker = {
	add(task: () => void): () => void;
	/** Run every task now (tests that move an injected clock need not wait for the next beat). */
	beat(): void;
	close(): void;
};

export function createTicker(periodMs: number): Ticker {
	const tasks = new Set<() => void>();
	function beat(): void {
		for (const task of [...tasks]) {
			task();
		}
	}

	const timer = setInterval(beat, periodMs);
	timer.unref();
	return {
		add(task) {
			tasks.add(task);
			return () => {
				tasks.delete(task);
			};
		},
		beat,
		close() {
			clearInterval(timer);
			tasks.clear();
		},
	};
}

/** mulberry32: small, seedable, good enough to spread writes and jitter. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d_2b_79_f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}
