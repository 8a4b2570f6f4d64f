// Runs only the known-failing tests of source-bugs.failing.ts (see that file); not part of the suite.
import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		root: new URL('../..', import.meta.url).pathname,
		include: ['test/core/source-bugs.failing.ts'],
	},
});
