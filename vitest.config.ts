import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.{ts,tsx}'],
		testTimeout: 20_000,
		// End-to-end tests spawn the CLI and a simulator; two cores are all CI has.
		maxWorkers: 2,
	},
});
