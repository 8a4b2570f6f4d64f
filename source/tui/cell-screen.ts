import {EventEmitter} from 'node:events';
import stringWidth from 'string-width';

// Ink rewrites every line that changed, whole; over a slow SSH link a counter going from 2 to 3 should
// cost a few bytes, not a few lines. This screen takes Ink's full frames (Ink's debug mode writes each
// frame whole) and writes to the terminal only the cells that differ from what is already there, as
// curses does: a cursor move, the style, the changed characters.

type Style = {
	fg?: string;
	bg?: string;
	bold?: boolean;
	dim?: boolean;
	italic?: boolean;
	underline?: boolean;
	inverse?: boolean;
	strike?: boolean;
};

type Cell = {
	/** The grapheme, '' for the second cell of a wide character. */
	readonly text: string;
	/** The SGR parameters that draw it, '' for the default style. */
	readonly style: string;
};

const blank: Cell = {text: ' ', style: ''};
// eslint-disable-next-line no-control-regex
const sgrOrText = /\u001B\[([\d;]*)m|\u001B\[[\d;?]*[A-Za-z]|\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)|([^\u001B]+)/g;
const segmenter = new Intl.Segmenter();

function applySgr(style: Style, parameters: string): Style {
	const codes = parameters === '' ? [0] : parameters.split(';').map(Number);
	let next: Style = {...style};
	for (let index = 0; index < codes.length; index++) {
		const code = codes[index]!;
		if (code === 0) next = {};
		else if (code === 1) next.bold = true;
		else if (code === 2) next.dim = true;
		else if (code === 22) {
			next.bold = false;
			next.dim = false;
		} else if (code === 3) next.italic = true;
		else if (code === 23) next.italic = false;
		else if (code === 4) next.underline = true;
		else if (code === 24) next.underline = false;
		else if (code === 7) next.inverse = true;
		else if (code === 27) next.inverse = false;
		else if (code === 9) next.strike = true;
		else if (code === 29) next.strike = false;
		else if ((code >= 30 && code <= 37) || (code >= 90 && code <= 97)) next.fg = String(code);
		else if (code === 39) delete next.fg;
		else if ((code >= 40 && code <= 47) || (code >= 100 && code <= 107)) next.bg = String(code);
		else if (code === 49) delete next.bg;
		else if (code === 38 || code === 48) {
			// 38;5;n or 38;2;r;g;b (and 48 for the background).
			const length = codes[index + 1] === 5 ? 2 : 4;
			const value = codes.slice(index, index + 1 + length).join(';');
			if (code === 38) next.fg = value;
			else next.bg = value;
			index += length;
		}
	}

	return next;
}

function styleKey(style: Style): string {
	return [
		style.bold ? '1' : '',
		style.dim ? '2' : '',
		style.italic ? '3' : '',
		style.underline ? '4' : '',
		style.inverse ? '7' : '',
		style.strike ? '9' : '',
		style.fg ?? '',
		style.bg ?? '',
	]
		.filter(Boolean)
		.join(';');
}

/** One line of a frame as cells: styles resolved, wide characters spanning two cells, cut or padded. */
export function parseLine(line: string, columns: number): Cell[] {
	const cells: Cell[] = [];
	let style: Style = {};
	let key = '';
	for (const match of line.matchAll(sgrOrText)) {
		if (match[1] !== undefined) {
			style = applySgr(style, match[1]);
			key = styleKey(style);
		} else if (match[2] !== undefined) {
			for (const {segment} of segmenter.segment(match[2])) {
				const width = stringWidth(segment);
				if (width === 0) continue;
				if (cells.length + width > columns) break;
				cells.push({text: segment, style: key});
				if (width === 2) cells.push({text: '', style: key});
			}
		}
		// Any other escape sequence (cursor movement, OSC) is not a cell: dropped.
	}

	while (cells.length < columns) cells.push(blank);
	return cells.slice(0, columns);
}

const same = (a: Cell, b: Cell) => a.text === b.text && a.style === b.style;
// Two runs closer than this are written as one: a cursor move costs about as much as a few cells.
const joinGap = 6;

/**
 * The bytes that turn the `previous` screen into `next`: for each changed run of cells, a cursor move, the
 * style and the characters. Undefined `previous` draws everything after clearing the screen.
 */
export function diffScreens(previous: Cell[][] | undefined, next: Cell[][]): string {
	let out = previous ? '' : '\u001B[H\u001B[2J';
	let currentStyle: string | undefined;
	for (const [row, cells] of next.entries()) {
		const before = previous?.[row];
		// A line the frame has not changed keeps its cells: nothing to compare.
		if (before === cells) continue;
		let column = 0;
		while (column < cells.length) {
			if (before && same(before[column] ?? blank, cells[column]!)) {
				column++;
				continue;
			}

			// A run of changed cells, extended over short unchanged gaps.
			let start = column;
			if (cells[start]!.text === '' && start > 0) start--; // the second half of a wide character
			let end = column + 1;
			let gap = 0;
			for (let index = end; index < cells.length && gap < joinGap; index++) {
				if (before && same(before[index] ?? blank, cells[index]!)) {
					gap++;
				} else {
					gap = 0;
					end = index + 1;
				}
			}

			if (!before) {
				// Skip trailing blanks on a fresh screen: it was just cleared.
				while (end > start && cells[end - 1] === blank) end--;
				if (end === start) break;
			}

			out += `\u001B[${row + 1};${start + 1}H`;
			for (let index = start; index < end; index++) {
				const cell = cells[index]!;
				if (cell.text === '') continue;
				if (cell.style !== currentStyle) {
					out += `\u001B[0${cell.style ? `;${cell.style}` : ''}m`;
					currentStyle = cell.style;
				}

				out += cell.text;
			}

			column = end;
		}
	}

	return currentStyle ? `${out}\u001B[0m` : out;
}

/**
 * A stand-in for stdout that Ink renders into (debug mode: a whole frame per write). It keeps what the
 * terminal shows and forwards only the difference. Size and resize events are the real terminal's.
 */
export class CellScreen extends EventEmitter {
	readonly isTTY = true;
	private shown: Cell[][] | undefined;
	private disposed = false;
	/** The frame's lines as Ink wrote them, to know which ones did not change without parsing them again. */
	private lines: string[] = [];
	private readonly onResize = () => {
		// After a resize the terminal's own content is unknown (reflowed or cut): draw everything again.
		this.shown = undefined;
		this.lines = [];
		this.emit('resize');
	};

	constructor(private readonly terminal: NodeJS.WriteStream) {
		super();
		terminal.on('resize', this.onResize);
	}

	get columns(): number {
		return this.terminal.columns || 80;
	}

	get rows(): number {
		return this.terminal.rows || 24;
	}

	write(
		frame: string | Uint8Array,
		encodingOrCallback?: BufferEncoding | ((error?: Error | null) => void),
		callback?: (error?: Error | null) => void,
	): boolean {
		// Ink waits on a write's callback to know a frame is out: it must always be called.
		const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
		const text = typeof frame === 'string' ? frame : Buffer.from(frame).toString('utf8');
		// Ink ends a debug session with a bare newline, and flushes with an empty write: not frames. Once
		// disposed, the terminal is no longer ours.
		if (text.trim() === '' || this.disposed) {
			if (done) queueMicrotask(() => done());
			return true;
		}

		const lines = text.replace(/\n$/, '').split('\n');
		const {columns, rows} = this;
		const shown = this.shown?.length === rows && this.shown[0]?.length === columns ? this.shown : undefined;
		// Most frames change a few lines: the others are the same text, so the same cells.
		const next = Array.from({length: rows}, (_, row) =>
			shown && lines[row] === this.lines[row] ? shown[row]! : parseLine(lines[row] ?? '', columns),
		);
		const bytes = diffScreens(this.shown, next);
		this.shown = next;
		this.lines = lines;
		if (bytes === '') {
			if (done) queueMicrotask(() => done());
			return true;
		}

		return done ? this.terminal.write(bytes, done) : this.terminal.write(bytes);
	}

	/** Forget what is on screen: the next frame is drawn whole. */
	invalidate(): void {
		this.shown = undefined;
		this.lines = [];
	}

	dispose(): void {
		this.disposed = true;
		this.terminal.off('resize', this.onResize);
	}
}
