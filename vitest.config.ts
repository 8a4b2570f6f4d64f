import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.{ts,tsx}'],
		testTimeout: 20_000,
		// Two cores are all CI has, but an end-to-end test spends much of its time waiting on the processes and
		// servers it started: a third worker fills those waits (the suite in 111 s instead of 141 s here, every
		// wait in it a condition with a deadline, not a time).
		maxWorkers: 3,
		// Colour assertions need chalk on; the program itself decides colour from the TTY and NO_COLOR.
		env: {FORCE_COLOR: '1'},
		// dist/ rebuilt when stale; every worker without the person's HOME, credentials and proxies.
		globalSetup: ['test/setup/global.ts'],
		setupFiles: ['test/setup/hermetic.ts'],
	},
});
