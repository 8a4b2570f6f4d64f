import {execFileSync} from 'node:child_process';
import {describe, expect, test} from 'vitest';
import {accessKeyCredentials, canonicalQuery, canonicalUri, sdkDate} from '../../../source/connect/credentials/aksk-signer.js';
import {errorFromResponse} from '../../../source/api/api-error.js';

// The expected values are computed here by other means: the canonical request written out by hand from
// Huawei's published scheme, hashed and HMAC'd by openssl, not by node:crypto or the signer's code.

function openssl(input: string, hmacKey?: string): string {
	const output = execFileSync('openssl', ['dgst', '-sha256', ...(hmacKey === undefined ? [] : ['-hmac', hmacKey])], {input, encoding: 'utf8', env: {PATH: process.env['PATH']}});
	return /([0-9a-f]{64})\s*$/.exec(output)![1]!;
}

const fixedDate = Date.UTC(2026, 10, 27, 5, 8, 44); // 2026-11-27T05:08:44Z
const emptyHash = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

async function authorize(credentials: ReturnType<typeof accessKeyCredentials>, request: {method?: string; url: string; headers?: Record<string, string>; body?: string}) {
	const headers: Record<string, string> = {accept: 'application/json', ...request.headers};
	await credentials.authorize({method: request.method ?? 'GET', url: new URL(request.url), headers, ...(request.body === undefined ? {} : {body: request.body})});
	return headers;
}

describe('SDK-HMAC-SHA256 signing, against openssl', () => {
	test('a CCI job GET with a project id and a security token', async () => {
		const sk = 'Zq7+Sk/secret=Key0123456789abcdefghijKLMN';
		const credentials = accessKeyCredentials(
			{accessKey: 'HPUAEXAMPLEAK1234567', secretKey: sk, projectId: '0a1b2c3d4e5f60718293a4b5c6d7e8f9', securityToken: 'sts-temporary-token'},
			{from: 'HUAWEICLOUD_SDK_AK/SK', now: () => fixedDate},
		);
		const headers = await authorize(credentials, {
			url: 'https://cci.cn-north-4.myhuaweicloud.com/apis/batch.volcano.sh/v1alpha1/namespaces/cci-namespace-42263891/jobs/openmpi-hello',
		});

		const canonicalRequest = [
			'GET',
			'/apis/batch.volcano.sh/v1alpha1/namespaces/cci-namespace-42263891/jobs/openmpi-hello/',
			'',
			'host:cci.cn-north-4.myhuaweicloud.com',
			'x-project-id:0a1b2c3d4e5f60718293a4b5c6d7e8f9',
			'x-sdk-date:20261127T050844Z',
			'x-security-token:sts-temporary-token',
			'',
			'host;x-project-id;x-sdk-date;x-security-token',
			emptyHash,
		].join('\n');
		const stringToSign = `SDK-HMAC-SHA256\n20261127T050844Z\n${openssl(canonicalRequest)}`;
		const signature = openssl(stringToSign, sk);

		expect(headers['x-sdk-date']).toBe('20261127T050844Z');
		expect(headers['x-project-id']).toBe('0a1b2c3d4e5f60718293a4b5c6d7e8f9');
		expect(headers['x-security-token']).toBe('sts-temporary-token');
		expect(headers['authorization']).toBe(
			`SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK1234567, SignedHeaders=host;x-project-id;x-sdk-date;x-security-token, Signature=${signature}`,
		);
		// The accept header is sent but not signed.
		expect(headers['accept']).toBe('application/json');
	});

	test('a POST with a body, a content type, a port and a query with repeated, unsorted, encoded keys', async () => {
		const sk = 'another-secret';
		const credentials = accessKeyCredentials({accessKey: 'AK2', secretKey: sk}, {from: 'HW_ACCESS_KEY/HW_SECRET_KEY', now: () => fixedDate});
		const body = '{"kind":"Job"}';
		const headers = await authorize(credentials, {
			method: 'POST',
			url: 'https://gateway.example.com:8443/k8s/apis/x?b=2&a=x%20y&a=1&c=%2A',
			headers: {'content-type': '  application/json '},
			body,
		});
		const canonicalRequest = [
			'POST',
			'/k8s/apis/x/',
			'a=1&a=x%20y&b=2&c=%2A',
			'content-type:application/json',
			'host:gateway.example.com:8443',
			'x-sdk-date:20261127T050844Z',
			'',
			'content-type;host;x-sdk-date',
			openssl(body),
		].join('\n');
		const signature = openssl(`SDK-HMAC-SHA256\n20261127T050844Z\n${openssl(canonicalRequest)}`, sk);
		expect(headers['authorization']).toBe(`SDK-HMAC-SHA256 Access=AK2, SignedHeaders=content-type;host;x-sdk-date, Signature=${signature}`);
		expect(headers['x-project-id']).toBeUndefined();
	});

	test('the date comes from the clock, in UTC, to the second', () => {
		expect(sdkDate(Date.UTC(2027, 0, 2, 3, 4, 5, 999))).toBe('20270102T030405Z');
	});

	test('canonical URI and query follow RFC 3986 and always end the path with /', () => {
		expect(canonicalUri('/')).toBe('/');
		expect(canonicalUri('/a%20b/c')).toBe('/a%20b/c/');
		expect(canonicalUri('/already/')).toBe('/already/');
		expect(canonicalQuery(new URLSearchParams('z=1&y=%E2%9C%93&y=!'))).toBe('y=%21&y=%E2%9C%93&z=1');
	});
});

describe('access-key credentials', () => {
	test('say where the keys come from, never the keys', async () => {
		const credentials = accessKeyCredentials({accessKey: 'AK', secretKey: 'very-secret-sk'}, {from: 'HUAWEICLOUD_SDK_AK/SK'});
		expect(credentials.description).toBe('AK/SK signature (HUAWEICLOUD_SDK_AK/SK)');
		expect(JSON.stringify(credentials)).not.toContain('very-secret-sk');
	});

	test('a refused signature is not retried, and the hint names the keys and the clock', async () => {
		const credentials = accessKeyCredentials({accessKey: 'AK', secretKey: 'SK'}, {from: 'HW_ACCESS_KEY/HW_SECRET_KEY'});
		const error = errorFromResponse({
			status: 401,
			body: JSON.stringify({error_code: 'APIGW.0301', error_msg: 'Incorrect IAM authentication information: verify aksk signature fail', request_id: 'r1'}),
		});
		expect(await credentials.renew!(error)).toBe(false);
		expect(credentials.unauthorizedHint).toMatch(/check the keys in HW_ACCESS_KEY\/HW_SECRET_KEY/);
		expect(credentials.unauthorizedHint).toMatch(/clock \(X-Sdk-Date must be within 15 minutes/);
	});
});
