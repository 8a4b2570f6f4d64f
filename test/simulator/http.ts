import {afterEach} from 'vitest';
import {startSimulator, type Simulator, type SimulatorOptions} from '../../source/simulator/server.js';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export type JsonResponse = {readonly status: number; readonly body: Json; readonly response: Response};

/** One request to the simulator, its body read as JSON (errors too: the simulator answers every one with a Status). */
export async function getJson(url: string | URL, init?: RequestInit): Promise<JsonResponse> {
	const response = await fetch(url, init);
	return {status: response.status, body: (await response.json()) as Json, response};
}

/**
 * Starts simulators with these defaults and closes every one after each test; `closeClients` runs first, for
 * what a file keeps open against them (streams), so no close waits on a connection still in use.
 */
export function simulatorsFor(defaults: SimulatorOptions, closeClients?: () => void): (options?: SimulatorOptions) => Promise<Simulator> {
	const open: Simulator[] = [];
	afterEach(async () => {
		closeClients?.();
		await Promise.all(open.splice(0).map(async simulator => simulator.close()));
	});
	return async options => {
		const simulator = await startSimulator({...defaults, ...options});
		open.push(simulator);
		return simulator;
	};
}
