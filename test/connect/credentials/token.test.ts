import {mkdtemp, rm, utimes, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {staticTokenCredentials, tokenFileCredentials} from '../../../source/connect/credentials/token.js';

/** The token a source would send, as the X-Auth-Token header it adds. */
function tokenOf(credentials: ReturnType<typeof tokenFileCredentials>) {
	return async () => {
		const headers: Record<string, string> = {};
		await credentials.authorize({method: 'GET', url: new URL('http://127.0.0.1/'), headers});
		return headers['x-auth-token'];
	};
}

const fileTokenSource = (path: string) => tokenOf(tokenFileCredentials(path));
const staticTokenSource = (token: string | undefined) => (token === undefined ? async () => undefined : tokenOf(staticTokenCredentials(token, 'HW_AUTH_TOKEN')));

let directory: string;

beforeEach(async () => {
	directory = await mkdtemp(join(tmpdir(), 'vcjob-watch-token-'));
});

afterEach(async () => {
	await rm(directory, {recursive: true, force: true});
});

describe('fileTokenSource', () => {
	test('reads the token, trimmed of the newline an editor adds', async () => {
		const path = join(directory, 'token');
		await writeFile(path, 'MIIabc.token\n');
		expect(await fileTokenSource(path)()).toBe('MIIabc.token');
	});

	test('picks up a renewed token without a restart', async () => {
		const path = join(directory, 'token');
		await writeFile(path, 'first');
		const token = fileTokenSource(path);
		expect(await token()).toBe('first');
		await writeFile(path, 'second-token');
		expect(await token()).toBe('second-token');
	});

	test('a renewal of the same size is noticed by its modification time', async () => {
		const path = join(directory, 'token');
		await writeFile(path, 'aaaa');
		await utimes(path, new Date('2024-01-01T00:00:00Z'), new Date('2024-01-01T00:00:00Z'));
		const token = fileTokenSource(path);
		expect(await token()).toBe('aaaa');
		await writeFile(path, 'bbbb');
		await utimes(path, new Date('2024-01-01T00:01:00Z'), new Date('2024-01-01T00:01:00Z'));
		expect(await token()).toBe('bbbb');
	});

	test('a file that vanishes (mid-rewrite) keeps the last token', async () => {
		const path = join(directory, 'token');
		await writeFile(path, 'kept');
		const token = fileTokenSource(path);
		expect(await token()).toBe('kept');
		await rm(path);
		expect(await token()).toBe('kept');
	});

	test('an empty file, or one that never existed, gives no token', async () => {
		const path = join(directory, 'token');
		await writeFile(path, '  \n');
		expect(await fileTokenSource(path)()).toBeUndefined();
		expect(await fileTokenSource(join(directory, 'missing'))()).toBeUndefined();
	});
});

describe('staticTokenSource', () => {
	test('gives what it was given', async () => {
		expect(await staticTokenSource('t')()).toBe('t');
		expect(await staticTokenSource(undefined)()).toBeUndefined();
	});
});
