// The exit code --exit-on-finish gives for a job's phase, and VCJOB_EXIT for --on-finish: one rule for both.
// Not in exit-codes.ts: that file loads before the Node version check, and stays without imports of its own.
import {finishedOutcome} from '../model/phase.js';
import {exitCodes} from './exit-codes.js';

/** 0 for Completed; 1 for Failed, Terminated, Aborted; undefined for a phase the job still leaves by itself. */
export function finishedExitCode(phase: string): number | undefined {
	const outcome = finishedOutcome(phase);
	if (outcome === undefined) return undefined;
	return outcome === 'failure' ? exitCodes.jobFailed : exitCodes.ok;
}
