import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {withDefaults} from '../../source/cli/flags.js';
import {resolveOptions, type Flags} from '../../source/cli/options.js';
import {UsageError, type Environment} from '../../source/common/usage-error.js';
import {proxyFor, resolveConnection, type Connection} from '../../source/connect/connection.js';

let home: string;

beforeEach(() => {
	home = mkdtempSync(join(tmpdir(), 'vcjob-watch-home-'));
});

afterEach(() => {
	rmSync(home, {recursive: true, force: true});
});

// The flag table's defaults, as meow gives them, with what this file's runs need.
const defaults: Flags = withDefaults({once: true, color: false, altScreen: false});

function kubeconfig(name: string, options: {server?: string; token?: string; namespace?: string; extraCluster?: string; extraUser?: string} = {}) {
	const path = join(home, name);
	mkdirSync(join(path, '..'), {recursive: true});
	writeFileSync(
		path,
		`
current-context: ctx
clusters:
- name: k
  cluster:
    server: ${options.server ?? 'https://k8s.example:6443'}
${options.extraCluster ?? ''}
users:
- name: u
  user:
    token: ${options.token ?? 'kube-token'}
${options.extraUser ?? ''}
contexts:
- name: ctx
  context: {cluster: k, user: u${options.namespace ? `, namespace: ${options.namespace}` : ''}}
`,
	);
	return path;
}

async function connect(flags: Partial<Flags>, env: Environment = {}): Promise<Connection> {
	const environment = {HOME: home, ...env};
	return resolveConnection(resolveOptions(['job'], {...defaults, ...flags}, environment, false), environment);
}

async function headers(connection: Connection) {
	const result: Record<string, string> = {};
	await connection.credentials.authorize({method: 'GET', url: new URL(connection.server), headers: result});
	return result;
}

describe('which settings win', () => {
	test('~/.kube/config is used when nothing else names a server: server, bearer token, namespace of the context', async () => {
		kubeconfig('.kube/config', {namespace: 'team-a'});
		const connection = await connect({});
		expect(connection.server).toBe('https://k8s.example:6443');
		expect(connection.namespace).toBe('team-a');
		expect(await headers(connection)).toEqual({authorization: 'Bearer kube-token'});
	});

	test('a CCI region wins over ~/.kube/config, which is only the last resort', async () => {
		kubeconfig('.kube/config');
		const connection = await connect({}, {HW_REGION_NAME: 'cn-north-4', HW_AUTH_TOKEN: 'iam-token'});
		expect(connection.server).toBe('https://cci.cn-north-4.myhuaweicloud.com');
		expect(await headers(connection)).toEqual({'x-auth-token': 'iam-token'});
	});

	test('an explicit KUBECONFIG or --kubeconfig wins over the CCI region and HW_AUTH_TOKEN', async () => {
		const path = kubeconfig('named.yaml');
		const cci = {HW_REGION_NAME: 'cn-north-4', HW_AUTH_TOKEN: 'iam-token'};
		for (const connection of [await connect({}, {...cci, KUBECONFIG: path}), await connect({kubeconfig: path}, cci)]) {
			expect(connection.server).toBe('https://k8s.example:6443');
			expect(await headers(connection)).toEqual({authorization: 'Bearer kube-token'});
		}
	});

	test('explicit flags win field by field: --server over the cluster, --token-file over the user', async () => {
		const path = kubeconfig('named.yaml', {namespace: 'team-a'});
		const tokenFile = join(home, 'token');
		writeFileSync(tokenFile, 'file-token\n');
		const connection = await connect({kubeconfig: path, server: 'https://other.example', tokenFile});
		expect(connection.server).toBe('https://other.example/');
		expect(connection.namespace).toBe('team-a');
		expect(await headers(connection)).toEqual({'x-auth-token': 'file-token'});
	});

	test('--server alone reads no kubeconfig at all', async () => {
		kubeconfig('.kube/config', {server: 'http://cluster.invalid:8080'});
		const connection = await connect({server: 'http://127.0.0.1:8001'});
		expect(connection.server).toBe('http://127.0.0.1:8001/');
		expect(connection.credentials.description).toBe('no credentials (no auth header)');
	});

	test('--context picks another context of the same files', async () => {
		const path = kubeconfig('named.yaml', {namespace: 'team-a'});
		writeFileSync(path, `${readFileSync(path, 'utf8')}- name: lab\n  context: {cluster: k, namespace: lab-ns}\n`);
		const connection = await connect({kubeconfig: path, context: 'lab'});
		expect(connection.namespace).toBe('lab-ns');
		// A context without a user sends no token.
		expect(await headers(connection)).toEqual({});
	});

	test('nothing anywhere: the usage error names every way to give a server', async () => {
		await expect(connect({})).rejects.toThrow('no API server: give --server URL, --region (CCI), or --kubeconfig; or try --demo');
		await expect(connect({}, {KUBECONFIG: join(home, 'missing')})).rejects.toThrow(/no kubeconfig: KUBECONFIG names .*missing, and none of them exists/);
	});
});

describe('transport settings from the kubeconfig', () => {
	test('a plain-http kubeconfig server is refused unless it is loopback or --allow-http is given', async () => {
		const path = kubeconfig('named.yaml', {server: 'http://cluster.invalid:8080'});
		await expect(connect({kubeconfig: path})).rejects.toThrow(UsageError);
		await expect(connect({kubeconfig: path})).rejects.toThrow(/http:\/\/cluster.invalid:8080 is plain http/);
		expect((await connect({kubeconfig: path, allowHttp: true})).server).toBe('http://cluster.invalid:8080');
		const local = kubeconfig('local.yaml', {server: 'http://127.0.0.1:8001'});
		expect((await connect({kubeconfig: local})).server).toBe('http://127.0.0.1:8001');
	});

	test('insecure-skip-tls-verify in the kubeconfig is warned about on screen; --certificate-authority turns it off', async () => {
		const path = kubeconfig('named.yaml', {extraCluster: '    insecure-skip-tls-verify: true'});
		expect((await connect({kubeconfig: path})).warnings).toEqual([
			'TLS verification is OFF (insecure-skip-tls-verify in kubeconfig cluster k): anyone on the path can read and change this traffic',
		]);
		const ca = join(home, 'ca.crt');
		writeFileSync(ca, 'PEM');
		expect((await connect({kubeconfig: path, certificateAuthority: ca})).warnings).toEqual([]);
	});

	test('a CA file the kubeconfig names must be readable', async () => {
		const path = kubeconfig('named.yaml', {extraCluster: '    certificate-authority: missing-ca.crt'});
		await expect(connect({kubeconfig: path})).rejects.toThrow(`cannot read certificate-authority of cluster k ${join(home, 'missing-ca.crt')} (ENOENT)`);
	});

	test('auth providers, impersonation and two ways to log in at once are refused before any request', async () => {
		const provider = kubeconfig('provider.yaml', {extraUser: '    auth-provider: {name: oidc}'});
		await expect(connect({kubeconfig: provider})).rejects.toThrow(/kubeconfig user u uses auth-provider, which vcjob-watch does not support/);
		const both = kubeconfig('both.yaml', {extraUser: '    exec: {apiVersion: client.authentication.k8s.io/v1, command: x}'});
		await expect(connect({kubeconfig: both})).rejects.toThrow(/more than one way to authenticate \(token, exec\)/);
	});

	test('an exec plugin that wants a terminal is refused with what to do', async () => {
		const path = join(home, 'always.yaml');
		writeFileSync(
			path,
			'current-context: c\nclusters:\n- {name: k, cluster: {server: "https://k"}}\nusers:\n- name: u\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1, command: kubelogin, interactiveMode: Always}\ncontexts:\n- {name: c, context: {cluster: k, user: u}}\n',
		);
		await expect(connect({kubeconfig: path})).rejects.toThrow(/exec plugin kubelogin of kubeconfig user u needs a terminal \(interactiveMode: Always\)/);
	});

	test('a namespace in the context that is not a Kubernetes name is refused', async () => {
		const path = kubeconfig('named.yaml', {namespace: 'Team_A'});
		await expect(connect({kubeconfig: path})).rejects.toThrow(/the namespace of kubeconfig context ctx/);
	});
});

describe('which proxy a request goes through (named in errors)', () => {
	test('HTTPS_PROXY for https, HTTP_PROXY for http (and for https when HTTPS_PROXY is unset), NO_PROXY bypasses', () => {
		const env = {HTTPS_PROXY: 'http://user:secret@proxy.corp:3128', HTTP_PROXY: 'http://plain.corp:8080'};
		expect(proxyFor('https://cci.cn-north-4.myhuaweicloud.com', env)).toBe('proxy.corp:3128');
		expect(proxyFor('http://api.local:8080', env)).toBe('plain.corp:8080');
		expect(proxyFor('https://k.example', {HTTP_PROXY: 'http://plain.corp:8080'})).toBe('plain.corp:8080');
		expect(proxyFor('https://cci.cn-north-4.myhuaweicloud.com', {...env, NO_PROXY: '.myhuaweicloud.com'})).toBeUndefined();
		expect(proxyFor('https://127.0.0.1:6443', {...env, NO_PROXY: 'localhost,127.0.0.1'})).toBeUndefined();
		expect(proxyFor('https://127.0.0.1:6443', {...env, NO_PROXY: '127.0.0.1:8443'})).toBe('proxy.corp:3128');
		expect(proxyFor('https://k.example', {...env, NO_PROXY: '*'})).toBeUndefined();
	});

	test("a kubeconfig's proxy-url wins over the environment and ignores NO_PROXY", async () => {
		const path = kubeconfig('named.yaml', {extraCluster: '    proxy-url: http://kube-proxy.corp:3128'});
		const connection = await connect({kubeconfig: path}, {HTTPS_PROXY: 'http://proxy.corp:3128', NO_PROXY: 'k8s.example'});
		expect(connection.proxy).toBe('kube-proxy.corp:3128');
		expect((await connect({kubeconfig: kubeconfig('plain.yaml')}, {HTTPS_PROXY: 'http://proxy.corp:3128'})).proxy).toBe('proxy.corp:3128');
	});
});
