import {spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readdirSync, symlinkSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, test} from 'vitest';
import {cliPath} from '../support/run-cli.js';

// --help runs the whole start (the compile cache is enabled before the program loads) and exits.
function help(env: Record<string, string | undefined>) {
	const clean = {...process.env, MALLOC_ARENA_MAX: '2', NODE_COMPILE_CACHE: undefined, XDG_CACHE_HOME: undefined, ...env};
	return spawnSync(process.execPath, [cliPath, '--help'], {encoding: 'utf8', timeout: 20_000, env: clean});
}

describe('the compile cache in the user\'s cache directory', () => {
	test('kept under ~/.cache/vcjob-watch, or $XDG_CACHE_HOME/vcjob-watch', () => {
		const home = mkdtempSync(join(tmpdir(), 'vcjob-home-'));
		expect(help({HOME: home}).status).toBe(0);
		expect(readdirSync(join(home, '.cache', 'vcjob-watch')).length).toBeGreaterThan(0);
		const xdg = mkdtempSync(join(tmpdir(), 'vcjob-xdg-'));
		expect(help({HOME: home, XDG_CACHE_HOME: xdg}).status).toBe(0);
		expect(existsSync(join(xdg, 'vcjob-watch'))).toBe(true);
	});

	test('a cache directory that cannot be made is no obstacle: a dangling link, a path under /proc, a file', () => {
		const folder = mkdtempSync(join(tmpdir(), 'vcjob-nocache-'));
		const dangling = join(folder, 'dangling');
		symlinkSync(join(folder, 'gone'), dangling);
		for (const env of [{HOME: dangling}, {XDG_CACHE_HOME: dangling}, {XDG_CACHE_HOME: '/proc/no-such-dir'}, {XDG_CACHE_HOME: '/etc/hostname'}, {HOME: undefined}]) {
			const run = help(env);
			expect(run.status, JSON.stringify(env)).toBe(0);
			expect(run.stdout).toContain('vcjob-watch');
			expect(run.stderr).toBe('');
		}
	});
});
