// --on-finish in the TUI: one line under the notices while the command runs and after, saying how it ended
// and its first line of output. Cut to the width by the screen, like every top line.
import {formatWait} from '../../common/duration.js';
import {hookSucceeded, type HookEvent} from '../../state/hook-status.js';
import type {ActionLine} from './use-job-actions.js';

function how(event: HookEvent): string {
	switch (event.state) {
		case 'running': {
			return `running (job ${event.phase || '-'})…`;
		}

		case 'exited': {
			return event.exitCode === undefined ? `ended by ${event.signal ?? 'a signal'}` : `exit ${event.exitCode}`;
		}

		case 'timed-out': {
			return `timed out after ${formatWait(event.timeoutMs)}, stopped`;
		}

		case 'stopped': {
			return 'stopped: the program is ending';
		}

		case 'error': {
			return `could not start: ${event.error ?? 'unknown error'}`;
		}
	}
}

/** The line for the last hook event, or none before the job finished. */
export function hookLines(event: HookEvent | undefined): readonly ActionLine[] {
	if (!event) return [];
	const text = `on-finish: ${how(event)}${event.output === undefined ? '' : ` · ${event.output}`}`;
	const tone = event.state === 'running' ? 'note' : hookSucceeded(event) ? 'done' : 'failed';
	return [{text, tone}];
}
