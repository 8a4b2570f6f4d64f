import {readFileSync} from 'node:fs';
import type {Dispatcher} from 'undici';
import {UsageError, type Environment} from '../common/usage-error.js';
import {cloudCredentials} from './credentials/huawei-env.js';
import {cciEndpoint, checkScheme, regionOf} from './endpoints.js';
import {noCredentials, type Credentials} from '../api/credentials.js';
import {staticTokenCredentials, tokenFileCredentials} from './credentials/token.js';
import type {RequestRecord} from '../api/client.js';
import {kubeSettings, selectKubeconfig} from './kubeconfig/settings.js';
import type {SwitchingDispatcher} from './switching-dispatcher.js';

// The undici package, loaded only when the transport is not Node's default (about 30 MB of RSS).
type Undici = typeof import('undici');

/** What the connection is made from: the flags that say where requests go and how (app/'s Options has them all). */
export type ConnectOptions = {
	readonly server?: string | undefined;
	readonly token: {readonly kind: 'none'} | {readonly kind: 'env'} | {readonly kind: 'file'; readonly path: string};
	readonly region?: string | undefined;
	readonly kubeconfig?: string | undefined;
	readonly context?: string | undefined;
	readonly certificateAuthority?: string | undefined;
	readonly insecureSkipTlsVerify: boolean;
	readonly allowHttp: boolean;
	readonly timeoutMs: number;
	readonly demo: boolean;
};

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

const proxyVariables = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];

/**
 * The undici dispatcher for these TLS settings and the environment's proxies (HTTPS_PROXY, HTTP_PROXY,
 * NO_PROXY). Undefined when the defaults do: verified TLS, no proxy.
 */
export function createDispatcher(
	undici: Undici,
	tls: {ca?: string; insecure?: boolean; servername?: string; cert?: string; key?: string},
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

	const proxied = proxyVariables.some(name => env[name]);
	if (proxied) {
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

/** The proxy (host:port) a request to server goes through, mirroring undici's EnvHttpProxyAgent and NO_PROXY. */
export function proxyFor(server: string, env: Environment, proxyUrl?: string): string | undefined {
	const url = new URL(server);
	const proxy =
		proxyUrl ??
		(url.protocol === 'https:' ? (env['https_proxy'] ?? env['HTTPS_PROXY']) : undefined) ??
		env['http_proxy'] ??
		env['HTTP_PROXY'];
	if (!proxy) return undefined;
	if (!proxyUrl) {
		const host = url.hostname.toLowerCase();
		const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
		for (const entry of (env['no_proxy'] ?? env['NO_PROXY'] ?? '').split(/[,\s]/).filter(Boolean)) {
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

/** Token sources of the core contract: --token-file first, then HW_AUTH_TOKEN, else none. */
function tokenCredentials(config: ConnectOptions, env: Environment): Credentials | undefined {
	if (config.token.kind === 'file') return tokenFileCredentials(config.token.path);
	if (config.token.kind === 'env' && env['HW_AUTH_TOKEN']) return staticTokenCredentials(env['HW_AUTH_TOKEN'], 'HW_AUTH_TOKEN');
	return undefined;
}

/**
 * Server, credentials and transport from flags and environment. Explicit flags win (--server,
 * --token-file), then a kubeconfig when one is named or found, then CCI settings (region, IAM user,
 * access keys); see --help for the order.
 */
export async function resolveConnection(
	config: ConnectOptions,
	env: Environment,
	demoServer?: string,
	hooks: {onRequest?: ((record: RequestRecord) => void) | undefined} = {},
): Promise<Connection> {
	const warnings: string[] = [];
	const region = regionOf(config, env);
	// A kubeconfig (named, or ~/.kube/config when nothing else says where): flags win field by field.
	let switching: SwitchingDispatcher | undefined;
	// eslint-disable-next-line prefer-const
	let undici: Undici | undefined;
	const selection = demoServer ? undefined : await selectKubeconfig(config, env, region);
	const kube =
		selection &&
		kubeSettings(selection, env, certificate => {
			// An exec plugin's client certificate: the transport changes before the request that needs it.
			if (undici) switching?.switchTo(createDispatcher(undici, {...tls, ...certificate}, env, kube?.proxyUrl) ?? new undici.Agent());
		});
	const server = demoServer ?? config.server ?? kube?.server ?? (region ? cciEndpoint(region) : undefined);
	if (!server) {
		throw new UsageError('no API server: give --server URL, --region (CCI), or --kubeconfig; or try --demo');
	}

	checkScheme(server, config.allowHttp);
	if (config.insecureSkipTlsVerify) {
		warnings.push('TLS verification is OFF (--insecure-skip-tls-verify): anyone on the path can read and change this traffic');
	} else if (kube?.tls.insecure && !config.certificateAuthority) {
		warnings.push(
			`TLS verification is OFF (insecure-skip-tls-verify in kubeconfig cluster ${kube.selection.clusterName}): anyone on the path can read and change this traffic`,
		);
	}

	const tls = {
		...kube?.tls,
		...(config.certificateAuthority ? {ca: readCa(config.certificateAuthority), insecure: false} : {}),
		...(config.insecureSkipTlsVerify ? {insecure: true} : {}),
	};
	const defaultTransport =
		!kube?.execPlugin && !kube?.proxyUrl && !Object.values(tls).some(Boolean) && !proxyVariables.some(name => env[name]);
	undici = defaultTransport ? undefined : await import('undici');
	let dispatcher = undici ? createDispatcher(undici, tls, env, kube?.proxyUrl) : undefined;
	if (undici && kube?.execPlugin) {
		const {SwitchingDispatcher} = await import('./switching-dispatcher.js');
		dispatcher = switching = new SwitchingDispatcher(dispatcher ?? new undici.Agent());
	}

	const proxy = proxyFor(server, env, kube?.proxyUrl);
	return {
		server,
		credentials:
			// --token-file, then the kubeconfig user, then CCI (HW_AUTH_TOKEN, IAM).
			(config.token.kind === 'file' ? undefined : kube?.credentials) ??
			tokenCredentials(config, env) ??
			// Not with --demo: a password or keys are for Huawei Cloud, never for the built-in simulator.
			(demoServer
				? undefined
				: cloudCredentials(env, {region, allowHttp: config.allowHttp, timeoutMs: config.timeoutMs, dispatcher, onRequest: hooks.onRequest})) ??
			noCredentials,
		...(dispatcher ? {dispatcher} : {}),
		warnings,
		...(kube?.namespace ? {namespace: kube.namespace} : {}),
		...(proxy ? {proxy} : {}),
	};
}
