// From a selected kubeconfig context to what the job client needs: TLS material, a proxy, credentials.
import {readFileSync} from 'node:fs';
import {basename} from 'node:path';
import {UsageError, type Environment} from '../../common/usage-error.js';
import {checkNamespace} from '../../model/names.js';
import {tokenFileCredentials} from '../credentials/token.js';
import type {Credentials} from '../../api/credentials.js';
import {execCredentials, type ClientCertificate} from '../credentials/exec-plugin.js';
import type {KubeContribution} from '../precedence.js';
import {kubeconfigPaths, loadKubeconfig, prepareKubeconfigLoading, selectContext, type KubeSelection} from './load.js';

export type KubeTls = {
	readonly ca?: string;
	readonly insecure: boolean;
	readonly servername?: string;
	readonly cert?: string;
	readonly key?: string;
};

export type KubeSettings = KubeContribution & {readonly tls: KubeTls};

/**
 * The context of the kubeconfig files, or undefined for none. Named (--kubeconfig, --context, KUBECONFIG) they
 * must exist; otherwise (~/.kube/config, read only when nothing else names a server: precedence.ts) they may not.
 */
export async function selectKubeconfig(
	flags: {readonly kubeconfig?: string | undefined; readonly context?: string | undefined; readonly server?: string | undefined},
	env: Environment,
	named: boolean,
): Promise<KubeSelection | undefined> {
	const {paths, from} = kubeconfigPaths(flags.kubeconfig, env);
	await prepareKubeconfigLoading();
	const config = loadKubeconfig(paths, {mustExist: Boolean(flags.kubeconfig)});
	if (config.files.length === 0) {
		if (!named) return undefined;
		throw new UsageError(`no kubeconfig: ${from} names ${paths.join(', ')}, and none of them exists`);
	}

	// kubectl --server with a KUBECONFIG that picks no context works: the flag is the whole connection.
	if (flags.server && !flags.context && !config.currentContext) return undefined;
	return selectContext(config, flags.context);
}

function readPem(path: string, what: string): string {
	try {
		return readFileSync(path, 'utf8');
	} catch (error) {
		throw new UsageError(`cannot read ${what} ${path} (${(error as {code?: string}).code ?? 'unreadable'})`);
	}
}

function bearerCredentials(token: string, label: string): Credentials {
	return {
		description: `token from ${label}`,
		async authorize(request) {
			request.headers['authorization'] = `Bearer ${token}`;
		},
		unauthorizedHint: `the token of ${label} has expired or is invalid: put a fresh one in the kubeconfig and restart`,
	};
}

function basicCredentials(username: string, password: string, label: string): Credentials {
	const value = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
	return {
		description: `user name and password of ${label}`,
		async authorize(request) {
			request.headers['authorization'] = value;
		},
		unauthorizedHint: `the user name or password of ${label} was refused`,
	};
}

/** ExecCredential's spec.cluster, for plugins with provideClusterInfo (client-go's field names). */
function clusterInfo(selection: KubeSelection, tls: KubeTls): Record<string, unknown> {
	const {cluster} = selection;
	return {
		server: selection.server,
		...(cluster.tlsServerName ? {'tls-server-name': cluster.tlsServerName} : {}),
		...(cluster.insecureSkipTlsVerify ? {'insecure-skip-tls-verify': true} : {}),
		...(tls.ca ? {'certificate-authority-data': Buffer.from(tls.ca).toString('base64')} : {}),
		...(cluster.proxyUrl ? {'proxy-url': cluster.proxyUrl} : {}),
		...(cluster.execExtension === undefined ? {} : {config: cluster.execExtension}),
	};
}

/**
 * TLS material, proxy and credentials of the selected context, read and checked now (unreadable files and
 * contradictions are usage errors before any request).
 */
export function kubeSettings(
	selection: KubeSelection,
	env: Environment,
	onCertificate: (certificate: ClientCertificate) => void,
): KubeSettings {
	const {cluster, user} = selection;
	const label = `kubeconfig user ${selection.userName ?? '(none)'}`;
	let url: URL | undefined;
	try {
		url = new URL(selection.server);
	} catch {}

	if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) {
		throw new UsageError(
			`the server of kubeconfig cluster ${selection.clusterName} must be an http:// or https:// URL without a user or password`,
		);
	}
	if (user.unsupported.length > 0) {
		throw new UsageError(
			`${label} uses ${user.unsupported.join(', ')}, which vcjob-watch does not support: use a token, a client certificate or an exec plugin`,
		);
	}

	if (cluster.insecureSkipTlsVerify && (cluster.certificateAuthority || cluster.certificateAuthorityData)) {
		throw new UsageError(
			`kubeconfig cluster ${selection.clusterName} has both a certificate authority and insecure-skip-tls-verify: keep one`,
		);
	}

	// The -data field wins over the file, as in kubectl.
	const ca = cluster.certificateAuthorityData ?? (cluster.certificateAuthority ? readPem(cluster.certificateAuthority, `certificate-authority of cluster ${selection.clusterName}`) : undefined);
	const cert = user.clientCertificateData ?? (user.clientCertificate ? readPem(user.clientCertificate, `client-certificate of ${label}`) : undefined);
	const key = user.clientKeyData ?? (user.clientKey ? readPem(user.clientKey, `client-key of ${label}`) : undefined);
	if ((cert === undefined) !== (key === undefined)) {
		throw new UsageError(`${label} has a client ${cert ? 'certificate without a key' : 'key without a certificate'}`);
	}

	const tls: KubeTls = {
		insecure: cluster.insecureSkipTlsVerify,
		...(ca ? {ca} : {}),
		...(cluster.tlsServerName ? {servername: cluster.tlsServerName} : {}),
		...(cert && key ? {cert, key} : {}),
	};

	if (cluster.proxyUrl) {
		let proxy: URL;
		try {
			proxy = new URL(cluster.proxyUrl);
		} catch {
			throw new UsageError(`proxy-url of kubeconfig cluster ${selection.clusterName} is not a URL`);
		}

		if (!['http:', 'https:', 'socks5:'].includes(proxy.protocol)) {
			throw new UsageError(`proxy-url of kubeconfig cluster ${selection.clusterName}: use http://, https:// or socks5://, not ${proxy.protocol}`);
		}
	}

	const methods = [
		user.token || user.tokenFile ? 'token' : undefined,
		user.username || user.password ? 'username/password' : undefined,
		user.exec ? 'exec' : undefined,
	].filter(Boolean);
	if (methods.length > 1) {
		throw new UsageError(`${label} has more than one way to authenticate (${methods.join(', ')}): keep one`);
	}

	let credentials: Credentials | undefined;
	if (user.exec) {
		if (user.exec.interactiveMode === 'Always') {
			throw new UsageError(
				`the exec plugin ${basename(user.exec.command)} of ${label} needs a terminal (interactiveMode: Always), which vcjob-watch does not give it: log in with it once outside (e.g. kubectl get ns), or set interactiveMode: IfAvailable`,
			);
		}

		credentials = execCredentials({
			exec: user.exec,
			...(selection.userName ? {userName: selection.userName} : {}),
			cluster: clusterInfo(selection, tls),
			env,
			onCertificate,
		});
	} else if (user.tokenFile) {
		// tokenFile wins over token, as in client-go; re-read when it changes and after a 401.
		credentials = tokenFileCredentials(user.tokenFile, {bearer: true, label: `tokenFile ${user.tokenFile} (${label})`});
	} else if (user.token) {
		credentials = bearerCredentials(user.token, label);
	} else if (user.username !== undefined || user.password !== undefined) {
		credentials = basicCredentials(user.username ?? '', user.password ?? '', label);
	} else if (tls.cert) {
		// The certificate is the credential: no header, and no CCI token sent to this cluster either.
		credentials = {
			description: `client certificate of ${label}`,
			async authorize() {},
			// Else a 401 would point at HW_AUTH_TOKEN and --token-file, which this cluster is never sent.
			unauthorizedHint: `the client certificate of ${label} was refused: check that the cluster's CA signed it, that it has not expired and that the server maps it to a user`,
		};
	}

	if (selection.namespace) {
		const problem = checkNamespace(selection.namespace);
		if (problem) throw new UsageError(`the namespace of kubeconfig context ${selection.contextName}: ${problem}`);
	}

	return {
		clusterName: selection.clusterName,
		server: selection.server,
		...(selection.namespace ? {namespace: selection.namespace} : {}),
		tls,
		...(cluster.proxyUrl ? {proxyUrl: cluster.proxyUrl} : {}),
		...(credentials ? {credentials} : {}),
		execPlugin: Boolean(user.exec),
	};
}
