import {readFileSync} from 'node:fs';

/**
 * `vcjob-watch --version` alone, answered from this package's package.json without loading meow (about 40 ms of
 * a 120 ms start). Anything else, and a build with no package.json beside it (the single-file builds), goes
 * through meow as before.
 */
export function packageVersion(argv: readonly string[], packageJson: URL): string | undefined {
	if (argv.length !== 1 || argv[0] !== '--version') return undefined;
	try {
		const json: unknown = JSON.parse(readFileSync(packageJson, 'utf8'));
		if (typeof json !== 'object' || json === null) return undefined;
		const {name, version} = json as {name?: unknown; version?: unknown};
		return name === 'vcjob-watch' && typeof version === 'string' ? version : undefined;
	} catch {
		return undefined;
	}
}
