import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import {createServer as createHttpsServer} from 'node:https';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {TLSSocket} from 'node:tls';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, test} from 'vitest';
import {createJobClient} from '../../source/api/job-client.js';
import {withDefaults} from '../../source/cli/flags.js';
import {resolveOptions, type Flags} from '../../source/cli/options.js';
import {UsageError, type Environment} from '../../source/common/usage-error.js';
import {proxyFor, resolveConnection, type Connection} from '../../source/connect/connection.js';
import {writeKubeconfig, type KubeconfigContext} from '../helpers/servers/kubeconfig.js';
import {startTestProxy, type TestProxy} from '../helpers/servers/test-proxy.js';
import {makeTlsFixtures, type TlsFixtures} from '../helpers/servers/tls-fixtures.js';

let home: string;
let tls: TlsFixtures;
// What a test started, stopped after it whatever it did.
const servers: Server[] = [];
const proxies: TestProxy[] = [];
const connections: Connection[] = [];

beforeAll(() => {
	tls = makeTlsFixtures();
});

afterAll(() => {
	tls.remove();
});

beforeEach(() => {
	home = mkdtempSync(join(tmpdir(), 'vcjob-watch-home-'));
});

afterEach(async () => {
	await Promise.all(connections.splice(0).map(async connection => connection.dispatcher?.close()));
	for (const server of servers.splice(0)) server.closeAllConnections();
	await Promise.all(servers.map(async server => new Promise(resolve => server.close(resolve))));
	await Promise.all(proxies.splice(0).map(async proxy => proxy.close()));
	rmSync(home, {recursive: true, force: true});
});

const b64 = (text: string) => Buffer.from(text).toString('base64');

type Received = {readonly path: string; readonly headers: IncomingHttpHeaders; readonly clientCertificate?: string};

/**
 * An API server on this machine that answers every GET with a job and records what it received: the headers,
 * and with TLS the client certificate's CN. With `requestCert` a client without a certificate of the CA
 * is turned away in the handshake.
 */
async function apiServer(options: {https?: {requestCert?: boolean}; host?: string} = {}) {
	const received: Received[] = [];
	const answer = (request: IncomingMessage, response: ServerResponse) => {
		const socket = request.socket as Partial<TLSSocket>;
		const cn = socket.getPeerCertificate?.().subject?.CN;
		const clientCertificate = typeof cn === 'string' ? cn : undefined;
		received.push({path: request.url ?? '', headers: request.headers, ...(clientCertificate ? {clientCertificate} : {})});
		response.writeHead(200, {'content-type': 'application/json'}).end('{"kind":"Job","metadata":{"name":"job"}}');
	};

	const server = options.https
		? createHttpsServer(
				{key: tls.server.key, cert: tls.server.cert, ...(options.https.requestCert ? {ca: tls.ca.cert, requestCert: true, rejectUnauthorized: true} : {})},
				answer,
			)
		: createServer(answer);
	servers.push(server);
	const host = options.host ?? '127.0.0.1';
	await new Promise<void>(resolve => server.listen(0, host, resolve));
	const {port} = server.address() as AddressInfo;
	return {url: `${options.https ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`, port, received};
}

async function proxy(): Promise<TestProxy> {
	const started = await startTestProxy();
	proxies.push(started);
	return started;
}

// The flag table's defaults, as meow gives them, with what this file's runs need.
const defaults: Flags = withDefaults({once: true, color: false, altScreen: false});

type Fields = Record<string, unknown>;

/** A kubeconfig in the temporary home: cluster k (with these fields), user u (a token unless told), context ctx. */
function kubeconfig(
	name: string,
	options: {server?: string; namespace?: string; cluster?: Fields; user?: Fields; contexts?: Record<string, KubeconfigContext>} = {},
) {
	return writeKubeconfig(join(home, name), {
		currentContext: 'ctx',
		clusters: {k: {server: options.server ?? 'https://k8s.example:6443', ...options.cluster}},
		users: {u: options.user ?? {token: 'kube-token'}},
		contexts: {ctx: {cluster: 'k', user: 'u', ...(options.namespace ? {namespace: options.namespace} : {})}, ...options.contexts},
	});
}

async function connect(flags: Partial<Flags>, env: Environment = {}): Promise<Connection> {
	const environment = {HOME: home, ...env};
	const connection = await resolveConnection(resolveOptions(['job'], {...defaults, ...flags}, environment, false), environment);
	connections.push(connection);
	return connection;
}

/** GET the job as the watcher does: this connection's server, credentials, TLS and proxy. */
async function getJob(connection: Connection, namespace = 'default') {
	const client = createJobClient({
		server: connection.server,
		namespace,
		name: 'job',
		timeoutMs: 5000,
		credentials: connection.credentials,
		...(connection.dispatcher ? {dispatcher: connection.dispatcher} : {}),
		...(connection.proxy ? {proxy: connection.proxy} : {}),
	});
	return client.getJob();
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
		const path = kubeconfig('named.yaml', {namespace: 'team-a', contexts: {lab: {cluster: 'k', namespace: 'lab-ns'}}});
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
		const path = kubeconfig('named.yaml', {cluster: {'insecure-skip-tls-verify': true}});
		expect((await connect({kubeconfig: path})).warnings).toEqual([
			'TLS verification is OFF (insecure-skip-tls-verify in kubeconfig cluster k): anyone on the path can read and change this traffic',
		]);
		const ca = join(home, 'ca.crt');
		writeFileSync(ca, 'PEM');
		expect((await connect({kubeconfig: path, certificateAuthority: ca})).warnings).toEqual([]);
	});

	test('a CA file the kubeconfig names must be readable', async () => {
		const path = kubeconfig('named.yaml', {cluster: {'certificate-authority': 'missing-ca.crt'}});
		await expect(connect({kubeconfig: path})).rejects.toThrow(`cannot read certificate-authority of cluster k ${join(home, 'missing-ca.crt')} (ENOENT)`);
	});

	test('an auth provider is refused before any request, with what to use instead', async () => {
		const provider = kubeconfig('provider.yaml', {user: {token: 'kube-token', 'auth-provider': {name: 'oidc'}}});
		await expect(connect({kubeconfig: provider})).rejects.toThrow(UsageError);
		await expect(connect({kubeconfig: provider})).rejects.toThrow(
			'kubeconfig user u uses auth-provider, which vcjob-watch does not support: use a token, a client certificate or an exec plugin',
		);
	});

	test.each([
		['as', 'admin'],
		['as-groups', ['system:masters']],
		['as-uid', '1000'],
		['as-user-extra', {scopes: ['view']}],
	])('impersonation (%s) is refused, not ignored: the requests would go out as another user', async (field, value) => {
		const path = kubeconfig('impersonate.yaml', {user: {token: 'kube-token', [field]: value}});
		await expect(connect({kubeconfig: path})).rejects.toThrow(UsageError);
		await expect(connect({kubeconfig: path})).rejects.toThrow(`kubeconfig user u uses ${field}, which vcjob-watch does not support`);
	});

	test('two ways to log in for one user are refused, naming both', async () => {
		const both = kubeconfig('both.yaml', {user: {token: 'kube-token', exec: {apiVersion: 'client.authentication.k8s.io/v1', command: 'x'}}});
		await expect(connect({kubeconfig: both})).rejects.toThrow(/kubeconfig user u has more than one way to authenticate \(token, exec\): keep one/);
		const basic = kubeconfig('basic.yaml', {user: {token: 'kube-token', username: 'ann', password: 'pw'}});
		await expect(connect({kubeconfig: basic})).rejects.toThrow(/more than one way to authenticate \(token, username\/password\)/);
	});

	test('a CA together with insecure-skip-tls-verify in one cluster is refused, as a file or as data', async () => {
		const ca = join(home, 'ca.crt');
		writeFileSync(ca, 'PEM');
		for (const field of [{'certificate-authority': ca}, {'certificate-authority-data': b64('PEM')}]) {
			const path = kubeconfig('both-tls.yaml', {cluster: {...field, 'insecure-skip-tls-verify': true}});
			await expect(connect({kubeconfig: path})).rejects.toThrow(UsageError);
			await expect(connect({kubeconfig: path})).rejects.toThrow('kubeconfig cluster k has both a certificate authority and insecure-skip-tls-verify: keep one');
		}
	});

	test('an exec plugin that wants a terminal is refused with what to do', async () => {
		const path = kubeconfig('always.yaml', {user: {exec: {apiVersion: 'client.authentication.k8s.io/v1', command: 'kubelogin', interactiveMode: 'Always'}}});
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
		const path = kubeconfig('named.yaml', {cluster: {'proxy-url': 'http://kube-proxy.corp:3128'}});
		const connection = await connect({kubeconfig: path}, {HTTPS_PROXY: 'http://proxy.corp:3128', NO_PROXY: 'k8s.example'});
		expect(connection.proxy).toBe('kube-proxy.corp:3128');
		expect((await connect({kubeconfig: kubeconfig('plain.yaml')}, {HTTPS_PROXY: 'http://proxy.corp:3128'})).proxy).toBe('proxy.corp:3128');
	});
});

describe('the credentials of a kubeconfig user, as the API server receives them', () => {
	test('username and password: Authorization Basic, and nothing else', async () => {
		const api = await apiServer();
		const path = kubeconfig('basic.yaml', {server: api.url, user: {username: 'ann', password: 'pa:ss wörd'}});
		const connection = await connect({kubeconfig: path}, {HW_AUTH_TOKEN: 'iam-token'});
		expect(connection.credentials.description).toBe('user name and password of kubeconfig user u');
		await getJob(connection);
		expect(api.received).toHaveLength(1);
		expect(api.received[0]!.headers.authorization).toBe(`Basic ${Buffer.from('ann:pa:ss wörd').toString('base64')}`);
		expect(api.received[0]!.headers['x-auth-token']).toBeUndefined();
	});

	test('tokenFile wins over token, as in kubectl: the file is sent, not the inline token', async () => {
		const api = await apiServer();
		const tokenFile = join(home, 'sa-token');
		writeFileSync(tokenFile, 'token-from-file\n');
		const path = kubeconfig('both-tokens.yaml', {server: api.url, user: {token: 'inline-token', tokenFile}});
		await getJob(await connect({kubeconfig: path}));
		expect(api.received.map(request => request.headers.authorization)).toEqual(['Bearer token-from-file']);
	});

	test('HW_AUTH_TOKEN is sent when the context has no user, or a user without credentials of its own', async () => {
		const api = await apiServer();
		const userless = writeKubeconfig(join(home, 'userless.yaml'), {currentContext: 'ctx', clusters: {k: {server: api.url}}, contexts: {ctx: {cluster: 'k'}}});
		const empty = kubeconfig('empty-user.yaml', {server: api.url, user: {}});
		for (const path of [userless, empty]) await getJob(await connect({kubeconfig: path}, {HW_AUTH_TOKEN: 'iam-token'}));
		expect(api.received.map(request => [request.headers['x-auth-token'], request.headers.authorization])).toEqual([
			['iam-token', undefined],
			['iam-token', undefined],
		]);
	});

	test('a user whose credential is a client certificate gets no HW_AUTH_TOKEN sent along', async () => {
		const api = await apiServer({https: {requestCert: true}});
		const path = kubeconfig('mtls.yaml', {
			server: api.url,
			cluster: {'certificate-authority-data': b64(tls.ca.cert)},
			user: {'client-certificate-data': b64(tls.client.cert), 'client-key-data': b64(tls.client.key)},
		});
		await getJob(await connect({kubeconfig: path}, {HW_AUTH_TOKEN: 'iam-token'}));
		expect(api.received).toEqual([expect.objectContaining({clientCertificate: 'vcjob-user'})]);
		expect(api.received[0]!.headers['x-auth-token']).toBeUndefined();
		expect(api.received[0]!.headers.authorization).toBeUndefined();
	});
});

describe('a -data field wins over the file field, as in kubectl (over real TLS)', () => {
	test('certificate-authority-data over certificate-authority', async () => {
		const api = await apiServer({https: {}});
		// A PEM that did not sign the server's certificate: whichever field carries it, verification fails.
		const wrong = tls.namedServer.cert;
		const wrongFile = join(home, 'wrong-ca.crt');
		writeFileSync(wrongFile, wrong);
		const dataWins = kubeconfig('data-right.yaml', {server: api.url, cluster: {'certificate-authority-data': b64(tls.ca.cert), 'certificate-authority': wrongFile}});
		expect((await getJob(await connect({kubeconfig: dataWins}))).raw['kind']).toBe('Job');
		const dataWrong = kubeconfig('data-wrong.yaml', {server: api.url, cluster: {'certificate-authority-data': b64(wrong), 'certificate-authority': tls.ca.certFile}});
		await expect(getJob(await connect({kubeconfig: dataWrong}))).rejects.toMatchObject({category: 'tls'});
		expect(api.received).toHaveLength(1);
	});

	test('client-certificate-data and client-key-data over client-certificate and client-key', async () => {
		const api = await apiServer({https: {requestCert: true}});
		const path = kubeconfig('client.yaml', {
			server: api.url,
			cluster: {'certificate-authority': tls.ca.certFile},
			user: {
				'client-certificate-data': b64(tls.client.cert),
				'client-key-data': b64(tls.client.key),
				'client-certificate': tls.execClient.certFile,
				'client-key': tls.execClient.keyFile,
			},
		});
		await getJob(await connect({kubeconfig: path}));
		expect(api.received.map(request => request.clientCertificate)).toEqual(['vcjob-user']);
	});
});

describe('plain http', () => {
	test('allowed to this machine by any name (127.0.0.0/8, ::1, localhost), from --server or a kubeconfig', async () => {
		for (const server of ['http://127.0.0.2:8001', 'http://[::1]:8001', 'http://localhost:8001', 'http://api.localhost:8001']) {
			expect((await connect({kubeconfig: kubeconfig('local.yaml', {server})})).server).toBe(server);
			expect((await connect({server})).server).toBe(`${server}/`);
		}
	});

	test('a kubeconfig server on ::1 is reached over plain http without --allow-http', async () => {
		const api = await apiServer({host: '::1'});
		const path = kubeconfig('ipv6.yaml', {server: api.url});
		await getJob(await connect({kubeconfig: path}));
		expect(api.received.map(request => request.headers.authorization)).toEqual(['Bearer kube-token']);
	});

	test('refused to other hosts unless --allow-http, from --server as from a kubeconfig', async () => {
		for (const server of ['http://10.0.0.5:8080', 'http://128.0.0.1:8080', 'http://localhost.example.com:8080']) {
			await expect(connect({server})).rejects.toThrow(`${server} is plain http: the token would travel in clear`);
			await expect(connect({kubeconfig: kubeconfig('far.yaml', {server})})).rejects.toThrow(`${server} is plain http`);
			expect((await connect({server, allowHttp: true})).server).toBe(`${server}/`);
		}
	});

	test('HW_AUTH_URL over plain http: refused off this machine, sent with --allow-http', async () => {
		const through = await proxy();
		const env = {
			HW_USER_NAME: 'alice',
			HW_USER_PASSWORD: 'pw-secret',
			HW_DOMAIN_NAME: 'acme',
			HW_PROJECT_NAME: 'cn-north-4',
			HW_AUTH_URL: 'http://iam.example.test/v3',
			// The proxy records where the login went and goes no further than this machine.
			HTTP_PROXY: through.url,
		};
		await expect(connect({server: 'https://cci.example.test'}, env)).rejects.toThrow(
			'HW_AUTH_URL http://iam.example.test is plain http: the password would travel in clear',
		);
		const connection = await connect({server: 'https://cci.example.test', allowHttp: true}, env);
		await expect(getJob(connection)).rejects.toMatchObject({summary: expect.stringMatching(/^IAM login/)});
		expect(through.connects).toEqual(['iam.example.test:80']);
	});
});

describe('CCI regions: the endpoints requests go to', () => {
	// A proxy on this machine records the host each request is for, and refuses to go further.
	async function hostsAskedFor(env: Record<string, string>): Promise<string[]> {
		const through = await proxy();
		const connection = await connect({}, {...env, HTTPS_PROXY: through.url});
		await expect(getJob(connection)).rejects.toBeDefined();
		return through.connects;
	}

	test('eu-west-1xx: CCI and IAM under myhuaweicloud.eu', async () => {
		expect(await hostsAskedFor({HW_REGION_NAME: 'eu-west-101', HW_AUTH_TOKEN: 'iam-token'})).toEqual(['cci.eu-west-101.myhuaweicloud.eu:443']);
		expect(await hostsAskedFor({HW_REGION_NAME: 'eu-west-101', HW_USER_NAME: 'alice', HW_USER_PASSWORD: 'pw-secret', HW_DOMAIN_NAME: 'acme'})).toEqual([
			'iam.eu-west-101.myhuaweicloud.eu:443',
		]);
	});

	test('other regions, eu-west-0 among them, under myhuaweicloud.com', async () => {
		expect(await hostsAskedFor({HW_REGION_NAME: 'eu-west-0', HW_AUTH_TOKEN: 'iam-token'})).toEqual(['cci.eu-west-0.myhuaweicloud.com:443']);
		expect(await hostsAskedFor({HW_REGION_NAME: 'cn-north-4', HW_AUTH_TOKEN: 'iam-token'})).toEqual(['cci.cn-north-4.myhuaweicloud.com:443']);
	});
});

describe('proxy variables in lower case', () => {
	test('https_proxy: an https server is reached through it, and errors name it', async () => {
		const api = await apiServer({https: {}});
		const through = await proxy();
		const connection = await connect({server: api.url, certificateAuthority: tls.ca.certFile}, {https_proxy: through.url});
		expect(connection.proxy).toBe(`127.0.0.1:${through.port}`);
		await getJob(connection);
		expect(through.connects).toEqual([`127.0.0.1:${api.port}`]);
		expect(api.received).toHaveLength(1);
	});

	test('http_proxy: a plain-http server is reached through it', async () => {
		const api = await apiServer();
		const through = await proxy();
		const connection = await connect({server: api.url}, {http_proxy: through.url});
		expect(connection.proxy).toBe(`127.0.0.1:${through.port}`);
		await getJob(connection);
		expect(through.connects).toEqual([`127.0.0.1:${api.port}`]);
		expect(api.received).toHaveLength(1);
	});

	test('no_proxy: the server is reached directly', async () => {
		const api = await apiServer({https: {}});
		const through = await proxy();
		const connection = await connect({server: api.url, certificateAuthority: tls.ca.certFile}, {https_proxy: through.url, no_proxy: '127.0.0.1'});
		expect(connection.proxy).toBeUndefined();
		await getJob(connection);
		expect(through.connects).toEqual([]);
		expect(api.received).toHaveLength(1);
	});

	test('both cases set: the upper-case one wins, as in kubectl, for the request and for the name in errors', async () => {
		const api = await apiServer({https: {}});
		const upper = await proxy();
		const lower = await proxy();
		const connection = await connect({server: api.url, certificateAuthority: tls.ca.certFile}, {HTTPS_PROXY: upper.url, https_proxy: lower.url});
		expect(connection.proxy).toBe(`127.0.0.1:${upper.port}`);
		await getJob(connection);
		expect([upper.connects, lower.connects]).toEqual([[`127.0.0.1:${api.port}`], []]);
		// NO_PROXY likewise.
		const bypass = await connect(
			{server: api.url, certificateAuthority: tls.ca.certFile},
			{HTTPS_PROXY: upper.url, NO_PROXY: '127.0.0.1', no_proxy: 'other.example'},
		);
		expect(bypass.proxy).toBeUndefined();
		await getJob(bypass);
		expect(upper.connects).toHaveLength(1);
	});
});
