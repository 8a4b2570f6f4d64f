import {setImmediate as tick} from 'node:timers/promises';
import {expect} from 'vitest';
import type {Sleep} from '../../../source/common/sleep.js';

/** The events of one type, typed as such. */
export function ofType<E extends {type: string}, T extends E['type']>(events: readonly E[], type: T): Array<Extract<E, {type: T}>> {
	return events.filter((event): event is Extract<E, {type: T}> => event.type === type);
}

/** Turns of the event loop until `condition` holds; fails naming `what` after `turns` of them. */
export async function until(condition: () => boolean, what = 'the condition', turns = 1000): Promise<void> {
	for (let index = 0; index < turns && !condition(); index++) {
		await tick();
	}

	expect(condition(), `waited ${turns} turns of the event loop for ${what}`).toBe(true);
}

/** A sleep whose time passes at once; `record` hears each wait first. Like the real one, it throws once stopped. */
export function instantSleep(record: (ms: number) => void = () => {}): Sleep {
	return async (ms, stop) => {
		record(ms);
		if (stop.aborted) throw stop.reason;
	};
}

export type ManualSleep = {
	readonly sleep: Sleep;
	/** How long the current sleep asked for; undefined when nothing sleeps. */
	readonly sleeping: () => number | undefined;
	/** Ends the current sleep as if its time had passed; false when nothing sleeps. */
	end(): boolean;
};

/** A sleep whose time never passes: it ends by its wake signal, by end(), or (rejecting) by its stop signal. */
export function manualSleep(record: (ms: number) => void = () => {}): ManualSleep {
	let asleep: {ms: number; resolve: () => void} | undefined;
	const sleep: Sleep = async (ms, stop, wake) =>
		new Promise<void>((resolve, reject) => {
			record(ms);
			if (stop.aborted) {
				reject(stop.reason as Error);
				return;
			}

			const done = () => {
				asleep = undefined;
				resolve();
			};

			asleep = {ms, resolve: done};
			stop.addEventListener('abort', () => reject(stop.reason as Error), {once: true});
			if (wake?.aborted) done();
			else wake?.addEventListener('abort', done, {once: true});
		});
	return {
		sleep,
		sleeping: () => asleep?.ms,
		end() {
			const current = asleep;
			current?.resolve();
			return current !== undefined;
		},
	};
}
