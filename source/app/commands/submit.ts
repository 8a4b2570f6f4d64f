// `vcjob-watch submit -f FILE`: the file read and checked, the job created (POST …/namespaces/NS/jobs) through the
// same connection and credentials as a watch, then watched as `vcjob-watch NAME` would, from its creation on.
import {asApiError} from '../../api/api-error.js';
import {createApiClient} from '../../api/client.js';
import {jobsPath} from '../../api/paths.js';
import {checkJobManifest, submitNamespace, type JobManifest} from '../../model/job-manifest.js';
import {checkJobName} from '../../model/names.js';
import {createdLine, dryRunOutput, refusalJson, refusalText} from '../../output/submit-writers.js';
import {exitCodes} from '../exit-codes.js';
import type {Options} from '../options.js';
import {withSession, watchJob} from '../run.js';
import type {Io, Session} from '../session.js';
import {parseJobFile} from './submit-file.js';

export type SubmitOptions = {
	/** A path, or `-` for standard input. */
	readonly file: string;
	/** Sent with dryRun=All: the server checks and answers, stores nothing; nothing is watched. */
	readonly dryRun: boolean;
	/** The command that watches a job of this name (the same command line without `submit` and `-f`). */
	readonly watchCommand: (name: string, namespace: string) => string;
};

/** The file as a checked manifest, or exit 2 with every problem named by its path. */
async function readManifest(file: string, io: Io): Promise<JobManifest | number> {
	const parsed = await parseJobFile(file, io.stdin);
	if ('problem' in parsed) {
		io.stderr.write(`vcjob-watch: ${parsed.problem}\n`);
		return exitCodes.usage;
	}

	const checked = checkJobManifest(parsed.document);
	if (!('manifest' in checked)) {
		const where = file === '-' ? 'standard input' : file;
		io.stderr.write(`vcjob-watch: ${where} is not a Volcano Job that can be submitted:\n${checked.problems.map(problem => `  ${problem}\n`).join('')}`);
		return exitCodes.usage;
	}

	return checked.manifest;
}

/** The create request, its answer written (dry run) or its job watched; a refusal written, with its exit code. */
async function create(options: Options, submit: SubmitOptions, io: Io, session: Session, manifest: JobManifest, namespace: string): Promise<number> {
	const metadata = manifest.object['metadata'] as Readonly<Record<string, unknown>>;
	const body = {...manifest.object, metadata: {...metadata, namespace}};
	const format = options.output === 'json' ? 'json' : 'text';
	let answer: Record<string, unknown>;
	try {
		const created = await createApiClient(session.clientOptions).post(jobsPath(namespace), {
			body,
			...(submit.dryRun ? {query: {dryRun: 'All'}} : {}),
			what: 'the created job',
			signal: io.signal,
		});
		answer = created.raw;
	} catch (error) {
		if (io.signal.aborted) throw error;
		const apiError = asApiError(error);
		const refusal = {
			error: apiError,
			namespace,
			name: manifest.name,
			...(apiError.status === 409 && manifest.name ? {watchCommand: submit.watchCommand(manifest.name, namespace)} : {}),
		};
		io.stderr.write(refusalText(refusal));
		if (format === 'json') io.stdout.write(refusalJson(refusal, Date.now()));
		// Not retried: whether a create that got no answer was stored is not known. A refusal is for good.
		return apiError.retryable ? exitCodes.unreachable : exitCodes.refused;
	}

	if (submit.dryRun) {
		io.stdout.write(dryRunOutput(format, answer));
		return exitCodes.ok;
	}

	// The server's name: with generateName only the answer knows it.
	const name = (answer['metadata'] as {name?: unknown} | undefined)?.name;
	if (typeof name !== 'string' || checkJobName(name)) {
		io.stderr.write('vcjob-watch: the server answered the create without a job name: nothing to watch\n');
		return exitCodes.refused;
	}

	io.stderr.write(createdLine(name, namespace));
	return watchJob(options, io, session, {namespace, name});
}

/** Reads, checks, creates and watches; the exit code is the watch's (with --exit-on-finish, the job's outcome). */
export async function submitJob(options: Options, submit: SubmitOptions, io: Io): Promise<number> {
	const manifest = await readManifest(submit.file, io);
	if (typeof manifest === 'number') return manifest;
	// A file's namespace that -n contradicts is refused before any request, as kubectl does.
	const early = submitNamespace(manifest, options.namespace, 'default');
	if (typeof early === 'string') {
		io.stderr.write(`vcjob-watch: ${early}\n`);
		return exitCodes.usage;
	}

	return withSession(options, io, async (session, demo) => {
		const fallback = demo?.scenario.namespace ?? session.connection.namespace ?? 'default';
		const {namespace} = submitNamespace(manifest, options.namespace, fallback) as {namespace: string};
		return create(options, submit, io, session, manifest, namespace);
	});
}
