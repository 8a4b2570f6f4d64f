// Which setting wins, field by field: the one place that decides where requests go (server, TLS, proxy) and
// with what credentials. docs/connecting.md and --help describe this order; test/connect/precedence.test.ts
// holds it. Reading files and building credentials or transports is left to connection.ts.
import {UsageError, type Environment} from '../common/usage-error.js';
import type {Credentials} from '../api/credentials.js';
import {cciEndpoint, checkPlainHttp} from './endpoints.js';

/** What the connection is made from: the flags that say where requests go and how (app/'s Options has them all). */
export type ConnectOptions = {
	/** --server, checked to be an http(s) URL without a user. */
	readonly server?: string | undefined;
	/** --token-file, checked to be readable. */
	readonly tokenFile?: string | undefined;
	readonly region?: string | undefined;
	readonly kubeconfig?: string | undefined;
	readonly context?: string | undefined;
	readonly certificateAuthority?: string | undefined;
	readonly insecureSkipTlsVerify: boolean;
	readonly allowHttp: boolean;
	readonly timeoutMs: number;
};

export type TlsSettings = {
	readonly ca?: string;
	readonly insecure?: boolean;
	readonly servername?: string;
	readonly cert?: string;
	readonly key?: string;
};

/** What a kubeconfig context contributes, once read (kubeconfig/settings.ts). */
export type KubeContribution = {
	/** The cluster's name, for warnings. */
	readonly clusterName: string;
	readonly server: string;
	readonly namespace?: string;
	readonly tls: TlsSettings;
	readonly proxyUrl?: string;
	/** Undefined when the context's user carries no token, password or plugin (a client certificate is TLS). */
	readonly credentials?: Credentials;
	readonly execPlugin: boolean;
};

/** Which credentials are sent, in the order of docs/connecting.md; the secret itself is read by the builder. */
export type CredentialSource =
	| {readonly from: 'token-file'; readonly path: string}
	| {readonly from: 'kubeconfig'; readonly credentials: Credentials}
	| {readonly from: 'HW_AUTH_TOKEN'; readonly token: string}
	/** An IAM user's password, else access keys, when the environment holds them; else none. */
	| {readonly from: 'huawei-env'}
	| {readonly from: 'none'};

export type ProxySource = {readonly from: 'kubeconfig'; readonly url: string} | {readonly from: 'environment'};

/** Every field of the connection and where it came from. */
export type ConnectionPlan = {
	readonly server: string;
	readonly serverFrom: 'demo' | '--server' | 'kubeconfig' | 'region';
	/** The CCI region (--region, HW_REGION_NAME, HUAWEICLOUD_SDK_REGION_ID): the IAM login's endpoint and project. */
	readonly region?: string;
	readonly credentials: CredentialSource;
	readonly tls: TlsSettings;
	/** Undefined: requests go straight to the server. */
	readonly proxy?: ProxySource;
	/** The kubeconfig context's namespace, for when -n is not given. */
	readonly namespace?: string;
	/** An exec plugin may hand out client certificates: the transport must be able to change. */
	readonly execPlugin: boolean;
	readonly warnings: readonly string[];
};

/** Where the settings that are not flags come from: files are read only when the order reaches them. */
export type SettingSources = {
	/** The built-in simulator's address with --demo: it is the server, and no kubeconfig is read. */
	readonly demoServer?: string | undefined;
	/**
	 * The kubeconfig's selected context. Named (--kubeconfig, --context, KUBECONFIG), it must exist; otherwise
	 * ~/.kube/config, undefined when there is none.
	 */
	kubeconfig(named: boolean): Promise<KubeContribution | undefined>;
	/** The PEM file of --certificate-authority. */
	readFile(path: string): string;
};

const proxyVariables = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];

export function hasProxyVariables(env: Environment): boolean {
	return proxyVariables.some(name => env[name]);
}

/**
 * The connection's settings, field by field:
 * - server: the demo simulator, else --server, else a kubeconfig named by --kubeconfig, --context or
 *   KUBECONFIG, else the CCI endpoint of --region (or HW_REGION_NAME, HUAWEICLOUD_SDK_REGION_ID), else
 *   ~/.kube/config, read only when none of these names a server; plain http only to loopback (--allow-http);
 * - credentials: --token-file, else the kubeconfig user's, else HW_AUTH_TOKEN, else an IAM password or access
 *   keys from the environment (never with --demo), else none;
 * - TLS: --insecure-skip-tls-verify, else --certificate-authority, else the kubeconfig cluster's;
 * - proxy: the kubeconfig cluster's proxy-url, else HTTPS_PROXY / HTTP_PROXY (with NO_PROXY).
 */
export async function decideConnection(options: ConnectOptions, env: Environment, sources: SettingSources): Promise<ConnectionPlan> {
	const {demoServer} = sources;
	const region = options.region ?? env['HW_REGION_NAME'] ?? env['HUAWEICLOUD_SDK_REGION_ID'];
	const named = Boolean(options.kubeconfig || options.context || env['KUBECONFIG']);
	// A named kubeconfig always counts; ~/.kube/config only when nothing else says where the server is.
	const readKubeconfig = !demoServer && (named || (!options.server && !region));
	const kube = readKubeconfig ? await sources.kubeconfig(named) : undefined;

	const [server, serverFrom] = demoServer
		? [demoServer, 'demo' as const]
		: options.server
			? [options.server, '--server' as const]
			: kube
				? [kube.server, 'kubeconfig' as const]
				: region
					? [cciEndpoint(region), 'region' as const]
					: [undefined, undefined];
	if (!server) {
		throw new UsageError('no API server: give --server URL, --region (CCI), or --kubeconfig; or try --demo');
	}

	checkPlainHttp(server, options.allowHttp, {secret: 'token'});

	const warnings: string[] = [];
	if (options.insecureSkipTlsVerify) {
		warnings.push('TLS verification is OFF (--insecure-skip-tls-verify): anyone on the path can read and change this traffic');
	} else if (kube?.tls.insecure && !options.certificateAuthority) {
		warnings.push(
			`TLS verification is OFF (insecure-skip-tls-verify in kubeconfig cluster ${kube.clusterName}): anyone on the path can read and change this traffic`,
		);
	}

	const tls: TlsSettings = {
		...kube?.tls,
		...(options.certificateAuthority ? {ca: sources.readFile(options.certificateAuthority), insecure: false} : {}),
		...(options.insecureSkipTlsVerify ? {insecure: true} : {}),
	};

	const token = env['HW_AUTH_TOKEN'];
	const credentials: CredentialSource = options.tokenFile
		? {from: 'token-file', path: options.tokenFile}
		: kube?.credentials
			? {from: 'kubeconfig', credentials: kube.credentials}
			: token
				? {from: 'HW_AUTH_TOKEN', token}
				: // A password or keys are for Huawei Cloud, never for the built-in simulator.
					demoServer
					? {from: 'none'}
					: {from: 'huawei-env'};

	const proxy: ProxySource | undefined = kube?.proxyUrl
		? {from: 'kubeconfig', url: kube.proxyUrl}
		: hasProxyVariables(env)
			? {from: 'environment'}
			: undefined;

	return {
		server,
		serverFrom,
		...(region ? {region} : {}),
		credentials,
		tls,
		...(proxy ? {proxy} : {}),
		...(kube?.namespace ? {namespace: kube.namespace} : {}),
		execPlugin: kube?.execPlugin ?? false,
		warnings,
	};
}
