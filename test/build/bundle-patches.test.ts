import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import * as esbuild from 'esbuild';
import stringWidth from 'string-width';
import {describe, expect, it} from 'vitest';
import {patchText, plainWidthClass, stringWidthPlugin} from '../../scripts/bundle-patches.mjs';
import {temporaryDirectory} from '../helpers/temp-dir.js';

type Width = typeof stringWidth;

/** string-width as the bundles hold it, patched by the plugin the build uses. */
async function patchedStringWidth(): Promise<Width> {
	const result = await esbuild.build({
		stdin: {contents: "export {default} from 'string-width';", resolveDir: process.cwd(), loader: 'js'},
		bundle: true,
		platform: 'node',
		format: 'esm',
		write: false,
		plugins: [stringWidthPlugin],
		logLevel: 'silent',
	});
	const file = join(temporaryDirectory(), 'string-width.mjs');
	writeFileSync(file, result.outputFiles[0]!.text);
	return ((await import(pathToFileURL(file).href)) as {default: Width}).default;
}

const plain = new RegExp(`^[${plainWidthClass}]$`);
const plainCodePoints = Array.from({length: 0x1_00_00}, (_, codePoint) => codePoint).filter(codePoint => plain.test(String.fromCodePoint(codePoint)));

describe('the bundles’ string-width', () => {
	it('gives the library’s width for every code point it measures by East Asian Width alone, both ambiguous widths', async () => {
		const patched = await patchedStringWidth();
		expect(plainCodePoints.length).toBeGreaterThan(25_000);
		const differing = [];
		for (const codePoint of plainCodePoints) {
			const text = String.fromCodePoint(codePoint);
			for (const ambiguousIsNarrow of [true, false]) {
				if (patched(text, {ambiguousIsNarrow}) !== stringWidth(text, {ambiguousIsNarrow})) differing.push(codePoint.toString(16));
			}
		}

		expect(differing).toEqual([]);
	});

	it('holds no code point that joins its neighbours into one grapheme, so a string’s width is the sum of its characters’', () => {
		const joining = /[\p{Mark}\p{Control}\p{Format}\p{Default_Ignorable_Code_Point}\p{Surrogate}\p{Regional_Indicator}\p{Emoji_Modifier}\u1100-\u11FF\uAC00-\uD7A3\uFF61-\uFFEF]/u;
		expect(plainCodePoints.filter(codePoint => joining.test(String.fromCodePoint(codePoint))).map(codePoint => codePoint.toString(16))).toEqual([]);
	});

	it('measures text as the library does: a screen’s lines, CJK, emoji, marks, escapes and mixed strings', async () => {
		const patched = await patchedStringWidth();
		const samples = [
			'',
			'Running 3/3 · minAvailable 3 ─── › …',
			'\u001B[1mphase\u001B[22m Pending │ 任务 等待 调度',
			'job ✅ done 🚀 👩‍💻 🇨🇳 1️⃣',
			'e\u0301 a\u0308 \u200B zero\u200Dwidth \u00AD soft',
			'ｆｕｌｌｗｉｄｔｈ ｶﾞ 한국어 ᄀᄀ',
			'≥ ≤ → ⇒ ■ □ ▲ ● ★ ☆ ♥ ⌚ ⏳ ⭐',
		];
		// Random strings from the plain set with ASCII, marks and emoji among them: a fixed seed, the same each run.
		let seed = 42;
		const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
		const pool = [...plainCodePoints.slice(0, 2000), ...plainCodePoints.slice(-2000), 0x301, 0x200d, 0xfe0f, 0x1f600, 0x1f1e8, 0xac00];
		for (let index = 0; index < 2000; index++) {
			samples.push(String.fromCodePoint(...Array.from({length: 1 + (next() % 12)}, () => pool[next() % pool.length]!)));
		}

		for (const sample of samples) expect(patched(sample), JSON.stringify(sample)).toBe(stringWidth(sample));
	});
});

describe('patchText', () => {
	it('fails the build when a dependency no longer holds the text a patch expects', () => {
		expect(() => patchText('const a = 1;', 'node_modules/x/index.js', /const b = 2;/, 'const b = 3;', 1, 'b')).toThrow(
			/expected 1 match\(es\) of \/const b = 2;\/ \(b\), found 0: the dependency changed/,
		);
		expect(patchText('let x = "$1";', 'x.js', /"\$1"/, '"$&"', 1, 'no replacement patterns')).toBe('let x = "$&";');
	});
});
