// client-go's exec credential plugins (client.authentication.k8s.io v1 and v1beta1): Huawei's
// cci-iam-authenticator, aws eks get-token, gke-gcloud-auth-plugin, kubelogin. The plugin prints an
// ExecCredential; its token (or client certificate) is used until expirationTimestamp, then the plugin runs again,
// and again after a 401.
import {spawn} from 'node:child_process';
import {basename} from 'node:path';
import type {Environment} from '../../common/usage-error.js';
import {ApiError} from '../../api/api-error.js';
import type {Credentials} from '../../api/credentials.js';
import {sanitize} from '../../common/sanitize.js';
import type {ExecConfig} from '../kubeconfig/load.js';

export type ClientCertificate = {readonly cert: string; readonly key: string};

export type ExecCredentialsOptions = {
	readonly exec: ExecConfig;
	/** The kubeconfig user's name, for messages. */
	readonly userName?: string;
	/** spec.cluster of KUBERNETES_EXEC_INFO, sent when the plugin asks for it (provideClusterInfo). */
	readonly cluster?: Record<string, unknown>;
	/** The plugin's environment, before the kubeconfig's env entries and KUBERNETES_EXEC_INFO. */
	readonly env: Environment;
	readonly timeoutMs?: number;
	readonly now?: () => number;
	/** A plugin that hands out client certificates: called whenever they change, before the request is sent. */
	readonly onCertificate?: (certificate: ClientCertificate) => void;
};

export type ExecCredentials = Credentials & {
	/** How many times the plugin has run. */
	readonly runs: number;
};

type Issued = {
	readonly token?: string;
	readonly certificate?: ClientCertificate;
	/** Milliseconds since the epoch; undefined = until a 401 says otherwise. */
	readonly expiresAt?: number;
};

const maxOutputBytes = 1024 * 1024;

function lastLine(text: string): string {
	const lines = text.split(/\r?\n/).map(line => line.trim()).filter(Boolean);
	return sanitize(lines.at(-1) ?? '', 200);
}

export function execCredentials(options: ExecCredentialsOptions): ExecCredentials {
	const {exec} = options;
	const name = basename(exec.command);
	const now = options.now ?? Date.now;
	const timeoutMs = options.timeoutMs ?? 60_000;
	const who = options.userName ? ` (kubeconfig user ${options.userName})` : '';
	let issued: Issued | undefined;
	let running: Promise<Issued> | undefined;
	let runs = 0;

	// Without a hint of its own, a 401's generic one would point at HW_AUTH_TOKEN and --token-file.
	const failure = (summary: string, hint = `fix the plugin or users[].user.exec in the kubeconfig (run ${name} by hand to see what it prints); it runs again at the next check`) =>
		new ApiError({category: 'unauthorized', summary: `exec plugin ${name}${who}: ${summary}`, hint});

	function parse(stdout: string): Issued {
		let document: unknown;
		try {
			document = JSON.parse(stdout);
		} catch {
			throw failure(`printed ${stdout.trim() === '' ? 'nothing' : 'something that is not JSON'} instead of an ExecCredential`);
		}

		const credential = document as {kind?: unknown; apiVersion?: unknown; status?: Record<string, unknown>};
		if (credential?.kind !== 'ExecCredential') throw failure('printed JSON that is not an ExecCredential');
		if (credential.apiVersion !== exec.apiVersion) {
			throw failure(`answered with apiVersion ${sanitize(String(credential.apiVersion), 60)}; the kubeconfig asks for ${exec.apiVersion}`);
		}

		const status = credential.status ?? {};
		const token = typeof status['token'] === 'string' && status['token'] !== '' ? status['token'] : undefined;
		const cert = status['clientCertificateData'];
		const key = status['clientKeyData'];
		if ((cert === undefined) !== (key === undefined) || (cert !== undefined && (typeof cert !== 'string' || typeof key !== 'string'))) {
			throw failure('gave a client certificate without its key, or a key without its certificate');
		}

		if (!token && cert === undefined) throw failure('gave neither a token nor a client certificate');
		let expiresAt: number | undefined;
		const expiration = status['expirationTimestamp'];
		if (expiration !== undefined && expiration !== null) {
			expiresAt = typeof expiration === 'string' ? Date.parse(expiration) : Number.NaN;
			if (Number.isNaN(expiresAt)) throw failure('gave an expirationTimestamp that is not a time');
		}

		return {
			...(token ? {token} : {}),
			...(typeof cert === 'string' ? {certificate: {cert, key: key as string}} : {}),
			...(expiresAt === undefined ? {} : {expiresAt}),
		};
	}

	function run(): Promise<Issued> {
		runs++;
		// interactive: false always: the plugin gets no terminal (the screen and the keys are the watcher's).
		const info = {
			kind: 'ExecCredential',
			apiVersion: exec.apiVersion,
			spec: {interactive: false, ...(exec.provideClusterInfo && options.cluster ? {cluster: options.cluster} : {})},
		};
		const env: Record<string, string> = {};
		for (const [key, value] of Object.entries(options.env)) if (value !== undefined) env[key] = value;
		for (const variable of exec.env) env[variable.name] = variable.value;
		env['KUBERNETES_EXEC_INFO'] = JSON.stringify(info);

		return new Promise<Issued>((resolve, reject) => {
			const child = spawn(exec.command, exec.args, {env, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, windowsHide: true});
			let stdout = '';
			let stderr = '';
			let outputBytes = 0;
			child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
				outputBytes += chunk.length;
				if (outputBytes > maxOutputBytes) {
					child.kill();
					return;
				}

				stdout += chunk;
			});
			child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
				stderr = (stderr + chunk).slice(-4096);
			});
			child.on('error', error => {
				const code = (error as {code?: string}).code;
				reject(
					code === 'ENOENT'
						? failure(`not found (${sanitize(exec.command, 120)})`, exec.installHint ? sanitize(exec.installHint, 300) : `install ${name} or fix users[].user.exec.command in the kubeconfig`)
						: failure(`could not be started (${code ?? sanitize(error.message, 80)})`),
				);
			});
			child.on('close', (code, signal) => {
				if (outputBytes > maxOutputBytes) {
					reject(failure('printed more than 1 MB'));
				} else if (signal) {
					reject(failure(signal === 'SIGTERM' ? `gave no answer within ${timeoutMs / 1000}s` : `stopped by ${signal}`));
				} else if (code !== 0) {
					const said = lastLine(stderr);
					reject(failure(`failed (exit ${code})${said ? `: ${said}` : ''}`));
				} else {
					try {
						resolve(parse(stdout));
					} catch (error) {
						reject(error as Error);
					}
				}
			});
		});
	}

	async function current(force: boolean): Promise<Issued> {
		if (!force && issued && (issued.expiresAt === undefined || now() < issued.expiresAt)) return issued;
		// Concurrent callers share one run of the plugin.
		running ??= run().finally(() => {
			running = undefined;
		});
		const previous = issued;
		issued = undefined;
		const fresh = await running;
		issued = fresh;
		const certificate = fresh.certificate;
		if (certificate && (certificate.cert !== previous?.certificate?.cert || certificate.key !== previous?.certificate?.key)) {
			options.onCertificate?.(certificate);
		}

		return fresh;
	}

	return {
		description: `exec plugin ${name}${who}`,
		async authorize(request) {
			const {token} = await current(false);
			if (token) request.headers['authorization'] = `Bearer ${token}`;
		},
		async renew() {
			const before = issued;
			const fresh = await current(true);
			// Asking again with the same credentials would only earn the same 401.
			return (
				fresh.token !== before?.token ||
				fresh.certificate?.cert !== before?.certificate?.cert ||
				fresh.certificate?.key !== before?.certificate?.key
			);
		},
		unauthorizedHint: `the credentials from exec plugin ${name}${who} were refused even after running it again`,
		get runs() {
			return runs;
		},
	};
}
