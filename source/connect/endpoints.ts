// Where a request goes: the CCI endpoint of a region, loopback hosts, and the plain-http rule.
import {isIP} from 'node:net';
import {UsageError, type Environment} from '../common/usage-error.js';

/** The CCI endpoint of a region; eu-west-1xx regions live under myhuaweicloud.eu. */
export function cciEndpoint(region: string): string {
	if (!/^[a-z]{2,}(?:-[a-z\d]+)+$/.test(region)) {
		throw new UsageError(`--region ${JSON.stringify(region)} is not a region name such as cn-north-4`);
	}

	const domain = /^eu-west-1\d\d$/.test(region) ? 'myhuaweicloud.eu' : 'myhuaweicloud.com';
	return `https://cci.${region}.${domain}`;
}

export function regionOf(config: {readonly region?: string | undefined}, env: Environment): string | undefined {
	return config.region ?? env['HW_REGION_NAME'] ?? env['HUAWEICLOUD_SDK_REGION_ID'];
}

export function isLoopback(host: string): boolean {
	const bare = host.replace(/^\[|\]$/g, '');
	if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
	if (isIP(bare) === 4) return bare.startsWith('127.');
	return bare === '::1';
}

/** Plain HTTP carries the token in clear: only to this machine, unless asked for. */
export function checkScheme(server: string, allowHttp: boolean): void {
	const url = new URL(server);
	if (url.protocol === 'http:' && !allowHttp && !isLoopback(url.hostname)) {
		throw new UsageError(
			`${url.origin} is plain http: the token would travel in clear. Use https://, or --allow-http if this link is trusted`,
		);
	}
}
