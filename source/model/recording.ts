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
	| {readonly at: number; readonly kind: 'events'; readonly name: string; readonly object: UnknownRecord}
	| RecordedLog;

/**
 * One answer of a pod's log the program read: a tail (a failure's evidence), or what came of a followed log (the
 * log view), whole lines each time. The bytes as received, not sanitised: that happens when they are shown.
 */
export type RecordedLog = {
	readonly at: number;
	readonly kind: 'log';
	readonly pod: string;
	/** The pod's uid by the newest pod list then: a pod re-created under its name has another log. */
	readonly uid?: string;
	readonly container: string;
	readonly previous: boolean;
	/** The query as asked (absent: not in it). */
	readonly tailLines?: number;
	readonly limitBytes?: number;
	readonly timestamps?: true;
	/** Part of a followed log: which stream (counted from 1), so that a stream reopened is told from the one before. */
	readonly stream?: number;
	/** UTF-8, or base64 when the bytes are not well-formed UTF-8 (`base64`). */
	readonly text: string;
	readonly base64?: true;
};

export type Recording = {
	readonly header: RecordingHeader;
	/** In the order written (which is the order seen). */
	readonly entries: readonly RecordedEntry[];
	/** The file ended inside a line (no newline, or not JSON): what came before it is kept. */
	readonly cut: boolean;
};

export type RecordingProblem = {readonly problem: string};

const objectKinds = new Set(['job', 'pods', 'podgroup', 'events']);

/** Bytes as a log entry's text: UTF-8 when they are, else base64, so that nothing is changed on the way. */
export function logText(bytes: Uint8Array): {readonly text: string; readonly base64?: true} {
	try {
		return {text: strictUtf8.decode(bytes)};
	} catch {
		return {text: Buffer.from(bytes).toString('base64'), base64: true};
	}
}

/** A log entry's bytes, as received. */
export function logBytes(entry: Pick<RecordedLog, 'text' | 'base64'>): Buffer {
	return Buffer.from(entry.text, entry.base64 ? 'base64' : 'utf8');
}

const strictUtf8 = new TextDecoder('utf-8', {fatal: true, ignoreBOM: true});

function logEntryOf(at: number, entry: UnknownRecord): RecordedLog | undefined {
	const {pod, uid, container, previous, tailLines, limitBytes, timestamps, stream, text, base64} = entry;
	if (typeof pod !== 'string' || typeof container !== 'string' || typeof text !== 'string') return undefined;
	const count = (value: unknown) => (typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined);
	const numbers = {tailLines: count(tailLines), limitBytes: count(limitBytes), stream: count(stream)};
	return {
		at,
		kind: 'log',
		pod,
		...(typeof uid === 'string' ? {uid} : {}),
		container,
		previous: previous === true,
		...Object.fromEntries(Object.entries(numbers).filter(([, value]) => value !== undefined)),
		...(timestamps === true ? {timestamps} : {}),
		text,
		...(base64 === true ? {base64} : {}),
	};
}

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
	if (kind === 'log') return logEntryOf(at, entry);
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
