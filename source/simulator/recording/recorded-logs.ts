import type {ServerResponse} from 'node:http';
import {logBytes, type RecordedLog} from '../../model/recording.js';
import type {ObjectStore} from '../apiserver/object-store.js';
import {rfc3339Nano} from '../cluster/pods/pod-log.js';
import {statusBody} from '../faults.js';
import {followEvery, limitedWriter, parseLogQuery, type LogQuery, type PodLogExchange} from '../pod-log-api.js';

// The pod logs of a recording (`vcjob-watch replay`), served at /api/v1/namespaces/NS/pods/NAME/log: the answers
// the program read, each from its recorded time. A tail asked again with the same query gets the same bytes; any
// other query gets the lines known then, with tailLines, sinceTime, timestamps and limitBytes applied; a follow
// gets them, then the followed lines as they fall due, and stays open until the pod is gone.

type Line = {
	/** Without its newline. */
	readonly bytes: Buffer;
	/** The kubelet's timestamp (RFC3339Nano), from a followed log or the tail's recorded time. */
	readonly time: string;
};

type Known = {
	/** Tails read (not followed), in the recording's order. */
	readonly tails: RecordedLog[];
	/** The followed lines, each stream's new lines appended: never changed in place. */
	readonly lines: Line[];
	stream?: number;
};

export type RecordedLogs = {
	/** An answer fallen due. */
	add(entry: RecordedLog): void;
	serve(exchange: PodLogExchange): void;
	close(): void;
};

const stampPrefix = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d)) /;

/** A timestamp as nanoseconds since the epoch, to compare two. */
function nanos(time: string): bigint {
	const parts = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(time);
	const ms = parts ? Date.parse(`${parts[1]!}${parts[3]!}`) : Number.NaN;
	return Number.isNaN(ms) ? 0n : BigInt(ms) * 1_000_000n + BigInt((parts![2] ?? '').padEnd(9, '0'));
}

/** An answer's lines; `stamped`: each starts with the kubelet's timestamp. Text after the last newline is a line too. */
function splitLines(entry: RecordedLog, stamped: boolean): Line[] {
	const body = logBytes(entry);
	const pieces: Buffer[] = [];
	let start = 0;
	for (let newline = body.indexOf(0x0a); newline !== -1; newline = body.indexOf(0x0a, start)) {
		pieces.push(body.subarray(start, newline));
		start = newline + 1;
	}

	if (start < body.length) pieces.push(body.subarray(start));
	const time = rfc3339Nano(entry.at);
	return pieces.map(bytes => {
		const stamp = stamped ? stampPrefix.exec(bytes.subarray(0, 40).toString('latin1')) : null;
		return stamp ? {bytes: bytes.subarray(stamp[0].length), time: stamp[1]!} : {bytes, time};
	});
}

export function createRecordedLogs(options: {
	readonly namespace: string;
	readonly pods: ObjectStore;
	/** Every log answer of the recording: a tail asked before its recorded time is answered with the first. */
	readonly all: readonly RecordedLog[];
}): RecordedLogs {
	const {namespace, pods} = options;
	const known = new Map<string, Known>();
	const open = new Set<ServerResponse>();
	const keyOf = (pod: string, container: string, previous: boolean) => JSON.stringify([pod, container, previous]);
	const knownOf = (key: string): Known => {
		let entry = known.get(key);
		if (!entry) {
			entry = {tails: [], lines: []};
			known.set(key, entry);
		}

		return entry;
	};

	function add(entry: RecordedLog): void {
		const log = knownOf(keyOf(entry.pod, entry.container, entry.previous));
		if (entry.stream === undefined) {
			log.tails.push(entry);
			return;
		}

		let lines = splitLines(entry, entry.timestamps === true);
		if (entry.stream !== log.stream) {
			// A stream reopened (or the log view opened again) starts with lines already known: from its timestamp on.
			log.stream = entry.stream;
			const last = log.lines.at(-1);
			if (last) {
				const from = nanos(last.time);
				let again = log.lines.filter(line => line.time === last.time).length;
				let past = false;
				lines = lines.filter(line => {
					if (past) return true;
					const at = nanos(line.time);
					if (at < from) return false;
					if (at === from && again > 0) {
						again--;
						return false;
					}

					past = true;
					return true;
				});
			}
		}

		log.lines.push(...lines);
	}

	/** The pod's uid as served now; undefined when it is not there. */
	const uidNow = (pod: string) => pods.get(namespace, pod)?.uid;

	/** The tail that answers this query: the same query's latest fallen due, else its first in the recording. */
	function recordedTail(pod: string, query: LogQuery): RecordedLog | undefined {
		const uid = uidNow(pod);
		const fits = (entry: RecordedLog) =>
			entry.stream === undefined &&
			entry.pod === pod &&
			entry.container === query.container &&
			entry.previous === query.previous &&
			entry.tailLines === query.tailLines &&
			entry.limitBytes === query.limitBytes &&
			(entry.uid === undefined || uid === undefined || entry.uid === uid);
		const due = known.get(keyOf(pod, query.container, query.previous))?.tails.filter(fits) ?? [];
		return due.at(-1) ?? options.all.find(fits);
	}

	/** The lines known now: the followed ones, else the latest tail's. */
	function linesNow(pod: string, query: LogQuery): Line[] | undefined {
		const log = known.get(keyOf(pod, query.container, query.previous));
		if (log && log.lines.length > 0) return log.lines;
		const tail = log?.tails.at(-1) ?? options.all.find(entry => entry.pod === pod && entry.container === query.container && entry.previous === query.previous);
		return tail ? splitLines(tail, false) : undefined;
	}

	function serve(exchange: PodLogExchange): void {
		const {name, response} = exchange;
		// The same parsing and the same 400 and 422 as the live simulator's logs.
		const query = parseLogQuery(name, exchange.query);
		if ('status' in query) {
			exchange.sendJson(query);
			return;
		}

		const present = exchange.namespace === namespace && uidNow(name) !== undefined;
		const tail = exchange.namespace === namespace && !query.follow && !query.timestamps && query.sinceTime === undefined ? recordedTail(name, query) : undefined;
		const lines = tail || exchange.namespace !== namespace ? undefined : linesNow(name, query);
		if (!tail && !lines && !(query.follow && present)) {
			// Not in the recording: the log of a pod the program never read, as of one that is gone.
			exchange.sendJson({status: 404, body: statusBody(404, {message: `pods "${name}" not found`, details: {name, kind: 'pods'}})});
			return;
		}

		exchange.onStatus(200);
		response.writeHead(200, {'Content-Type': 'text/plain'});
		if (tail) {
			response.end(logBytes(tail));
			return;
		}

		const send = limitedWriter(response, query.limitBytes);
		const write = (some: readonly Line[]): boolean =>
			send(Buffer.concat(some.flatMap(line => [...(query.timestamps ? [Buffer.from(`${line.time} `)] : []), line.bytes, Buffer.from('\n')])));

		const since = query.sinceTime === undefined ? undefined : BigInt(query.sinceTime) * 1_000_000n;
		let first = (lines ?? []).filter(line => since === undefined || nanos(line.time) >= since);
		if (query.tailLines !== undefined) first = query.tailLines === 0 ? [] : first.slice(-query.tailLines);
		const more = write(first);
		if (!more || !query.follow || !present) {
			response.end();
			return;
		}

		// The followed lines that fall due from now on; a tail's lines were all there was of this log.
		const followed = knownOf(keyOf(name, query.container, query.previous)).lines;
		let sent = lines === followed ? followed.length : 0;
		const uid = uidNow(name);
		open.add(response);
		response.on('close', () => open.delete(response));
		followEvery(response, () => {
			const fresh = followed.slice(sent);
			sent = followed.length;
			return write(fresh) && uidNow(name) === uid;
		});
	}

	return {
		add,
		serve,
		close() {
			for (const response of open) response.destroy();
		},
	};
}
