import {EventEmitter} from 'node:events';
import xterm from '@xterm/headless';
import {describe, expect, test} from 'vitest';
import {CellScreen, diffScreens, parseLine} from '../../source/tui/cell-screen.js';

/** A fake terminal of a given size that records what is written. */
function fakeTerminal(columns: number, rows: number) {
	const terminal = new EventEmitter() as EventEmitter & {columns: number; rows: number; written: string[]; write(data: string): boolean};
	terminal.columns = columns;
	terminal.rows = rows;
	terminal.written = [];
	terminal.write = (data: string) => {
		terminal.written.push(data);
		return true;
	};

	return terminal;
}

/** What a real terminal emulator shows after these bytes. */
async function shown(bytes: string[], columns: number, rows: number): Promise<string[]> {
	const emulator = new xterm.Terminal({cols: columns, rows, allowProposedApi: true});
	for (const chunk of bytes) {
		await new Promise<void>(resolve => {
			emulator.write(chunk, resolve);
		});
	}

	return Array.from({length: rows}, (_, row) => emulator.buffer.active.getLine(row)!.translateToString(true));
}

const frame1 = ['\u001B[1mjob\u001B[22m rv 100', 'running   2  succeeded 0', 'image 训练:1.0'].join('\n');
const frame2 = ['\u001B[1mjob\u001B[22m rv 101', 'running   3  succeeded 0', 'image 训练:1.0'].join('\n');

describe('CellScreen', () => {
	test('the first frame is drawn whole; the next writes only what changed', async () => {
		const terminal = fakeTerminal(40, 5);
		const screen = new CellScreen(terminal as unknown as NodeJS.WriteStream);
		screen.write(frame1);
		screen.write(frame2);
		expect(terminal.written).toHaveLength(2);
		// Two digits changed: a cursor move and a character each, or one run covering both.
		expect(terminal.written[1]!.length).toBeLessThan(30);
		expect(await shown(terminal.written, 40, 5)).toEqual(['job rv 101', 'running   3  succeeded 0', 'image 训练:1.0', '', '']);
	});

	test('a frame identical to the screen writes nothing', () => {
		const terminal = fakeTerminal(40, 5);
		const screen = new CellScreen(terminal as unknown as NodeJS.WriteStream);
		screen.write(frame1);
		screen.write(frame1);
		expect(terminal.written).toHaveLength(1);
	});

	test('a style change alone is written (a value starts or stops being highlighted)', async () => {
		const terminal = fakeTerminal(20, 2);
		const screen = new CellScreen(terminal as unknown as NodeJS.WriteStream);
		screen.write('running 3 ');
		screen.write('running \u001B[43m3↑\u001B[49m');
		expect(terminal.written[1]).toContain('\u001B[0;43m3↑');
		screen.write('running 3 ');
		expect(terminal.written[2]).toMatch(/\u001B\[0m3 $/);
		expect((await shown(terminal.written, 20, 2))[0]!.trimEnd()).toBe('running 3');
	});

	test('after a resize the next frame is drawn whole, at the new size', async () => {
		const terminal = fakeTerminal(40, 5);
		const screen = new CellScreen(terminal as unknown as NodeJS.WriteStream);
		let resized = 0;
		screen.on('resize', () => resized++);
		screen.write(frame1);
		terminal.columns = 20;
		terminal.emit('resize');
		expect(resized).toBe(1);
		expect(screen.columns).toBe(20);
		screen.write(frame1);
		expect(terminal.written[1]!.startsWith('\u001B[H\u001B[2J')).toBe(true);
	});

	test('Ink\'s flush (an empty write) and its closing newline are not frames, and their callbacks are called', async () => {
		const terminal = fakeTerminal(40, 5);
		const screen = new CellScreen(terminal as unknown as NodeJS.WriteStream);
		screen.write(frame1);
		await new Promise<void>(resolve => screen.write('', () => resolve()));
		screen.write('\n');
		expect(terminal.written).toHaveLength(1);
	});
});

describe('parseLine', () => {
	test('wide characters take two cells and a line is cut at the width, never inside one', () => {
		const cells = parseLine('ab训练cd', 5);
		expect(cells.map(cell => cell.text)).toEqual(['a', 'b', '训', '', ' ']);
	});

	test('cursor movements inside a line are dropped, colours are kept as styles', () => {
		const cells = parseLine('\u001B[2Kx\u001B[31my\u001B[39mz', 3);
		expect(cells.map(cell => [cell.text, cell.style])).toEqual([
			['x', ''],
			['y', '31'],
			['z', ''],
		]);
	});
});

test('diffScreens joins nearby changes into one run instead of many cursor moves', () => {
	const before = [parseLine('a1 b1 c1 d1', 11)];
	const after = [parseLine('a2 b2 c2 d2', 11)];
	const bytes = diffScreens(before, after);
	expect(bytes.match(/\u001B\[\d+;\d+H/g)).toHaveLength(1);
});
