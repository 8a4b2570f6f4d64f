#!/usr/bin/env node
import {exitUnlessNodeSupported} from './cli/boot/node-version.js';

// First, with nothing else loaded: an older Node gets one line, not a stack trace (cli/boot/node-version.ts).
// Everything else comes through import() below, which only runs after the check.
exitUnlessNodeSupported();
const {isSea} = await import('node:sea');
const {arenaLimitRelaunch} = await import('./cli/boot/malloc-arenas.js');

// Before anything else is loaded: the program that runs is the one started below (cli/boot/malloc-arenas.ts says why).
const relaunch = arenaLimitRelaunch({
	platform: process.platform,
	env: process.env,
	execPath: process.execPath,
	execArgv: process.execArgv,
	argv: process.argv,
	canExecve: typeof process.execve === 'function',
	isSea: isSea(),
});
if (relaunch) {
	try {
		process.execve?.(relaunch.file, relaunch.args, relaunch.env);
	} catch {
		// execve refused (a seccomp profile, an executable gone since): run here, with the default arenas. Node
		// 22.15 and later have process.execve (still marked experimental); older ones simply run here too.
	}
}

// `--version` alone: from package.json, without loading the program (cli/boot/version.ts).
const {packageVersion} = await import('./cli/boot/version.js');
const version = packageVersion(process.argv.slice(2), new URL('../package.json', import.meta.url));
if (version === undefined) {
	const {enableCompileCache} = await import('./cli/boot/compile-cache.js');
	enableCompileCache();
	await import('./cli/main.js');
} else {
	process.stdout.write(`${version}\n`);
}
