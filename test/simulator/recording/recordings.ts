import {afterEach} from 'vitest';
import type {RecordedEntry, Recording} from '../../../source/model/recording.js';
import {startSimulator} from '../../../source/simulator/server.js';
import type {Simulator} from '../../../source/simulator/simulator-types.js';

// What the replay tests share: a recording of job `mpi` in `team-a` made of the entries given, and simulators
// serving one, closed after each test.

export const namespace = 'team-a';
export const t0 = Date.parse('2026-11-27T05:00:00Z');

export function recording(entries: RecordedEntry[]): Recording {
	return {header: {format: 'vcjob-watch-recording', version: 1, namespace, name: 'mpi', startedAt: new Date(t0).toISOString()}, entries, cut: false};
}

/** Starts a simulator replaying `entries` at `speed`; each is closed after its test. */
export function replaysFor(): (entries: RecordedEntry[], speed: number) => Promise<Simulator> {
	const open: Simulator[] = [];
	afterEach(async () => {
		await Promise.all(open.splice(0).map(async simulator => simulator.close()));
	});
	return async (entries, speed) => {
		const simulator = await startSimulator({recording: recording(entries), speed});
		open.push(simulator);
		return simulator;
	};
}
