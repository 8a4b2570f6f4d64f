import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, test} from 'vitest';
import {completionLookup, completionTimeoutMs, typedFlags} from '../../../source/cli/completion/complete.js';
import {temporaryDirectory} from '../../helpers/temp-dir.js';

describe('the words typed so far, read as meow reads them', () => {
	test('long, long=, short, short joined, --no- and unknown words', () => {
		expect(
			typedFlags(['suspend', '-n', 'team-a', '--server=https://k:6443', '--context', 'prod', '-lapp=x', '--no-color', '--bogus', 'job-1', '--once']),
		).toEqual({namespace: 'team-a', server: 'https://k:6443', context: 'prod', selector: 'app=x', color: false, once: true});
	});

	test('a flag whose value is not typed yet, and what follows --, are passed over', () => {
		expect(typedFlags(['-n'])).toEqual({});
		expect(typedFlags(['--namespace='])).toEqual({});
		expect(typedFlags(['--', '-n', 'a'])).toEqual({});
	});
});

describe('what __complete asks', () => {
	test('the connection as a watch would make it, with the short timeout, and -n apart', () => {
		const lookup = completionLookup(['jobs', '-s', 'http://127.0.0.1:1', '-n', 'team-a', '--exit-on-finish'], {});
		expect(lookup).toMatchObject({kind: 'jobs', namespace: 'team-a', options: {server: 'http://127.0.0.1:1/', timeoutMs: completionTimeoutMs}});
		expect(completionLookup(['namespaces', '--context', 'prod'], {})).toMatchObject({kind: 'namespaces', options: {context: 'prod'}});
		expect(completionLookup(['namespaces'], {})?.namespace).toBeUndefined();
	});

	test('nothing to ask: an unknown kind, --demo, options a watch refuses', () => {
		const home = temporaryDirectory();
		writeFileSync(join(home, 'token'), 'secret');
		expect(completionLookup(['pods'], {})).toBeUndefined();
		expect(completionLookup([], {})).toBeUndefined();
		expect(completionLookup(['jobs', '--demo'], {})).toBeUndefined();
		expect(completionLookup(['jobs', '-s', 'ftp://host'], {})).toBeUndefined();
		expect(completionLookup(['jobs', '-n', 'Not_A_Namespace'], {})).toBeUndefined();
		expect(completionLookup(['jobs', '--token-file', join(home, 'missing')], {})).toBeUndefined();
		expect(completionLookup(['jobs', '--token-file', join(home, 'token')], {})).toBeDefined();
	});
});
