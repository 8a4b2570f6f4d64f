import {describe, expect, test} from 'vitest';
import {formatClock, formatSpan, formatWait, minuteOf, parseDuration} from '../../source/common/duration.js';

describe('parseDuration', () => {
	test.each<[string, number]>([
		['500ms', 500],
		['2s', 2000],
		['1m', 60_000],
		['1h', 3_600_000],
		['2', 2000],
		['0.5', 500],
		['1.25', 1250],
		[' 3s ', 3000],
		['1.5s', 1500],
	])('%j → %d ms', (text, ms) => {
		expect(parseDuration(text)).toBe(ms);
	});

	test.each(['0', '0s', '0.0', '-1', '-2s', 'abc', '2 parsecs', '1e3', 'NaN', 'Infinity'])('rejects %j', text => {
		expect(parseDuration(text)).toBeUndefined();
	});
});

describe('formatSpan', () => {
	test.each<[number, string]>([
		[-5000, '<1m'],
		[0, '<1m'],
		[59_999, '<1m'],
		[60_000, '1m'],
		[119_999, '1m'],
		[3_599_999, '59m'],
		[3_600_000, '1h00m'],
		[3_840_000, '1h04m'],
		[86_399_999, '23h59m'],
		[86_400_000, '1d00h'],
		[2 * 86_400_000 + 3 * 3_600_000, '2d03h'],
		[400 * 86_400_000, '400d00h'],
	])('%d ms → %s', (ms, text) => {
		expect(formatSpan(ms)).toBe(text);
	});
});

describe('formatWait', () => {
	test.each<[number, string]>([
		[0, '0.0s'],
		[-100, '0.0s'],
		[800, '0.8s'],
		[2000, '2.0s'],
		[9900, '9.9s'],
		[9949, '9.9s'],
		[10_000, '10s'],
		[42_400, '42s'],
		[59_000, '59s'],
		[60_000, '1m'],
		[120_000, '2m'],
		[3_840_000, '1h04m'],
	])('%d ms → %s', (ms, text) => {
		expect(formatWait(ms)).toBe(text);
	});
});

describe('minuteOf', () => {
	test('rounds down to the start of the minute, so every age on screen moves in the same frame', () => {
		const start = Date.parse('2024-03-11T08:04:00Z');
		expect(minuteOf(start)).toBe(start);
		expect(minuteOf(start + 59_999)).toBe(start);
		expect(minuteOf(start + 60_000)).toBe(start + 60_000);
	});
});

describe('formatClock', () => {
	test('UTC, zero-padded', () => {
		expect(formatClock(Date.parse('2024-03-11T08:04:05Z'), true)).toBe('08:04:05');
		expect(formatClock(Date.parse('2024-03-11T23:59:59.999Z'), true)).toBe('23:59:59');
	});

	test('local time follows the local clock', () => {
		const time = Date.parse('2024-03-11T08:04:05Z');
		const local = new Date(time);
		expect(formatClock(time)).toBe(
			[local.getHours(), local.getMinutes(), local.getSeconds()].map(part => String(part).padStart(2, '0')).join(':'),
		);
	});
});
