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
