import {describe, expect, it} from 'vitest';
import {firstLine, hookEnvironment, shellCommand} from '../../../source/app/job/on-finish-env.js';

const facts = {namespace: 'team-a', name: 'train-1', phase: 'Failed', exit: 1, failure: 'train-1-master-0/master exit 1: error'};

describe('hookEnvironment', () => {
	it("is the program's environment with the finish added", () => {
		expect(hookEnvironment({PATH: '/usr/bin', HOME: '/home/me', UNSET: undefined}, facts)).toEqual({
			PATH: '/usr/bin',
			HOME: '/home/me',
			VCJOB_NAME: 'train-1',
			VCJOB_NAMESPACE: 'team-a',
			VCJOB_PHASE: 'Failed',
			VCJOB_EXIT: '1',
			VCJOB_FAILURE: 'train-1-master-0/master exit 1: error',
		});
	});

	it('leaves VCJOB_FAILURE unset without a failure, whatever the program inherited', () => {
		const environment = hookEnvironment({VCJOB_FAILURE: 'from before', VCJOB_SIMULATOR_TOKEN: 'kept'}, {...facts, phase: 'Completed', exit: 0, failure: undefined});
		expect(environment).not.toHaveProperty('VCJOB_FAILURE');
		expect(environment).toMatchObject({VCJOB_PHASE: 'Completed', VCJOB_EXIT: '0', VCJOB_SIMULATOR_TOKEN: 'kept'});
	});

	it('puts every value on one line, without control characters', () => {
		const environment = hookEnvironment({}, {...facts, phase: 'Fa\u001B]0;x\u0007iled', failure: 'line one\nline two\u0000'});
		expect(environment['VCJOB_PHASE']).toBe('Failed');
		expect(environment['VCJOB_FAILURE']).toBe('line one line two\\x00');
	});
});

describe('shellCommand', () => {
	it("is the user's shell with -c and the command as typed", () => {
		expect(shellCommand('curl -d "$VCJOB_PHASE" x', {SHELL: '/bin/zsh'}, 'linux')).toEqual({file: '/bin/zsh', args: ['-c', 'curl -d "$VCJOB_PHASE" x'], verbatim: false});
	});

	it('falls back to /bin/sh without a SHELL given as a full path', () => {
		expect(shellCommand('true', {}, 'linux').file).toBe('/bin/sh');
		expect(shellCommand('true', {SHELL: 'zsh'}, 'darwin').file).toBe('/bin/sh');
	});

	it('is cmd.exe on Windows', () => {
		expect(shellCommand('echo %VCJOB_PHASE%', {ComSpec: 'C:\\Windows\\system32\\cmd.exe'}, 'win32')).toEqual({
			file: 'C:\\Windows\\system32\\cmd.exe',
			args: ['/d', '/s', '/c', '"echo %VCJOB_PHASE%"'],
			verbatim: true,
		});
	});
});

describe('firstLine', () => {
	it('is the first line with more than spaces, sanitised and cut', () => {
		expect(firstLine('\n  \r\nposted\nmore')).toBe('posted');
		expect(firstLine('\u001B[31mred\u001B[0m')).toBe('red');
		expect(firstLine('x'.repeat(300), 10)).toBe(`${'x'.repeat(9)}…`);
		expect(firstLine('\n\n')).toBeUndefined();
	});
});
