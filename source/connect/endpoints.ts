// Where a request goes: Huawei Cloud's endpoints of a region, loopback hosts, and the plain-http rule. Each rule
// is written here once; connection set-up and the IAM login both use it.
import {isIP} from 'node:net';
import {UsageError} from '../common/usage-error.js';

/** Huawei Cloud's domain for a region: eu-west-1xx regions live under myhuaweicloud.eu, the others under .com. */
export function huaweiDomain(region: string): string {
	return /^eu-west-1\d\d$/.test(region) ? 'myhuaweicloud.eu' : 'myhuaweicloud.com';
}

/** The CCI endpoint of a region. */
export function cciEndpoint(region: string): string {
	if (!/^[a-z]{2,}(?:-[a-z\d]+)+$/.test(region)) {
		throw new UsageError(`--region ${JSON.stringify(region)} is not a region name such as cn-north-4`);
	}

	return `https://cci.${region}.${huaweiDomain(region)}`;
}

/** IAM's v3 endpoint of a region. */
export function iamEndpoint(region: string): string {
	return `https://iam.${region}.${huaweiDomain(region)}/v3`;
}

export function isLoopback(host: string): boolean {
	const bare = host.replace(/^\[|\]$/g, '');
	if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
	if (isIP(bare) === 4) return bare.startsWith('127.');
	return bare === '::1';
}

/**
 * Plain HTTP carries a secret in clear: only to this machine, unless --allow-http. `name` says which setting
 * gave the URL (none for the API server), `secret` what would travel.
 */
export function checkPlainHttp(url: string | URL, allowHttp: boolean, said: {readonly name?: string; readonly secret: 'token' | 'password'}): void {
	const parsed = typeof url === 'string' ? new URL(url) : url;
	if (parsed.protocol === 'http:' && !allowHttp && !isLoopback(parsed.hostname)) {
		throw new UsageError(
			`${said.name ? `${said.name} ` : ''}${parsed.origin} is plain http: the ${said.secret} would travel in clear. Use https://, or --allow-http if this link is trusted`,
		);
	}
}
