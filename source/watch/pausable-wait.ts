import type {Sleep} from '../common/sleep.js';

/**
 * The waits of a loop that can be stopped for good, woken early (the `r` key, a panel opened) and paused. The
 * stop and wake controllers live here and nowhere else, so how they are made and listened to is decided in
 * one place.
 */
export type PausableWait = {
	/** Aborted once, by stop(); requests and sleeps end on it. */
	readonly stopSignal: AbortSignal;
	/** Aborted by wake(); a new one replaces it once a wait or renewWake() has served the wake. */
	readonly wakeSignal: AbortSignal;
	readonly paused: boolean;
	/** Sleeps ms (less when woken), then holds while paused: a pause during an outage sends no more requests. */
	wait(ms: number): Promise<void>;
	/** Resolves at the next resume, or at stop(). */
	untilResumed(): Promise<void>;
	/** A wake already served is forgotten: the next one cuts the next wait short. */
	renewWake(): void;
	wake(): void;
	stop(): void;
	/** False when it already was so; a resume lets the waits go on. */
	setPaused(paused: boolean): boolean;
};

export function createPausableWait(sleep: Sleep): PausableWait {
	const stopController = new AbortController();
	let wakeController = new AbortController();
	let resume: (() => void) | undefined;
	let paused = false;

	const renewWake = () => {
		if (wakeController.signal.aborted) wakeController = new AbortController();
	};

	const untilResumed = async () =>
		new Promise<void>(resolve => {
			resume = resolve;
		});

	return {
		stopSignal: stopController.signal,
		get wakeSignal() {
			return wakeController.signal;
		},
		get paused() {
			return paused;
		},
		async wait(ms) {
			await sleep(ms, stopController.signal, wakeController.signal);
			renewWake();
			while (paused && !stopController.signal.aborted) {
				// eslint-disable-next-line no-await-in-loop
				await untilResumed();
			}
		},
		untilResumed,
		renewWake,
		wake() {
			wakeController.abort();
		},
		stop() {
			stopController.abort(new Error('stopped'));
			resume?.();
		},
		setPaused(value) {
			if (value === paused) return false;
			paused = value;
			if (!value) {
				resume?.();
				resume = undefined;
			}

			return true;
		},
	};
}
