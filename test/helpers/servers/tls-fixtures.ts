import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

export type Pem = {readonly cert: string; readonly key: string; readonly certFile: string; readonly keyFile: string};

export type TlsFixtures = {
	readonly dir: string;
	/** The test CA that signed everything below. */
	readonly ca: Pem;
	/** A server certificate for 127.0.0.1 and localhost. */
	readonly server: Pem;
	/** A server certificate for api.cluster.test only: reachable at 127.0.0.1 with tls-server-name. */
	readonly namedServer: Pem;
	/** A client certificate, CN vcjob-user, for mutual TLS. */
	readonly client: Pem;
	/** A second client certificate, CN vcjob-exec, as an exec plugin hands out. */
	readonly execClient: Pem;
	remove(): void;
};

function openssl(dir: string, args: readonly string[]): void {
	execFileSync('openssl', args, {cwd: dir, env: {PATH: process.env['PATH']}, stdio: ['ignore', 'ignore', 'pipe']});
}

const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function pem(dir: string, name: string): Pem {
	const certFile = join(dir, `${name}.crt`);
	const keyFile = join(dir, `${name}.key`);
	return {cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), certFile, keyFile};
}

function issue(dir: string, name: string, subject: string, extensions: string): Pem {
	writeFileSync(join(dir, `${name}.ext`), extensions);
	openssl(dir, ['req', '-new', ...ecKey, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
	openssl(dir, [
		'x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
		'-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`,
	]);
	return pem(dir, name);
}

/** A CA, two server certificates and two client certificates, made with the openssl CLI in a temp folder. */
export function makeTlsFixtures(): TlsFixtures {
	const dir = mkdtempSync(join(tmpdir(), 'vcjob-watch-tls-'));
	openssl(dir, [
		'req', '-x509', '-new', ...ecKey, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=vcjob-watch test CA',
		'-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
	]);
	const server = issue(dir, 'server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
	const namedServer = issue(dir, 'named', '/CN=api.cluster.test', 'subjectAltName=DNS:api.cluster.test\nextendedKeyUsage=serverAuth\n');
	const client = issue(dir, 'client', '/CN=vcjob-user', 'extendedKeyUsage=clientAuth\n');
	const execClient = issue(dir, 'exec-client', '/CN=vcjob-exec', 'extendedKeyUsage=clientAuth\n');
	return {
		dir,
		ca: pem(dir, 'ca'),
		server,
		namedServer,
		client,
		execClient,
		remove() {
			rmSync(dir, {recursive: true, force: true});
		},
	};
}
