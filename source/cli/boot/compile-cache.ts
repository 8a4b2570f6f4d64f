import fs from 'node:fs';
import module from 'node:module';
import os from 'node:os';
import path from 'node:path';

/**
 * Node's compile cache keeps V8's compiled code of every module loaded, so that the next start reads it instead
 * of compiling the ~100 files of dist/ and node_modules again. In the user's cache directory ($XDG_CACHE_HOME, else
 * ~/.cache), under vcjob-watch. NODE_COMPILE_CACHE already set is the user's choice, and Node has acted on it.
 * Where nothing can be written (a read-only home, no home at all) it runs without. The directory is made here, one
 * level at a time, not by Node: Node 24's recursive mkdir never returns for a path under /proc or a dangling symlink
 * (it steps back on ENOENT and forward on EEXIST, forever), and enableCompileCache makes its directory that way.
 */
export function compileCacheDirectory(env: NodeJS.ProcessEnv, home: string | undefined): string | undefined {
	const xdg = env['XDG_CACHE_HOME'];
	if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'vcjob-watch');
	return home && path.isAbsolute(home) ? path.join(home, '.cache', 'vcjob-watch') : undefined;
}

function homeDirectory(): string | undefined {
	try {
		return os.homedir();
	} catch {
		return undefined; // no HOME and no passwd entry
	}
}

/** The directory, made if need be with its parent (~/.cache) but no further up: true when it is one now. */
function madeDirectory(directory: string): boolean {
	for (const folder of [path.dirname(directory), directory]) {
		try {
			fs.mkdirSync(folder, {mode: 0o700});
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return false;
		}
	}

	try {
		return fs.statSync(directory).isDirectory();
	} catch {
		return false;
	}
}

/** The user's cache directory for this program, made if need be; undefined where none can be, or the user turned caching off. */
export function userCacheDirectory(): string | undefined {
	if (process.env['NODE_DISABLE_COMPILE_CACHE'] !== undefined) return undefined;
	const directory = compileCacheDirectory(process.env, homeDirectory());
	return directory !== undefined && madeDirectory(directory) ? directory : undefined;
}

export function enableCompileCache(): void {
	if (process.env['NODE_COMPILE_CACHE'] !== undefined) return;
	const directory = userCacheDirectory();
	if (directory === undefined) return;
	try {
		// Node 22.1 and later; it reports a directory it cannot create or write, rather than throwing.
		module.enableCompileCache?.(directory);
	} catch {
		// Runs without the cache.
	}
}
