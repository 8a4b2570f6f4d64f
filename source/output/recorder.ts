// --record FILE: the lines of a recording (model/recording.ts) from what the watchers saw. Only what changed is
// written: the same resourceVersion seen again (every idle poll, every unchanged pod list) is not a new line.
import {recordingFormat, recordingVersion, type RecordedEntry, type RecordingHeader} from '../model/recording.js';
import {asArray, asRecord} from '../model/wire.js';
import type {RawDetails} from '../watch/details-poller.js';
import type {WatchEvent} from '../watch/job-watcher.js';
import type {LogTap} from '../watch/log-tap.js';
import {createLogRecorder} from './recorder-logs.js';

export type Recorder = {
	/** The job watcher's events: its answers, as the server sent them, and the job's deletion. */
	job(event: WatchEvent): void;
	/** The details loop's answers. */
	details(answer: RawDetails): void;
	/** The pod log answers read: failures' tails and followed logs. */
	log: LogTap;
};

/** What says an object changed: its uid and resourceVersion (its whole text when it has none). */
function versionOf(object: Record<string, unknown>): string {
	const metadata = asRecord(object['metadata']);
	const rv = metadata?.['resourceVersion'];
	return typeof rv === 'string' && rv !== '' ? `${String(metadata?.['uid'] ?? '')}@${rv}` : JSON.stringify(object);
}

/**
 * A list's items' versions: a list's own resourceVersion moves with every write in the cluster, so it says
 * nothing of whether these items changed.
 */
function itemsVersion(list: Record<string, unknown>): string {
	return asArray(list['items'], Number.POSITIVE_INFINITY)
		.map(item => versionOf(asRecord(item) ?? {}))
		.join(' ');
}

export function recordingHeader(target: {readonly namespace: string; readonly name: string}, at: number): RecordingHeader {
	return {format: recordingFormat, version: recordingVersion, namespace: target.namespace, name: target.name, startedAt: new Date(at).toISOString()};
}

/**
 * Writes the header at once, then an entry for each new version. `write` gets whole lines, each with its
 * newline: a file written line by line is cut, if at all, inside its last line only.
 */
export function createRecorder(
	write: (line: string) => void,
	target: {readonly namespace: string; readonly name: string},
	now: () => number = Date.now,
): Recorder {
	const line = (value: RecordingHeader | RecordedEntry) => {
		write(`${JSON.stringify(value)}\n`);
	};

	// The last version written of each thing: the job, the pod list, the PodGroup, each object's events.
	const last = new Map<string, string>();
	const changed = (what: string, version: string) => {
		if (last.get(what) === version) return false;
		last.set(what, version);
		return true;
	};

	// Each pod's uid by the newest pod list: a log read is of that pod.
	let uids = new Map<string, string>();
	line(recordingHeader(target, now()));
	return {
		log: createLogRecorder(line, now, pod => uids.get(pod)),
		job(event) {
			if (event.type === 'job') {
				if (changed('job', versionOf(event.raw))) line({at: event.at, kind: 'job', object: event.raw});
			} else if (event.type === 'not-found' && changed('job', '')) {
				// Not there yet, or deleted: a replay starts without it, or takes it away, at this time.
				line({at: event.at, kind: 'job-gone'});
			}
		},
		details(answer) {
			const at = now();
			switch (answer.part) {
				case 'pods': {
					uids = new Map(
						asArray(answer.raw['items'], Number.POSITIVE_INFINITY).flatMap(item => {
							const metadata = asRecord(asRecord(item)?.['metadata']);
							const [name, uid] = [metadata?.['name'], metadata?.['uid']];
							return typeof name === 'string' && typeof uid === 'string' ? [[name, uid] as const] : [];
						}),
					);
					if (changed('pods', itemsVersion(answer.raw))) line({at, kind: 'pods', object: answer.raw});
					break;
				}

				case 'podGroup': {
					if (!answer.raw) {
						if (changed('podgroup', '')) line({at, kind: 'podgroup-gone'});
					} else if (changed('podgroup', versionOf(answer.raw))) line({at, kind: 'podgroup', object: answer.raw});
					break;
				}

				case 'events': {
					for (const [index, name] of answer.names.entries()) {
						const list = answer.lists[index];
						if (list && changed(`events/${name}`, itemsVersion(list))) line({at, kind: 'events', name, object: list});
					}

					break;
				}
			}
		},
	};
}
