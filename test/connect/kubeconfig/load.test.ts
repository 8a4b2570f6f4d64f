import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {delimiter, join} from 'node:path';
import {afterEach, beforeAll, beforeEach, describe, expect, test} from 'vitest';
import {UsageError} from '../../../source/common/usage-error.js';
import {kubeconfigPaths, loadKubeconfig, prepareKubeconfigLoading, selectContext} from '../../../source/connect/kubeconfig/load.js';
import {writeKubeconfig, type KubeconfigSpec} from '../../helpers/servers/kubeconfig.js';

beforeAll(prepareKubeconfigLoading);

let dir: string;

beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'vcjob-watch-kubeconfig-'));
});

afterEach(() => {
	rmSync(dir, {recursive: true, force: true});
});

/** A kubeconfig as kubectl writes it. */
function kubeconfig(name: string, spec: KubeconfigSpec): string {
	return writeKubeconfig(join(dir, name), spec);
}

/** A file with exactly this text, for what only raw text can say (invalid YAML, JSON, flow style). */
function file(name: string, content: string): string {
	const path = join(dir, name);
	mkdirSync(join(path, '..'), {recursive: true});
	writeFileSync(path, content);
	return path;
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

/** What kubectl would pick for these files and this --context. */
function pick(files: string[], context?: string) {
	return selectContext(loadKubeconfig(files, {mustExist: false}), context);
}

describe('which files', () => {
	test('--kubeconfig, else every file in KUBECONFIG (empty entries and repeats dropped), else ~/.kube/config', () => {
		expect(kubeconfigPaths('/a/config', {KUBECONFIG: '/b'})).toEqual({paths: ['/a/config'], from: '--kubeconfig'});
		expect(kubeconfigPaths(undefined, {KUBECONFIG: ['/b', '', '/c', '/b'].join(delimiter)})).toEqual({
			paths: ['/b', '/c'],
			from: 'KUBECONFIG',
		});
		expect(kubeconfigPaths(undefined, {HOME: '/home/ann'})).toEqual({paths: ['/home/ann/.kube/config'], from: '~/.kube/config'});
	});
});

describe('merging KUBECONFIG files as kubectl does', () => {
	test('the first file to name a cluster, user or context keeps it; current-context comes from the first file that sets one', () => {
		const first = kubeconfig('first.yaml', {
			clusters: {prod: {server: 'https://first.example:6443'}},
			users: {ann: {token: 'first-token'}},
			contexts: {work: {cluster: 'prod', user: 'ann', namespace: 'team-a'}},
		});
		const second = kubeconfig('second.yaml', {
			currentContext: 'work',
			clusters: {prod: {server: 'https://second.example:6443'}, lab: {server: 'https://lab.example:6443'}},
			users: {ann: {token: 'second-token'}},
			contexts: {work: {cluster: 'lab', user: 'ann'}},
		});
		const third = kubeconfig('third.yaml', {currentContext: 'other'});
		const selected = pick([first, second, third]);
		expect(selected.contextName).toBe('work');
		expect(selected.server).toBe('https://first.example:6443');
		expect(selected.user.token).toBe('first-token');
		expect(selected.namespace).toBe('team-a');
		expect(selected.files).toEqual([first, second, third]);
	});

	test('entries only a later file has are merged in, and --context picks them', () => {
		const first = kubeconfig('a.yaml', {currentContext: 'work', contexts: {work: {cluster: 'prod'}}, clusters: {prod: {server: 'https://prod.example'}}});
		const second = kubeconfig('b.yaml', {contexts: {lab: {cluster: 'lab', namespace: 'ml'}}, clusters: {lab: {server: 'https://lab.example'}}});
		const selected = pick([first, second], 'lab');
		expect(selected.server).toBe('https://lab.example');
		expect(selected.namespace).toBe('ml');
		expect(selected.userName).toBeUndefined();
	});

	test('files in KUBECONFIG that do not exist are skipped, empty files are empty configurations', () => {
		const real = kubeconfig('real.yaml', {currentContext: 'c', contexts: {c: {cluster: 'k'}}, clusters: {k: {server: 'https://k.example'}}});
		const empty = file('empty.yaml', '');
		const config = loadKubeconfig([join(dir, 'missing.yaml'), empty, real], {mustExist: false});
		expect(config.files).toEqual([empty, real]);
		expect(selectContext(config).server).toBe('https://k.example');
	});

	test('a --kubeconfig that does not exist is an error that names it', () => {
		const missing = join(dir, 'nope.yaml');
		expect(() => loadKubeconfig([missing], {mustExist: true})).toThrow(`kubeconfig ${missing}: cannot be read (ENOENT)`);
	});

	test('JSON is YAML too', () => {
		const json = file(
			'config.json',
			JSON.stringify({
				'current-context': 'c',
				contexts: [{name: 'c', context: {cluster: 'k', user: 'u'}}],
				clusters: [{name: 'k', cluster: {server: 'https://json.example'}}],
				users: [{name: 'u', user: {token: 't'}}],
			}),
		);
		expect(pick([json]).user.token).toBe('t');
	});
});

describe('contexts and namespace', () => {
	const config: KubeconfigSpec = {
		currentContext: 'dev',
		clusters: {k: {server: 'https://k.example'}},
		contexts: {
			dev: {cluster: 'k', namespace: 'dev-ns'},
			plain: {cluster: 'k'},
			broken: {cluster: 'gone'},
			nouser: {cluster: 'k', user: 'ghost'},
		},
	};

	test('the namespace comes from the selected context; a context without one has none (default applies later)', () => {
		const path = kubeconfig('config', config);
		expect(pick([path]).namespace).toBe('dev-ns');
		expect(pick([path], 'plain').namespace).toBeUndefined();
	});

	test('an unknown context lists the ones there are', () => {
		const path = kubeconfig('config', config);
		expect(() => pick([path], 'prod')).toThrow(UsageError);
		expect(() => pick([path], 'prod')).toThrow(/no context "prod" in .*config \(there are: dev, plain, broken, nouser\)/);
	});

	test('a context whose cluster or user is missing says which', () => {
		const path = kubeconfig('config', config);
		expect(() => pick([path], 'broken')).toThrow(/context "broken" names cluster "gone", which is not in/);
		expect(() => pick([path], 'nouser')).toThrow(/context "nouser" names user "ghost", which is not in/);
	});

	test('no current-context and no --context: asks for --context', () => {
		const path = kubeconfig('config', {...config, currentContext: undefined});
		expect(() => pick([path])).toThrow(/sets no current-context: give --context NAME \(there are: dev/);
	});

	test('invalid YAML is reported with the file and line', () => {
		const path = file('bad', 'clusters:\n- name: k\n  cluster: {server: [unclosed\n');
		expect(() => loadKubeconfig([path], {mustExist: true})).toThrow(/kubeconfig .*bad: is not valid YAML \(line \d+\)/);
	});
});

describe('certificates and tokens: data or file', () => {
	test('file paths are relative to the kubeconfig that holds them; -data fields are decoded from base64', () => {
		const path = kubeconfig('nested/config', {
			currentContext: 'c',
			clusters: {
				k: {server: 'https://k.example', 'certificate-authority': 'certs/ca.crt', 'tls-server-name': 'api.internal', 'proxy-url': 'http://proxy.example:3128'},
			},
			users: {
				u: {
					'client-certificate': '/abs/client.crt',
					'client-key-data': b64('-----BEGIN PRIVATE KEY-----\nkey\n-----END PRIVATE KEY-----\n'),
					tokenFile: '../token',
				},
			},
			contexts: {c: {cluster: 'k', user: 'u'}},
		});
		const {cluster, user} = pick([path]);
		expect(cluster.certificateAuthority).toBe(join(dir, 'nested', 'certs', 'ca.crt'));
		expect(cluster.tlsServerName).toBe('api.internal');
		expect(cluster.proxyUrl).toBe('http://proxy.example:3128');
		expect(user.clientCertificate).toBe('/abs/client.crt');
		expect(user.clientKeyData).toContain('BEGIN PRIVATE KEY');
		expect(user.tokenFile).toBe(join(dir, 'token'));
	});

	test('certificate-authority-data is decoded; insecure-skip-tls-verify is read as a boolean', () => {
		const path = kubeconfig('config', {
			currentContext: 'c',
			clusters: {k: {server: 'https://k.example', 'certificate-authority-data': b64('PEM CA')}, lax: {server: 'https://lax.example', 'insecure-skip-tls-verify': true}},
			contexts: {c: {cluster: 'k'}, lax: {cluster: 'lax'}},
		});
		expect(pick([path]).cluster.certificateAuthorityData).toBe('PEM CA');
		expect(pick([path]).cluster.insecureSkipTlsVerify).toBe(false);
		expect(pick([path], 'lax').cluster.insecureSkipTlsVerify).toBe(true);
	});

	test('data that is not base64 is refused', () => {
		const path = file(
			'config',
			'current-context: c\nclusters:\n- name: k\n  cluster: {server: "https://k", certificate-authority-data: "not base64!"}\ncontexts:\n- {name: c, context: {cluster: k}}\n',
		);
		expect(() => loadKubeconfig([path], {mustExist: true})).toThrow(/certificate-authority-data is not base64/);
	});
});

describe('exec plugins', () => {
	test('command, args, env, apiVersion and provideClusterInfo are read; a relative command with a slash is relative to the file', () => {
		const path = kubeconfig('config', {
			currentContext: 'c',
			clusters: {
				k: {
					server: 'https://cci.cn-north-4.myhuaweicloud.com',
					extensions: [{name: 'client.authentication.k8s.io/exec', extension: {audience: 'cci'}}],
				},
			},
			users: {
				iam: {
					exec: {
						apiVersion: 'client.authentication.k8s.io/v1beta1',
						command: 'cci-iam-authenticator',
						args: ['token', '--iam-endpoint=https://iam.cn-north-4.myhuaweicloud.com'],
						env: [{name: 'REGION', value: 'cn-north-4'}],
						provideClusterInfo: true,
						installHint: 'get it from the CCI console',
					},
				},
				local: {exec: {apiVersion: 'client.authentication.k8s.io/v1', command: './bin/plugin', interactiveMode: 'Never'}},
			},
			contexts: {c: {cluster: 'k', user: 'iam'}, local: {cluster: 'k', user: 'local'}},
		});
		const {user, cluster} = pick([path]);
		expect(user.exec).toEqual({
			apiVersion: 'client.authentication.k8s.io/v1beta1',
			command: 'cci-iam-authenticator',
			args: ['token', '--iam-endpoint=https://iam.cn-north-4.myhuaweicloud.com'],
			env: [{name: 'REGION', value: 'cn-north-4'}],
			installHint: 'get it from the CCI console',
			provideClusterInfo: true,
			interactiveMode: 'IfAvailable',
		});
		expect(cluster.execExtension).toEqual({audience: 'cci'});
		expect(pick([path], 'local').user.exec?.command).toBe(join(dir, 'bin', 'plugin'));
	});

	test('the removed v1alpha1 is refused with the versions that work', () => {
		const path = file(
			'config',
			'users:\n- name: u\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1alpha1, command: x}\n',
		);
		expect(() => loadKubeconfig([path], {mustExist: true})).toThrow(/v1alpha1" is not supported: use client.authentication.k8s.io\/v1 or v1beta1/);
	});
});
