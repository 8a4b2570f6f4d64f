import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {ApiError} from '../../../source/api/api-error.js';
import {execCredentials, type ExecCredentialsOptions} from '../../../source/connect/credentials/exec-plugin.js';
import type {ExecConfig} from '../../../source/connect/kubeconfig/load.js';

const plugin = fileURLToPath(new URL('../../fixtures/exec-plugin.mjs', import.meta.url));
let state: string;

beforeEach(() => {
	state = mkdtempSync(join(tmpdir(), 'vcjob-watch-exec-'));
});

afterEach(() => {
	rmSync(state, {recursive: true, force: true});
});

function config(env: Record<string, string>, overrides: Partial<ExecConfig> = {}): ExecConfig {
	return {
		apiVersion: 'client.authentication.k8s.io/v1',
		command: process.execPath,
		args: [plugin, '--region', 'cn-north-4'],
		env: Object.entries({PLUGIN_STATE: state, PLUGIN_TOKEN: 'tok-1', ...env}).map(([name, value]) => ({name, value})),
		provideClusterInfo: false,
		interactiveMode: 'IfAvailable',
		...overrides,
	};
}

function credentials(exec: ExecConfig, options: Partial<ExecCredentialsOptions> = {}) {
	return execCredentials({exec, userName: 'iam-user', env: {PATH: process.env['PATH']}, ...options});
}

async function header(source: ReturnType<typeof credentials>) {
	const headers: Record<string, string> = {};
	await source.authorize({method: 'GET', url: new URL('https://k.example/'), headers});
	return headers['authorization'];
}

const runs = () => Number(readFileSync(join(state, 'runs'), 'utf8'));
const info = (run: number) => JSON.parse(readFileSync(join(state, `info-${run}.json`), 'utf8')) as Record<string, unknown>;

describe('exec credential plugins', () => {
	test('the token becomes Authorization: Bearer, and is reused until it expires', async () => {
		let now = Date.now();
		const source = credentials(config({PLUGIN_EXPIRES: '60000'}), {now: () => now});
		expect(await header(source)).toBe('Bearer tok-1');
		expect(await header(source)).toBe('Bearer tok-1');
		expect(runs()).toBe(1);
		now += 59_000;
		await header(source);
		expect(runs()).toBe(1);
		now += 2000; // past expirationTimestamp
		expect(await header(source)).toBe('Bearer tok-1');
		expect(runs()).toBe(2);
	});

	test('the plugin gets its args, its env and KUBERNETES_EXEC_INFO (non-interactive, with the cluster when asked)', async () => {
		const cluster = {server: 'https://k.example', 'certificate-authority-data': 'Q0E='};
		await header(credentials(config({}, {provideClusterInfo: true, apiVersion: 'client.authentication.k8s.io/v1beta1'}), {cluster}));
		expect(JSON.parse(readFileSync(join(state, 'argv-1.json'), 'utf8'))).toEqual(['--region', 'cn-north-4']);
		expect(info(1)).toEqual({
			kind: 'ExecCredential',
			apiVersion: 'client.authentication.k8s.io/v1beta1',
			spec: {interactive: false, cluster},
		});
		await header(credentials(config({}), {cluster}));
		// Without provideClusterInfo the cluster stays private.
		expect(info(2)).toEqual({kind: 'ExecCredential', apiVersion: 'client.authentication.k8s.io/v1', spec: {interactive: false}});
	});

	test('without an expiry the token is kept until a 401; renew() runs the plugin again', async () => {
		const source = credentials(config({PLUGIN_MODE: 'stale-then-good', PLUGIN_TOKEN: 'good'}));
		expect(await header(source)).toBe('Bearer stale');
		expect(await header(source)).toBe('Bearer stale');
		expect(runs()).toBe(1);
		expect(await source.renew?.(new ApiError({category: 'unauthorized', summary: '401'}))).toBe(true);
		expect(await header(source)).toBe('Bearer good');
		expect(runs()).toBe(2);
		// The same token again: asking once more would only earn the same 401.
		expect(await source.renew?.(new ApiError({category: 'unauthorized', summary: '401'}))).toBe(false);
	});

	test('a client certificate from the plugin is handed to the transport, once per new certificate', async () => {
		const seen: string[] = [];
		const source = credentials(
			config({PLUGIN_MODE: 'cert', PLUGIN_CERT: plugin, PLUGIN_KEY: plugin, PLUGIN_EXPIRES: '-1000'}),
			{onCertificate: ({cert}) => seen.push(cert.slice(0, 20))},
		);
		expect(await header(source)).toBeUndefined();
		await header(source); // expired at once: run again, same certificate
		expect(runs()).toBe(2);
		expect(seen).toHaveLength(1);
	});

	test('a failing plugin is an unauthorized error with its exit code and the last line it wrote to stderr', async () => {
		const source = credentials(config({PLUGIN_MODE: 'fail'}));
		const error = await header(source).catch((error: unknown) => error);
		expect(error).toBeInstanceOf(ApiError);
		expect((error as ApiError).category).toBe('unauthorized');
		expect((error as ApiError).summary).toBe(
			'exec plugin node (kubeconfig user iam-user): failed (exit 3): error: could not get a token: IAM said no',
		);
		// Tried again on the next request, not cached.
		await header(source).catch(() => {});
		expect(runs()).toBe(2);
	});

	test('output that is not an ExecCredential of the asked version is refused', async () => {
		await expect(header(credentials(config({PLUGIN_MODE: 'garbage'})))).rejects.toThrow(/printed something that is not JSON instead of an ExecCredential/);
		await expect(header(credentials(config({PLUGIN_MODE: 'wrong-version'})))).rejects.toThrow(
			/answered with apiVersion client.authentication.k8s.io\/v1alpha1; the kubeconfig asks for client.authentication.k8s.io\/v1/,
		);
	});

	test('a plugin that is not installed says so, with the kubeconfig installHint', async () => {
		const source = credentials(config({}, {command: 'cci-iam-authenticator-not-installed', installHint: 'download cci-iam-authenticator from the CCI console'}));
		const error = (await header(source).catch((error: unknown) => error)) as ApiError;
		expect(error.summary).toBe('exec plugin cci-iam-authenticator-not-installed (kubeconfig user iam-user): not found (cci-iam-authenticator-not-installed)');
		expect(error.hint).toBe('download cci-iam-authenticator from the CCI console');
	});

	test('concurrent requests share one run of the plugin', async () => {
		const source = credentials(config({}));
		await Promise.all([header(source), header(source), header(source)]);
		expect(runs()).toBe(1);
		expect(source.runs).toBe(1);
	});
});
