// The few marks the flag and key tables write in their texts: `code` and [a link](page.md#anchor). The
// reference pages keep them (Markdown); a terminal shows the words alone.

/** The text as a terminal shows it: backticks dropped, a link reduced to its words. */
export function plainText(markup: string): string {
	return markup.replaceAll(/\[([^\]]+)\]\([^)]*\)/g, '$1').replaceAll('`', '');
}

/** Lines of at most `width` characters, broken at spaces; a word longer than that stands on its own line. */
export function wrapText(text: string, width: number): string[] {
	const lines: string[] = [];
	let line = '';
	for (const word of text.split(/\s+/).filter(Boolean)) {
		if (line === '') line = word;
		else if (line.length + 1 + word.length <= width) line += ` ${word}`;
		else {
			lines.push(line);
			line = word;
		}
	}

	if (line !== '') lines.push(line);
	return lines;
}
