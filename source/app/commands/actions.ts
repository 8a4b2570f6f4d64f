// Acting on a job: `vcjob-watch suspend|resume|restart|terminate|complete|delete NAME` for scripts, and the
// TUI's keys with --actions (both through createJobActions). A subcommand is the explicit ask: nothing is
// confirmed. A refusal says what is missing, in the exit code too.
import {ApiError, asApiError} from '../../api/api-error.js';
import {createApiClient, type ApiClient} from '../../api/client.js';
import {busGroupVersionPath, commandName, commandOf, deleteJob, sendCommand, type ActionVerb, type CommandAction} from '../../api/commands.js';
import {jobPath} from '../../api/paths.js';
import {sanitize} from '../../common/sanitize.js';
import type {ActionsPort} from '../../tui/job/use-job-actions.js';
import {exitCodes} from '../exit-codes.js';
import type {Options} from '../options.js';
import {connect, type ClientOptions, type Io} from '../session.js';

export type ActionDone = {
	readonly verb: ActionVerb;
	/** The Command's action, or `delete`. */
	readonly action: CommandAction | 'delete';
	readonly namespace: string;
	readonly job: string;
	/** The Command the server stored (the controller deletes it once taken). */
	readonly command?: string;
};

export type ActionFailureKind = 'not-found' | 'no-bus' | 'refused' | 'unreachable';

/** Why an action was not done, in one line for people. */
export class ActionFailure extends Error {
	override readonly name = 'ActionFailure';
	constructor(
		readonly kind: ActionFailureKind,
		message: string,
		readonly error?: ApiError,
	) {
		super(message);
	}
}

export type JobActions = {
	/** Whether the server has Volcano's Commands (bus.volcano.sh/v1alpha1): asked once, then remembered. */
	commandsAvailable(signal?: AbortSignal): Promise<boolean>;
	/** Sends the Command (or the deletion); throws ActionFailure. */
	perform(verb: ActionVerb, signal?: AbortSignal): Promise<ActionDone>;
};

const noBus =
	"the server has no bus.volcano.sh/v1alpha1 API (Volcano's Commands, missing on some managed services): suspend, resume, restart, terminate and complete cannot be sent there; delete can";

function failure(error: unknown, job: {readonly namespace: string; readonly name: string}, verb: string, resource: string): ActionFailure {
	const apiError = asApiError(error);
	if (apiError.category === 'not-found') {
		return new ActionFailure('not-found', `job ${job.name} not found in namespace ${job.namespace}`, apiError);
	}

	if (apiError.category === 'forbidden') {
		return new ActionFailure('refused', `${apiError.summary}: the credentials may not ${verb} ${resource} in namespace ${job.namespace}`, apiError);
	}

	const kind = apiError.retryable ? 'unreachable' : 'refused';
	return new ActionFailure(kind, apiError.hint ? `${apiError.summary} (${apiError.hint})` : apiError.summary, apiError);
}

/** The actions on one job, over a client made with the run's connection. */
export function createJobActions(client: Pick<ApiClient, 'get' | 'post' | 'delete'>, job: {readonly namespace: string; readonly name: string}): JobActions {
	let available: Promise<boolean> | undefined;

	async function askDiscovery(signal?: AbortSignal): Promise<boolean> {
		try {
			await client.get(busGroupVersionPath, {what: 'an API resource list', signal});
			return true;
		} catch (error) {
			const apiError = asApiError(error);
			if (apiError.status === 404) return false;
			throw failure(error, job, 'get', 'the bus.volcano.sh API');
		}
	}

	async function commandsAvailable(signal?: AbortSignal): Promise<boolean> {
		available ??= askDiscovery(signal);
		try {
			return await available;
		} catch (error) {
			// A failed look is asked again next time; only an answer is remembered.
			available = undefined;
			throw error;
		}
	}

	return {
		commandsAvailable,
		async perform(verb, signal) {
			const done = {verb, namespace: job.namespace, job: job.name};
			if (verb === 'delete') {
				try {
					await deleteJob(client, job, signal);
				} catch (error) {
					throw failure(error, job, 'delete', 'jobs.batch.volcano.sh');
				}

				return {...done, action: 'delete'};
			}

			if (!(await commandsAvailable(signal))) throw new ActionFailure('no-bus', noBus);
			let uid: string;
			try {
				const answer = await client.get(jobPath(job.namespace, job.name), {what: 'a job', signal});
				const metadata = answer.raw['metadata'] as Record<string, unknown> | undefined;
				uid = typeof metadata?.['uid'] === 'string' ? metadata['uid'] : '';
			} catch (error) {
				throw failure(error, job, 'get', 'jobs.batch.volcano.sh');
			}

			const action = commandOf[verb];
			try {
				const answer = await sendCommand(client, {...job, uid}, action, signal);
				const name = commandName(answer);
				return {...done, action, ...(name === undefined ? {} : {command: sanitize(name, 253)})};
			} catch (error) {
				throw failure(error, job, 'create', 'commands.bus.volcano.sh');
			}
		},
	};
}

/** What was done, as a line: the Command sent, or the deletion started. */
export function doneLine(done: ActionDone): string {
	return done.action === 'delete'
		? `job ${done.job} in namespace ${done.namespace} is being deleted: its pods first, then the job (Foreground)`
		: `${done.action} sent to job ${done.job} in namespace ${done.namespace}${done.command ? ` (Command ${done.command})` : ''}`;
}

/** What the TUI's keys use: the server's answer, or what was done, as a line. */
export function actionsPort(actions: JobActions): ActionsPort {
	return {
		commandsAvailable: async () => actions.commandsAvailable(),
		perform: async verb => doneLine(await actions.perform(verb)),
	};
}

const failureCodes: Readonly<Record<ActionFailureKind, number>> = {
	'not-found': exitCodes.notFound,
	'no-bus': exitCodes.refused,
	refused: exitCodes.refused,
	unreachable: exitCodes.unreachable,
};

/** `vcjob-watch VERB NAME`: the action once, its line (text) or object (-o json); the exit code. */
export async function runAction(verb: ActionVerb, options: Options, io: Io, clientOptions?: ClientOptions): Promise<number> {
	const session = clientOptions ? undefined : await connect(options, io, undefined);
	const namespace = options.namespace ?? session?.connection.namespace ?? 'default';
	const job = {namespace, name: options.name ?? ''};
	const client = createApiClient(clientOptions ?? session!.clientOptions);
	const json = options.output === 'json';
	try {
		const done = await createJobActions(client, job).perform(verb, io.signal);
		io.stdout.write(json ? `${JSON.stringify({time: new Date().toISOString(), ...done})}\n` : `${doneLine(done)}\n`);
		return exitCodes.ok;
	} catch (error) {
		if (!(error instanceof ActionFailure)) throw error;
		if (json) {
			const detail = error.error ? {error: error.error.toJSON()} : {};
			io.stdout.write(`${JSON.stringify({time: new Date().toISOString(), verb, namespace, job: job.name, failed: error.kind, message: error.message, ...detail})}\n`);
		}

		io.stderr.write(`vcjob-watch: ${verb} ${job.name}: ${error.message}\n`);
		return failureCodes[error.kind];
	}
}
