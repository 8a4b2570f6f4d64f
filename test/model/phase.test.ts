import {describe, expect, test} from 'vitest';
import {finishedOutcome, phaseKind} from '../../source/model/phase.js';
import type {PhaseKind} from '../../source/model/job.js';

describe('phaseKind', () => {
	test.each<[string, PhaseKind]>([
		['', 'waiting'],
		['Pending', 'waiting'],
		['Inqueue', 'waiting'],
		['Running', 'running'],
		['Completed', 'success'],
		['Failed', 'failure'],
		['Terminated', 'failure'],
		['Aborted', 'failure'],
		['Restarting', 'transitional'],
		['Aborting', 'transitional'],
		['Terminating', 'transitional'],
		['Completing', 'transitional'],
		['Suspended', 'unknown'],
		['running', 'unknown'],
		['constructor', 'unknown'],
		['__proto__', 'unknown'],
		['toString', 'unknown'],
	])('%j is %s', (phase, kind) => {
		expect(phaseKind(phase)).toBe(kind);
	});
});

describe('finishedOutcome', () => {
	test.each<[string, 'success' | 'failure' | undefined]>([
		['Completed', 'success'],
		['Failed', 'failure'],
		['Terminated', 'failure'],
		['Aborted', 'failure'],
		['Running', undefined],
		['Completing', undefined],
		['Terminating', undefined],
		['Restarting', undefined],
		['Pending', undefined],
		['', undefined],
		['Inqueue', undefined],
	])('%j → %s', (phase, outcome) => {
		expect(finishedOutcome(phase)).toBe(outcome);
	});
});
