#!/usr/bin/env node
// `npm run build:standalone`: the program as files that need no node_modules (README, "A single file for
// bastion hosts"):
//
//   dist/vcjob-watch.mjs          one ES module holding the program and every dependency (Ink, React,
//                                 yoga-layout's WebAssembly, which yoga-layout 3 ships as base64 in JS,
//                                 undici, meow); runs on Node 22 or newer
//   dist/vcjob-watch-linux-x64    a Node.js single executable application: this project's Node 24 binary
//                                 (the `node` devDependency) with the same program injected; needs no Node
//
// Both are bundled by esbuild straight from source/ (it compiles TS and TSX itself; tsc still checks types in
// `npm run build`). What the bundles must do differently from dist/cli.js, and how:
//
// - Dependencies patched as they are read (scripts/bundle-patches.mjs): meow's package.json lookup, Ink's
//   DevTools switch, and what meow and string-width build as they load that the first frame does not need.
// - Node 24's single executable applications run a CommonJS main script (an ES module main, "mainFormat",
//   came in Node 25.8), and esbuild's CommonJS output has no top-level await, which source/cli/main.ts,
//   yoga-layout and Ink use. So the executable gets the same ES module bundle built with no import
//   statements (Node's built-in modules come through `require`, which a SEA's main script has for them) and
//   `import.meta` replaced, wrapped whole in an async function: a top-level await is then an await in
//   that function, and everything else runs as it does in the module.
//
// Built only when what goes into the files changed: a hash of each file of source/, package.json,
// package-lock.json, this script and the Node binary is kept in dist/.standalone-inputs; the same hashes next
// time and both files there, and nothing is done (a fraction of a second instead of 10 s and 120 MB written).
// --force builds anyway.
//
// --package builds, always and alone (under 1 s), what `npm pack` ships (package.json's prepack and bin): the
// program in two files, dist/bin.mjs and dist/program.cjs (buildPackage says why).
import {createHash} from 'node:crypto';
import {spawnSync} from 'node:child_process';
import {chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {createRequire, isBuiltin} from 'node:module';
import {tmpdir} from 'node:os';
import {dirname, join, relative} from 'node:path';
import {fileURLToPath} from 'node:url';
import {stripVTControlCharacters} from 'node:util';
import vm from 'node:vm';
import * as esbuild from 'esbuild';
import {inkNoDevtoolsPlugin, meowPlugin, stringWidthPlugin} from './bundle-patches.mjs';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const entry = join(root, 'source', 'cli.ts');
const mjsPath = join(dist, 'vcjob-watch.mjs');
const seaPath = join(dist, `vcjob-watch-${process.platform}-${process.arch}`);
const inputsPath = join(dist, '.standalone-inputs');
const packageBin = join(dist, 'bin.mjs');
const packageProgram = join(dist, 'program.cjs');
// The Node 24 of the `node` devDependency: the executable is a copy of it.
const nodeBinary = join(dirname(require.resolve('node/package.json')), 'bin', 'node');
// The sentinel Node looks for to know that a blob was injected (the docs' postject example).
const seaFuse = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// What meow reads from package.json: version (--version), description (--help), bin (process.title).
const bakedPackage = Object.fromEntries(
	['name', 'version', 'description', 'license', 'type', 'bin', 'engines'].map(key => [key, packageJson[key]]),
);

// `node:sqlite` and the like are built-ins only from some Node version on: the prefix says it anyway.
const builtin = path => path.startsWith('node:') || isBuiltin(path);

/** SEA only: every built-in module through `require` (a SEA's main script has one for built-ins). */
const builtinsThroughRequirePlugin = {
	name: 'builtins-through-require',
	setup(build) {
		build.onResolve({filter: /^(?:node:)?[a-z0-9_]+(?:\/[a-z0-9_]+)?$/}, ({path, namespace}) => {
			if (!builtin(path)) return undefined;
			if (namespace === 'builtin') return {path, external: true};
			return {path: path.startsWith('node:') ? path : `node:${path}`, namespace: 'builtin'};
		});
		build.onLoad({filter: /.*/, namespace: 'builtin'}, ({path}) => ({
			contents: `module.exports = require(${JSON.stringify(path)});`,
			loader: 'js',
		}));
	},
};

// CommonJS dependencies (undici, React) `require` Node's built-ins: an ES module has no `require` of its own.
const requireBanner = 'import{createRequire as __vcjobCreateRequire}from"node:module";const require=__vcjobCreateRequire(import.meta.url);';

/** @param {Partial<esbuild.BuildOptions>} options */
async function bundle(options) {
	const result = await esbuild.build({
		entryPoints: [entry],
		bundle: true,
		platform: 'node',
		format: 'esm',
		target: 'node22',
		// React and its reconciler pick their production builds.
		define: {'process.env.NODE_ENV': '"production"'},
		minify: true,
		write: false,
		metafile: true,
		logLevel: 'warning',
		// source/cli/boot/production-mode.ts sets NODE_ENV at run time for dist/cli.js; here it is defined.
		logOverride: {'assign-to-define': 'silent'},
		outfile: 'bundle.mjs',
		...options,
		plugins: [meowPlugin(bakedPackage), inkNoDevtoolsPlugin, stringWidthPlugin, ...(options.plugins ?? [])],
	});
	const [output] = result.outputFiles;
	const imports = Object.values(result.metafile.outputs)[0].imports;
	return {text: output.text, imports, outputs: result.outputFiles};
}

function run(command, args, options = {}) {
	const result = spawnSync(command, args, {encoding: 'utf8', ...options});
	if (result.status !== 0) {
		throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
	}

	return result.stdout;
}

/** A smoke check: the artefact runs and prints this package's version. */
function checkVersion(command, args) {
	const printed = run(command, [...args, '--version'], {cwd: tmpdir(), env: {PATH: '/nonexistent'}}).trim();
	if (printed !== packageJson.version) {
		throw new Error(`${[command, ...args].join(' ')} --version printed ${JSON.stringify(printed)}, not ${packageJson.version}`);
	}
}

const mebibytes = path => `${(statSync(path).size / 1024 / 1024).toFixed(1)} MiB`;

async function buildMjs(workDirectory) {
	const {text, imports} = await bundle({
		banner: {js: requireBanner},
	});
	const notBuiltin = imports.filter(({path}) => !builtin(path));
	if (notBuiltin.length > 0) throw new Error(`not bundled: ${notBuiltin.map(({path}) => path).join(', ')}`);
	const temporary = join(workDirectory, 'vcjob-watch.mjs');
	writeFileSync(temporary, text);
	chmodSync(temporary, 0o755);
	renameSync(temporary, mjsPath);
}

async function buildSea(workDirectory) {
	if (process.platform !== 'linux') {
		throw new Error(`the single executable is built on Linux only (this is ${process.platform})`);
	}

	const main = [
		'"use strict";',
		// What the bundle used import.meta for: meow requires it, yargs-parser and yoga-layout read its url.
		'const __vcjobImportMeta = {url: require("node:url").pathToFileURL(process.execPath).href};',
		'(async function () {',
		await scriptBundle(),
		'})();',
		'',
	].join('\n');
	// A script, not a module: an import or export statement left in the bundle is a syntax error here.
	new vm.Script(main, {filename: 'sea-main.cjs'});
	const mainPath = join(workDirectory, 'sea-main.cjs');
	const blobPath = join(workDirectory, 'sea-prep.blob');
	const configPath = join(workDirectory, 'sea-config.json');
	writeFileSync(mainPath, main);
	writeFileSync(
		configPath,
		JSON.stringify({
			main: mainPath,
			output: blobPath,
			disableExperimentalSEAWarning: true,
			// V8's compiled code travels in the blob: the program starts faster.
			useCodeCache: true,
		}),
	);

	// The blob must come from the very binary it goes into.
	run(nodeBinary, ['--experimental-sea-config', configPath], {cwd: workDirectory});
	const temporary = join(workDirectory, 'vcjob-watch');
	copyFileSync(nodeBinary, temporary);
	chmodSync(temporary, 0o755);
	const postject = spawnSync(
		process.execPath,
		[require.resolve('postject/dist/cli.js'), temporary, 'NODE_SEA_BLOB', blobPath, '--sentinel-fuse', seaFuse],
		{encoding: 'utf8'},
	);
	// LIEF, inside postject, warns about Node's '.note.100' sections on every run; known and harmless
	// (postject issue 83). Anything else it says is shown.
	const said = `${postject.stdout}${postject.stderr}`
		.split('\n')
		.map(line => stripVTControlCharacters(line))
		.filter(line => line.trim() && !/^Start injection|Injection done|Can't find string offset for section name '\.note(?:\.100)?'/.test(line));
	if (postject.status !== 0 || said.length > 0) {
		console.error(said.join('\n'));
		if (postject.status !== 0) throw new Error(`postject failed (${postject.status ?? postject.signal})`);
	}
	// Moved in whole (the work folder is in dist/): never a half-written executable there, and no ETXTBSY
	// over a running one.
	renameSync(temporary, seaPath);
}

/** What the two files are made from: each input's name and a hash of it. */
function currentInputs() {
	const sha = content => createHash('sha256').update(content).digest('hex');
	const sources = readdirSync(join(root, 'source'), {recursive: true, withFileTypes: true})
		.filter(entry => entry.isFile())
		.map(entry => relative(root, join(entry.parentPath, entry.name)))
		.sort();
	const inputs = {};
	for (const path of [...sources, 'package.json', 'package-lock.json', relative(root, fileURLToPath(import.meta.url)), 'scripts/bundle-patches.mjs']) {
		inputs[path] = sha(readFileSync(join(root, path)));
	}

	// 120 MB: its size and time of writing (npm writes it when it installs the package) stand for its bytes.
	const binary = statSync(nodeBinary);
	inputs[relative(root, nodeBinary)] = sha(`${binary.size} ${binary.mtimeMs} ${process.platform}-${process.arch}`);
	return inputs;
}

/** Why the files must be built, or undefined when those in dist/ were built from these very inputs. */
function rebuildReason(inputs) {
	if (process.argv.includes('--force')) return '--force';
	for (const path of [mjsPath, seaPath]) {
		if (!existsSync(path)) return `no ${relative(root, path)}`;
	}

	let recorded;
	try {
		recorded = JSON.parse(readFileSync(inputsPath, 'utf8'));
	} catch {
		return `no record of their inputs (${relative(root, inputsPath)})`;
	}

	const names = new Set([...Object.keys(inputs), ...Object.keys(recorded)]);
	const changed = [...names].filter(name => inputs[name] !== recorded[name]);
	return changed.length === 0 ? undefined : `${changed[0]}${changed.length > 1 ? ` and ${changed.length - 1} more` : ''} changed`;
}

/**
 * The bundle as a script: built-in modules through `require` and `import.meta` replaced, wrapped whole in an async
 * function, so that a top-level await (source/cli/main.ts, yoga-layout, Ink) is an await in that function. What the
 * single executable runs, and the installed program's dist/program.cjs.
 */
async function scriptBundle() {
	const {text, imports} = await bundle({
		plugins: [builtinsThroughRequirePlugin],
		define: {'process.env.NODE_ENV': '"production"', 'import.meta': '__vcjobImportMeta'},
		banner: {js: ''},
	});
	const unexpected = imports.filter(({kind}) => kind !== 'require-call');
	if (unexpected.length > 0) {
		throw new Error(`the script bundle still imports: ${unexpected.map(({path, kind}) => `${path} (${kind})`).join(', ')}`);
	}

	return text.replace(/^#!.*\n/, '');
}

/**
 * --package: what `npm pack` ships (package.json's prepack and bin), two files. dist/bin.mjs is source/cli.ts
 * alone, a few kB: it checks the Node version, answers --version and starts the rest, dist/program.cjs, through
 * source/cli/boot/program-script.ts, which keeps V8's compiled code of it in the user's cache directory. Two
 * files: as one, the 1.5 MB would be compiled whole before the version check or --version ran (about 100 ms).
 * program.cjs is a function expression, not a module: Node's compile cache keeps only what V8 compiled before a
 * module ran, program-script.ts what it compiled while it ran. The file's hash names the cache.
 */
async function buildPackage(workDirectory) {
	const program = ['(function (require, __vcjobImportMeta) {', '"use strict";', 'return (async function () {', await scriptBundle(), '})();', '})', ''].join('\n');
	new vm.Script(program, {filename: 'program.cjs'});
	const buildId = createHash('sha256').update(program).digest('hex').slice(0, 16);
	const launcherPlugin = {
		name: 'program-outside',
		setup(build) {
			build.onResolve({filter: /^\.\/cli\/main\.js$/}, ({importer}) => (importer === entry ? {path: 'program', namespace: 'program-script'} : undefined));
			build.onLoad({filter: /.*/, namespace: 'program-script'}, () => ({
				contents: [
					`import {runProgramScript} from ${JSON.stringify(join(root, 'source', 'cli', 'boot', 'program-script.ts'))};`,
					`await runProgramScript(new URL('./program.cjs', import.meta.url), ${JSON.stringify(buildId)}, process.argv.slice(2));`,
				].join('\n'),
				resolveDir: root,
				loader: 'js',
			}));
		},
	};
	const launcher = await bundle({plugins: [launcherPlugin]});
	const outside = launcher.imports.filter(({path}) => !builtin(path));
	if (outside.length > 0) throw new Error(`not bundled: ${outside.map(({path}) => path).join(', ')}`);
	for (const [name, text] of [['program.cjs', program], ['bin.mjs', launcher.text]]) {
		const temporary = join(workDirectory, name);
		writeFileSync(temporary, text);
		chmodSync(temporary, name === 'bin.mjs' ? 0o755 : 0o644);
	}

	rmSync(join(dist, 'program.mjs'), {force: true});
	renameSync(join(workDirectory, 'program.cjs'), packageProgram);
	renameSync(join(workDirectory, 'bin.mjs'), packageBin);
}

const started = performance.now();
if (process.argv.includes('--package')) {
	mkdirSync(dist, {recursive: true});
	const workDirectory = mkdtempSync(join(dist, '.package-'));
	try {
		await buildPackage(workDirectory);
	} finally {
		rmSync(workDirectory, {recursive: true, force: true});
	}

	checkVersion(process.execPath, [packageBin]);
	console.log(`${relative(root, packageBin)} and ${relative(root, packageProgram)}  ${mebibytes(packageProgram)}, built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
	process.exit(0);
}

const inputs = currentInputs();
const reason = rebuildReason(inputs);
if (!reason) {
	console.log(`${relative(root, mjsPath)} and ${relative(root, seaPath)} are up to date: their inputs did not change (--force builds them anyway)`);
	process.exit(0);
}

console.log(`building: ${reason}`);
mkdirSync(dist, {recursive: true});
// Gone while the files change: a build that fails half-way leaves no claim that they are current.
rmSync(inputsPath, {force: true});
const workDirectory = mkdtempSync(join(dist, '.standalone-'));
try {
	await buildMjs(workDirectory);
	checkVersion(process.execPath, [mjsPath]);
	console.log(`${relative(root, mjsPath)}  ${mebibytes(mjsPath)}  (Node ${packageJson.engines.node})`);
	await buildSea(workDirectory);
	checkVersion(seaPath, []);
	console.log(`${relative(root, seaPath)}  ${mebibytes(seaPath)}  (needs no Node)`);
} finally {
	rmSync(workDirectory, {recursive: true, force: true});
}

writeFileSync(inputsPath, `${JSON.stringify(inputs, undefined, '\t')}\n`);
console.log(`built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
