import {expect, test} from 'vitest';
import {exitCodes} from '../../source/app/exit-codes.js';
import {exitCodeRows} from '../../source/cli/exit-code-docs.js';
import {defaultText, flagTable, flagUsage, type FlagSpec} from '../../source/cli/flags.js';
import {keyDescription, renderHelp} from '../../source/cli/help.js';
import {plainText} from '../../source/common/markup.js';
import {shownKeys} from '../../source/tui/key-lookup.js';
import {keySections} from '../../source/tui/keys.js';

const help = renderHelp();
/** The help with its wrapping undone: a text is found whatever line it was broken on. */
const flat = help.replaceAll(/\s+/g, ' ');
const words = (text: string) => plainText(text).replaceAll(/\s+/g, ' ');

test('--help lists every flag of the table as written, with what it does and its default', () => {
	for (const [name, spec] of Object.entries(flagTable as Readonly<Record<string, FlagSpec>>)) {
		const {short, long} = flagUsage(name, spec);
		expect(help, long).toMatch(new RegExp(`^ {2}${short ? `${short}, ` : ' {4}'}${long.replace('?', '\\?')}( |$)`, 'm'));
		expect(flat, long).toContain(words(spec.description));
		const shown = defaultText(spec);
		if (shown) expect(flat, `${long} ${shown}`).toContain(`${words(spec.description)} ${words(shown)}`);
	}
});

test("--no-details says what it does to the end (it was cut short at \"the job's\")", () => {
	expect(flat).toContain("--no-details no PodGroup, pods or events: the job's own requests are the only ones");
});

test('--help lists every key of every table, as shown, with what it does', () => {
	for (const section of Object.values(keySections)) {
		expect(help).toContain(section.title.toLowerCase());
		for (const row of section.rows) {
			expect(help, shownKeys(row)).toMatch(new RegExp(`^ {2}${shownKeys(row).replaceAll(/[?.*+^$()[\]{}|\\/]/g, '\\$&')} `, 'm'));
			expect(flat, shownKeys(row)).toContain(words(keyDescription(row)));
		}
	}
});

test('--help lists every exit code, and every code is in one row', () => {
	const documented = exitCodeRows.flatMap(row => row.codes);
	expect([...documented].sort()).toEqual(Object.keys(exitCodes).sort());
	for (const row of exitCodeRows) {
		expect(flat).toContain(`${row.codes.map(name => exitCodes[name]).join(', ')} ${words(row.when)}`);
	}
});

test('--help is written for 100 columns, but for examples that cannot be broken', () => {
	const examples = help.slice(help.indexOf('\nExamples\n'));
	for (const line of help.slice(0, help.length - examples.length).split('\n')) expect(line.length, line).toBeLessThanOrEqual(98);
});
