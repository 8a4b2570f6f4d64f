// What the job writers' tests feed them: one job at a fixed time, as the watcher would report it.
import {diffJob} from '../../source/model/diff-job.js';
import type {Job} from '../../source/model/job.js';
import {normalizeJob} from '../../source/model/normalize/normalize-job.js';
import type {WatchEvent} from '../../source/watch/job-watcher.js';
import type {RawObject} from '../helpers/objects/fixtures.js';

export const target = {namespace: 'team-a', name: 'mpi'};
export const at = Date.parse('2026-11-27T05:08:44.123Z');

export function rawJob(resourceVersion: string, status: RawObject, uid = 'uid-1'): RawObject {
	return {metadata: {name: 'mpi', namespace: 'team-a', uid, resourceVersion}, spec: {maxRetry: 3}, status};
}

export const job = (raw: RawObject): Job => normalizeJob(raw, target);

export function jobEvent(raw: RawObject, previous?: Job, rvChanged = true): WatchEvent {
	const next = job(raw);
	return {type: 'job', at, raw, job: next, ...(previous ? {previous} : {}), changes: previous ? diffJob(previous, next) : [], rvChanged};
}

export const pending = rawJob('10', {state: {phase: 'Pending'}, pending: 3});
export const running = rawJob('11', {state: {phase: 'Running'}, running: 3});
