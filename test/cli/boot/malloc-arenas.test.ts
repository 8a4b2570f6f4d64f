import {describe, expect, test} from 'vitest';
import {arenaLimitRelaunch, type RunningProcess} from '../../../source/cli/boot/malloc-arenas.js';

const node: RunningProcess = {
	platform: 'linux',
	env: {PATH: '/usr/bin', HW_AUTH_TOKEN: 'secret'},
	execPath: '/opt/node/bin/node',
	execArgv: ['--inspect=0', '--no-warnings'],
	argv: ['/opt/node/bin/node', '/srv/vcjob-watch/dist/cli.js', 'job-a', '-n', 'team a', '--interval', '5s'],
	canExecve: true,
	isSea: false,
};

describe('starting again with at most two malloc arenas', () => {
	test('node: the same Node options with the young generation\'s cap, script and arguments, in order, with MALLOC_ARENA_MAX=2 added to the environment', () => {
		const relaunch = arenaLimitRelaunch(node)!;
		expect(relaunch.file).toBe('/opt/node/bin/node');
		expect(relaunch.args).toEqual([
			'/opt/node/bin/node', '--inspect=0', '--no-warnings', '--max-semi-space-size=1', '/srv/vcjob-watch/dist/cli.js', 'job-a', '-n', 'team a', '--interval', '5s',
		]);
		// A cap the user gave is kept as given.
		expect(arenaLimitRelaunch({...node, execArgv: ['--max-semi-space-size=8']})!.args).toEqual([
			'/opt/node/bin/node', '--max-semi-space-size=8', '/srv/vcjob-watch/dist/cli.js', 'job-a', '-n', 'team a', '--interval', '5s',
		]);
		expect(relaunch.env).toEqual({PATH: '/usr/bin', HW_AUTH_TOKEN: 'secret', MALLOC_ARENA_MAX: '2'});
		// The running process's environment is not changed: only the new one has the variable.
		expect(node.env['MALLOC_ARENA_MAX']).toBeUndefined();
	});

	test('a single executable: its own path, then the arguments after the duplicate argv[1], no Node options', () => {
		const relaunch = arenaLimitRelaunch({
			...node,
			execPath: '/usr/local/bin/vcjob-watch',
			execArgv: [],
			argv: ['/usr/local/bin/vcjob-watch', '/usr/local/bin/vcjob-watch', '-n', 'ns'],
			isSea: true,
		})!;
		expect(relaunch.file).toBe('/usr/local/bin/vcjob-watch');
		expect(relaunch.args).toEqual(['/usr/local/bin/vcjob-watch', '-n', 'ns']);
	});

	test('runs as it is when the variable is already set (the user\'s value, or the second start), off Linux, or without execve', () => {
		expect(arenaLimitRelaunch({...node, env: {MALLOC_ARENA_MAX: '8'}})).toBeUndefined();
		expect(arenaLimitRelaunch({...node, env: {MALLOC_ARENA_MAX: '2'}})).toBeUndefined();
		expect(arenaLimitRelaunch({...node, platform: 'darwin'})).toBeUndefined();
		expect(arenaLimitRelaunch({...node, canExecve: false})).toBeUndefined();
	});

	test('runs as it is for a run that ends after one look: --version, --help, --once', () => {
		for (const flag of ['--version', '--help', '--once']) {
			expect(arenaLimitRelaunch({...node, argv: [...node.argv, flag]})).toBeUndefined();
		}

		expect(arenaLimitRelaunch({...node, argv: [...node.argv, '-o', 'text']})).toBeDefined();
	});
});
