import {spawn, type ChildProcess} from 'node:child_process';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {minimalEnvironment} from '../../helpers/environment.js';
import {createTemporaryDirectory, removeTemporaryDirectory} from '../../helpers/temp-dir.js';

export const cliPath = fileURLToPath(new URL('../../../dist/cli.js', import.meta.url));

export type CliRun = {
	readonly child: ChildProcess;
	/** Everything written so far. */
	stdout(): string;
	stderr(): string;
	/** The complete lines of stdout so far, each parsed as JSON (the NDJSON of `-o json`). */
	jsonLines<T = Record<string, any>>(): T[];
	/** Resolves when stdout matches, rejects (with both streams) after timeoutMs. */
	waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
	/** Resolves with the exit code (or 128+signal), once stdout and stderr are read to their end. */
	exit(timeoutMs?: number): Promise<number>;
};

export type RunOptions = {
	/** What to run instead of the built CLI, the args following it: e.g. `['unshare', '-n', process.execPath, cliPath]`. */
	command?: readonly string[];
	cwd?: string;
};

/**
 * What every process a test starts has unless the test says otherwise (a key given as undefined drops it).
 * Tests start the program by the hundred: MALLOC_ARENA_MAX already set spares each start the second boot of
 * its relaunch (source/cli/boot/malloc-arenas.ts; the tests of that relaunch pass it as undefined), and one
 * compile cache for the run (in its temporary folder) spares compiling the same modules again.
 */
export function startDefaults(): Record<string, string> {
	return {MALLOC_ARENA_MAX: '2', NODE_COMPILE_CACHE: join(tmpdir(), 'node-compile-cache')};
}

/**
 * Starts command with the environment a test gives it and nothing of the runner's but PATH and
 * startDefaults(): HOME is a temporary folder of its own (removed once the process has gone) unless env names one.
 */
export function spawnHermetic(
	command: readonly string[],
	env: Record<string, string | undefined>,
	options: {cwd?: string; stdio: Array<'ignore' | 'pipe'>},
): ChildProcess {
	const home = 'HOME' in env ? undefined : createTemporaryDirectory('vcjob-watch-home-');
	const [file, ...args] = command;
	const child = spawn(file!, args, {env: minimalEnvironment({...startDefaults(), ...env}, home), cwd: options.cwd, stdio: options.stdio});
	if (home) {
		const remove = () => {
			removeTemporaryDirectory(home);
		};

		child.once('close', remove);
		child.once('error', remove);
	}

	return child;
}

/** The built CLI as a user runs it: a real process, real HTTP, nothing mocked. */
export function runCli(args: readonly string[], env: Record<string, string | undefined> = {}, options: RunOptions = {}): CliRun {
	const child = spawnHermetic([...(options.command ?? [process.execPath, cliPath]), ...args], env, {
		cwd: options.cwd,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let out = '';
	let error = '';
	let failed: Error | undefined;
	child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
		out += chunk;
	});
	child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
		error += chunk;
	});
	const exitCode = (code: number | null, signal: NodeJS.Signals | null) =>
		code ?? (signal === 'SIGTERM' ? 143 : signal === 'SIGINT' ? 130 : 128);
	const exited = new Promise<number>((resolve, reject) => {
		child.once('error', spawnError => {
			failed = spawnError;
			reject(spawnError);
		});
		child.once('exit', (code, signal) => {
			// The streams may still hold the last lines: 'close' says they were read to their end. A
			// grandchild holding them open must not hold the test too.
			const timer = setTimeout(() => resolve(exitCode(code, signal)), 2000);
			child.once('close', () => {
				clearTimeout(timer);
				resolve(exitCode(code, signal));
			});
		});
	});
	// A failed spawn is reported by waitFor and exit; without this it would also be an unhandled rejection.
	exited.catch(() => {});

	const describe = () => `\n--- stdout ---\n${out}\n--- stderr ---\n${error}`;
	return {
		child,
		stdout: () => out,
		stderr: () => error,
		jsonLines<T>() {
			// The last piece is a line still being written (or empty): not yet JSON.
			return out
				.split('\n')
				.slice(0, -1)
				.filter(line => line.trim() !== '')
				.map(line => {
					try {
						return JSON.parse(line) as T;
					} catch {
						throw new Error(`not a JSON line: ${line}${describe()}`);
					}
				});
		},
		async waitFor(pattern, timeoutMs = 10_000) {
			const started = Date.now();
			while (!pattern.test(out)) {
				if (failed) throw new Error(`could not start: ${failed.message}`);
				if (Date.now() - started > timeoutMs) {
					throw new Error(`timed out waiting for ${pattern}${describe()}`);
				}

				if (child.exitCode !== null) {
					throw new Error(`exited (${child.exitCode}) before ${pattern}${describe()}`);
				}

				await new Promise(resolve => setTimeout(resolve, 25));
			}

			return out;
		},
		async exit(timeoutMs = 15_000) {
			let timer: NodeJS.Timeout | undefined;
			const timeout = new Promise<never>((_, reject) => {
				timer = setTimeout(() => {
					child.kill('SIGKILL');
					reject(new Error(`did not exit within ${timeoutMs} ms${describe()}`));
				}, timeoutMs);
			});
			try {
				return await Promise.race([exited, timeout]);
			} finally {
				clearTimeout(timer);
			}
		},
	};
}
