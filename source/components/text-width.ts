import stringWidth from 'string-width';

/** Pads to a display width: CJK and emoji take two cells, so .padEnd() would misalign columns. */
export function padCells(text: string, width: number, align: 'left' | 'right' = 'left'): string {
	const gap = ' '.repeat(Math.max(0, width - stringWidth(text)));
	return align === 'left' ? text + gap : gap + text;
}

export {default as cellWidth} from 'string-width';
