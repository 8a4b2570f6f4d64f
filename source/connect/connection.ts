import {readFileSync} from 'node:fs';
import type {Dispatcher} from 'undici';
import {UsageError, type Environment} from '../common/usage-error.js';
import {cloudCredentials} from './credentials/huawei-env.js';
import {noCredentials, type Credentials} from '../api/credentials.js';
import {staticTokenCredentials, tokenFileCredentials} from './credentials/token.js';
import type {RequestRecord} from '../api/client.js';
import {kubeSettings, selectKubeconfig} from './kubeconfig/settings.js';
import {decideConnection, hasProxyVariables, type ConnectOptions, type CredentialSource, type TlsSettings} from './precedence.js';
import type {ClientCertificate} from './credentials/exec-plugin.js';

export type {ConnectOptions} from './precedence.js';

// The undici package, loaded only when the transport is not Node's default (about 30 MB of RSS).
type Undici = typeof import('undici');

/** Where to send requests, with which credentials, over which transport. */
export type Connection = {
	readonly server: string;
	readonly credentials: Credentials;
	readonly dispatcher?: Dispatcher;
	/** Shown on screen for as long as the watch runs (e.g. TLS verification is off). */
	readonly warnings: readonly string[];
	/** The kubeconfig context's namespace, for when -n is not given. */
	readonly namespace?: string;
	/** The proxy that requests to the server go through (host:port, no credentials), for error messages. */
	readonly proxy?: string;
};

function readCa(path: string): string {
	try {
		return readFileSync(path, 'utf8');
	} catch (error) {
		throw new UsageError(`cannot read --certificate-authority ${path} (${(error as {code?: string}).code ?? 'unreadable'})`);
	}
}

/**
 * The undici dispatcher for these TLS settings and the environment's proxies (HTTPS_PROXY, HTTP_PROXY,
 * NO_PROXY). Undefined when the defaults do: verified TLS, no proxy.
 */
export function createDispatcher(
	undici: Undici,
	tls: TlsSettings,
	env: Environment,
	/** A kubeconfig cluster's proxy-url: used instead of the environment's proxies, as kubectl does. */
	proxyUrl?: string,
): Dispatcher | undefined {
	const connect = {
		...(tls.ca ? {ca: tls.ca} : {}),
		...(tls.insecure ? {rejectUnauthorized: false} : {}),
		...(tls.servername ? {servername: tls.servername} : {}),
		...(tls.cert ? {cert: tls.cert} : {}),
		...(tls.key ? {key: tls.key} : {}),
	};
	if (proxyUrl) {
		return new undici.ProxyAgent({uri: proxyUrl, connect, requestTls: connect});
	}

	if (hasProxyVariables(env)) {
		return new undici.EnvHttpProxyAgent({
			...(env['HTTPS_PROXY'] ?? env['https_proxy'] ? {httpsProxy: env['HTTPS_PROXY'] ?? env['https_proxy']} : {}),
			...(env['HTTP_PROXY'] ?? env['http_proxy'] ? {httpProxy: env['HTTP_PROXY'] ?? env['http_proxy']} : {}),
			...(env['NO_PROXY'] ?? env['no_proxy'] ? {noProxy: env['NO_PROXY'] ?? env['no_proxy']} : {}),
			connect,
			requestTls: connect,
		});
	}

	return Object.keys(connect).length > 0 ? new undici.Agent({connect}) : undefined;
}

/**
 * The proxy (host:port) a request to server goes through, mirroring createDispatcher's choice: the upper-case
 * variable wins over the lower-case one, as in kubectl.
 */
export function proxyFor(server: string, env: Environment, proxyUrl?: string): string | undefined {
	const url = new URL(server);
	const proxy =
		proxyUrl ??
		(url.protocol === 'https:' ? (env['HTTPS_PROXY'] ?? env['https_proxy']) : undefined) ??
		env['HTTP_PROXY'] ??
		env['http_proxy'];
	if (!proxy) return undefined;
	if (!proxyUrl) {
		const host = url.hostname.toLowerCase();
		const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
		for (const entry of (env['NO_PROXY'] ?? env['no_proxy'] ?? '').split(/[,\s]/).filter(Boolean)) {
			if (entry === '*') return undefined;
			const [, name = entry, entryPort] = /^(.+):(\d+)$/.exec(entry) ?? [];
			const bare = name.replace(/^\*?\./, '').toLowerCase();
			if (entryPort && Number(entryPort) !== port) continue;
			if (host === bare || host.endsWith(`.${bare}`)) return undefined;
		}
	}

	try {
		return new URL(proxy).host;
	} catch {
		return undefined;
	}
}

/** The credentials the plan chose, built: files and plugins are read when a request needs them. */
function credentialsFrom(
	source: CredentialSource,
	env: Environment,
	options: Parameters<typeof cloudCredentials>[1],
): Credentials {
	switch (source.from) {
		case 'token-file': {
			return tokenFileCredentials(source.path);
		}

		case 'kubeconfig': {
			return source.credentials;
		}

		case 'HW_AUTH_TOKEN': {
			return staticTokenCredentials(source.token, 'HW_AUTH_TOKEN');
		}

		case 'huawei-env': {
			return cloudCredentials(env, options) ?? noCredentials;
		}

		case 'none': {
			return noCredentials;
		}
	}
}

/**
 * Server, credentials and transport from flags, environment and kubeconfig, in the order decideConnection
 * (precedence.ts) sets; files are read and checked here, before any request.
 */
export async function resolveConnection(
	config: ConnectOptions,
	env: Environment,
	demoServer?: string,
	hooks: {onRequest?: ((record: RequestRecord) => void) | undefined} = {},
): Promise<Connection> {
	// An exec plugin's client certificate changes the transport, once there is one that can change (below).
	const exec: {useCertificate?: (certificate: ClientCertificate) => void} = {};
	const plan = await decideConnection(config, env, {
		demoServer,
		async kubeconfig(named) {
			const selection = await selectKubeconfig(config, env, named);
			return (
				selection &&
				kubeSettings(selection, env, certificate => exec.useCertificate?.(certificate))
			);
		},
		readFile: readCa,
	});
	const {tls} = plan;
	const proxyUrl = plan.proxy?.from === 'kubeconfig' ? plan.proxy.url : undefined;
	const defaultTransport = !plan.execPlugin && !plan.proxy && !Object.values(tls).some(Boolean);
	const undici = defaultTransport ? undefined : await import('undici');
	let dispatcher = undici ? createDispatcher(undici, tls, env, proxyUrl) : undefined;
	if (undici && plan.execPlugin) {
		const {SwitchingDispatcher} = await import('./switching-dispatcher.js');
		const switching = new SwitchingDispatcher(dispatcher ?? new undici.Agent());
		// Before the request that needs it.
		exec.useCertificate = certificate => {
			switching.switchTo(createDispatcher(undici, {...tls, ...certificate}, env, proxyUrl) ?? new undici.Agent());
		};
		dispatcher = switching;
	}

	const proxy = proxyFor(plan.server, env, proxyUrl);
	const {region} = plan;
	return {
		server: plan.server,
		credentials: credentialsFrom(plan.credentials, env, {region, allowHttp: config.allowHttp, timeoutMs: config.timeoutMs, dispatcher, onRequest: hooks.onRequest}),
		...(dispatcher ? {dispatcher} : {}),
		warnings: plan.warnings,
		...(plan.namespace ? {namespace: plan.namespace} : {}),
		...(proxy ? {proxy} : {}),
	};
}
