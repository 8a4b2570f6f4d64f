import {readFileSync} from 'node:fs';
import {describe, expect, test} from 'vitest';
import {actionVerbs} from '../../../source/api/commands.js';
import {completionScript} from '../../../source/cli/completion/completion-command.js';
import {completionSpec, shortDescription, subcommands} from '../../../source/cli/completion/completion-spec.js';
import {shells} from '../../../source/cli/completion/shells.js';
import {flagTable, flagUsage, type FlagSpec} from '../../../source/cli/flags.js';
import {renderHelp} from '../../../source/cli/help.js';
import {outputs} from '../../../source/cli/options.js';
import {UsageError} from '../../../source/common/usage-error.js';
import {scenarioNames} from '../../../source/simulator/index.js';

/** Every flag of the table as --help shows it, long and short: what a script must offer, nothing more. */
function tableFlags(): string[] {
	return Object.entries(flagTable as Readonly<Record<string, FlagSpec>>)
		.filter(([, spec]) => !('hidden' in spec && spec.hidden === true))
		.flatMap(([name, spec]) => {
			const {short, long} = flagUsage(name, spec);
			return [...(short === undefined ? [] : [short]), long.split(' ')[0]!];
		})
		.sort();
}

const sorted = (words: Iterable<string>) => [...words].sort();

const script = {
	bash: await completionScript(['bash']),
	zsh: await completionScript(['zsh']),
	fish: await completionScript(['fish']),
};

describe('the completion scripts offer the flag table, and only it', () => {
	test('bash: the words offered after -', () => {
		const line = /if \[\[ \$cur == -\* \]\]; then\n\t\t_vcjob_watch_add -W '([^']*)'/.exec(script.bash);
		expect(sorted(line![1]!.split(' '))).toEqual(tableFlags());
	});

	test('zsh: the described flags', () => {
		const block = /\tflags=\(\n([\s\S]*?)\n\t\)/.exec(script.zsh)![1]!;
		const words = block.split('\n').map(line => /^\t\t'([^:]+):/.exec(line)![1]!);
		expect(sorted(words)).toEqual(tableFlags());
	});

	test('fish: the -s and -l of its complete lines', () => {
		const words = [...script.fish.matchAll(/^complete -c vcjob-watch (?:-s (\w) )?-l ([\w-]+)/gm)].flatMap(([, short, long]) => [
			...(short === undefined ? [] : [`-${short}`]),
			`--${long}`,
		]);
		expect(sorted(words)).toEqual(tableFlags());
	});

	test('a flag that takes a value is skipped with it when the scripts look for the job name; a boolean is not', () => {
		const spec = completionSpec(scenarioNames);
		const namespace = spec.flags.find(flag => flag.long === '--namespace')!;
		expect(namespace).toMatchObject({short: '-n', value: {kind: 'namespaces'}});
		expect(spec.flags.find(flag => flag.long === '--once')!.value).toBeUndefined();
		expect(spec.flags.find(flag => flag.long === '--kubeconfig')!.value).toEqual({kind: 'files'});
		const skipped = /\t\t\t(-n\|--namespace\|[^)]*)\) \(\(i\+\+\)\) ;;/.exec(script.bash)![1]!.split('|');
		const valued = spec.flags.filter(flag => flag.value !== undefined).flatMap(flag => [...(flag.short ? [flag.short] : []), flag.long]);
		expect(sorted(skipped)).toEqual(sorted(valued));
	});
});

describe('values and subcommands come from where the program reads them', () => {
	test("-o offers the values cli/options.ts accepts, --scenario the simulator's scenarios, completion its shells", () => {
		expect(script.bash).toContain(`-o|--output)\n\t\t\t_vcjob_watch_add -W '${outputs.join(' ')}'`);
		expect(script.bash).toContain(`--scenario)\n\t\t\t_vcjob_watch_add -W '${scenarioNames.join(' ')}'`);
		expect(script.bash).toContain(`1:completion)\n\t\t\t_vcjob_watch_add -W '${shells.join(' ')}'`);
		expect(script.zsh).toContain(`(-o|--output) compadd -- ${outputs.map(value => `'${value}'`).join(' ')}; return ;;`);
		expect(script.fish).toContain(`-s o -l output -x -a '${outputs.join(' ')}'`);
		expect(script.fish).toContain(`-l scenario -x -a '${scenarioNames.join(' ')}'`);
	});

	test('the subcommands are the ones cli/main.ts dispatches, the action verbs among them', () => {
		const main = readFileSync(new URL('../../../source/cli/main.ts', import.meta.url), 'utf8');
		const dispatched = [...main.matchAll(/cli\.input\[0\] === '([a-z]+)'/g)].map(([, word]) => word!);
		expect(sorted(subcommands)).toEqual(sorted(new Set([...dispatched, ...actionVerbs])));
		for (const body of Object.values(script)) for (const word of subcommands) expect(body).toContain(word);
	});

	test('job names and namespaces are asked of the hidden __complete mode, which --help does not mention', () => {
		for (const body of Object.values(script)) {
			expect(body).toContain('command vcjob-watch __complete ');
			expect(body).toContain('namespaces');
			expect(body).toContain('jobs');
		}

		expect(renderHelp()).not.toContain('__complete');
		expect(renderHelp()).toContain('$ vcjob-watch completion bash|zsh|fish');
	});
});

describe('vcjob-watch completion SHELL', () => {
	test('an unknown shell, none, or more than one is a usage error that names the three', async () => {
		for (const inputs of [[], ['tcsh'], ['bash', 'zsh']]) {
			const refusal = completionScript(inputs);
			await expect(refusal).rejects.toBeInstanceOf(UsageError);
			await expect(refusal).rejects.toThrow('bash, zsh, fish');
		}
	});

	test("descriptions are one short line without the table's marks", () => {
		expect(shortDescription("the job's namespace; without NAME, the namespace whose jobs to list")).toBe("the job's namespace");
		expect(shortDescription('`tui`, `text` or `json`')).toBe('tui, text or json');
		const long = shortDescription('word '.repeat(40));
		expect(long.length).toBeLessThanOrEqual(70);
		expect(long.endsWith('…')).toBe(true);
	});
});
