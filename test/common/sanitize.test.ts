import {describe, expect, test} from 'vitest';
import {defaultMaxLength, sanitize, sanitizeOptional, terminalSafeJson} from '../../source/common/sanitize.js';

const ESC = '\u001B';

describe('escape sequences are removed, the text around them kept', () => {
	test.each<[string, string, string]>([
		['CSI colour', `a${ESC}[31mred${ESC}[0m`, 'ared'],
		['CSI clear screen and cursor home', `${ESC}[2J${ESC}[Hhello`, 'hello'],
		['CSI with private parameters', `x${ESC}[?1049hy`, 'xy'],
		['CSI cursor up to overwrite lines', `done${ESC}[3A${ESC}[Kfake`, 'donefake'],
		['OSC 0 window title ended by BEL', `x${ESC}]0;pwned\u0007y`, 'xy'],
		['OSC 2 window title ended by ST', `x${ESC}]2;pwned${ESC}\\y`, 'xy'],
		['OSC 52 clipboard write', `copy${ESC}]52;c;cm0gLXJmIH4K\u0007me`, 'copyme'],
		['OSC 8 hyperlink: the link text stays, the target goes', `a${ESC}]8;;https://evil.example/${ESC}\\link${ESC}]8;;${ESC}\\b`, 'alinkb'],
		['an unterminated OSC swallows the rest', `keep${ESC}]0;title never ends`, 'keep'],
		['DCS', `a${ESC}P1$tqueries${ESC}\\b`, 'ab'],
		['APC', `a${ESC}_hidden${ESC}\\b`, 'ab'],
		['PM', `a${ESC}^hidden${ESC}\\b`, 'ab'],
		['SOS', `a${ESC}Xhidden${ESC}\\b`, 'ab'],
		['two-byte escape: full reset (RIS)', `a${ESC}cb`, 'ab'],
		['two-byte escape: save cursor', `a${ESC}7b`, 'ab'],
		['a lone ESC at the end', `a${ESC}`, 'a'],
		['8-bit CSI (U+009B)', 'x\u009B31my', 'xy'],
		['8-bit OSC (U+009D) ended by 8-bit ST (U+009C)', 'x\u009D0;title\u009Cy', 'xy'],
		['8-bit OSC ended by BEL', 'x\u009D0;title\u0007y', 'xy'],
		['8-bit DCS (U+0090)', 'x\u0090data\u009Cy', 'xy'],
		['8-bit APC (U+009F)', 'x\u009Fdata\u009Cy', 'xy'],
	])('%s', (_title, input, expected) => {
		const output = sanitize(input);
		expect(output).toBe(expected);
		expect(output).not.toMatch(/[\u001B\u009B\u009D\u0007]/);
	});
});

describe('controls are shown, not obeyed', () => {
	test.each<[string, string, string]>([
		['BEL', 'ring\u0007bell', 'ring\\x07bell'],
		['backspace (overwrites what was printed)', 'safe\u0008\u0008\u0008\u0008evil', 'safe\\x08\\x08\\x08\\x08evil'],
		['NUL', 'a\u0000b', 'a\\x00b'],
		['DEL', 'a\u007Fb', 'a\\x7fb'],
		['a C1 control without a sequence (U+008D reverse line feed)', 'a\u008Db', 'a\\x8db'],
		['U+0084 (IND)', 'a\u0084b', 'a\\x84b'],
		['ESC only as part of a sequence is gone; a VT is whitespace', 'a\u000Bb', 'a b'],
	])('%s', (_title, input, expected) => {
		expect(sanitize(input)).toBe(expected);
	});

	test.each<[string, string, string]>([
		['CR (would rewrite the line)', 'progress 10%\rDONE', 'progress 10% DONE'],
		['CRLF and LF', 'line 1\r\nline 2\nline 3', 'line 1 line 2 line 3'],
		['tabs', 'a\t\tb', 'a b'],
		['NEL (U+0085)', 'a\u0085b', 'a b'],
		['line and paragraph separators', 'a\u2028b\u2029c', 'a b c'],
		['leading and trailing whitespace', '\n  text \r\n', 'text'],
	])('%s: one space, so every server string shows on one line', (_title, input, expected) => {
		expect(sanitize(input)).toBe(expected);
	});
});

describe('invisible and reordering characters are removed', () => {
	test.each<[string, string, string]>([
		['right-to-left override U+202E', 'invoice\u202Efdp.exe', 'invoicefdp.exe'],
		['left-to-right/right-to-left embeddings and pop', '\u202Aa\u202Bb\u202Cc\u202Dd', 'abcd'],
		['bidi isolates U+2066..U+2069', '\u2066a\u2067b\u2068c\u2069', 'abc'],
		['Arabic letter mark U+061C', 'a\u061Cb', 'ab'],
		['zero-width space, joiner, non-joiner', 'a\u200Bb\u200Cc\u200Dd', 'abcd'],
		['LRM and RLM', 'a\u200Eb\u200Fc', 'abc'],
		['word joiner and BOM', '\uFEFFa\u2060b', 'ab'],
		['Mongolian vowel separator', 'a\u180Eb', 'ab'],
		['interlinear annotation', 'a\uFFF9b\uFFFAc\uFFFB', 'abc'],
	])('%s', (_title, input, expected) => {
		expect(sanitize(input)).toBe(expected);
	});

	test('lone surrogates become U+FFFD, pairs are kept', () => {
		expect(sanitize('a\uD800b\uDC00c😀')).toBe('a\uFFFDb\uFFFDc😀');
		expect(sanitize('\uD83D').isWellFormed()).toBe(true);
	});

	test('ordinary text, CJK and emoji pass unchanged', () => {
		for (const text of ['openmpi-hello-3-com', '任务运行中', 'Ünïcödé ✓ ↑↓', '😀 done', 'a\\x1b literal backslash']) {
			expect(sanitize(text)).toBe(text);
		}
	});
});

describe('length', () => {
	test('at most maxLength characters, the last one an ellipsis', () => {
		expect(sanitize('abcdefgh', 5)).toBe('abcd…');
		expect(sanitize('abcde', 5)).toBe('abcde');
		expect(sanitize('x'.repeat(500))).toHaveLength(defaultMaxLength);
		expect(sanitize('x'.repeat(500)).endsWith('…')).toBe(true);
	});

	test('the limit applies to what is left after sanitising', () => {
		expect(sanitize(`${ESC}[31m${'a'.repeat(10)}${ESC}[0m`, 10)).toBe('a'.repeat(10));
	});

	test('CJK is cut between characters', () => {
		expect(sanitize('漢字漢字漢字漢字', 5)).toBe('漢字漢字…');
	});

	test('emoji are cut on a code point boundary, never between surrogates', () => {
		const cut = sanitize('😀'.repeat(10), 5);
		expect(cut).toBe('😀😀😀😀…');
		expect(cut.isWellFormed()).toBe(true);
		const mixed = sanitize(`a${'😀'.repeat(300)}`, 50);
		expect(mixed.isWellFormed()).toBe(true);
		expect(Array.from(mixed)).toHaveLength(50);
		expect(mixed.endsWith('😀…')).toBe(true);
	});
});

describe('sanitizeOptional', () => {
	test.each<[string, unknown, string | undefined]>([
		['a string', 'Running', 'Running'],
		['a finite number', 3, '3'],
		['NaN', Number.NaN, undefined],
		['Infinity', Number.POSITIVE_INFINITY, undefined],
		['an empty string', '', undefined],
		['whitespace only', ' \r\n ', undefined],
		['nothing but an escape sequence', `${ESC}]0;title\u0007`, undefined],
		['null', null, undefined],
		['undefined', undefined, undefined],
		['an object', {phase: 'Running'}, undefined],
		['an array', ['Running'], undefined],
		['a boolean', true, undefined],
	])('%s', (_title, value, expected) => {
		expect(sanitizeOptional(value)).toBe(expected);
	});

	test('caps the length too', () => {
		expect(sanitizeOptional('abcdef', 3)).toBe('ab…');
	});
});

describe('terminalSafeJson', () => {
	const values: Array<[string, unknown]> = [
		['C1 CSI and OSC', {message: 'x\u009B31m\u009D0;t\u009Cy'}],
		['ESC sequences', {name: `${ESC}]52;c;aGk=\u0007${ESC}[2J`}],
		['line separators', ['a\u2028b', 'c\u2029d']],
		['bidi override and zero-width', {queue: 'evil\u202Etxt.exe\u200B\uFEFF'}],
		['DEL and C0', 'a\u007Fb\u0000c\u0007d\r\n'],
		['nested, with numbers and null', {a: [1, 2.5, null, true, {b: '\u0085'}]}],
		['ordinary text', {name: 'openmpi-hello', note: '任务 ✓ 😀'}],
	];

	test.each(values)('%s: parses back to the same value', (_title, value) => {
		expect(JSON.parse(terminalSafeJson(value))).toEqual(value);
	});

	test.each(values)('%s: nothing that acts on a terminal or reorders text is left raw', (_title, value) => {
		const text = terminalSafeJson(value);
		expect(text).not.toMatch(/[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u200B-\u200F\uFEFF]/);
	});

	test('escapes as \\u00XX, keeping ordinary characters as they are', () => {
		expect(terminalSafeJson({m: 'a\u009Bb'})).toBe('{"m":"a\\u009bb"}');
		expect(terminalSafeJson({m: 'a\u202Eb'})).toBe('{"m":"a\\u202eb"}');
		expect(terminalSafeJson({m: '任务'})).toBe('{"m":"任务"}');
	});
});
