import {describe, expect, test} from 'vitest';
import type {Credentials} from '../../source/api/credentials.js';
import {UsageError, type Environment} from '../../source/common/usage-error.js';
import {decideConnection, type ConnectOptions, type KubeContribution, type SettingSources} from '../../source/connect/precedence.js';

// The order of docs/connecting.md ("Which settings win", "Credentials"), field by field, with the kubeconfig
// files replaced by what a context would contribute: no file is read, and the test sees which were asked for.

const none: ConnectOptions = {insecureSkipTlsVerify: false, allowHttp: false, timeoutMs: 10_000};

const kubeUser: Credentials = {description: 'token from kubeconfig user u', async authorize() {}};

const context: KubeContribution = {
	clusterName: 'k',
	server: 'https://k8s.example:6443',
	namespace: 'team-a',
	tls: {ca: 'KUBE-CA', insecure: false},
	credentials: kubeUser,
	execPlugin: false,
};

type Decided = Awaited<ReturnType<typeof decideConnection>> & {kubeconfigReads: boolean[]};

/** decideConnection with a kubeconfig that contributes `kube` (when it is read at all). */
async function decide(
	options: Partial<ConnectOptions>,
	env: Environment = {},
	kube: KubeContribution = context,
	extra: Partial<SettingSources> = {},
): Promise<Decided> {
	const kubeconfigReads: boolean[] = [];
	const plan = await decideConnection({...none, ...options}, env, {
		async kubeconfig(named) {
			kubeconfigReads.push(named);
			return kube;
		},
		readFile: path => `PEM of ${path}`,
		...extra,
	});
	return {...plan, kubeconfigReads};
}

describe('the server: flag, then a named kubeconfig, then the CCI region, then ~/.kube/config', () => {
	test('--server wins over a named kubeconfig, the region and HW_REGION_NAME', async () => {
		const plan = await decide({server: 'https://other.example/', kubeconfig: 'named.yaml', region: 'cn-north-4'}, {HW_REGION_NAME: 'cn-east-3'});
		expect([plan.server, plan.serverFrom]).toEqual(['https://other.example/', '--server']);
	});

	test('--server alone reads no kubeconfig at all', async () => {
		const plan = await decide({server: 'https://other.example/'});
		expect(plan.kubeconfigReads).toEqual([]);
		expect(plan.tls).toEqual({});
	});

	test('a kubeconfig named by --kubeconfig, --context or KUBECONFIG wins over the region (flag or environment)', async () => {
		for (const [options, env] of [
			[{kubeconfig: 'named.yaml'}, {HW_REGION_NAME: 'cn-north-4'}],
			[{context: 'lab'}, {HW_REGION_NAME: 'cn-north-4'}],
			[{region: 'cn-north-4'}, {KUBECONFIG: '/home/a/.kube/cci.yaml'}],
		] as const) {
			const plan = await decide(options, env);
			expect([plan.server, plan.serverFrom]).toEqual(['https://k8s.example:6443', 'kubeconfig']);
			expect(plan.kubeconfigReads).toEqual([true]);
		}
	});

	test('the region wins over ~/.kube/config, which is not even read: --region, else HW_REGION_NAME, else HUAWEICLOUD_SDK_REGION_ID', async () => {
		const byFlag = await decide({region: 'cn-north-4'}, {HW_REGION_NAME: 'cn-east-3', HUAWEICLOUD_SDK_REGION_ID: 'ap-southeast-1'});
		expect([byFlag.server, byFlag.serverFrom, byFlag.region]).toEqual(['https://cci.cn-north-4.myhuaweicloud.com', 'region', 'cn-north-4']);
		expect(byFlag.kubeconfigReads).toEqual([]);
		expect((await decide({}, {HW_REGION_NAME: 'cn-east-3', HUAWEICLOUD_SDK_REGION_ID: 'ap-southeast-1'})).server).toBe(
			'https://cci.cn-east-3.myhuaweicloud.com',
		);
		expect((await decide({}, {HUAWEICLOUD_SDK_REGION_ID: 'ap-southeast-1'})).server).toBe('https://cci.ap-southeast-1.myhuaweicloud.com');
	});

	test('eu-west-1xx regions are under myhuaweicloud.eu', async () => {
		expect((await decide({region: 'eu-west-101'})).server).toBe('https://cci.eu-west-101.myhuaweicloud.eu');
	});

	test('~/.kube/config when nothing names a server: read as not named (it may be missing)', async () => {
		const plan = await decide({});
		expect([plan.server, plan.serverFrom, plan.namespace]).toEqual(['https://k8s.example:6443', 'kubeconfig', 'team-a']);
		expect(plan.kubeconfigReads).toEqual([false]);
	});

	test('the demo simulator is the server, whatever else is set, and no kubeconfig is read', async () => {
		const plan = await decide({kubeconfig: 'named.yaml', region: 'cn-north-4'}, {KUBECONFIG: 'k.yaml'}, context, {demoServer: 'http://127.0.0.1:40000'});
		expect([plan.server, plan.serverFrom]).toEqual(['http://127.0.0.1:40000', 'demo']);
		expect(plan.kubeconfigReads).toEqual([]);
	});

	test('nothing anywhere: the usage error names every way to give a server', async () => {
		await expect(decide({}, {}, context, {kubeconfig: async () => undefined})).rejects.toThrow('no API server: give --server URL, --region (CCI), or --kubeconfig; or try --demo');
	});

	test('plain http only to this machine, unless --allow-http, wherever the server came from', async () => {
		await expect(decide({server: 'http://api.example:8080/'})).rejects.toThrow(UsageError);
		await expect(decide({server: 'http://api.example:8080/'})).rejects.toThrow(
			'http://api.example:8080 is plain http: the token would travel in clear. Use https://, or --allow-http if this link is trusted',
		);
		await expect(decide({}, {}, {...context, server: 'http://cluster.invalid:8080'})).rejects.toThrow(/http:\/\/cluster.invalid:8080 is plain http/);
		for (const server of ['http://127.0.0.1:8001/', 'http://localhost:8001/', 'http://[::1]:8001/', 'http://api.localhost/']) {
			expect((await decide({server})).server).toBe(server);
		}

		expect((await decide({server: 'http://api.example:8080/', allowHttp: true})).server).toBe('http://api.example:8080/');
	});
});

describe('the credentials: --token-file, then the kubeconfig user, then HW_AUTH_TOKEN, then IAM or keys', () => {
	test('--token-file wins over the kubeconfig user and HW_AUTH_TOKEN', async () => {
		const plan = await decide({tokenFile: '/run/token', kubeconfig: 'named.yaml'}, {HW_AUTH_TOKEN: 'env-token'});
		expect(plan.credentials).toEqual({from: 'token-file', path: '/run/token'});
		// The other fields still come from the kubeconfig: flags win field by field.
		expect([plan.server, plan.namespace]).toEqual(['https://k8s.example:6443', 'team-a']);
	});

	test("the kubeconfig user's credentials win over HW_AUTH_TOKEN", async () => {
		const plan = await decide({kubeconfig: 'named.yaml'}, {HW_AUTH_TOKEN: 'env-token'});
		expect(plan.credentials).toEqual({from: 'kubeconfig', credentials: kubeUser});
	});

	test('HW_AUTH_TOKEN when the kubeconfig user has none of its own, or no kubeconfig is read', async () => {
		const userless = {...context, credentials: undefined};
		expect((await decide({kubeconfig: 'named.yaml'}, {HW_AUTH_TOKEN: 'env-token'}, userless)).credentials).toEqual({from: 'HW_AUTH_TOKEN', token: 'env-token'});
		expect((await decide({region: 'cn-north-4'}, {HW_AUTH_TOKEN: 'env-token'})).credentials).toEqual({from: 'HW_AUTH_TOKEN', token: 'env-token'});
		// An empty variable is not a token.
		expect((await decide({region: 'cn-north-4'}, {HW_AUTH_TOKEN: ''})).credentials).toEqual({from: 'huawei-env'});
	});

	test('then an IAM password or access keys from the environment (huawei-env decides between them)', async () => {
		expect((await decide({region: 'cn-north-4'}, {HW_USER_NAME: 'alice', HW_USER_PASSWORD: 'pw'})).credentials).toEqual({from: 'huawei-env'});
	});

	test('with --demo only the token sources apply: a password or keys never go to the simulator', async () => {
		const demo = {demoServer: 'http://127.0.0.1:40000'};
		const env = {HW_USER_NAME: 'alice', HW_USER_PASSWORD: 'pw', HUAWEICLOUD_SDK_AK: 'AK', HUAWEICLOUD_SDK_SK: 'SK'};
		expect((await decide({}, env, context, demo)).credentials).toEqual({from: 'none'});
		expect((await decide({}, {...env, HW_AUTH_TOKEN: 't'}, context, demo)).credentials).toEqual({from: 'HW_AUTH_TOKEN', token: 't'});
		expect((await decide({tokenFile: '/run/token'}, env, context, demo)).credentials).toEqual({from: 'token-file', path: '/run/token'});
	});
});

describe('TLS and the proxy', () => {
	test("--certificate-authority wins over the cluster's CA and its insecure-skip-tls-verify (and silences the warning)", async () => {
		const insecure = {...context, tls: {insecure: true}};
		const warned = await decide({kubeconfig: 'named.yaml'}, {}, insecure);
		expect(warned.tls).toEqual({insecure: true});
		expect(warned.warnings).toEqual([
			'TLS verification is OFF (insecure-skip-tls-verify in kubeconfig cluster k): anyone on the path can read and change this traffic',
		]);
		const plan = await decide({kubeconfig: 'named.yaml', certificateAuthority: '/etc/ca.pem'}, {}, insecure);
		expect(plan.tls).toEqual({ca: 'PEM of /etc/ca.pem', insecure: false});
		expect(plan.warnings).toEqual([]);
	});

	test('--insecure-skip-tls-verify wins over every CA, with its own warning', async () => {
		const plan = await decide({kubeconfig: 'named.yaml', certificateAuthority: '/etc/ca.pem', insecureSkipTlsVerify: true});
		expect(plan.tls).toEqual({ca: 'PEM of /etc/ca.pem', insecure: true});
		expect(plan.warnings).toEqual(['TLS verification is OFF (--insecure-skip-tls-verify): anyone on the path can read and change this traffic']);
	});

	test("the cluster's TLS settings when no flag says otherwise; none without a kubeconfig", async () => {
		expect((await decide({kubeconfig: 'named.yaml'})).tls).toEqual({ca: 'KUBE-CA', insecure: false});
		expect((await decide({server: 'https://other.example/'})).tls).toEqual({});
	});

	test("the cluster's proxy-url wins over HTTPS_PROXY; else the environment's proxies; else none", async () => {
		const proxied = {...context, proxyUrl: 'http://kube-proxy.corp:3128'};
		expect((await decide({kubeconfig: 'named.yaml'}, {HTTPS_PROXY: 'http://proxy.corp:3128'}, proxied)).proxy).toEqual({
			from: 'kubeconfig',
			url: 'http://kube-proxy.corp:3128',
		});
		expect((await decide({kubeconfig: 'named.yaml'}, {https_proxy: 'http://proxy.corp:3128'})).proxy).toEqual({from: 'environment'});
		expect((await decide({kubeconfig: 'named.yaml'})).proxy).toBeUndefined();
	});
});
