// Once per `vitest run`, before any test file: dist/ rebuilt if the sources are newer (the end-to-end tests
// run it), a temporary folder that holds every test's HOME and temporary files, and the person's HOME kept
// for test/e2e/program/hermetic.test.ts alone.
import {spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readdirSync, rmSync, statSync} from 'node:fs';
import {tmpdir, userInfo} from 'node:os';
import {join, relative} from 'node:path';
import {fileURLToPath} from 'node:url';
import type {TestProject} from 'vitest/node';

declare module 'vitest' {
	export interface ProvidedContext {
		/** Where every test's HOME and temporary folders go; removed after the run. */
		testTemporaryRoot: string;
		/** The HOMEs of the person running the tests, which no test may see. */
		runnerHomes: string[];
		/** The variables set below, which test/setup/hermetic.ts must remove before any test runs. */
		plantedVariables: string[];
	}
}

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Every file under directory, as paths. */
function files(directory: string): string[] {
	return readdirSync(directory, {withFileTypes: true, recursive: true})
		.filter(entry => entry.isFile())
		.map(entry => join(entry.parentPath, entry.name));
}

/** The first source newer than its compiled file (or with none), or undefined when dist/ is current. */
export function staleBecause(): string | undefined {
	const dist = join(root, 'dist');
	const cli = join(dist, 'cli.js');
	if (!existsSync(cli)) return 'dist/cli.js is missing';
	const built = statSync(cli).mtimeMs;
	for (const config of ['tsconfig.json', 'package.json']) {
		if (statSync(join(root, config)).mtimeMs > built) return `${config} changed`;
	}

	for (const source of files(join(root, 'source'))) {
		if (!/\.tsx?$/.test(source) || source.endsWith('.d.ts')) continue;
		const output = join(dist, relative(join(root, 'source'), source).replace(/\.tsx?$/, '.js'));
		// tsc writes every output on each build: an output older than its source was built before the change.
		if (!existsSync(output) || statSync(output).mtimeMs < statSync(source).mtimeMs) {
			return `${relative(root, source)} is newer than dist/`;
		}
	}

	return undefined;
}

function buildIfStale() {
	const reason = staleBecause();
	if (!reason) return;
	const started = performance.now();
	const build = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc')], {
		cwd: root,
		env: {PATH: process.env['PATH'], HOME: process.env['HOME']},
		encoding: 'utf8',
	});
	// tsc writes its output despite type errors (exit 2); what matters here is that dist/ is current.
	const still = staleBecause();
	if (still) throw new Error(`dist/ is stale (${still}) and tsc did not rebuild it (${build.status ?? build.signal}):\n${build.stdout}${build.stderr}`);
	const errors = build.status === 0 ? '' : `, with type errors (npm run typecheck)`;
	process.stdout.write(`dist/ was stale (${reason}): built with tsc in ${((performance.now() - started) / 1000).toFixed(1)} s${errors}\n`);
}

// Credentials and a proxy that lead nowhere, set here so that test/e2e/program/hermetic.test.ts fails whenever
// they reach a test: the runner's own would reach it the same way.
const planted: Record<string, string> = {
	KUBECONFIG: '/nonexistent/kubeconfig-that-must-not-reach-a-test',
	HW_AUTH_TOKEN: 'token-that-must-not-reach-a-test',
	HUAWEICLOUD_SDK_AK: 'key-that-must-not-reach-a-test',
	HTTPS_PROXY: 'http://127.0.0.1:9',
	no_proxy: 'must-not-reach-a-test',
};

export default function setup(project: TestProject) {
	buildIfStale();
	const temporaryRoot = mkdtempSync(join(tmpdir(), 'vcjob-watch-tests-'));
	const homes = [...new Set([process.env['HOME'], userInfo().homedir].filter((home): home is string => Boolean(home)))];
	project.provide('testTemporaryRoot', temporaryRoot);
	project.provide('runnerHomes', homes);
	project.provide('plantedVariables', Object.keys(planted));
	const before = Object.fromEntries(Object.keys(planted).map(name => [name, process.env[name]]));
	Object.assign(process.env, planted);
	return () => {
		for (const [name, value] of Object.entries(before)) {
			if (value === undefined) delete process.env[name];
			else process.env[name] = value;
		}

		rmSync(temporaryRoot, {recursive: true, force: true});
	};
}
