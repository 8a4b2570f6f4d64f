import {randomUUID} from 'node:crypto';
import {count, createPods, movePods, setPhase, total, type FleetJob} from './fleet-job.js';

// The fleet's change engine: what one change does to a job, phase by phase, as Volcano's controller (or the
// job's owner) would move it on.

// One step of the controller's (or a user's) work on the job; always a real change of its document.
export function changeJob(job: FleetJob, now: Date, random: () => number): 'write' | 'delete' {
	if (!job.present) {
		// Submitted again under the same name: a new object.
		job.present = true;
		job.uid = randomUUID();
		job.createdAt = now;
		job.conditions = [];
		job.phase = '';
		job.pods = {};
		job.terminating = 0;
		job.retryCount = 0;
		job.version = 0;
		setPhase(job, 'Pending', now);
		return 'write';
	}

	const all = total(job);
	switch (job.phase) {
		case 'Pending': {
			if (Object.keys(job.pods).length === 0) {
				createPods(job, 'Pending');
			} else {
				movePods(job, 'Pending', 'Running', 1 + Math.floor(random() * 3));
				if (count(job, 'Running') >= all) {
					setPhase(job, 'Running', now);
				}
			}

			return 'write';
		}

		case 'Running': {
			const roll = random();
			if (roll < 0.02) {
				// Cancelled by its owner.
				return 'delete';
			}

			if (roll < 0.1) {
				job.retryCount++;
				job.version++;
				job.terminating = all - count(job, 'Succeeded');
				job.pods = {};
				setPhase(job, 'Restarting', now);
				return 'write';
			}

			movePods(job, 'Running', 'Succeeded', 1 + Math.floor(random() * 2));
			if (count(job, 'Succeeded') >= all) {
				job.version++;
				job.terminating = all;
				job.pods = {};
				setPhase(job, 'Completing', now);
			}

			return 'write';
		}

		case 'Completing': {
			job.version++;
			job.terminating = 0;
			setPhase(job, 'Completed', now);
			return 'write';
		}

		case 'Restarting': {
			job.terminating = 0;
			job.version++;
			if (job.retryCount >= job.maxRetry) {
				job.pods = {[job.tasks.at(-1)!.name]: {Pending: 0, Running: 0, Succeeded: 0, Failed: 1}};
				setPhase(job, 'Failed', now);
			} else {
				createPods(job, 'Pending');
				setPhase(job, 'Pending', now);
			}

			return 'write';
		}

		default: {
			// Completed or Failed: cleaned up (by its owner or a TTL).
			return 'delete';
		}
	}
}
