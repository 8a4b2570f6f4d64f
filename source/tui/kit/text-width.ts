import stringWidth from 'string-width';

/** Pads to a display width: CJK and emoji take two cells, so .padEnd() would misalign columns. */
export function padCells(text: string, width: number, align: 'left' | 'right' = 'left'): string {
	const gap = ' '.repeat(Math.max(0, width - stringWidth(text)));
	return align === 'left' ? text + gap : gap + text;
}

/** Cuts to at most `width` cells with an ellipsis, at the end or (for paths, images) at the start. */
export function cutCells(text: string, width: number, from: 'start' | 'end' = 'end'): string {
	if (stringWidth(text) <= width) return text;
	if (width <= 1) return '…'.slice(0, Math.max(0, width));
	const characters = Array.from(text);
	const kept: string[] = [];
	let used = 1;
	for (const character of from === 'end' ? characters : characters.reverse()) {
		const cells = stringWidth(character);
		if (used + cells > width) break;
		kept.push(character);
		used += cells;
	}

	return from === 'end' ? `${kept.join('')}…` : `…${kept.reverse().join('')}`;
}

export {default as cellWidth} from 'string-width';

/** Text broken into lines of at most `width` cells (at spaces when it can), the last one cut with an ellipsis when it runs over `maxLines`. */
export function wrapCells(text: string, width: number, maxLines: number): string[] {
	const lines: string[] = [];
	let rest = text;
	while (rest !== '' && lines.length < maxLines) {
		if (lines.length === maxLines - 1 || stringWidth(rest) <= width) {
			lines.push(cutCells(rest, width));
			break;
		}

		let used = 0;
		let cut = 0;
		let lastSpace = -1;
		const characters = Array.from(rest);
		for (const [index, character] of characters.entries()) {
			const cells = stringWidth(character);
			if (used + cells > width) break;
			used += cells;
			cut = index + 1;
			if (character === ' ') lastSpace = index;
		}

		const end = lastSpace > cut / 2 ? lastSpace : Math.max(1, cut);
		lines.push(characters.slice(0, end).join('').trimEnd());
		rest = characters.slice(end).join('').trimStart();
	}

	return lines;
}
