/**
 * glibc's malloc gives a thread that finds the main arena busy an arena of its own, up to eight per core, and
 * keeps what is freed in each for reuse there instead of handing it back. Node runs V8's compiler and garbage
 * collector on worker threads, so every arena grows with whatever those threads last needed: polling every
 * 10 ms, the resident set rose by 8 MB in 5 minutes while the V8 heap grew by 4, and by 7.6 MB over 100,000
 * polls; with at most two arenas, by 2.1 MB over 100,000 polls, and the peak of twelve starts fell from 111 to
 * 105 MB on average (README, "Measured"). The limit is an environment variable that glibc reads
 * once, at start-up: `MALLOC_ARENA_MAX`. So the program starts itself again, in place (execve: same process,
 * same terminal, nothing left behind), with the variable set. A value already set is the user's choice and
 * is kept, which also ends the loop; other systems' allocators do not read it, so it is set on Linux only.
 */
const arenaLimit = '2';

/**
 * The young generation's cap (source/cli/boot/heap-settings.ts says why), given to the second start on its command
 * line: there it costs nothing, while a V8 flag set at run time makes Node compile its built-in modules again.
 */
export const youngGenerationFlag = '--max-semi-space-size=1';

/**
 * A run that ends after one look gains nothing from the limit (arenas grow over hours of polling) and would pay
 * the second boot, about a third of its time: --version, --help, --once.
 */
const shortLived = new Set(['--version', '--help', '--once']);

/** Whether the command line is a run that ends after one look (--version, --help, --once). */
export function endsAfterOneLook(userArguments: readonly string[]): boolean {
	return userArguments.some(argument => shortLived.has(argument));
}

/** Whether Node's options already cap the young generation (the relaunch's, or the user's own). */
export function capsYoungGeneration(execArgv: readonly string[]): boolean {
	return execArgv.some(option => option.startsWith('--max-semi-space-size'));
}

export type Relaunch = {readonly file: string; readonly args: string[]; readonly env: NodeJS.ProcessEnv};

export type RunningProcess = {
	readonly platform: NodeJS.Platform;
	readonly env: NodeJS.ProcessEnv;
	readonly execPath: string;
	readonly execArgv: readonly string[];
	readonly argv: readonly string[];
	readonly canExecve: boolean;
	/** A single executable application: its argv[1] is the executable again, and it takes no Node options. */
	readonly isSea: boolean;
};

/** The Node options, with the young generation's cap unless one is there already. */
function withYoungGenerationCap(execArgv: readonly string[]): string[] {
	return capsYoungGeneration(execArgv) ? [...execArgv] : [...execArgv, youngGenerationFlag];
}

/** How to start this program again with the arena limit set, or undefined when it should run as it is. */
export function arenaLimitRelaunch(running: RunningProcess): Relaunch | undefined {
	if (running.platform !== 'linux' || !running.canExecve || running.env['MALLOC_ARENA_MAX'] !== undefined) {
		return undefined;
	}

	const userArguments = running.argv.slice(2);
	if (endsAfterOneLook(userArguments)) return undefined;
	const args = running.isSea
		? [running.execPath, ...userArguments]
		: [running.execPath, ...withYoungGenerationCap(running.execArgv), running.argv[1] ?? '', ...userArguments];
	return {file: running.execPath, args, env: {...running.env, MALLOC_ARENA_MAX: arenaLimit}};
}
