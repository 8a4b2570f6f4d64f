import type {ApiError} from '../api/api-error.js';

export type RetrySettings = {
	/** The poll interval: no wait is ever shorter. */
	readonly intervalMs: number;
	/** The longest wait between two tries (--max-wait). */
	readonly maxWaitMs: number;
	/** How often to re-check after an error that retrying will not fix (401, 403, other 4xx). */
	readonly refusedWaitMs: number;
};

// API gateways ask for 2-5 s between tries when they throttle (Huawei's advice for APIGW.0308).
const throttleFloorMs = 2000;

/**
 * How long to wait before retry number `attempt` (1 for the first retry): exponential from the
 * interval with "equal jitter" (half fixed, half random) so many watchers do not retry in step, at least
 * what the server asked for (Retry-After, retryAfterSeconds), never less than the interval, never more
 * than maxWait unless the interval itself is longer.
 */
export function retryDelayMs(
	attempt: number,
	error: Pick<ApiError, 'category' | 'retryAfterMs'>,
	settings: RetrySettings,
	random: () => number = Math.random,
): number {
	const exponential = Math.min(settings.maxWaitMs, settings.intervalMs * 2 ** Math.max(0, attempt - 1));
	let delay = exponential / 2 + (random() * exponential) / 2;
	if (error.category === 'throttled') {
		delay = Math.max(delay, throttleFloorMs);
	}

	if (error.retryAfterMs !== undefined) {
		delay = Math.max(delay, error.retryAfterMs);
	}

	return Math.round(Math.max(settings.intervalMs, Math.min(delay, settings.maxWaitMs)));
}

/** The wait before re-checking after an answer that retrying cannot fix. */
export function refusedDelayMs(settings: RetrySettings): number {
	return Math.max(settings.intervalMs, settings.refusedWaitMs);
}
