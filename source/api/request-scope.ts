// One request's abort and deadline, apart from the caller's signal.

/**
 * The request's own abort controller, tied to the caller's signal by hand: AbortSignal.any() on a signal
 * that lives as long as the watch leaks memory on every poll (measured: ~5 KB a request). `deadline`
 * arms the timeout while a request is on the wire, not while the credentials work (an IAM login has a
 * timeout of its own and names its own host): a slow IAM is not reported as a silent API server.
 */
export function requestScope(signal: AbortSignal | undefined) {
	const controller = new AbortController();
	let timedOut = false;
	let timer: NodeJS.Timeout | undefined;
	const deadline = (ms: number | false) => {
		clearTimeout(timer);
		timer =
			ms === false
				? undefined
				: setTimeout(() => {
						timedOut = true;
						controller.abort(new Error('timeout'));
					}, ms);
	};

	const onAbort = () => controller.abort(signal?.reason);
	signal?.addEventListener('abort', onAbort, {once: true});
	return {
		signal: controller.signal,
		deadline,
		get timedOut() {
			return timedOut;
		},
		abort: () => controller.abort(new Error('closed')),
		dispose() {
			clearTimeout(timer);
			signal?.removeEventListener('abort', onAbort);
		},
	};
}
