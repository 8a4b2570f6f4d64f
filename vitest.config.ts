import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.{ts,tsx}'],
		testTimeout: 20_000,
		// End-to-end tests spawn the CLI and a simulator; two cores are all CI has.
		maxWorkers: 2,
		// Colour assertions need chalk on; the program itself decides colour from the TTY and NO_COLOR.
		env: {FORCE_COLOR: '1'},
		// dist/ rebuilt when stale; every worker without the person's HOME, credentials and proxies.
		globalSetup: ['test/setup/global.ts'],
		setupFiles: ['test/setup/hermetic.ts'],
	},
});
