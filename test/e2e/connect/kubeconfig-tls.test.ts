// The built CLI against the simulator over real TLS (a CA and certificates made by openssl for this run),
// with kubeconfig files, an exec credential plugin, and a real forward proxy on 127.0.0.1.
import {existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {delimiter, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import type {Simulator} from '../../../source/simulator/index.js';
import {writeKubeconfig} from '../../helpers/servers/kubeconfig.js';
import {makeTlsFixtures, type TlsFixtures} from '../../helpers/servers/tls-fixtures.js';
import {startTestProxy, type TestProxy} from '../../helpers/servers/test-proxy.js';
import type {PtyRun} from '../support/pty.js';
import type {CliRun} from '../support/run-cli.js';
import {e2eFixture} from '../support/fixture.js';
import {waitUntil} from '../support/wait.js';

const plugin = fileURLToPath(new URL('../../fixtures/exec-plugin.mjs', import.meta.url));
const namespace = 'cci-namespace-42263891';
const job = 'openmpi-hello-3-com';
const b64 = (text: string) => Buffer.from(text).toString('base64');

let tls: TlsFixtures;
let home: string;
let simulator: Simulator | undefined;
let proxy: TestProxy | undefined;
let run: CliRun | undefined;
let pty: PtyRun | undefined;

beforeAll(() => {
	tls = makeTlsFixtures();
});

afterAll(() => {
	tls.remove();
});

const {startSimulator, runCli, runInPty} = e2eFixture(async () => {
	await proxy?.close();
	proxy = undefined;
	rmSync(home, {recursive: true, force: true});
});

/** The seed job (never changes) over HTTPS with the 127.0.0.1 certificate, or the one for api.cluster.test. */
async function https(options: {token?: string; mtls?: boolean; named?: boolean} = {}) {
	home = mkdtempSync(join(tmpdir(), 'vcjob-watch-e2e-home-'));
	const server = options.named ? tls.namedServer : tls.server;
	simulator = await startSimulator({
		scenario: 'seed',
		autoplay: false,
		...(options.token ? {token: options.token} : {}),
		tls: {key: server.key, cert: server.cert, ...(options.mtls ? {ca: tls.ca.cert, requestCert: true} : {})},
	});
	return simulator;
}

type Cluster = {server?: string; ca?: 'file' | 'data'; insecure?: boolean; tlsServerName?: string; proxyUrl?: string};
type User = Record<string, unknown>;

/** A kubeconfig in the test's home, YAML as people write it; returns its path. */
function kubeconfig(name: string, cluster: Cluster, user: User | undefined, context: {namespace?: string} = {namespace}): string {
	return writeKubeconfig(join(home, name), {
		currentContext: 'test',
		clusters: {
			sim: {
				server: cluster.server ?? simulator!.url,
				...(cluster.ca === 'file' ? {'certificate-authority': tls.ca.certFile} : {}),
				...(cluster.ca === 'data' ? {'certificate-authority-data': b64(tls.ca.cert)} : {}),
				...(cluster.insecure ? {'insecure-skip-tls-verify': true} : {}),
				...(cluster.tlsServerName ? {'tls-server-name': cluster.tlsServerName} : {}),
				...(cluster.proxyUrl ? {'proxy-url': cluster.proxyUrl} : {}),
			},
		},
		users: {tester: user ?? {}},
		contexts: {test: {cluster: 'sim', user: 'tester', ...(context.namespace ? {namespace: context.namespace} : {})}},
	});
}

// Transport and credentials are tested on the job's requests alone; details requests share the same client (see details.test.ts).
function cli(args: readonly string[], env: Record<string, string> = {}) {
	run = runCli([...args, '--no-details'], {HOME: home, ...env});
	return run;
}

/** An exec plugin entry for the kubeconfig: the test plugin, run by this Node, told what to do through env. */
function execUser(env: Record<string, string>, state: string) {
	return {
		exec: {
			apiVersion: 'client.authentication.k8s.io/v1',
			command: process.execPath,
			args: [plugin],
			env: Object.entries({PLUGIN_STATE: state, ...env}).map(([name, value]) => ({name, value})),
			interactiveMode: 'Never',
		},
	};
}

const pluginRuns = (state: string) => Number(readFileSync(join(state, 'runs'), 'utf8'));
const seen = /rv=7681358 phase=Inqueue pending=3/;

describe('TLS', () => {
	test('--certificate-authority: the server is verified against the CA, no warning', async () => {
		const sim = await https();
		const cliRun = cli([job, '-n', namespace, '-s', sim.url, '--certificate-authority', tls.ca.certFile, '--once', '-o', 'text']);
		expect(await cliRun.exit()).toBe(0);
		expect(cliRun.stdout()).toMatch(seen);
		expect(cliRun.stderr()).toBe('');
	});

	test('an unknown CA: one line that says TLS, then a check every --recheck, not a tight loop', async () => {
		const sim = await https();
		const cliRun = cli([job, '-n', namespace, '-s', sim.url, '-o', 'json', '--interval', '100ms', '--max-wait', '200ms']);
		await cliRun.waitFor(/"event":"error"/);
		await new Promise(resolve => setTimeout(resolve, 1500));
		const events = cliRun.stdout().trim().split('\n').map(line => JSON.parse(line) as {event: string; delayMs: number; error: {category: string; summary: string}});
		expect(events).toHaveLength(1);
		expect(events[0]!.error.category).toBe('tls');
		expect(events[0]!.error.summary).toMatch(/^TLS failure talking to 127\.0\.0\.1:\d+ \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)$/);
		expect(events[0]!.delayMs).toBe(30_000);
		// The handshake failed: no HTTP request ever reached the server.
		expect(sim.requestCount).toBe(0);
		expect(cliRun.child.exitCode).toBeNull();
	});

	test('--insecure-skip-tls-verify works only when asked, and warns on stderr', async () => {
		const sim = await https();
		const cliRun = cli([job, '-n', namespace, '-s', sim.url, '--insecure-skip-tls-verify', '--once', '-o', 'text']);
		expect(await cliRun.exit()).toBe(0);
		expect(cliRun.stdout()).toMatch(seen);
		expect(cliRun.stderr()).toBe(
			'vcjob-watch: warning: TLS verification is OFF (--insecure-skip-tls-verify): anyone on the path can read and change this traffic\n',
		);
	});

	test('the live screen shows the warning for insecure-skip-tls-verify from a kubeconfig', async () => {
		await https();
		const path = kubeconfig('config', {insecure: true}, undefined);
		pty = runInPty([job, '--kubeconfig', path, '--interval', '200ms'], {columns: 140, rows: 30}, {HOME: home});
		const screen = await pty.waitForScreen(/Inqueue/);
		expect(screen).toMatch(/TLS verification is OFF \(insecure-skip-tls-verify in kubeconfig cluster sim\)/);
	});

	test('tls-server-name: a certificate for api.cluster.test is accepted at 127.0.0.1 only with it', async () => {
		await https({named: true});
		const without = cli([job, '--kubeconfig', kubeconfig('plain', {ca: 'file'}, undefined), '--once', '-o', 'text']);
		expect(await without.exit()).toBe(3);
		expect(without.stdout()).toMatch(/error: TLS failure talking to 127\.0\.0\.1:\d+ \(ERR_TLS_CERT_ALTNAME_INVALID\)/);
		const named = cli([job, '--kubeconfig', kubeconfig('named', {ca: 'file', tlsServerName: 'api.cluster.test'}, undefined), '--once', '-o', 'text']);
		expect(await named.exit()).toBe(0);
		expect(named.stdout()).toMatch(seen);
	});

	test('mutual TLS: the client certificate and key of the kubeconfig user, as files or as data', async () => {
		const sim = await https({mtls: true});
		const files = kubeconfig('files', {ca: 'data'}, {'client-certificate': tls.client.certFile, 'client-key': tls.client.keyFile});
		const data = kubeconfig('data', {ca: 'data'}, {'client-certificate-data': b64(tls.client.cert), 'client-key-data': b64(tls.client.key)});
		for (const path of [files, data]) {
			const cliRun = cli([job, '--kubeconfig', path, '--once', '-o', 'text']);
			expect(await cliRun.exit()).toBe(0);
			expect(cliRun.stdout()).toMatch(seen);
		}

		expect(sim.requests.map(request => request.clientCertificate)).toEqual(['vcjob-user', 'vcjob-user']);
		// Without a certificate, as a Kubernetes API server does: 401.
		const none = cli([job, '--kubeconfig', kubeconfig('none', {ca: 'data'}, undefined), '--once', '-o', 'text']);
		expect(await none.exit()).toBe(3);
		expect(none.stdout()).toMatch(/error: 401 Unauthorized/);
	});
});

describe('kubeconfig', () => {
	test('KUBECONFIG with two files: merged, the namespace of the context, the token as Authorization: Bearer', async () => {
		const sim = await https({token: 'kube-token'});
		const cluster = kubeconfig('cluster.yaml', {ca: 'data'}, {token: 'kube-token'});
		// The first file sets only current-context and a context of its own; the second has the rest.
		const chooser = writeKubeconfig(join(home, 'chooser.yaml'), {currentContext: 'mine', contexts: {mine: {cluster: 'sim', user: 'tester', namespace}}});
		const cliRun = cli([job, '--once', '-o', 'text'], {KUBECONFIG: [chooser, join(home, 'missing.yaml'), cluster].join(delimiter)});
		expect(await cliRun.exit()).toBe(0);
		expect(cliRun.stdout()).toMatch(new RegExp(`${namespace}/${job} ${seen.source}`));
		expect(sim.requests).toHaveLength(1);
		expect(sim.requests[0]!.status).toBe(200);
	});

	test('without -n and without a namespace in the context, the namespace is "default"', async () => {
		const sim = await https();
		const cliRun = cli([job, '--kubeconfig', kubeconfig('config', {ca: 'file'}, undefined, {}), '--once', '-o', 'text']);
		expect(await cliRun.exit()).toBe(4);
		expect(sim.requests[0]!.path).toBe(`/apis/batch.volcano.sh/v1alpha1/namespaces/default/jobs/${job}`);
	});

	test('a tokenFile is re-read: a token renewed in the file after a 401 is picked up without a restart', async () => {
		await https({token: 'fresh'});
		const tokenFile = join(home, 'token');
		writeFileSync(tokenFile, 'expired\n');
		const cliRun = cli([job, '--kubeconfig', kubeconfig('config', {ca: 'file'}, {tokenFile}), '-o', 'text', '--interval', '100ms', '--recheck', '200ms']);
		await cliRun.waitFor(/error: 401 Unauthorized/);
		writeFileSync(tokenFile, 'fresh\n');
		await cliRun.waitFor(seen);
	});

	test('an exec plugin: its token is used until expirationTimestamp, then it runs again', async () => {
		const sim = await https({token: 'exec-token'});
		const state = mkdtempSync(join(home, 'plugin-'));
		const path = kubeconfig('config', {ca: 'data'}, execUser({PLUGIN_TOKEN: 'exec-token', PLUGIN_EXPIRES: '800'}, state));
		const cliRun = cli([job, '--kubeconfig', path, '-o', 'json', '--poll', '--interval', '100ms']);
		await cliRun.waitFor(/"event":"change"/);
		await waitUntil(() => existsSync(join(state, 'info-3.json')), "the exec plugin's third run");
		// When each run began (the plugin writes info-N.json first): a run once its token expired, 800 ms on,
		// never one per 100 ms poll. File times are coarse (a tick of the kernel's clock): 20 ms of slack.
		const began = [1, 2, 3].map(run => statSync(join(state, `info-${run}.json`)).mtimeMs);
		expect(began[1]! - began[0]!).toBeGreaterThanOrEqual(780);
		expect(began[2]! - began[1]!).toBeGreaterThanOrEqual(780);
		// Until it expired, the token was used: polls between the runs, each accepted.
		expect(sim.requests.filter(request => request.at > began[0]! && request.at < began[1]!).length).toBeGreaterThan(0);
		expect(sim.requests.every(request => request.status === 200)).toBe(true);
		const info = JSON.parse(readFileSync(join(state, 'info-1.json'), 'utf8')) as unknown;
		expect(info).toEqual({kind: 'ExecCredential', apiVersion: 'client.authentication.k8s.io/v1', spec: {interactive: false}});
	});

	test('an exec plugin whose token the server refuses runs again once after the 401', async () => {
		const sim = await https({token: 'good'});
		const state = mkdtempSync(join(home, 'plugin-'));
		const path = kubeconfig('config', {ca: 'data'}, execUser({PLUGIN_MODE: 'stale-then-good', PLUGIN_TOKEN: 'good'}, state));
		const cliRun = cli([job, '--kubeconfig', path, '--once', '-o', 'text']);
		expect(await cliRun.exit()).toBe(0);
		expect(cliRun.stdout()).toMatch(seen);
		expect(pluginRuns(state)).toBe(2);
		expect(sim.requests.map(request => request.status)).toEqual([401, 200]);
	});

	test('an exec plugin that hands out a client certificate: mutual TLS with it', async () => {
		const sim = await https({mtls: true});
		const state = mkdtempSync(join(home, 'plugin-'));
		const user = execUser({PLUGIN_MODE: 'cert', PLUGIN_CERT: tls.execClient.certFile, PLUGIN_KEY: tls.execClient.keyFile}, state);
		const cliRun = cli([job, '--kubeconfig', kubeconfig('config', {ca: 'file'}, user), '--once', '-o', 'text']);
		expect(await cliRun.exit()).toBe(0);
		expect(sim.requests.map(request => request.clientCertificate)).toEqual(['vcjob-exec']);
	});

	test('an exec plugin that fails: its own words in one line, exit 3 with --once', async () => {
		await https();
		const state = mkdtempSync(join(home, 'plugin-'));
		const cliRun = cli([job, '--kubeconfig', kubeconfig('config', {ca: 'file'}, execUser({PLUGIN_MODE: 'fail'}, state)), '--once', '-o', 'text']);
		expect(await cliRun.exit()).toBe(3);
		expect(cliRun.stdout()).toMatch(/error: exec plugin node \(kubeconfig user tester\): failed \(exit 3\): error: could not get a token: IAM said no/);
	});

	test('a plain-http kubeconfig server that is not this machine is refused before any request', async () => {
		home = mkdtempSync(join(tmpdir(), 'vcjob-watch-e2e-home-'));
		const cliRun = cli([job, '--kubeconfig', kubeconfig('config', {server: 'http://cluster.invalid:8080'}, {token: 't'}), '--once']);
		expect(await cliRun.exit()).toBe(2);
		expect(cliRun.stderr()).toMatch(/http:\/\/cluster.invalid:8080 is plain http: the token would travel in clear/);
	});
});

describe('proxies', () => {
	test('HTTPS_PROXY: the request goes through the proxy as a CONNECT tunnel, TLS still verified end to end', async () => {
		const sim = await https();
		proxy = await startTestProxy();
		const cliRun = cli([job, '-n', namespace, '-s', sim.url, '--certificate-authority', tls.ca.certFile, '--once', '-o', 'text'], {HTTPS_PROXY: proxy.url});
		expect(await cliRun.exit()).toBe(0);
		expect(cliRun.stdout()).toMatch(seen);
		expect(proxy.connects).toEqual([`127.0.0.1:${sim.port}`]);
	});

	test('NO_PROXY: the server is reached directly', async () => {
		const sim = await https();
		proxy = await startTestProxy();
		const cliRun = cli([job, '-n', namespace, '-s', sim.url, '--certificate-authority', tls.ca.certFile, '--once', '-o', 'text'], {
			HTTPS_PROXY: proxy.url,
			NO_PROXY: 'localhost,127.0.0.1',
		});
		expect(await cliRun.exit()).toBe(0);
		expect(proxy.connects).toEqual([]);
		expect(sim.requestCount).toBe(1);
	});

	test("a kubeconfig's proxy-url is used without any proxy variable", async () => {
		const sim = await https();
		proxy = await startTestProxy();
		const cliRun = cli([job, '--kubeconfig', kubeconfig('config', {ca: 'data', proxyUrl: proxy.url}, undefined), '--once', '-o', 'text']);
		expect(await cliRun.exit()).toBe(0);
		expect(proxy.connects).toEqual([`127.0.0.1:${sim.port}`]);
	});

	test('a proxy that wants credentials: "the proxy at HOST wants credentials (407)", checked again rarely, never in a loop', async () => {
		const sim = await https();
		proxy = await startTestProxy({credentials: 'ann:s3cret'});
		const args = [job, '-n', namespace, '-s', sim.url, '--certificate-authority', tls.ca.certFile];
		const once = cli([...args, '--once', '-o', 'text'], {HTTPS_PROXY: proxy.url});
		expect(await once.exit()).toBe(3);
		expect(once.stdout()).toContain(`error: the proxy at 127.0.0.1:${proxy.port} wants credentials (407) (give the proxy's user and password in its URL`);
		expect(proxy.refused).toBe(1);

		const watching = cli([...args, '-o', 'json', '--interval', '100ms', '--max-wait', '200ms'], {HTTPS_PROXY: proxy.url});
		await watching.waitFor(/"status":407/);
		await new Promise(resolve => setTimeout(resolve, 1500));
		expect(proxy.refused).toBe(2);
		expect(watching.stdout().trim().split('\n')).toHaveLength(1);
		expect(JSON.parse(watching.stdout()).error).toMatchObject({category: 'client', status: 407, retryable: false});
		watching.child.kill('SIGKILL');

		// With the credentials in the proxy URL it goes through; none of it reaches the API server.
		const authorized = cli([...args, '--once', '-o', 'text'], {HTTPS_PROXY: proxy.urlWithCredentials});
		expect(await authorized.exit()).toBe(0);
		expect(sim.requestCount).toBe(1);
	});
});
