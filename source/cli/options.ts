import {accessSync, constants} from 'node:fs';
import {parseDuration} from '../common/duration.js';
import {checkJobName, checkNamespace} from '../model/names.js';
import {UsageError, type Environment} from '../common/usage-error.js';
import type {Options, OutputMode, WatchView} from '../app/options.js';
import {longName, withDefaults, type Flags} from './flags.js';

export type {Flags} from './flags.js';

/** The values -o takes (the shell completion offers them too). */
export const outputs: readonly OutputMode[] = ['tui', 'text', 'json'];

// More than a screen holds is what `kubectl logs` is for; the bytes stay capped at 16 KiB whatever this is.
const maxLogLines = 1000;

function duration(flag: string, text: string): number {
	const value = parseDuration(text);
	if (value === undefined) {
		throw new UsageError(`--${flag} ${JSON.stringify(text)} is not a duration: use e.g. 500ms, 2s, 1m or a number of seconds`);
	}

	return value;
}

function checkServer(server: string): string {
	let url: URL;
	try {
		url = new URL(server);
	} catch {
		throw new UsageError(`--server ${JSON.stringify(server)} is not a URL: use e.g. https://cci.cn-north-4.myhuaweicloud.com`);
	}

	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new UsageError(`--server must be an http:// or https:// URL, not ${url.protocol}`);
	}

	if (url.username || url.password) {
		throw new UsageError('--server must not carry a user or password: give the token with HW_AUTH_TOKEN or --token-file');
	}

	return url.href;
}

/**
 * A label selector as typed: the server parses it (and answers 400 when it cannot), so only what could never
 * be one is refused here.
 */
function checkSelector(selector: string): string {
	const trimmed = selector.trim();
	if (trimmed === '') {
		throw new UsageError('--selector is empty: give labels such as team=a or app in (mpi,tf)');
	}

	// eslint-disable-next-line no-control-regex
	if (trimmed.length > 1024 || /[\u0000-\u001F\u007F]/.test(trimmed)) {
		throw new UsageError('--selector must be one line of at most 1024 characters, such as team=a,app!=mpi');
	}

	return trimmed;
}

/** --on-finish CMD: a command for one watched job's finish, as typed (the shell reads it, not the program). */
function checkOnFinish(command: string, view: WatchView, once: boolean): string {
	if (command.trim() === '') {
		throw new UsageError('--on-finish is empty: give a command, e.g. --on-finish \'notify-send "$VCJOB_NAME: $VCJOB_PHASE"\'');
	}

	if (view === 'namespace') {
		throw new UsageError('--on-finish runs when one job finishes: give its name');
	}

	if (once) {
		throw new UsageError('--on-finish runs when the watched job finishes: --once only looks once (use --exit-on-finish to wait for the end)');
	}

	return command;
}

/** NO_COLOR (any non-empty value), --no-color, TERM=dumb and output that is not a terminal all mean no colour. */
export function wantsColor(flag: boolean, environment: Environment, isTty: boolean): boolean {
	return flag && isTty && !environment['NO_COLOR'] && environment['TERM'] !== 'dumb';
}

/**
 * Flags, positional arguments and environment as a checked configuration, before any request is made.
 * Throws UsageError with a message that says what to do.
 */
export function resolveOptions(
	inputs: readonly string[],
	given: Partial<Flags>,
	environment: Environment,
	stdoutIsTty: boolean,
): Options {
	// The table's defaults for what the caller left out (meow gives them already; tests give a few flags).
	const flags = withDefaults(given);
	if (inputs.length > 1) {
		throw new UsageError(`one job name at a time (got ${inputs.length}: ${inputs.join(' ')})`);
	}

	const name = inputs[0];
	if (name === undefined && !flags.demo && flags.namespace === undefined) {
		throw new UsageError(
			'which job? Give its name: vcjob-watch NAME -n NAMESPACE -s URL, or only -n NAMESPACE for all its jobs (or try --demo)',
		);
	}

	// No name: the namespace's jobs with -n, or with the demo scenario made for it; --demo alone stays one job.
	const view: WatchView = name === undefined && (flags.demo ? flags.scenario === 'namespace' : true) ? 'namespace' : 'job';
	if (flags.selector !== undefined && view !== 'namespace') {
		throw new UsageError('--selector picks jobs of a namespace: leave out the job name (vcjob-watch -n NAMESPACE -l SELECTOR)');
	}

	if (flags.exitOnFinish && view === 'namespace') {
		throw new UsageError('--exit-on-finish waits for one job to end: give its name');
	}

	// `--notify` alone arrives as finish (cli/bare-flags.ts).
	if (flags.notify !== undefined && flags.notify !== 'finish' && flags.notify !== 'failures') {
		throw new UsageError(`--notify=${flags.notify}: use --notify alone (when the job finishes) or --notify=failures (at its first pod failure too)`);
	}

	if (flags.notify !== undefined && view === 'namespace') {
		throw new UsageError('--notify tells when one job finishes: give its name');
	}

	if (flags.record !== undefined && view === 'namespace') {
		throw new UsageError('--record records one job: give its name');
	}

	const onFinish = flags.onFinish === undefined ? undefined : checkOnFinish(flags.onFinish, view, flags.once);

	const selector = flags.selector === undefined ? undefined : checkSelector(flags.selector);

	if (name !== undefined) {
		const problem = checkJobName(name);
		if (problem) throw new UsageError(problem);
	}

	// Without -n: the kubeconfig context's namespace, else "default" (the scenario's with --demo).
	const namespace = flags.namespace;
	const namespaceProblem = namespace === undefined ? undefined : checkNamespace(namespace);
	if (namespaceProblem) throw new UsageError(namespaceProblem);

	if (flags.demo && flags.server) {
		throw new UsageError('--demo runs the built-in simulator: leave out --server');
	}

	const output = flags.output ?? (stdoutIsTty ? 'tui' : 'text');
	if (!(outputs as readonly string[]).includes(output)) {
		throw new UsageError(`--output ${JSON.stringify(output)}: use tui, text or json`);
	}

	// Only that the file can be read: which credentials are sent is decided in connect/precedence.ts.
	if (flags.tokenFile) {
		try {
			accessSync(flags.tokenFile, constants.R_OK);
		} catch (error) {
			const code = (error as {code?: string}).code ?? 'unreadable';
			throw new UsageError(`cannot read --token-file ${flags.tokenFile} (${code})`);
		}
	}

	if (flags.watch && flags.poll) {
		throw new UsageError('--watch and --poll: choose one (without either, the job is watched, and polled if the server refuses)');
	}

	if (!Number.isInteger(flags.logLines) || flags.logLines < 0 || flags.logLines > maxLogLines) {
		throw new UsageError(`--log-lines must be a whole number from 0 to ${maxLogLines}`);
	}

	if (!Number.isFinite(flags.speed) || flags.speed <= 0) {
		throw new UsageError('--speed must be a positive number');
	}

	return {
		view,
		...(name === undefined ? {} : {name}),
		...(selector === undefined ? {} : {selector}),
		...(namespace === undefined ? {} : {namespace}),
		...(flags.server ? {server: checkServer(flags.server)} : {}),
		...(flags.tokenFile ? {tokenFile: flags.tokenFile} : {}),
		mode: flags.watch ? 'watch' : flags.poll ? 'poll' : 'auto',
		watchIdleMs: duration('watch-idle', flags.watchIdle),
		intervalMs: duration('interval', flags.interval),
		timeoutMs: duration('timeout', flags.timeout),
		maxWaitMs: duration('max-wait', flags.maxWait),
		recheckMs: duration('recheck', flags.recheck),
		highlightMs: duration('highlight', flags.highlight),
		details: flags.details,
		detailsIntervalMs: duration('details-interval', flags.detailsInterval),
		logLines: flags.logLines,
		output: output as OutputMode,
		once: flags.once,
		exitOnFinish: flags.exitOnFinish,
		demo: flags.demo,
		...(flags.scenario ? {scenario: flags.scenario} : {}),
		speed: flags.speed,
		color: wantsColor(flags.color, environment, stdoutIsTty && output === 'tui'),
		altScreen: flags.altScreen,
		title: flags.title,
		...(flags.notify === 'finish' || flags.notify === 'failures' ? {notify: flags.notify} : {}),
		...(flags.region ? {region: flags.region} : {}),
		...(flags.kubeconfig ? {kubeconfig: flags.kubeconfig} : {}),
		...(flags.context ? {context: flags.context} : {}),
		...(flags.certificateAuthority ? {certificateAuthority: flags.certificateAuthority} : {}),
		insecureSkipTlsVerify: flags.insecureSkipTlsVerify,
		allowHttp: flags.allowHttp,
		...(flags.debug ? {debug: flags.debug} : {}),
		...(flags.actions ? {actions: true} : {}),
		...(flags.record ? {record: flags.record} : {}),
		...(onFinish === undefined ? {} : {onFinish: {command: onFinish, timeoutMs: duration('on-finish-timeout', flags.onFinishTimeout)}}),
	};
}

// What a replay takes from the recording, and may not be given as well.
const notWithReplay = ['namespace', 'selector', 'server', 'region', 'kubeconfig', 'context'] as const;

/** `vcjob-watch replay FILE`: a watch of the recording's job on the built-in simulator, as with --demo. */
export function resolveReplayOptions(files: readonly string[], given: Partial<Flags>, environment: Environment, stdoutIsTty: boolean): Options {
	if (files.length !== 1) {
		throw new UsageError(`replay takes one recording (got ${files.length}): vcjob-watch replay FILE [--speed X]`);
	}

	const clash = notWithReplay.find(flag => given[flag] !== undefined);
	if (clash) {
		throw new UsageError(`replay serves the recording's job on the built-in simulator: leave out --${longName(clash)}`);
	}

	return {...resolveOptions([], {...given, demo: true, scenario: 'demo'}, environment, stdoutIsTty), replay: files[0]!};
}
