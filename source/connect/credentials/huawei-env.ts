import type {Dispatcher} from 'undici';
import {UsageError, type Environment} from '../../common/usage-error.js';
import {checkPlainHttp, iamEndpoint} from '../endpoints.js';
import {accessKeyCredentials} from './aksk-signer.js';
import type {Credentials} from '../../api/credentials.js';
import {iamPasswordCredentials} from './iam-password.js';
import type {RequestRecord} from '../../api/client.js';

// Huawei Cloud credentials from the environment, after the explicit token sources (--token-file,
// HW_AUTH_TOKEN): an IAM user's password, else access keys. The names are those of Huawei's SDKs
// (HUAWEICLOUD_SDK_*) and of its Terraform provider (HW_*).

export type CloudCredentialOptions = {
	/** --region, HW_REGION_NAME or HUAWEICLOUD_SDK_REGION_ID: the IAM endpoint and project by default. */
	readonly region?: string | undefined;
	readonly allowHttp: boolean;
	readonly timeoutMs: number;
	readonly dispatcher?: Dispatcher | undefined;
	readonly onRequest?: ((record: RequestRecord) => void) | undefined;
};

function present(env: Environment, name: string): string | undefined {
	const value = env[name]?.trim();
	return value ? value : undefined;
}

function iamCredentials(env: Environment, options: CloudCredentialOptions): Credentials {
	const user = present(env, 'HW_USER_NAME')!;
	const password = env['HW_USER_PASSWORD']!;
	const domain = present(env, 'HW_DOMAIN_NAME');
	if (!domain) {
		throw new UsageError('HW_USER_NAME and HW_USER_PASSWORD need HW_DOMAIN_NAME: the account the IAM user belongs to');
	}

	const {region} = options;
	const projectId = present(env, 'HW_PROJECT_ID');
	const projectName = present(env, 'HW_PROJECT_NAME') ?? region;
	if (!projectId && !projectName) {
		throw new UsageError('an IAM login needs a project: give --region (or HW_REGION_NAME), HW_PROJECT_NAME or HW_PROJECT_ID');
	}

	const authUrl = present(env, 'HW_AUTH_URL') ?? (region ? iamEndpoint(region) : undefined);
	if (!authUrl) {
		throw new UsageError('an IAM login needs the IAM endpoint: give --region (or HW_REGION_NAME), or HW_AUTH_URL');
	}

	let url: URL;
	try {
		url = new URL(authUrl);
	} catch {
		throw new UsageError(`HW_AUTH_URL ${JSON.stringify(authUrl)} is not a URL: use e.g. https://iam.cn-north-4.myhuaweicloud.com/v3`);
	}

	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new UsageError(`HW_AUTH_URL must be an https:// URL, not ${url.protocol}`);
	}

	checkPlainHttp(url, options.allowHttp, {name: 'HW_AUTH_URL', secret: 'password'});

	return iamPasswordCredentials(
		{user, password, domain, project: projectId ? {id: projectId} : {name: projectName!}, authUrl: url.href},
		{timeoutMs: options.timeoutMs, dispatcher: options.dispatcher, onRequest: options.onRequest},
	);
}

const keyPairs = [
	['HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK'],
	['HW_ACCESS_KEY', 'HW_SECRET_KEY'],
] as const;

function keyCredentials(env: Environment): Credentials | undefined {
	const pair = keyPairs.find(([ak, sk]) => present(env, ak) && present(env, sk));
	if (!pair) {
		const half = keyPairs.find(([ak, sk]) => present(env, ak) ?? present(env, sk));
		if (half) {
			const [ak, sk] = half;
			throw new UsageError(`${present(env, ak) ? ak : sk} is set but not ${present(env, ak) ? sk : ak}: access keys come in pairs`);
		}

		return undefined;
	}

	const [ak, sk] = pair;
	return accessKeyCredentials(
		{
			accessKey: present(env, ak)!,
			secretKey: present(env, sk)!,
			securityToken: present(env, 'HUAWEICLOUD_SDK_SECURITY_TOKEN') ?? present(env, 'HW_SECURITY_TOKEN'),
			projectId: present(env, 'HUAWEICLOUD_SDK_PROJECT_ID') ?? present(env, 'HW_PROJECT_ID'),
		},
		{from: ak === 'HW_ACCESS_KEY' ? 'HW_ACCESS_KEY/HW_SECRET_KEY' : 'HUAWEICLOUD_SDK_AK/SK'},
	);
}

/**
 * IAM password (HW_USER_NAME + HW_USER_PASSWORD) when both are set, else access keys when a pair is
 * set, else undefined. Half a setting is a usage error that names what is missing.
 */
export function cloudCredentials(env: Environment, options: CloudCredentialOptions): Credentials | undefined {
	const user = present(env, 'HW_USER_NAME');
	const hasPassword = Boolean(env['HW_USER_PASSWORD']);
	if (user && hasPassword) return iamCredentials(env, options);
	const keys = keyCredentials(env);
	if (keys) return keys;
	if (user || hasPassword) {
		throw new UsageError(`${user ? 'HW_USER_NAME' : 'HW_USER_PASSWORD'} is set but not ${user ? 'HW_USER_PASSWORD' : 'HW_USER_NAME'}`);
	}

	return undefined;
}
