import {afterEach, expect, test} from 'vitest';
import {flagTable, flagUsage, type FlagSpec} from '../../../source/cli/flags.js';
import {renderHelp} from '../../../source/cli/help.js';
import {runCli, type CliRun} from '../support/run-cli.js';

let run: CliRun | undefined;
afterEach(() => {
	run?.child.kill('SIGKILL');
	run = undefined;
});

test('--help prints the help made from the tables, under the description, and exits 0', async () => {
	run = runCli(['--help']);
	expect(await run.exit()).toBe(0);
	expect(run.stderr()).toBe('');
	const indented = renderHelp()
		.split('\n')
		.map(line => (line === '' ? '' : `  ${line}`))
		.join('\n');
	expect(run.stdout()).toContain(indented);
	expect(run.stdout()).toMatch(/^\n {2}Watch one Volcano Job/);
});

test('the built CLI knows every flag of the table (an unknown one is refused, so meow got them all)', async () => {
	const argv = Object.entries(flagTable as Readonly<Record<string, FlagSpec>>).flatMap(([name, spec]) => {
		if (spec.builtin) return [];
		const flag = flagUsage(name, spec).long.split(' ')[0]!;
		return spec.type === 'boolean' ? [flag] : [flag, spec.type === 'number' ? '1' : name === 'output' ? 'text' : '2s'];
	});
	run = runCli(argv);
	// Parsed, then refused as a whole (--watch with --poll, --demo with --server, …): a usage error, never an unknown flag.
	expect(await run.exit()).toBe(2);
	expect(run.stderr()).toMatch(/^vcjob-watch: /);
	expect(run.stderr()).not.toMatch(/unknown flag/i);

	run = runCli(['--no-such-flag']);
	expect(await run.exit()).toBe(2);
	expect(run.stderr()).toMatch(/unknown flag/i);
});
