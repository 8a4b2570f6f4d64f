import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import {describe, expect, test} from 'vitest';
import {compileCacheDirectory} from '../../../source/cli/boot/compile-cache.js';
import {codeCacheFile, runKind} from '../../../source/cli/boot/program-script.js';
import {packageVersion} from '../../../source/cli/boot/version.js';

describe('the compile cache\'s directory', () => {
	test('under $XDG_CACHE_HOME, else ~/.cache; none without an absolute home', () => {
		expect(compileCacheDirectory({XDG_CACHE_HOME: '/var/cache/me'}, '/home/me')).toBe('/var/cache/me/vcjob-watch');
		expect(compileCacheDirectory({}, '/home/me')).toBe('/home/me/.cache/vcjob-watch');
		expect(compileCacheDirectory({XDG_CACHE_HOME: 'relative'}, '/home/me')).toBe('/home/me/.cache/vcjob-watch');
		expect(compileCacheDirectory({}, undefined)).toBeUndefined();
		expect(compileCacheDirectory({}, '')).toBeUndefined();
	});
});

describe('--version from package.json', () => {
	const folder = mkdtempSync(join(tmpdir(), 'vcjob-version-'));
	const file = (name: string, text: string) => {
		writeFileSync(join(folder, name), text);
		return pathToFileURL(join(folder, name));
	};

	test('this package\'s version for --version alone', () => {
		expect(packageVersion(['--version'], file('ours.json', '{"name":"vcjob-watch","version":"1.2.3"}'))).toBe('1.2.3');
	});

	test('nothing (meow answers) with other arguments, another package\'s file, a bad file or none', () => {
		const ours = file('ours.json', '{"name":"vcjob-watch","version":"1.2.3"}');
		expect(packageVersion(['--version', '--help'], ours)).toBeUndefined();
		expect(packageVersion([], ours)).toBeUndefined();
		expect(packageVersion(['--version'], file('other.json', '{"name":"other","version":"9.9.9"}'))).toBeUndefined();
		expect(packageVersion(['--version'], file('bad.json', '{'))).toBeUndefined();
		expect(packageVersion(['--version'], pathToFileURL(join(folder, 'missing.json')))).toBeUndefined();
	});
});

describe("the installed program's code cache", () => {
	test('a run that ends after one look and one that stays keep separate caches, named by build, Node and machine', () => {
		expect(runKind(['job', '-n', 'ns', '--once', '-o', 'json'])).toBe('look');
		expect(runKind(['--help'])).toBe('look');
		expect(runKind(['job', '-n', 'ns'])).toBe('watch');
		expect(runKind(['-n', 'ns', '-o', 'text'])).toBe('watch');
		expect(codeCacheFile('/home/me/.cache/vcjob-watch', '0123456789abcdef', 'watch')).toBe(
			`/home/me/.cache/vcjob-watch/program-0123456789abcdef-${process.version}-${process.arch}-watch.code`,
		);
	});
});
