/** A plain pause, for letting a program run a while before looking at what it did. */
export async function pause(ms: number): Promise<void> {
	await new Promise(resolve => setTimeout(resolve, ms));
}

/** Until condition() holds; past the deadline, fails naming what it waited for. */
export async function waitUntil(condition: () => boolean, what: string, deadlineMs = 10_000): Promise<void> {
	const deadline = Date.now() + deadlineMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`gave up after ${deadlineMs} ms waiting for ${what}`);
		await pause(20);
	}
}
