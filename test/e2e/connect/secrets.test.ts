// Every credential source in every output mode, accepted and refused: the server saw the credential, and
// nothing the program wrote (stdout, stderr, the --debug log, the live screen's whole byte stream) holds it or
// an obvious encoding of it.
import {randomBytes} from 'node:crypto';
import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, onTestFinished, test} from 'vitest';
import type {Simulator, SimulatorOptions} from '../../../source/simulator/index.js';
import {temporaryDirectory} from '../../helpers/temp-dir.js';
import {startTestProxy} from '../../helpers/servers/test-proxy.js';
import {makeTlsFixtures, type TlsFixtures} from '../../helpers/servers/tls-fixtures.js';
import {e2eFixture, target} from '../support/fixture.js';

const plugin = fileURLToPath(new URL('../../fixtures/exec-plugin.mjs', import.meta.url));
const b64 = (text: string) => Buffer.from(text).toString('base64');
/** A secret no output could hold by chance: a readable tag, then 24 random hex digits. */
const secret = (tag: string) => `${tag}-${randomBytes(12).toString('hex')}`;

let tls: TlsFixtures;

beforeAll(() => {
	tls = makeTlsFixtures();
});

afterAll(() => {
	tls.remove();
});

const {startSimulator, runCli, runInPty} = e2eFixture();

type Setup = {
	/** The run's HOME, which holds its files. */
	readonly home: string;
	readonly simulator: Simulator;
	/** The job and where to find it, the credential's flags included. */
	readonly args: readonly string[];
	readonly env: Readonly<Record<string, string>>;
	/** Whatever must never be written: the secrets and the obvious encodings of them (asked after the run). */
	readonly secrets: () => Readonly<Record<string, string>>;
	/** That the server was given the credential (accepted or not), so a run that never sent it cannot pass. */
	readonly sent: () => void;
	/** Refused: who refused it, and what the --debug log says of the request; default, the simulator with a 401. */
	readonly refusal?: {readonly check: () => void; readonly logged: string};
};

type Source = {
	readonly name: string;
	/** How the screen names the source. */
	readonly shows: RegExp;
	/** What the --debug log says beside the job's requests, when accepted. */
	readonly logs?: RegExp;
	/** What a refusal tells the person to check: about this source, not another. */
	readonly hint: RegExp;
	setup(home: string, refused: boolean): Promise<Omit<Setup, 'home'>>;
};

/** The seed job (it never changes), over plain http on 127.0.0.1 or, with tls, HTTPS. */
async function seed(options: SimulatorOptions): Promise<Simulator> {
	return startSimulator({scenario: 'seed', autoplay: false, ...options});
}

/** A kubeconfig (JSON is YAML) for the simulator with one user; its namespace is the seed's. */
function kubeconfig(home: string, simulator: Simulator, user: Record<string, unknown>, cluster: Record<string, unknown> = {}): string {
	const path = join(home, 'kubeconfig');
	const config = {
		apiVersion: 'v1',
		kind: 'Config',
		'current-context': 'test',
		clusters: [{name: 'sim', cluster: {server: simulator.url, ...cluster}}],
		users: [{name: 'tester', user}],
		contexts: [{name: 'test', context: {cluster: 'sim', user: 'tester', namespace: simulator.scenario.namespace}}],
	};
	writeFileSync(path, `${JSON.stringify(config, undefined, 2)}\n`, {mode: 0o600});
	return path;
}

function file(home: string, name: string, content: string): string {
	const path = join(home, name);
	writeFileSync(path, content, {mode: 0o600});
	return path;
}

/** A token, and its first ten characters (enough to identify it), as an output might cut it. */
function token(name: string, value: string): Record<string, string> {
	return {[name]: value, [`${name} (start)`]: value.slice(0, 10), [`${name} (base64)`]: b64(value)};
}

const kubeArgs = (simulator: Simulator, path: string) => [simulator.scenario.jobName, '--kubeconfig', path];
const sentWith = (simulator: Simulator, what: (request: Simulator['requests'][number]) => boolean, description: string) => () => {
	expect(simulator.requests.some(request => what(request)), `the server was sent ${description}`).toBe(true);
};

const sources: Source[] = [
	{
		name: 'kubeconfig token',
		shows: /token from kubeconfig user tester/,
		hint: /the token of kubeconfig user tester has expired or is invalid/,
		async setup(home, refused) {
			const value = secret('kube-token');
			const simulator = await seed({token: refused ? secret('other') : value});
			return {
				simulator,
				args: kubeArgs(simulator, kubeconfig(home, simulator, {token: value})),
				env: {},
				secrets: () => token('token', value),
				sent: sentWith(simulator, request => request.authorization === `Bearer ${value}`, 'the token as a bearer token'),
			};
		},
	},
	{
		name: 'kubeconfig tokenFile',
		shows: /token from tokenFile \/\S+/,
		hint: /the token in \/\S+\/sa-token has expired or is invalid/,
		async setup(home, refused) {
			const value = secret('kube-file-token');
			const simulator = await seed({token: refused ? secret('other') : value});
			const tokenFile = file(home, 'sa-token', `${value}\n`);
			return {
				simulator,
				args: kubeArgs(simulator, kubeconfig(home, simulator, {tokenFile})),
				env: {},
				secrets: () => token('tokenFile', value),
				sent: sentWith(simulator, request => request.authorization === `Bearer ${value}`, 'the file token as a bearer token'),
			};
		},
	},
	{
		name: 'kubeconfig basic auth',
		shows: /user name and password of kubeconfig user tester/,
		hint: /the user name or password of kubeconfig user tester was refused/,
		async setup(home, refused) {
			const username = 'kube-admin';
			const password = secret('basic-pw');
			const simulator = await seed({basicAuth: {username, password: refused ? secret('other') : password}});
			const header = `Basic ${b64(`${username}:${password}`)}`;
			return {
				simulator,
				args: kubeArgs(simulator, kubeconfig(home, simulator, {username, password})),
				env: {},
				secrets: () => ({...token('password', password), 'user:password (base64)': b64(`${username}:${password}`)}),
				sent: sentWith(simulator, request => request.authorization === header, 'the user and password in Authorization: Basic'),
			};
		},
	},
	{
		name: 'kubeconfig exec plugin',
		shows: /exec plugin node \(kubeconfig user tester\)/,
		hint: /the credentials from exec plugin node \(kubeconfig user tester\) were refused/,
		async setup(home, refused) {
			const value = secret('exec-token');
			const simulator = await seed({token: refused ? secret('other') : value});
			const state = mkdtempSync(join(home, 'plugin-'));
			const exec = {
				apiVersion: 'client.authentication.k8s.io/v1',
				command: process.execPath,
				args: [plugin],
				env: [
					{name: 'PLUGIN_STATE', value: state},
					{name: 'PLUGIN_TOKEN', value},
				],
				interactiveMode: 'Never',
			};
			return {
				simulator,
				args: kubeArgs(simulator, kubeconfig(home, simulator, {exec})),
				env: {},
				secrets: () => token('exec token', value),
				sent: sentWith(simulator, request => request.authorization === `Bearer ${value}`, "the plugin's token as a bearer token"),
			};
		},
	},
	{
		name: 'kubeconfig client certificate',
		shows: /client certificate of kubeconfig user tester/,
		hint: /the client certificate of kubeconfig user tester was refused/,
		async setup(home, refused) {
			// Refused: the certificate passes the handshake, and the server still wants a token this user lacks.
			const simulator = await seed({
				tls: {key: tls.server.key, cert: tls.server.cert, ca: tls.ca.cert, requestCert: true},
				...(refused ? {token: secret('other')} : {}),
			});
			const {key, cert} = tls.client;
			const body = key.split('\n').filter(line => line && !line.startsWith('-----'));
			const data = b64(key);
			const cluster = {'certificate-authority-data': b64(tls.ca.cert)};
			const user = {'client-certificate-data': b64(cert), 'client-key-data': data};
			return {
				simulator,
				args: kubeArgs(simulator, kubeconfig(home, simulator, user, cluster)),
				env: {},
				// The key's PEM body line by line, and its base64 (the -data field) past the header's share.
				secrets: () => ({
					...Object.fromEntries(body.map((line, index) => [`key line ${index + 1}`, line])),
					'client-key-data (part)': data.slice(44, 84),
					'client-key-data (end)': data.slice(-60, -20),
				}),
				sent: sentWith(simulator, request => request.clientCertificate === 'vcjob-user', 'the client certificate (CN vcjob-user)'),
			};
		},
	},
	{
		name: '--token-file',
		shows: /token from --token-file \S+/,
		hint: /the token in \/\S+\/cci-token has expired or is invalid/,
		async setup(home, refused) {
			const value = secret('cci-file-token');
			const simulator = await seed({token: refused ? secret('other') : value});
			return {
				simulator,
				args: [...target(simulator), '--token-file', file(home, 'cci-token', `${value}\n`)],
				env: {},
				secrets: () => token('token file', value),
				sent: sentWith(simulator, request => request.authToken === value, 'the token as X-Auth-Token'),
			};
		},
	},
	{
		name: 'HW_AUTH_TOKEN',
		shows: /token from HW_AUTH_TOKEN/,
		hint: /the token in HW_AUTH_TOKEN has expired \(after 24 hours\) or is invalid/,
		async setup(home, refused) {
			const value = secret('hw-auth-token');
			const simulator = await seed({token: refused ? secret('other') : value});
			return {
				simulator,
				args: target(simulator),
				env: {HW_AUTH_TOKEN: value},
				secrets: () => token('HW_AUTH_TOKEN', value),
				sent: sentWith(simulator, request => request.authToken === value, 'the token as X-Auth-Token'),
			};
		},
	},
	{
		name: 'IAM password',
		shows: /IAM token for user alice \(domain acme, project cn-north-4\)/,
		logs: / POST http:\/\/127\.0\.0\.1:\d+\/v3\/auth\/tokens\?nocatalog=true 201 /,
		hint: /check HW_USER_NAME \(alice\), HW_USER_PASSWORD and HW_DOMAIN_NAME/,
		async setup(home, refused) {
			const password = secret('iam-pw');
			const iam = {user: 'alice', password: refused ? secret('other') : password, domain: 'acme', project: {name: 'cn-north-4'}};
			const simulator = await seed({iam});
			const env = {HW_USER_NAME: 'alice', HW_USER_PASSWORD: password, HW_DOMAIN_NAME: 'acme', HW_PROJECT_NAME: 'cn-north-4', HW_AUTH_URL: `${simulator.url}/v3`};
			// The tokens IAM issued are secrets too: every one the job requests carried.
			const issued = () => [...new Set(simulator.requests.flatMap(request => (request.authToken ? [request.authToken] : [])))];
			return {
				simulator,
				args: target(simulator),
				env,
				secrets() {
					return {...token('password', password), ...Object.fromEntries(issued().flatMap((value, index) => Object.entries(token(`issued token ${index + 1}`, value))))};
				},
				sent() {
					const logins = simulator.requests.filter(request => request.method === 'POST' && request.path.startsWith('/v3/auth/tokens'));
					// IAM answers 201 only to the right password; refused, the login was made and answered 401.
					expect(logins.map(login => login.status)).toContain(refused ? 401 : 201);
					if (!refused) expect(issued(), 'the issued token on the job requests').not.toHaveLength(0);
				},
			};
		},
	},
	{
		name: 'AK/SK',
		shows: /AK\/SK signature \(HUAWEICLOUD_SDK_AK\/SK, temporary\)/,
		hint: /check the keys in HUAWEICLOUD_SDK_AK\/SK/,
		async setup(home, refused) {
			const keys = {accessKey: 'HPUAK0000000000000001', secretKey: secret('sk'), securityToken: secret('sts'), projectId: '0a1b2c3d4e5f'};
			const simulator = await seed({aksk: refused ? {...keys, secretKey: secret('other')} : keys});
			return {
				simulator,
				args: target(simulator),
				env: {
					HUAWEICLOUD_SDK_AK: keys.accessKey,
					HUAWEICLOUD_SDK_SK: keys.secretKey,
					HUAWEICLOUD_SDK_SECURITY_TOKEN: keys.securityToken,
					HUAWEICLOUD_SDK_PROJECT_ID: keys.projectId,
				},
				secrets: () => ({...token('secret key', keys.secretKey), ...token('security token', keys.securityToken)}),
				// The secret key itself never leaves the process: the server sees a signature made with it.
				sent: sentWith(simulator, request => request.authorization?.startsWith(`SDK-HMAC-SHA256 Access=${keys.accessKey},`) === true, 'a signature by the access key'),
			};
		},
	},
	{
		name: 'proxy password (HTTP_PROXY)',
		shows: /no credentials/,
		hint: /the proxy at 127\.0\.0\.1:\d+ wants credentials \(407\)/,
		async setup(_, refused) {
			const password = secret('proxy-pw');
			const proxy = await startTestProxy({credentials: `proxy-user:${refused ? secret('other') : password}`});
			onTestFinished(async () => proxy.close());
			const simulator = await seed({});
			return {
				simulator,
				args: target(simulator),
				env: {HTTP_PROXY: `http://proxy-user:${password}@127.0.0.1:${proxy.port}`},
				secrets: () => ({...token('password', password), 'user:password (base64)': b64(`proxy-user:${password}`)}),
				// It opens tunnels only for the right password.
				sent() {
					expect(proxy.connects, 'a tunnel asked of the proxy').toContain(`127.0.0.1:${simulator.port}`);
					if (!refused) expect(proxy.refused).toBe(0);
				},
				refusal: {
					check() {
						expect(proxy.refused).toBeGreaterThan(0);
						expect(simulator.requests).toEqual([]);
					},
					// The API server never answered: the proxy refused the tunnel.
					logged: 'no-answer',
				},
			};
		},
	},
];

/** What a run wrote, everything of it, by where it went; and what a person saw of it. */
type Written = {readonly streams: Readonly<Record<string, string>>; readonly shown: string};

type Mode = {
	readonly name: string;
	run(setup: Setup, refused: boolean, debug: string): Promise<Written>;
};

/** A live (non-TUI) mode: until the job's first line or the refusal, then SIGTERM. */
function live(output: 'text' | 'json', job: RegExp, refusal: RegExp): Mode {
	return {
		name: `-o ${output}`,
		async run(setup, refused, debug) {
			const run = runCli([...setup.args, '-o', output, '--interval', '200ms', '--debug', debug], {HOME: setup.home, ...setup.env});
			await run.waitFor(refused ? refusal : job);
			run.child.kill('SIGTERM');
			expect(await run.exit()).toBe(143);
			return {streams: {stdout: run.stdout(), stderr: run.stderr()}, shown: run.stdout()};
		},
	};
}

function once(output: 'text' | 'json' | 'tui'): Mode {
	return {
		name: `--once -o ${output}`,
		async run(setup, refused, debug) {
			const run = runCli([...setup.args, '--once', '-o', output, '--debug', debug], {HOME: setup.home, ...setup.env});
			// 3: the server refused the credential.
			expect(await run.exit(), `exit code; stdout:\n${run.stdout()}\nstderr:\n${run.stderr()}`).toBe(refused ? 3 : 0);
			expect(run.stdout()).toMatch(refused ? /40[17]/ : /Inqueue/);
			return {streams: {stdout: run.stdout(), stderr: run.stderr()}, shown: run.stdout()};
		},
	};
}

const tui: Mode = {
	name: 'live TUI',
	async run(setup, refused, debug) {
		const pty = runInPty([...setup.args, '--interval', '200ms', '--debug', debug], {columns: 120, rows: 40}, {HOME: setup.home, ...setup.env});
		const screen = await pty.waitForScreen(refused ? /40[17]|[Uu]nauthori[sz]ed|refused|wants credentials/ : /Inqueue[\s\S]*q quit/);
		pty.type('q');
		expect(await pty.exit()).toBe(0);
		return {streams: {terminal: pty.raw()}, shown: screen};
	},
};

const modes: Mode[] = [
	live('text', /phase=Inqueue/, /error/),
	live('json', /"event":"change"/, /"event":"error"/),
	once('text'),
	once('json'),
	once('tui'),
	tui,
];

// Escape sequences: CSI, OSC, charset and keypad ones.
const escapes = /\u001B(?:\[[\d;?]*[ -/]*[@-~]|\][^\u0007\u001B]*(?:\u0007|\u001B\\)|[()][\dA-Z]|[=>78])/g;

/** Fails naming the secret and where it was found; the text without escapes and line breaks is searched too. */
function expectNoSecrets(secrets: Readonly<Record<string, string>>, written: Readonly<Record<string, string>>) {
	for (const [where, text] of Object.entries(written)) {
		const plain = text.replaceAll(escapes, '');
		// A secret wrapped over rows of a box: the rows joined.
		const joined = plain.replaceAll(/[\s│─╭╮╰╯]/g, '');
		for (const [name, value] of Object.entries(secrets)) {
			expect(text.includes(value) || plain.includes(value) || joined.includes(value), `${name} in ${where}`).toBe(false);
		}
	}
}

/** One run: its own HOME and simulator; the server was sent the credential, and nothing written holds a secret. */
async function check(folder: string, source: Source, mode: Mode, refused: boolean): Promise<void> {
	const home = mkdtempSync(join(folder, 'home-'));
	const setup = {home, ...(await source.setup(home, refused))};
	const debug = join(home, 'debug.log');
	const {streams, shown} = await mode.run(setup, refused, debug);
	setup.sent();
	const statuses = setup.simulator.requests.map(request => request.status);
	const refusal = setup.refusal ?? {check: () => expect(statuses).toContain(401), logged: '401'};
	if (refused) {
		refusal.check();
		// The lines say it whole (the screen may cut it at its width).
		if (mode.name !== '--once -o tui' && mode !== tui) expect(shown).toMatch(source.hint);
	} else {
		expect(statuses).not.toContain(401);
		// The screen names the source (the line modes do not name it).
		if (mode.name === '--once -o tui' || mode === tui) expect(shown).toMatch(source.shows);
	}

	const log = readFileSync(debug, 'utf8');
	// The log holds the requests it is searched for: one line each, the refusals too.
	// Accepted: the job itself, a GET (--once) or, watching, a list of it by name.
	expect(log).toMatch(
		refused
			? new RegExp(String.raw` (GET|POST) https?://127\.0\.0\.1:\d+/\S+ ${refusal.logged} `)
			: / GET https?:\/\/127\.0\.0\.1:\d+\/apis\/batch\.volcano\.sh\/v1alpha1\/namespaces\/cci-namespace-42263891\/jobs(\/openmpi-hello-3-com|\?fieldSelector=metadata\.name%3Dopenmpi-hello-3-com) 200 /,
	);
	if (source.logs && !refused) expect(log).toMatch(source.logs);
	expectNoSecrets(setup.secrets(), {...streams, 'debug log': log});
}

const cases = sources.flatMap(source => [false, true].map(refused => [`${source.name}, ${refused ? 'refused' : 'accepted'}`, source, refused] as const));

describe('no secret anywhere: every credential source in every output mode, with --debug', () => {
	// The modes of one case run side by side, each with its own simulator and HOME, so that their waits overlap.
	test.each(cases)(`%s: ${modes.map(mode => mode.name).join(', ')}`, async (_, source, refused) => {
		// A HOME for each run, with its kubeconfig, token files and debug log; removed after the test.
		const folder = temporaryDirectory('vcjob-watch-secrets-');
		const results = await Promise.allSettled(modes.map(async mode => check(folder, source, mode, refused)));
		const failures = results.flatMap((result, index) => (result.status === 'rejected' ? [`${modes[index]!.name}: ${String(result.reason)}`] : []));
		expect(failures).toEqual([]);
	});
});

describe('an exec plugin whose answer cannot be used (another apiVersion), though it holds a token', () => {
	test('--once -o text, -o json and the live TUI: the plugin and what to fix are named, the token is not echoed', async () => {
		const folder = temporaryDirectory('vcjob-watch-secrets-');
		const value = secret('exec-token');
		const runOne = async (mode: string) => {
			const home = mkdtempSync(join(folder, 'home-'));
			const state = mkdtempSync(join(home, 'plugin-'));
			const simulator = await seed({token: value});
			const exec = {
				apiVersion: 'client.authentication.k8s.io/v1',
				command: process.execPath,
				args: [plugin],
				env: [
					{name: 'PLUGIN_STATE', value: state},
					{name: 'PLUGIN_TOKEN', value},
					{name: 'PLUGIN_MODE', value: 'wrong-version'},
				],
				interactiveMode: 'Never',
			};
			const args = [...kubeArgs(simulator, kubeconfig(home, simulator, {exec})), '--debug', join(home, 'debug.log')];
			let streams: Record<string, string>;
			if (mode === 'tui') {
				const pty = runInPty([...args, '--interval', '200ms'], {columns: 200, rows: 30}, {HOME: home});
				await pty.waitForScreen(/exec plugin node \(kubeconfig user tester\): answered with apiVersion/);
				pty.type('q');
				expect(await pty.exit()).toBe(0);
				streams = {terminal: pty.raw()};
			} else {
				const run = runCli([...args, ...(mode === 'once' ? ['--once', '-o', 'text'] : ['-o', 'json'])], {HOME: home});
				if (mode === 'once') {
					expect(await run.exit()).toBe(3);
				} else {
					await run.waitFor(/"event":"error"/);
					run.child.kill('SIGTERM');
					expect(await run.exit()).toBe(143);
				}

				expect(run.stdout()).toMatch(
					/exec plugin node \(kubeconfig user tester\): answered with apiVersion client\.authentication\.k8s\.io\/v1alpha1; the kubeconfig asks for client\.authentication\.k8s\.io\/v1/,
				);
				expect(run.stdout()).toMatch(/users\[\]\.user\.exec/);
				expect(run.stdout()).not.toMatch(/HW_AUTH_TOKEN|--token-file/);
				streams = {stdout: run.stdout(), stderr: run.stderr()};
			}

			// The plugin ran and printed its token; nothing reached the server without one.
			expect(readFileSync(join(state, 'runs'), 'utf8')).not.toBe('0');
			expect(simulator.requests).toEqual([]);
			// One line a request: none here, so there may be no file at all.
			const debug = join(home, 'debug.log');
			const log = existsSync(debug) ? readFileSync(debug, 'utf8') : '';
			expectNoSecrets(token('exec token', value), {...streams, 'debug log': log});
		};

		const modes = ['once', 'json', 'tui'];
		const results = await Promise.allSettled(modes.map(async mode => runOne(mode)));
		expect(results.flatMap((result, index) => (result.status === 'rejected' ? [`${modes[index]}: ${String(result.reason)}`] : []))).toEqual([]);
	});
});
