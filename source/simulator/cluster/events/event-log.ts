import {randomUUID} from 'node:crypto';
import type {ClusterState} from '../cluster-state.js';
import {eventKey, occurrences, type Emission, type EventRecord} from './event-record.js';
import {repetitions} from './repetitions.js';

// The cluster's Events, one per report (client-go's correlator): a report made again raises its count, a
// repetition counts up with time and is settled, its count kept, once the state that made it has ended.

function record(state: ClusterState, emission: Emission, at: number): EventRecord {
	const key = eventKey(emission);
	let entry = state.events.get(key);
	if (!entry) {
		entry = {
			...emission,
			name: `${emission.ref.name}.${(BigInt(Math.round(at)) * 1_000_000n + BigInt(state.eventSequence++ % 1_000_000)).toString(16)}`,
			uid: randomUUID(),
			involvedVersion: emission.ref.resourceVersion ?? state.versions.get(emission.ref.uid)?.version,
			count: 0,
		};
		state.events.set(key, entry);
	}

	return entry;
}

function settle(entry: EventRecord, at: number): void {
	if (!entry.repeat) return;
	const seen = occurrences(entry.repeat, at);
	if (seen > 0) {
		entry.first ??= entry.repeat.start;
		entry.last = entry.repeat.start + (seen - 1) * entry.repeat.every;
		entry.count += seen;
	}

	delete entry.repeat;
}

/** A step's reports, once its objects are stored: repetitions that ended are settled, the step's counted, new ones started. */
export function recordEvents(state: ClusterState, emissions: readonly Emission[], at: number): void {
	const wanted = new Map(repetitions(state, at).map(repetition => [eventKey(repetition), repetition]));
	for (const [key, entry] of state.events) {
		if (entry.repeat && !wanted.has(key)) settle(entry, at);
	}

	for (const emission of emissions) {
		const entry = record(state, emission, at);
		entry.first ??= at;
		entry.last = at;
		entry.count++;
	}

	for (const repetition of wanted.values()) {
		const entry = record(state, repetition, at);
		entry.repeat ??= {start: repetition.start, every: repetition.every};
	}
}
