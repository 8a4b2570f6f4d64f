import {readFileSync} from 'node:fs';
import meow from 'meow';
import {describe, expect, test} from 'vitest';
import {flagTable, flagUsage, longName, meowFlags, withDefaults, type FlagSpec} from '../../source/cli/flags.js';
import {resolveOptions} from '../../source/cli/options.js';
import {scenarioNames} from '../../source/simulator/index.js';

const table = Object.entries(flagTable as Readonly<Record<string, FlagSpec>>);
const parsed = table.filter(([, spec]) => !spec.builtin);

/** meow as cli/main.ts calls it, on these arguments. */
function parse(argv: string[]) {
	return meow({importMeta: import.meta, argv, allowUnknownFlags: false, autoHelp: false, autoVersion: false, flags: meowFlags()});
}

/** A value meow takes for the flag: `--interval 7s`, `--port 8081`. */
function sample(spec: FlagSpec): string {
	return spec.type === 'number' ? '7' : 'sample-value';
}

describe('the flag table', () => {
	test("meow's flags are the table's, with the same type, short flag and default", () => {
		const expected = Object.fromEntries(
			parsed.map(([name, spec]) => [
				name,
				{type: spec.type, ...(spec.short ? {shortFlag: spec.short} : {}), ...('default' in spec ? {default: spec.default} : {})},
			]),
		);
		expect(meowFlags()).toEqual(expected);
		expect(Object.keys(meowFlags())).not.toContain('help');
		expect(Object.keys(meowFlags())).not.toContain('version');
	});

	test('cli/main.ts hands meow the table and the rendered help, not literals of its own', () => {
		const main = readFileSync(new URL('../../source/cli/main.ts', import.meta.url), 'utf8');
		expect(main).toContain('flags: meowFlags()');
		expect(main).toMatch(/meow\(renderHelp\(\),/);
		expect(main).not.toMatch(/type: '(string|boolean|number)'/);
	});

	test('durations default only in the table: cli/options.ts and cli/main.ts spell none', () => {
		const sources = ['options.ts', 'main.ts'].map(file => readFileSync(new URL(`../../source/cli/${file}`, import.meta.url), 'utf8'));
		for (const [name, spec] of table) {
			if (spec.type !== 'string' || spec.value !== 'D' || spec.default === undefined) continue;
			for (const source of sources) expect(source, `--${longName(name)}'s default`).not.toContain(`'${spec.default}'`);
		}
	});

	test('meow parses every flag of the table by its long name, its short one and (booleans on by default) its --no- form', () => {
		const defaults = parse([]).flags;
		for (const [name, spec] of parsed) {
			if ('default' in spec) expect(defaults[name], `--${longName(name)}'s default`).toBe(spec.default);
			const {short, long} = flagUsage(name, spec);
			const flag = long.split(' ')[0]!;
			if (spec.type === 'boolean') {
				expect(parse([flag]).flags[name], flag).toBe(!spec.default);
			} else {
				const value = sample(spec);
				const expected = spec.type === 'number' ? Number(value) : value;
				expect(parse([flag, value]).flags[name], flag).toBe(expected);
				if (short) expect(parse([short, value]).flags[name], short).toBe(expected);
			}
		}
	});

	test('every flag is written once: names, short forms and --no- forms are unique; a value takes a placeholder', () => {
		const longs = table.map(([name, spec]) => flagUsage(name, spec).long.split(' ')[0]);
		expect(new Set(longs).size).toBe(longs.length);
		const shorts = table.flatMap(([, spec]) => (spec.short ? [spec.short] : []));
		expect(new Set(shorts).size).toBe(shorts.length);
		for (const [name, spec] of table) {
			expect(spec.description.trim(), name).not.toBe('');
			if (spec.type !== 'boolean') expect(spec.value, name).toMatch(/^[A-Z]+$/);
			if (spec.type === 'string' && spec.defaultText !== undefined) expect(spec.default, `${name}: a default or words for it, not both`).toBeUndefined();
		}
	});

	test("--scenario names every scenario of the simulator", () => {
		for (const scenario of scenarioNames) expect(flagTable.scenario.description).toContain(`\`${scenario}\``);
	});
});

describe('withDefaults: the one place a default is applied', () => {
	test('fills what is left out or undefined, keeps what is given', () => {
		const flags = withDefaults({interval: '5s', watchIdle: undefined, details: false});
		expect(flags.interval).toBe('5s');
		expect(flags.watchIdle).toBe(flagTable.watchIdle.default);
		expect(flags.details).toBe(false);
		expect(flags.detailsInterval).toBe(flagTable.detailsInterval.default);
		expect(flags.altScreen).toBe(true);
		expect(flags.namespace).toBeUndefined();
	});

	test('resolveOptions given only a name resolves what meow would give with no flag', () => {
		const bare = resolveOptions(['job'], {}, {}, false);
		const fromMeow = resolveOptions(['job'], parse([]).flags, {}, false);
		expect(bare).toEqual(fromMeow);
		expect(bare).toMatchObject({watchIdleMs: 120_000, intervalMs: 2000, timeoutMs: 10_000, detailsIntervalMs: 10_000, details: true, speed: 1});
	});
});
