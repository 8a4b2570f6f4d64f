import {expect, test} from 'vitest';
import {compare, files} from '../../scripts/docs.mjs';

// The tables of README.md and docs/ between <!-- NAME:begin --> and <!-- NAME:end --> are made by
// `npm run docs` from source/cli/flags.ts, source/tui/keys.ts and source/cli/exit-code-docs.ts (built).
test.each(Object.keys(files))('%s: every generated block is what npm run docs writes from the tables now', path => {
	const file = compare().find(entry => entry.path === path)!;
	expect(file.current, `${path} drifted from the tables: run npm run docs`).toBe(file.expected);
});
