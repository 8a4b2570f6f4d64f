// What every mode of a watch shares: the process's streams and signal, the connection and the options every
// API client of the run is made with, the --debug log, the --once retries.
import {createWriteStream} from 'node:fs';
import type {Environment} from '../common/usage-error.js';
import type {ApiClientOptions, RequestRecord} from '../api/client.js';
import {resolveConnection, type Connection} from '../connect/connection.js';
import type {Options} from './options.js';

export type Io = {
	readonly stdout: NodeJS.WriteStream;
	readonly stderr: NodeJS.WriteStream;
	readonly stdin: NodeJS.ReadStream;
	readonly env: Environment;
	/** Aborted by SIGINT, SIGTERM or SIGHUP: stop, restore the terminal, return. */
	readonly signal: AbortSignal;
};

/**
 * How long a last look waits for the evidence reads it started (a pods list, then logs, one at a time): about
 * two requests, each within --timeout. What is not read by then is left out rather than holding the exit.
 */
export function evidenceDeadlineMs(timeoutMs: number): number {
	return 2 * timeoutMs + 1000;
}

// --once still retries 429/5xx/network errors, a bounded number of times: about a minute at the defaults.
export const onceRetries = 5;

export type ClientOptions = ApiClientOptions;

/** Where requests go (connect/), and the options every API client of this run is made with. */
export type Session = {readonly connection: Connection; readonly clientOptions: ClientOptions};

/** --debug FILE: one line a request, and nothing that could hold a secret (no header, no body). */
export function debugLog(path: string | undefined): ((record: RequestRecord) => void) | undefined {
	if (!path) return undefined;
	const stream = createWriteStream(path, {flags: 'a', mode: 0o600});
	stream.on('error', () => {});
	return record => {
		stream.write(
			`${new Date().toISOString()} ${record.method} ${record.url} ${record.status || 'no-answer'} ${record.durationMs}ms${record.requestId ? ` request-id=${record.requestId}` : ''}\n`,
		);
	};
}

/** The client options of a connection: its server, credentials and transport, with the run's timeout and log. */
export function clientOptionsFor(connection: Connection, options: Pick<Options, 'timeoutMs'>, onRequest?: (record: RequestRecord) => void): ClientOptions {
	return {
		server: connection.server,
		timeoutMs: options.timeoutMs,
		credentials: connection.credentials,
		...(connection.dispatcher ? {dispatcher: connection.dispatcher} : {}),
		...(connection.proxy ? {proxy: connection.proxy} : {}),
		...(onRequest ? {onRequest} : {}),
	};
}

/** The connection (server, credentials, transport) and the client options of this run. */
export async function connect(options: Options, io: Io, demoServer: string | undefined): Promise<Session> {
	const onRequest = debugLog(options.debug);
	const connection = await resolveConnection(options, io.env, demoServer, {onRequest});
	// The live TUI shows warnings on screen; text, JSON and a --once frame get them on stderr.
	if (options.output !== 'tui' || options.once) {
		for (const warning of connection.warnings) io.stderr.write(`vcjob-watch: warning: ${warning}\n`);
	}

	return {connection, clientOptions: clientOptionsFor(connection, options, onRequest)};
}
