// What the bundles change in their dependencies as esbuild reads them (scripts/build-standalone.mjs), each
// patch exact: a dependency whose text no longer matches fails the build rather than shipping unpatched.
// test/build/bundle-patches.test.ts checks that the patched string-width gives the library's widths.

import {readFileSync} from 'node:fs';
import {relative} from 'node:path';

const dependencyFile = name => new RegExp(String.raw`[\\/]node_modules[\\/]${name.replaceAll('/', String.raw`[\\/]`).replaceAll('.', String.raw`\.`)}$`);

/** Replaces exactly `count` matches of `pattern` in `source` (read from `path`), or throws. */
export function patchText(source, path, pattern, replacement, count, why) {
	const all = new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`);
	const found = source.match(all)?.length ?? 0;
	if (found !== count) {
		throw new Error(
			`${relative(process.cwd(), path)}: expected ${count} match(es) of ${pattern} (${why}), found ${found}: ` +
				'the dependency changed, update scripts/bundle-patches.mjs',
		);
	}

	return source.replaceAll(all, typeof replacement === 'string' ? () => replacement : replacement);
}

/** `patchText` over a file's text, for each [pattern, replacement, count, why]. */
function patchFile(path, patches) {
	let source = readFileSync(path, 'utf8');
	for (const [pattern, replacement, count, why] of patches) source = patchText(source, path, pattern, replacement, count, why);
	return {contents: source, loader: 'js'};
}

/**
 * meow finds the version and description for --version and --help in "the closest package.json" above the
 * running file; next to a lone copy there is none, or an unrelated one: the bundles carry the project's fields.
 * And meow's bundled dependencies build normalize-package-data (spdx-correct's tables and all) as they load,
 * about 10 ms of every start, for a package.json that only --help reads: built when first called instead.
 */
export function meowPlugin(packageFields) {
	return {
		name: 'meow',
		setup(build) {
			build.onLoad({filter: dependencyFile('meow/build/options.js')}, ({path}) =>
				patchFile(path, [[/readPackageUpSync\(\{[^}]*\}\)\?\.packageJson/, `(${JSON.stringify(packageFields)})`, 1, "meow's package.json lookup"]]),
			);
			build.onLoad({filter: dependencyFile('meow/build/dependencies.js')}, ({path}) =>
				patchFile(path, [
					[
						/var normalizeExports = requireNormalize\(\);\nconst normalizePackageData = getDefaultExportFromCjs\(normalizeExports\);/,
						'const normalizePackageData = (...parameters) => getDefaultExportFromCjs(requireNormalize())(...parameters);',
						1,
						'normalize-package-data built on first use',
					],
				]),
			);
		},
	};
}

/**
 * With DEV=true Ink reads its own package.json from disk and connects to React DevTools, which is not bundled;
 * DEV is a common variable name, so both branches are switched off.
 */
export const inkNoDevtoolsPlugin = {
	name: 'ink-no-devtools',
	setup(build) {
		build.onLoad({filter: dependencyFile('ink/build/reconciler.js')}, ({path}) =>
			patchFile(path, [[/process\.env\[['"]DEV['"]\] === ['"]true['"]/, 'false', 2, "Ink's DEV switch"]]),
		);
	},
};

/**
 * Code points that are each a grapheme of their own whatever their neighbours (no mark, joiner, selector,
 * format, control, surrogate, jamo or regional indicator), whose width is their East Asian Width: Latin,
 * Greek, Cyrillic, punctuation, arrows, box drawing, symbols, kana, CJK ideographs and fullwidth forms.
 */
export const plainWidthClass = String.raw`\u0020-\u007E\u00A0-\u00AC\u00AE-\u02FF\u0370-\u0377\u037A-\u037F\u0384-\u038A\u038C\u038E-\u03A1\u03A3-\u0482\u048A-\u052F\u2010-\u2027\u2030-\u205E\u2070-\u20CF\u2100-\u2BFF\u3000-\u3029\u3030-\u303F\u3041-\u3096\u30A1-\u30FA\u4E00-\u9FFF\uFF01-\uFF60`;

/**
 * string-width builds an Intl.Segmenter (about 13 ms) and compiles `\p{RGI_Emoji}` (about 18 ms) as it loads,
 * and Ink loads it before its first frame, whose text (`·`, `─`, `›`, `…`) misses its ASCII-only shortcut.
 * Here both are made when first needed, and a string of code points from `plainWidthClass` is measured by
 * their East Asian Width alone, which is what the full path gives for them (the test compares every one).
 */
export const stringWidthPlugin = {
	name: 'string-width-lazy',
	setup(build) {
		build.onLoad({filter: dependencyFile('string-width/index.js')}, ({path}) =>
			patchFile(path, [
				[
					/const segmenter = new Intl\.Segmenter\(\);/,
					'let segmenterMade;\nconst segmenter = {segment: text => (segmenterMade ??= new Intl.Segmenter()).segment(text)};',
					1,
					'the segmenter made on first use',
				],
				[
					/const rgiEmojiRegex = (\/\^\\p\{RGI_Emoji\}\$\/v);/,
					(_match, literal) => `let rgiEmojiMade;\nconst rgiEmojiRegex = {test: text => (rgiEmojiMade ??= ${literal}).test(text)};`,
					1,
					'the RGI emoji expression compiled on first use',
				],
				[
					/\n\tlet width = 0;\n\tconst eastAsianWidthOptions = \{ambiguousAsWide: !ambiguousIsNarrow\};\n/,
					match =>
						`${match}\n\tif (/^[${plainWidthClass}]*$/.test(string)) {\n\t\tfor (let index = 0; index < string.length; index++) width += eastAsianWidth(string.charCodeAt(index), eastAsianWidthOptions);\n\t\treturn width;\n\t}\n`,
					1,
					'plain text measured without the segmenter',
				],
			]),
		);
	},
};
