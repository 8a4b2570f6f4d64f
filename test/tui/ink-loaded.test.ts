import {expect, test} from 'vitest';

test('fetch is there again once Ink has loaded with it out of sight', async () => {
	const before = globalThis.fetch;
	await import('../../source/tui/ink-loaded.js');
	expect(typeof globalThis.fetch).toBe('function');
	expect(globalThis.fetch).toBe(before);
});
