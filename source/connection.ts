import {readFileSync} from 'node:fs';
import {isIP} from 'node:net';
import {Agent, EnvHttpProxyAgent, type Dispatcher} from 'undici';
import {UsageError, type Environment, type WatchConfig} from './config.js';
import {cloudCredentials} from './cloud-credentials.js';
import {noCredentials, staticTokenCredentials, tokenFileCredentials, type Credentials} from './core/credentials.js';
import type {RequestRecord} from './core/job-client.js';

/** Where to send requests, with which credentials, over which transport. */
export type Connection = {
	readonly server: string;
	readonly credentials: Credentials;
	readonly dispatcher?: Dispatcher;
	/** Shown on screen for as long as the watch runs (e.g. TLS verification is off). */
	readonly warnings: readonly string[];
};

/** The CCI endpoint of a region; eu-west-1xx regions live under myhuaweicloud.eu. */
export function cciEndpoint(region: string): string {
	if (!/^[a-z]{2,}(?:-[a-z\d]+)+$/.test(region)) {
		throw new UsageError(`--region ${JSON.stringify(region)} is not a region name such as cn-north-4`);
	}

	const domain = /^eu-west-1\d\d$/.test(region) ? 'myhuaweicloud.eu' : 'myhuaweicloud.com';
	return `https://cci.${region}.${domain}`;
}

export function regionOf(config: WatchConfig, env: Environment): string | undefined {
	return config.region ?? env['HW_REGION_NAME'] ?? env['HUAWEICLOUD_SDK_REGION_ID'];
}

export function isLoopback(host: string): boolean {
	const bare = host.replace(/^\[|\]$/g, '');
	if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
	if (isIP(bare) === 4) return bare.startsWith('127.');
	return bare === '::1';
}

/** Plain HTTP carries the token in clear: only to this machine, unless asked for. */
export function checkScheme(server: string, allowHttp: boolean): void {
	const url = new URL(server);
	if (url.protocol === 'http:' && !allowHttp && !isLoopback(url.hostname)) {
		throw new UsageError(
			`${url.origin} is plain http: the token would travel in clear. Use https://, or --allow-http if this link is trusted`,
		);
	}
}

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
	tls: {ca?: string; insecure?: boolean; servername?: string; cert?: string; key?: string},
	env: Environment,
): Dispatcher | undefined {
	const connect = {
		...(tls.ca ? {ca: tls.ca} : {}),
		...(tls.insecure ? {rejectUnauthorized: false} : {}),
		...(tls.servername ? {servername: tls.servername} : {}),
		...(tls.cert ? {cert: tls.cert} : {}),
		...(tls.key ? {key: tls.key} : {}),
	};
	const proxied = proxyVariables.some(name => env[name]);
	if (proxied) {
		return new EnvHttpProxyAgent({
			...(env['HTTPS_PROXY'] ?? env['https_proxy'] ? {httpsProxy: env['HTTPS_PROXY'] ?? env['https_proxy']} : {}),
			...(env['HTTP_PROXY'] ?? env['http_proxy'] ? {httpProxy: env['HTTP_PROXY'] ?? env['http_proxy']} : {}),
			...(env['NO_PROXY'] ?? env['no_proxy'] ? {noProxy: env['NO_PROXY'] ?? env['no_proxy']} : {}),
			connect,
			requestTls: connect,
		});
	}

	return Object.keys(connect).length > 0 ? new Agent({connect}) : undefined;
}

/** Token sources of the core contract: --token-file first, then HW_AUTH_TOKEN, else none. */
function tokenCredentials(config: WatchConfig, env: Environment): Credentials | undefined {
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
	config: WatchConfig,
	env: Environment,
	demoServer?: string,
	hooks: {onRequest?: ((record: RequestRecord) => void) | undefined} = {},
): Promise<Connection> {
	const warnings: string[] = [];
	const region = regionOf(config, env);
	const server = demoServer ?? config.server ?? (region ? cciEndpoint(region) : undefined);
	if (!server) {
		throw new UsageError('no API server: give --server URL, --region (CCI), or --kubeconfig; or try --demo');
	}

	checkScheme(server, config.allowHttp);
	if (config.insecureSkipTlsVerify) {
		warnings.push('TLS verification is OFF (--insecure-skip-tls-verify): anyone on the path can read and change this traffic');
	}

	const dispatcher = createDispatcher(
		{
			...(config.certificateAuthority ? {ca: readCa(config.certificateAuthority)} : {}),
			insecure: config.insecureSkipTlsVerify,
		},
		env,
	);
	return {
		server,
		credentials:
			tokenCredentials(config, env) ??
			// Not with --demo: a password or keys are for Huawei Cloud, never for the built-in simulator.
			(demoServer
				? undefined
				: cloudCredentials(env, {region, allowHttp: config.allowHttp, timeoutMs: config.timeoutMs, dispatcher, onRequest: hooks.onRequest})) ??
			noCredentials,
		...(dispatcher ? {dispatcher} : {}),
		warnings,
	};
}
