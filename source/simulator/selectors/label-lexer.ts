// The tokens of a label selector (labels.Lexer): what the parser in label-selector.ts reads.

export type Token = 'end' | 'identifier' | 'in' | 'notin' | '(' | ')' | ',' | '!' | '=' | '==' | '!=' | '>' | '<';
export type Item = {readonly token: Token; readonly literal: string};

const symbolTokens: ReadonlyMap<string, Token> = new Map<string, Token>(
	['(', ')', ',', '!', '=', '==', '!=', '>', '<'].map(symbol => [symbol, symbol as Token]),
);
const specialSymbols = new Set(['=', '!', '(', ')', ',', '>', '<']);
const whitespace = new Set([' ', '\t', '\r', '\n']);

/**
 * labels.Lexer, read for read. Its reader gives a NUL byte for the end of the string, so a NUL in the selector
 * ends the selector where a token would start, and only ends the token otherwise.
 */
export function lex(text: string): Item[] {
	let position = 0;
	const read = (): string => (position < text.length ? text[position++]! : '\0');
	const items: Item[] = [];
	for (;;) {
		let character = read();
		while (whitespace.has(character)) {
			character = read();
		}

		if (character === '\0') {
			items.push({token: 'end', literal: ''});
			return items;
		}

		let literal = character;
		if (specialSymbols.has(character)) {
			// The longest run of symbols that still spells an operator: "!=" and "==", else one symbol.
			let token = symbolTokens.get(literal)!;
			for (;;) {
				const next = read();
				if (next === '\0') {
					break;
				}

				const longer = specialSymbols.has(next) ? symbolTokens.get(literal + next) : undefined;
				if (!longer) {
					position--;
					break;
				}

				literal += next;
				token = longer;
			}

			items.push({token, literal});
			continue;
		}

		for (;;) {
			const next = read();
			if (next === '\0') {
				break;
			}

			if (specialSymbols.has(next) || whitespace.has(next)) {
				position--;
				break;
			}

			literal += next;
		}

		items.push({token: literal === 'in' || literal === 'notin' ? literal : 'identifier', literal});
	}
}
