#!/usr/bin/env node
// `npm run docs`: the reference tables of README.md and docs/ made again from the tables in source/, between
// their markers (`<!-- NAME:begin -->` … `<!-- NAME:end -->`); the text around the markers is written by hand.
//
//   options      docs/options.md             every flag (source/cli/flags.ts)
//   keys         docs/keys.md, README.md     every key (source/tui/keys.ts); README's is one table for both views
//   exit-codes   docs/output.md, README.md   every exit code (source/cli/exit-code-docs.ts)
//
// It reads the built tables (dist/, through package.json "imports"), so `npm run docs` builds first.
// `node scripts/docs.mjs --check` writes nothing and exits 1 when a block differs from what it would write
// (test/docs/docs.test.ts runs the same comparison).
import {readFileSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {exitCodeNumbers, exitCodeRows} from '#cli/exit-code-docs.js';
import {defaultText, flagSections, flagsOf, flagUsage} from '#cli/flags.js';
import {keyDescription} from '#cli/help.js';
import {keyLabel} from '#tui/key-lookup.js';
import {keySections} from '#tui/keys.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A table cell: one line, no column break. */
function cell(text) {
	return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function table(head, rows) {
	return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map(row => `| ${row.map(cell).join(' | ')} |`)].join(
		'\n',
	);
}

const code = text => `\`${text}\``;

/** docs/options.md: one row per flag, in the table's order; each section after the first opens with its title. */
export function optionsBlock() {
	const rows = Object.keys(flagSections).flatMap((section, index) => [
		...(index === 0 ? [] : [[`**${flagSections[section].title}**`, '']]),
		...flagsOf(section).map(([name, spec]) => {
			const {short, long} = flagUsage(name, spec);
			const meaning = [spec.description, defaultText(spec, code)].filter(part => part !== undefined).join(' ');
			const see = spec.see === undefined ? '' : `: see [${spec.see[0]}](${spec.see[1]})`;
			return [code(short === undefined ? long : `${short}, ${long}`), meaning + see];
		}),
	]);
	return table(['option', 'meaning'], rows);
}

/** Every key of a row as typed, each marked: `` `↑` `↓` `j` `k` ``; a `text` key is words. */
function typedKeys(row) {
	return Object.keys(row.keys)
		.map(name => (name === 'text' ? keyLabel(name) : code(keyLabel(name))))
		.join(' ');
}

/** docs/keys.md: a section per table, with its title, what it is, and every row. */
export function keysBlock() {
	return Object.values(keySections)
		.map(section =>
			[`## ${section.title}`, '', section.intro, '', table(['key', 'does'], section.rows.map(row => [typedKeys(row), keyDescription(row)]))].join(
				'\n',
			),
		)
		.join('\n\n');
}

/** README.md: one table, a row per key, what it does in a job's view and in the namespace's table. */
export function readmeKeysBlock() {
	const byKeys = new Map();
	for (const [view, section] of [
		['job', keySections.job],
		['table', keySections.table],
	]) {
		for (const row of section.rows) {
			const keys = typedKeys(row);
			const entry = byKeys.get(keys) ?? {job: [], table: []};
			entry[view].push(row.description);
			byKeys.set(keys, entry);
		}
	}

	const rows = [...byKeys].map(([keys, {job, table}]) => {
		const inJob = job.join('; ') || '—';
		const inTable = table.join('; ') || '—';
		return [keys, inJob, inTable === inJob ? 'the same' : inTable];
	});
	return table(['key', "a job's view", "the namespace's table"], rows);
}

export function exitCodesBlock() {
	return table(
		['code', 'when'],
		exitCodeRows.map(row => [exitCodeNumbers(row), row.when]),
	);
}

/** Which blocks each file holds. */
export const files = {
	'README.md': {keys: readmeKeysBlock, 'exit-codes': exitCodesBlock},
	'docs/options.md': {options: optionsBlock},
	'docs/keys.md': {keys: keysBlock},
	'docs/output.md': {'exit-codes': exitCodesBlock},
};

/** The text with each block between its markers replaced; a marker that is missing is an error. */
export function rewrite(text, blocks, path = 'the file') {
	let result = text;
	for (const [name, render] of Object.entries(blocks)) {
		const begin = `<!-- ${name}:begin -->\n`;
		const end = `<!-- ${name}:end -->`;
		const start = result.indexOf(begin);
		const stop = result.indexOf(end, start);
		if (start === -1 || stop === -1) throw new Error(`${path}: no ${begin.trim()} … ${end} markers`);
		result = `${result.slice(0, start + begin.length)}${render()}\n${result.slice(stop)}`;
	}

	return result;
}

/** Each file as it is, and as the tables would have it. */
export function compare() {
	return Object.entries(files).map(([path, blocks]) => {
		const current = readFileSync(join(root, path), 'utf8');
		return {path, current, expected: rewrite(current, blocks, path)};
	});
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	const check = process.argv.includes('--check');
	let stale = 0;
	for (const {path, current, expected} of compare()) {
		if (current === expected) continue;
		stale++;
		if (check) process.stderr.write(`${path}: a generated block differs from the tables (npm run docs)\n`);
		else {
			writeFileSync(join(root, path), expected);
			process.stdout.write(`${path}: rewritten\n`);
		}
	}

	if (check && stale > 0) process.exitCode = 1;
}
