import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, onTestFinished} from 'vitest';

// Whatever is still here when the process ends goes then: a folder outlives nothing that made it.
const left = new Set<string>();
process.once('exit', () => {
	for (const directory of left) rmSync(directory, {recursive: true, force: true});
});

/** A new empty folder, removed by removeTemporaryDirectory or, at the latest, when this process exits. */
export function createTemporaryDirectory(prefix = 'vcjob-watch-'): string {
	const directory = mkdtempSync(join(tmpdir(), prefix));
	left.add(directory);
	return directory;
}

export function removeTemporaryDirectory(directory: string): void {
	rmSync(directory, {recursive: true, force: true});
	left.delete(directory);
}

/**
 * A new empty folder, removed when the test that made it has finished; made outside a test (at a file's top
 * level or in beforeAll), after the file's tests.
 */
export function temporaryDirectory(prefix = 'vcjob-watch-'): string {
	const directory = createTemporaryDirectory(prefix);
	const remove = () => {
		removeTemporaryDirectory(directory);
	};

	try {
		onTestFinished(remove);
	} catch {
		// Not inside a test: afterAll, where vitest still collects hooks; otherwise the exit above.
		try {
			afterAll(remove);
		} catch {}
	}

	return directory;
}
