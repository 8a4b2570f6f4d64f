import {expect} from 'vitest';

// Waits on a real clock, for what comes about over HTTP (a simulator's answer, a stream's lines): each with a
// deadline, failing with what it waited for.

export async function sleep(ms: number): Promise<void> {
	await new Promise(resolve => setTimeout(resolve, ms));
}

/** Waits (5 s at most) for a condition that comes about over HTTP. */
export async function eventually(condition: () => boolean, what: string, deadlineMs = 5000): Promise<void> {
	const deadline = Date.now() + deadlineMs;
	while (!condition() && Date.now() < deadline) await sleep(10);
	expect(condition(), `waited ${deadlineMs / 1000} s for ${what}`).toBe(true);
}
