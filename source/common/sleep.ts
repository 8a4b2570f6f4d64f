/** Resolves after ms, or early when `wake` aborts; rejects with the reason when `stop` aborts. */
export type Sleep = (ms: number, stop: AbortSignal, wake?: AbortSignal) => Promise<void>;

export const sleep: Sleep = async (ms, stop, wake) =>
	new Promise<void>((resolve, reject) => {
		if (stop.aborted) {
			reject(stop.reason as Error);
			return;
		}

		const done = () => {
			clearTimeout(timer);
			stop.removeEventListener('abort', onStop);
			wake?.removeEventListener('abort', done);
			resolve();
		};

		const onStop = () => {
			clearTimeout(timer);
			wake?.removeEventListener('abort', done);
			reject(stop.reason as Error);
		};

		const timer = setTimeout(done, ms);
		stop.addEventListener('abort', onStop, {once: true});
		if (wake?.aborted) {
			done();
		} else {
			wake?.addEventListener('abort', done, {once: true});
		}
	});

/** Waits for `promise`, but no longer than ms: what it was for goes on without it. */
export async function within(promise: Promise<void>, ms: number): Promise<void> {
	let timer: NodeJS.Timeout | undefined;
	return Promise.race([
		promise,
		new Promise<void>(resolve => {
			timer = setTimeout(resolve, ms);
		}),
	]).finally(() => clearTimeout(timer));
}
