import {describe, expect, test} from 'vitest';
import {checkJobName, checkNamespace} from '../../source/model/names.js';

describe('checkNamespace (RFC 1123 label)', () => {
	test.each(['default', 'cci-namespace-42263891', 'a', '0', 'a1-b2', 'x'.repeat(63)])('accepts %j', value => {
		expect(checkNamespace(value)).toBeUndefined();
	});

	test.each(['', 'Team', 'team_a', '-team', 'team-', 'team.a', 'team a', 'x'.repeat(64), 'tëam', 'team\n'])('rejects %j', value => {
		const problem = checkNamespace(value);
		expect(problem).toMatch(/^invalid namespace /);
		expect(problem).toContain('63');
	});

	test('the message quotes the value, escaped and shortened', () => {
		expect(checkNamespace('bad\u001B[31m')).toContain(String.raw`"bad\u001b[31m"`);
		const problem = checkNamespace('x'.repeat(500))!;
		expect(problem).toContain(`"${'x'.repeat(80)}…"`);
		expect(problem).not.toContain('x'.repeat(81));
	});
});

describe('checkJobName (RFC 1123 subdomain)', () => {
	test.each(['openmpi-hello-3-com', 'a', 'job.v2', 'a.b.c', '1job', 'x'.repeat(253), `${'a'.repeat(63)}.${'b'.repeat(63)}`])(
		'accepts %j',
		value => {
			expect(checkJobName(value)).toBeUndefined();
		},
	);

	test.each(['', 'Job', 'my_job', '-job', 'job-', '.job', 'job.', 'a..b', 'job.-x', 'job name', 'x'.repeat(254), '../etc', 'job/x'])(
		'rejects %j',
		value => {
			const problem = checkJobName(value);
			expect(problem).toMatch(/^invalid job name /);
			expect(problem).toContain('253');
		},
	);
});
