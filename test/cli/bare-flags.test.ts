import {describe, expect, it} from 'vitest';
import {expandBareFlags} from '../../source/cli/bare-flags.js';

describe('expandBareFlags', () => {
	it('gives a bare --notify its value, so that the next word stays the job name', () => {
		expect(expandBareFlags(['--notify', 'myjob'])).toEqual(['--notify=finish', 'myjob']);
		expect(expandBareFlags(['myjob', '-n', 'ns', '--notify'])).toEqual(['myjob', '-n', 'ns', '--notify=finish']);
	});

	it('leaves a given value, other flags and everything after -- alone', () => {
		expect(expandBareFlags(['--notify=failures', 'myjob'])).toEqual(['--notify=failures', 'myjob']);
		expect(expandBareFlags(['--once', '--', '--notify'])).toEqual(['--once', '--', '--notify']);
	});
});
