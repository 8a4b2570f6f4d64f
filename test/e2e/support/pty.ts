import {spawn, type ChildProcess} from 'node:child_process';
import {readFileSync, readlinkSync} from 'node:fs';
import xterm from '@xterm/headless';
import {expect} from 'vitest';
import {cliPath, spawnHermetic} from './run-cli.js';

export const enterAlt = '\u001B[?1049h';
export const leaveAlt = '\u001B[?1049l';
export const showCursor = '\u001B[?25h';

/**
 * Checks that the program gave the terminal back after it last took it (the alternate screen left, the cursor
 * shown); returns what it wrote after leaving, the scrollback's record.
 */
export function expectScreenRestored(raw: string): string {
	expect(raw.lastIndexOf(leaveAlt)).toBeGreaterThan(raw.lastIndexOf(enterAlt));
	expect(raw.lastIndexOf(showCursor)).toBeGreaterThan(raw.lastIndexOf(enterAlt));
	return raw.slice(raw.lastIndexOf(leaveAlt));
}

/**
 * The CLI in a real pseudo-terminal (util-linux `script`), its output fed into a headless xterm.js, so a
 * test reads the screen a person would see, and counts the bytes that crossed the "link".
 */
export type PtyRun = {
	readonly child: ChildProcess;
	/** The visible screen, one string per row, trailing spaces trimmed. */
	screen(): string[];
	/** Lines pushed off the top into the scrollback. */
	scrollback(): number;
	/** Every byte the program wrote, as text. */
	raw(): string;
	bytes(): number;
	type(keys: string): void;
	waitForScreen(pattern: RegExp, timeoutMs?: number): Promise<string>;
	resize(columns: number, rows: number): Promise<void>;
	exit(timeoutMs?: number): Promise<number>;
	/** The process inside the pty (not `script`). */
	pid(): number | undefined;
};

export type PtyOptions = {
	/** What to run instead of the built CLI, the args following it. */
	command?: readonly string[];
	cwd?: string;
	/** PATH for the program alone; `script` and `stty` are still found through the usual one. */
	programPath?: string;
};

/** One word for `sh -c`, whatever it holds. */
const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

export function runInPty(
	args: readonly string[],
	size: {columns: number; rows: number},
	env: Record<string, string | undefined> = {},
	options: PtyOptions = {},
): PtyRun {
	const program = [...(options.command ?? [process.execPath, cliPath]), ...args].map(word => quote(word)).join(' ');
	const command = [
		`stty cols ${size.columns} rows ${size.rows}`,
		...(options.programPath === undefined ? [] : [`export PATH=${quote(options.programPath)}`]),
		`exec ${program}`,
	].join('; ');
	// Ink goes non-interactive when CI is set: a person's terminal does not have it.
	const child = spawnHermetic(['script', '-q', '-f', '-e', '-c', command, '/dev/null'], {TERM: 'xterm-256color', ...env}, {
		cwd: options.cwd,
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	const terminal = new xterm.Terminal({cols: size.columns, rows: size.rows, allowProposedApi: true});
	let raw = '';
	let bytes = 0;
	child.stdout!.on('data', (chunk: Buffer) => {
		bytes += chunk.length;
		raw += chunk.toString('utf8');
		terminal.write(chunk);
	});
	const exited = new Promise<number>(resolve => {
		child.on('exit', code => resolve(code ?? 128));
	});

	const screen = () => {
		const buffer = terminal.buffer.active;
		const lines: string[] = [];
		for (let row = 0; row < terminal.rows; row++) {
			lines.push(buffer.getLine(buffer.viewportY + row)?.translateToString(true) ?? '');
		}

		return lines;
	};

	const inner = () => {
		// The program is the child of `script`.
		try {
			const children = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8');
			return Number(children.trim().split(' ')[0]) || undefined;
		} catch {
			return undefined;
		}
	};

	return {
		child,
		screen,
		raw: () => raw,
		scrollback: () => terminal.buffer.normal.length - terminal.rows,
		bytes: () => bytes,
		type(keys) {
			child.stdin!.write(keys);
		},
		async waitForScreen(pattern, timeoutMs = 10_000) {
			const started = Date.now();
			for (;;) {
				// Let xterm.js finish parsing what has arrived.
				await new Promise<void>(resolve => {
					terminal.write('', resolve);
				});
				const text = screen().join('\n');
				if (pattern.test(text)) return text;
				if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${pattern}; screen:\n${text}`);
				await new Promise(resolve => setTimeout(resolve, 50));
			}
		},
		async resize(columns, rows) {
			const pid = inner();
			if (!pid) throw new Error('no program in the pty');
			const tty = readlinkSync(`/proc/${pid}/fd/1`);
			// Marked before stty: the kernel itself signals the new size to the program, which may redraw
			// before stty has even exited.
			const mark = raw.length;
			terminal.resize(columns, rows);
			await new Promise<void>((resolve, reject) => {
				spawn('stty', ['-F', tty, 'cols', String(columns), 'rows', String(rows)], {env: {PATH: process.env['PATH']}}).on('exit', code =>
					code === 0 ? resolve() : reject(new Error(`stty exited ${code}`)),
				);
			});
			process.kill(pid, 'SIGWINCH');
			// Done when the program has redrawn the whole screen for the new size (the full-screen renderer
			// clears first); until then the emulator still shows the old frame, cut or reflowed.
			const started = Date.now();
			while (!raw.slice(mark).includes('\u001B[2J')) {
				if (Date.now() - started > 5000) {
					throw new Error(`no redraw within 5 s of resizing to ${columns}x${rows}; screen:\n${screen().join('\n')}`);
				}

				await new Promise(resolve => setTimeout(resolve, 20));
			}

			await new Promise<void>(resolve => {
				terminal.write('', resolve);
			});
		},
		async exit(timeoutMs = 10_000) {
			let timer: NodeJS.Timeout | undefined;
			try {
				return await Promise.race([
					exited,
					new Promise<never>((_, reject) => {
						timer = setTimeout(() => {
							child.kill('SIGKILL');
							reject(new Error(`did not exit; screen:\n${screen().join('\n')}`));
						}, timeoutMs);
					}),
				]);
			} finally {
				clearTimeout(timer);
			}
		},
		pid: inner,
	};
}
