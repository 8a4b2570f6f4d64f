import fs from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import vm from 'node:vm';
// V8 accepts compiled code only under the flags it was made with: the start's are set before the program is
// compiled, and the cache is not written once the long-run settings have changed them.
import {longRunSettingsApplied} from './heap-settings.js';
import {userCacheDirectory} from './compile-cache.js';
import {endsAfterOneLook} from './malloc-arenas.js';

/** The bundled program as dist/program.cjs holds it: a function of `require` and `import.meta`. */
type Program = (require: NodeJS.Require, importMeta: {url: string}) => Promise<void>;

/**
 * A run that ends after one look, and one that stays: each gets its own cache, holding what that kind of run
 * compiles (a watch's frames, or a look's lines), so that neither is stuck with the other's.
 */
export function runKind(argv: readonly string[]): 'look' | 'watch' {
	return endsAfterOneLook(argv) ? 'look' : 'watch';
}

/** The cache file of this build on this Node, for this kind of run. */
export function codeCacheFile(directory: string, buildId: string, kind: 'look' | 'watch'): string {
	return path.join(directory, `program-${buildId}-${process.version}-${process.arch}-${kind}.code`);
}

/** Other builds' caches unused this long are removed when a cache is written: another install may still use one. */
const staleMs = 30 * 24 * 60 * 60 * 1000;

/** Writes the cache whole (another start reads either the old file or the new one) and drops stale ones. */
function saveCache(file: string, data: Buffer): void {
	try {
		const temporary = `${file}.${process.pid}`;
		fs.writeFileSync(temporary, data, {mode: 0o600});
		fs.renameSync(temporary, file);
		const directory = path.dirname(file);
		for (const name of fs.readdirSync(directory)) {
			if (!name.startsWith('program-') || !name.endsWith('.code')) continue;
			const other = path.join(directory, name);
			const {atimeMs, mtimeMs} = fs.statSync(other);
			if (Date.now() - Math.max(atimeMs, mtimeMs) > staleMs) fs.rmSync(other, {force: true});
		}
	} catch {
		// No cache: the next start compiles, as this one did.
	}
}

/**
 * The installed program (dist/bin.mjs) runs dist/program.cjs through here. Node's compile cache stores what V8
 * compiled before a module ran: for a 1.5 MB bundle, little of what a start calls. This keeps V8's code after
 * the program has run for a while (its first frame drawn) or at its exit if sooner, in the user's cache
 * directory, so a later start compiles next to nothing: about 60 ms of the first frame. Made again when V8
 * refuses it (another Node, other flags); anything unreadable or unwritable means a start without it.
 */
export async function runProgramScript(programUrl: URL, buildId: string, argv: readonly string[]): Promise<void> {
	const file = fileURLToPath(programUrl);
	const directory = userCacheDirectory();
	const cacheFile = directory === undefined ? undefined : codeCacheFile(directory, buildId, runKind(argv));
	const {script, cached} = compile(file, cacheFile);
	const program = script.runInThisContext() as Program;
	if (cacheFile !== undefined && !cached) {
		let saved = false;
		const save = () => {
			if (saved) return;
			saved = true;
			process.removeListener('exit', save);
			if (!longRunSettingsApplied()) saveCache(cacheFile, script.createCachedData());
		};

		setTimeout(save, 3000).unref();
		process.once('exit', save);
	}

	await program(createRequire(file), {url: programUrl.href});
}

/** The script compiled, from the cache when V8 takes it; the cache's bytes are not kept past this. */
function compile(file: string, cacheFile: string | undefined): {script: vm.Script; cached: boolean} {
	let cachedData: Buffer | undefined;
	try {
		if (cacheFile !== undefined) cachedData = fs.readFileSync(cacheFile);
	} catch {
		// None yet.
	}

	const script = new vm.Script(fs.readFileSync(file, 'utf8'), {filename: file, ...(cachedData === undefined ? {} : {cachedData})});
	return {script, cached: cachedData !== undefined && script.cachedDataRejected !== true};
}
