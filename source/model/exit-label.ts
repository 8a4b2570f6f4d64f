// A failure's exit in a few cells, for a table column: `OOMKilled`, `Evicted`, `SIGTERM`, `exit 1`.
import type {FailureRecord} from './failures.js';

// Reasons that say nothing beyond the exit code.
const plainReasons = new Set(['', 'Error', 'Completed']);

// describeExit names a known signal in parentheses ("terminated (SIGTERM)"): the name is all a cell has room for.
const signalName = /\((SIG[A-Z\d]+)\)/;

const maxSignal = 64;

/**
 * What ended the run, shortest first: the kubelet's OOMKilled; the pod's own reason (Evicted, DeadlineExceeded:
 * its containers' exits are only the kill that followed); the signal of an exit code above 128; a reason other
 * than Error; the exit code.
 */
export function exitLabel(record: FailureRecord): string {
	if (record.reason === 'OOMKilled') return 'OOMKilled';
	if (record.podReason) return record.podReason;
	const code = record.exitCode;
	const signal = code !== undefined && code > 128 && code <= 128 + maxSignal ? code - 128 : record.signal;
	if (signal !== undefined && signal > 0 && signal <= maxSignal) {
		return signalName.exec(record.meaning ?? '')?.[1] ?? `signal ${signal}`;
	}

	if (record.reason !== undefined && !plainReasons.has(record.reason)) return record.reason;
	if (code !== undefined) return `exit ${code}`;
	// A restart whose exit the kubelet no longer reports, or a failed pod that says nothing more.
	return record.restartedInPlace ? 'restarted' : 'failed';
}
