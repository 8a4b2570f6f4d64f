import {spawn, type ChildProcess} from 'node:child_process';
import {fileURLToPath} from 'node:url';

export const cliPath = fileURLToPath(new URL('../../../dist/cli.js', import.meta.url));

export type CliRun = {
	readonly child: ChildProcess;
	/** Everything written so far. */
	stdout(): string;
	stderr(): string;
	/** Resolves when stdout matches, rejects (with both streams) after timeoutMs. */
	waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
	/** Resolves with the exit code (or 128+signal). */
	exit(timeoutMs?: number): Promise<number>;
};

/** The built CLI as a user runs it: a real process, real HTTP, nothing mocked. */
export function runCli(args: readonly string[], env: Record<string, string | undefined> = {}): CliRun {
	const child = spawn(process.execPath, [cliPath, ...args], {
		env: {PATH: process.env['PATH'], HOME: process.env['HOME'], ...env},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let out = '';
	let error = '';
	child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
		out += chunk;
	});
	child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
		error += chunk;
	});
	const exited = new Promise<number>(resolve => {
		child.on('exit', (code, signal) => {
			resolve(code ?? (signal === 'SIGTERM' ? 143 : signal === 'SIGINT' ? 130 : 128));
		});
	});

	const describe = () => `\n--- stdout ---\n${out}\n--- stderr ---\n${error}`;
	return {
		child,
		stdout: () => out,
		stderr: () => error,
		async waitFor(pattern, timeoutMs = 10_000) {
			const started = Date.now();
			while (!pattern.test(out)) {
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
