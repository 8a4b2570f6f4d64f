import type {PhaseKind} from './job.js';

// Volcano's job phases (volcano-sh/apis batch/v1alpha1). "Inqueue" was a job phase in v0.1 and still
// appears in CCI's document; anything else is shown as sent, with the neutral kind.
const kinds: Readonly<Record<string, PhaseKind>> = {
	'': 'waiting',
	Pending: 'waiting',
	Inqueue: 'waiting',
	Running: 'running',
	Completed: 'success',
	Failed: 'failure',
	Terminated: 'failure',
	Aborted: 'failure',
	Restarting: 'transitional',
	Aborting: 'transitional',
	Terminating: 'transitional',
	Completing: 'transitional',
};

export function phaseKind(phase: string): PhaseKind {
	return Object.hasOwn(kinds, phase) ? kinds[phase]! : 'unknown';
}

/**
 * Phases a job leaves only by outside action (a resume, a delete): the end of a watch with
 * --exit-on-finish. Aborted is stable but resumable; it still ends the watch, as a failure.
 */
export function finishedOutcome(phase: string): 'success' | 'failure' | undefined {
	switch (phase) {
		case 'Completed': {
			return 'success';
		}

		case 'Failed':
		case 'Terminated':
		case 'Aborted': {
			return 'failure';
		}

		default: {
			return undefined;
		}
	}
}
