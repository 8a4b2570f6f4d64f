import {readFileSync} from 'node:fs';
import type {RawObject} from './fixtures.js';

export const clusterFixtureNames = ['podgroup-unschedulable', 'podgroup-running', 'pods', 'events', 'hostile'] as const;

/** A fresh copy of a fixture from test/fixtures/cluster: real-shaped PodGroups, PodLists and EventLists. */
export function loadClusterFixture(name: (typeof clusterFixtureNames)[number]): RawObject {
	return JSON.parse(readFileSync(new URL(`../../fixtures/cluster/${name}.json`, import.meta.url), 'utf8')) as RawObject;
}

export const jobUid = '5d1c0e2a-7f43-4d6b-9a51-3b7f0c2e8a11';
export const earlierUid = '0b7a9f54-3c9e-4d1f-8a2b-6e5d4c3b2a19';
export const podGroupName = `mpi-allreduce-${jobUid}`;
export const podGroupUid = '8f0d3c6e-2b1a-4e5f-9c7d-1a2b3c4d5e6f';
export const gangMessage = '3/3 tasks in gang unschedulable: pod group is not ready, 3 Pending, 3 minAvailable';

/** Values of every shape a broken or hostile server could put where an object or list belongs. */
export const garbage: readonly unknown[] = [undefined, null, 0, 42, -1, Number.NaN, '', 'PodList', true, [], [1, 2], {}, {items: null}, {items: 'x'}, {items: [null, 3, 'pod', [], {}]}];

/** A test title for a garbage value: NaN and undefined named, not turned into "null". */
export function describeValue(value: unknown): string {
	return typeof value === 'number' || value === undefined ? String(value) : JSON.stringify(value);
}
