// A recording (--record FILE, `vcjob-watch replay FILE`): NDJSON, a first line that says what the file is, then
// one line for each version of the job, its pods, PodGroup and events the program saw, with when it saw them.
// Read here, pure, by the program and by the simulator that serves it again.
import {asRecord, type UnknownRecord} from './wire.js';

export const recordingFormat = 'vcjob-watch-recording';
export const recordingVersion = 1;

/** The first line. */
export type RecordingHeader = {
	readonly format: typeof recordingFormat;
	readonly version: typeof recordingVersion;
	readonly namespace: string;
	readonly name: string;
	/** When the recording began (RFC 3339). */
	readonly startedAt: string;
};

/**
 * One line after the first. `at` is when the program saw it (ms since the epoch); `object` is the answer as the
 * server sent it: the job, the pod list, the PodGroup, or the event list of one involved object (`name`).
 */
export type RecordedEntry =
	| {readonly at: number; readonly kind: 'job'; readonly object: UnknownRecord}
	/** The job is not there: not created yet, or deleted (a 404, an empty list, a DELETED event). */
	| {readonly at: number; readonly kind: 'job-gone'}
	| {readonly at: number; readonly kind: 'pods'; readonly object: UnknownRecord}
	| {readonly at: number; readonly kind: 'podgroup'; readonly object: UnknownRecord}
	/** No PodGroup under any name Volcano uses (not created yet, or deleted with a restarted job's pods). */
	| {readonly at: number; readonly kind: 'podgroup-gone'}
	| {readonly at: number; readonly kind: 'events'; readonly name: string; readonly object: UnknownRecord};

export type Recording = {
	readonly header: RecordingHeader;
	/** In the order written (which is the order seen). */
	readonly entries: readonly RecordedEntry[];
	/** The file ended inside a line (no newline, or not JSON): what came before it is kept. */
	readonly cut: boolean;
};

export type RecordingProblem = {readonly problem: string};

const objectKinds = new Set(['job', 'pods', 'podgroup', 'events']);

function headerOf(line: string): RecordingHeader | undefined {
	let value: unknown;
	try {
		value = JSON.parse(line);
	} catch {
		return undefined;
	}

	const header = asRecord(value);
	if (!header || header['format'] !== recordingFormat) return undefined;
	const {namespace, name, startedAt, version} = header;
	if (version !== recordingVersion || typeof namespace !== 'string' || typeof name !== 'string' || namespace === '' || name === '') return undefined;
	return {format: recordingFormat, version: recordingVersion, namespace, name, startedAt: typeof startedAt === 'string' ? startedAt : ''};
}

function entryOf(line: string): RecordedEntry | undefined {
	let value: unknown;
	try {
		value = JSON.parse(line);
	} catch {
		return undefined;
	}

	const entry = asRecord(value);
	const at = entry?.['at'];
	const kind = entry?.['kind'];
	if (!entry || typeof at !== 'number' || !Number.isFinite(at) || typeof kind !== 'string') return undefined;
	if (kind === 'job-gone' || kind === 'podgroup-gone') return {at, kind};
	const object = asRecord(entry['object']);
	if (!object || !objectKinds.has(kind)) return undefined;
	if (kind === 'events') {
		const name = entry['name'];
		return typeof name === 'string' ? {at, kind, name, object} : undefined;
	}

	return {at, kind: kind as 'job' | 'pods' | 'podgroup', object};
}

/**
 * A recording's text as header and entries. A file whose first line is not a recording's header is no
 * recording; a line that is not an entry ends it (a write cut short by a kill), and so does a last line
 * without its newline.
 */
export function parseRecording(text: string): Recording | RecordingProblem {
	const lines = text.split('\n');
	// The text after the last newline: empty for a file that ends as written, a piece of a line otherwise.
	const tail = lines.pop() ?? '';
	const header = lines.length > 0 ? headerOf(lines[0]!) : undefined;
	if (!header) {
		return {problem: `not a recording of vcjob-watch (its first line names the format ${recordingFormat}, version ${recordingVersion})`};
	}

	const entries: RecordedEntry[] = [];
	let cut = tail !== '';
	for (const line of lines.slice(1)) {
		if (line === '') continue;
		const entry = entryOf(line);
		if (!entry) {
			cut = true;
			break;
		}

		entries.push(entry);
	}

	return {header, entries, cut};
}
