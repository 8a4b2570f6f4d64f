import {describe, expect, test} from 'vitest';
import type {ErrorCategory} from '../../source/api/api-error.js';
import {refusedDelayMs, retryDelayMs, type RetrySettings} from '../../source/watch/retry-policy.js';

const settings: RetrySettings = {intervalMs: 1000, maxWaitMs: 30_000, refusedWaitMs: 30_000};
const server = {category: 'server' as ErrorCategory};
const lowest = () => 0;
const highest = () => 1;

function delays(random: () => number, error: {category: ErrorCategory; retryAfterMs?: number} = server, with_ = settings): number[] {
	return [1, 2, 3, 4, 5, 6, 7, 8].map(attempt => retryDelayMs(attempt, error, with_, random));
}

describe('retryDelayMs', () => {
	test('grows exponentially from the interval and stops at maxWait (random = 1: the full step)', () => {
		expect(delays(highest)).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
	});

	test('jitter takes at most half the step off (random = 0), and never goes below the interval', () => {
		expect(delays(lowest)).toEqual([1000, 1000, 2000, 4000, 8000, 15_000, 15_000, 15_000]);
	});

	test('every wait lies between half the step and the step, for any random value', () => {
		for (const value of [0, 0.1, 0.25, 0.5, 0.75, 0.999, 1]) {
			for (const [index, delay] of delays(() => value).entries()) {
				const step = Math.min(30_000, 1000 * 2 ** index);
				expect(delay).toBeGreaterThanOrEqual(Math.max(1000, step / 2));
				expect(delay).toBeLessThanOrEqual(step);
			}
		}
	});

	test('never below the interval, even on the first retry of a long interval', () => {
		const slow = {intervalMs: 10_000, maxWaitMs: 60_000, refusedWaitMs: 30_000};
		expect(retryDelayMs(1, server, slow, lowest)).toBe(10_000);
	});

	test('an interval longer than maxWait wins: no wait is ever shorter than the interval', () => {
		const odd = {intervalMs: 60_000, maxWaitMs: 30_000, refusedWaitMs: 30_000};
		expect(delays(lowest, server, odd).every(delay => delay === 60_000)).toBe(true);
	});

	test('Retry-After is honoured when it asks for more than the backoff', () => {
		expect(retryDelayMs(1, {category: 'throttled', retryAfterMs: 7000}, settings, lowest)).toBe(7000);
		expect(retryDelayMs(1, {category: 'server', retryAfterMs: 12_000}, settings, highest)).toBe(12_000);
	});

	test('Retry-After shorter than the backoff does not shorten it', () => {
		expect(retryDelayMs(5, {category: 'throttled', retryAfterMs: 1000}, settings, highest)).toBe(16_000);
	});

	test('Retry-After is capped at maxWait', () => {
		expect(retryDelayMs(1, {category: 'throttled', retryAfterMs: 3_600_000}, settings, lowest)).toBe(30_000);
	});

	test('throttling waits at least 2 s (Huawei\'s advice for APIGW.0308), other errors do not', () => {
		const fast = {intervalMs: 500, maxWaitMs: 30_000, refusedWaitMs: 30_000};
		expect(retryDelayMs(1, {category: 'throttled'}, fast, lowest)).toBe(2000);
		expect(retryDelayMs(1, {category: 'throttled'}, fast, highest)).toBe(2000);
		expect(retryDelayMs(1, {category: 'server'}, fast, lowest)).toBe(500);
		expect(retryDelayMs(1, {category: 'network'}, fast, highest)).toBe(500);
	});

	test('whole milliseconds', () => {
		expect(Number.isInteger(retryDelayMs(3, server, {intervalMs: 333, maxWaitMs: 30_000, refusedWaitMs: 0}, () => 0.123))).toBe(true);
	});

	test('huge attempt numbers stay at maxWait', () => {
		expect(retryDelayMs(10_000, server, settings, highest)).toBe(30_000);
	});

	test('uses Math.random by default, within bounds', () => {
		const delay = retryDelayMs(4, server, settings);
		expect(delay).toBeGreaterThanOrEqual(4000);
		expect(delay).toBeLessThanOrEqual(8000);
	});
});

describe('refusedDelayMs', () => {
	test('the slow re-check after a refusal: at least 30 s with the watcher\'s settings', () => {
		expect(refusedDelayMs({intervalMs: 2000, maxWaitMs: 30_000, refusedWaitMs: 30_000})).toBe(30_000);
		expect(refusedDelayMs({intervalMs: 2000, maxWaitMs: 5000, refusedWaitMs: 30_000})).toBeGreaterThanOrEqual(30_000);
	});

	test('never shorter than the interval', () => {
		expect(refusedDelayMs({intervalMs: 120_000, maxWaitMs: 30_000, refusedWaitMs: 30_000})).toBe(120_000);
	});
});
