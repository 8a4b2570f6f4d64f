import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, test} from 'vitest';
import {iamEndpoint} from '../../../source/connect/endpoints.js';
import {withDefaults} from '../../../source/cli/flags.js';
import {resolveOptions, type Flags} from '../../../source/cli/options.js';
import {UsageError, type Environment} from '../../../source/common/usage-error.js';
import {resolveConnection} from '../../../source/connect/connection.js';
import {temporaryDirectory} from '../../helpers/temp-dir.js';

// The flag table's defaults, as meow gives them, without colour.
const baseFlags: Flags = withDefaults({color: false});

async function sourceFor(env: Environment, flags: Partial<Flags> = {}): Promise<string> {
	const config = resolveOptions(['job'], {...baseFlags, region: 'cn-north-4', ...flags}, env, false);
	return (await resolveConnection(config, env)).credentials.description;
}

const iam = {HW_USER_NAME: 'alice', HW_USER_PASSWORD: 'pw-secret', HW_DOMAIN_NAME: 'acme'};
const sdkKeys = {HUAWEICLOUD_SDK_AK: 'AK1', HUAWEICLOUD_SDK_SK: 'SK1'};
const terraformKeys = {HW_ACCESS_KEY: 'AK2', HW_SECRET_KEY: 'SK2'};

describe('which credentials: the first source that is set wins', () => {
	test('--token-file, then HW_AUTH_TOKEN, then the IAM password, then access keys, then none', async () => {
		const file = join(temporaryDirectory(), 'token');
		writeFileSync(file, 'file-token');
		const everything = {HW_AUTH_TOKEN: 'env-token', ...iam, ...sdkKeys};
		expect(await sourceFor(everything, {tokenFile: file})).toBe(`token from --token-file ${file}`);
		expect(await sourceFor(everything)).toBe('token from HW_AUTH_TOKEN');
		expect(await sourceFor({...iam, ...sdkKeys})).toBe('IAM token for user alice (domain acme, project cn-north-4)');
		expect(await sourceFor({...sdkKeys, ...terraformKeys})).toBe('AK/SK signature (HUAWEICLOUD_SDK_AK/SK)');
		expect(await sourceFor(terraformKeys)).toBe('AK/SK signature (HW_ACCESS_KEY/HW_SECRET_KEY)');
		expect(await sourceFor({...terraformKeys, HW_SECURITY_TOKEN: 'sts'})).toBe('AK/SK signature (HW_ACCESS_KEY/HW_SECRET_KEY, temporary)');
		expect(await sourceFor({})).toBe('no credentials (no auth header)');
	});

	test('the project: HW_PROJECT_ID, else HW_PROJECT_NAME, else the region', async () => {
		expect(await sourceFor({...iam, HW_PROJECT_NAME: 'cn-north-4_dev'})).toMatch(/project cn-north-4_dev\)$/);
		expect(await sourceFor({...iam, HW_PROJECT_NAME: 'x', HW_PROJECT_ID: '0a1b2c'})).toMatch(/project id 0a1b2c\)$/);
		expect(await sourceFor({...iam, HW_REGION_NAME: 'ap-southeast-1'}, {region: undefined})).toMatch(/project ap-southeast-1\)$/);
	});

	test('IAM endpoints follow the region, eu-west-1xx under myhuaweicloud.eu', () => {
		expect(iamEndpoint('cn-north-4')).toBe('https://iam.cn-north-4.myhuaweicloud.com/v3');
		expect(iamEndpoint('eu-west-101')).toBe('https://iam.eu-west-101.myhuaweicloud.eu/v3');
	});

	test('--demo never sends a password or keys anywhere', async () => {
		const env = {...iam, ...sdkKeys};
		const config = resolveOptions([], {...baseFlags, demo: true}, env, false);
		const connection = await resolveConnection(config, env, 'http://127.0.0.1:9');
		expect(connection.credentials.description).toBe('no credentials (no auth header)');
	});
});

describe('half a setting is a usage error that names what is missing', () => {
	test.each([
		[{HW_USER_NAME: 'alice'}, /HW_USER_NAME is set but not HW_USER_PASSWORD/],
		[{HW_USER_PASSWORD: 'pw'}, /HW_USER_PASSWORD is set but not HW_USER_NAME/],
		[{HW_USER_NAME: 'alice', HW_USER_PASSWORD: 'pw'}, /need HW_DOMAIN_NAME/],
		[{HUAWEICLOUD_SDK_AK: 'AK'}, /HUAWEICLOUD_SDK_AK is set but not HUAWEICLOUD_SDK_SK/],
		[{HW_SECRET_KEY: 'SK'}, /HW_SECRET_KEY is set but not HW_ACCESS_KEY/],
		[{...iam, HW_AUTH_URL: 'http://iam.example.com/v3'}, /plain http: the password would travel in clear/],
		[{...iam, HW_AUTH_URL: 'iam.example.com'}, /HW_AUTH_URL "iam.example.com" is not a URL/],
	])('%j', async (env, message) => {
		await expect(sourceFor(env)).rejects.toThrow(UsageError);
		await expect(sourceFor(env)).rejects.toThrow(message);
	});

	test('an IAM login with --server and no region needs HW_AUTH_URL and a project', async () => {
		const flags = {region: undefined, server: 'https://cci.example.com'};
		await expect(sourceFor(iam, flags)).rejects.toThrow(/needs a project/);
		await expect(sourceFor({...iam, HW_PROJECT_NAME: 'p'}, flags)).rejects.toThrow(/needs the IAM endpoint/);
		expect(await sourceFor({...iam, HW_PROJECT_NAME: 'p', HW_AUTH_URL: 'https://iam.example.com/v3'}, flags)).toMatch(/^IAM token for user alice/);
	});
});
