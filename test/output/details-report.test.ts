import {expect, test} from 'vitest';
import {ApiError} from '../../source/api/api-error.js';
import type {EventInfo, PodGroupInfo} from '../../source/model/cluster.js';
import {createDetailsReport, type DetailsRecord} from '../../source/output/details-report.js';
import {keptEvents} from '../../source/model/normalize/normalize-events.js';

const group: PodGroupInfo = {name: 'pg', phase: 'Inqueue', conditions: [], reason: 'NotEnoughResources', message: '3/3 tasks in gang unschedulable'};
const backOff: EventInfo = {key: 'Pod/p/BackOff/x', type: 'Normal', reason: 'BackOff', message: 'x', kind: 'Pod', name: 'p', count: 2, last: 1000};
const failed: EventInfo = {key: 'Pod/p/Failed/y', type: 'Warning', reason: 'Failed', message: 'y', kind: 'Pod', name: 'p', count: 1, last: 900};

function report() {
	const records: DetailsRecord[] = [];
	return {records, feed: createDetailsReport(record => records.push(record))};
}

test('the PodGroup once per phase or message, and again after a reset', () => {
	const {records, feed} = report();
	feed({type: 'details', at: 1, part: 'podGroup', result: {status: 'ok', value: group}});
	feed({type: 'details', at: 2, part: 'podGroup', result: {status: 'ok', value: {...group, conditions: []}}});
	feed({type: 'details', at: 3, part: 'podGroup', result: {status: 'ok', value: {...group, phase: 'Running'}}});
	feed({type: 'details-reset', at: 4});
	feed({type: 'details', at: 5, part: 'podGroup', result: {status: 'ok', value: {...group, phase: 'Running'}}});
	expect(records.map(record => (record.kind === 'podgroup' ? record.podGroup?.phase : record.kind))).toEqual(['Inqueue', 'Running', 'Running']);
});

test('events: each new one oldest first, then only those whose count rose', () => {
	const {records, feed} = report();
	feed({type: 'details', at: 1, part: 'events', result: {status: 'ok', value: [backOff, failed]}});
	feed({type: 'details', at: 2, part: 'events', result: {status: 'ok', value: [backOff, failed]}});
	feed({type: 'details', at: 3, part: 'events', result: {status: 'ok', value: [{...backOff, count: 3}, failed]}});
	expect(records.map(record => (record.kind === 'event' ? `${record.event.reason}×${record.event.count}` : record.kind))).toEqual([
		'Failed×1',
		'BackOff×2',
		'BackOff×3',
	]);
});

test('a failing part is reported once, and again only after it answered in between', () => {
	const {records, feed} = report();
	const error = new ApiError({category: 'forbidden', summary: '403 Forbidden: pods is forbidden', status: 403});
	const refused = {status: 'refused', error, retryAt: 0} as const;
	feed({type: 'details', at: 1, part: 'pods', result: refused});
	feed({type: 'details', at: 2, part: 'pods', result: refused});
	feed({type: 'details', at: 3, part: 'pods', result: {status: 'ok', value: []}});
	feed({type: 'details', at: 4, part: 'pods', result: refused});
	expect(records.map(record => `${record.kind}@${record.at}`)).toEqual(['error@1', 'error@4']);
});

const eventLines = (records: DetailsRecord[]) => records.map(record => (record.kind === 'event' ? `${record.event.reason}×${record.event.count}@${record.at}` : record.kind));
const pulled: EventInfo = {key: 'Job/j/Pulled/z', type: 'Normal', reason: 'Pulled', message: 'z', kind: 'Job', name: 'j', count: 1, last: 1100};

test('events of a pod in trouble again (its events back in the answers) are not reported again; a repeat is', () => {
	const {records, feed} = report();
	feed({type: 'details', at: 1, part: 'events', result: {status: 'ok', value: [backOff, failed]}});
	// The pod recovered: no longer asked about, its events not in the answer.
	feed({type: 'details', at: 2, part: 'events', result: {status: 'ok', value: [pulled]}});
	// In trouble again: its events come back, one of them happened again.
	feed({type: 'details', at: 3, part: 'events', result: {status: 'ok', value: [pulled, {...backOff, count: 3, last: 1200}, failed]}});
	expect(eventLines(records)).toEqual(['Failed×1@1', 'BackOff×2@1', 'Pulled×1@2', 'BackOff×3@3']);
});

test('after a reset (another object) every event is new again', () => {
	const {records, feed} = report();
	feed({type: 'details', at: 1, part: 'events', result: {status: 'ok', value: [backOff]}});
	feed({type: 'details-reset', at: 2});
	feed({type: 'details', at: 3, part: 'events', result: {status: 'ok', value: [backOff]}});
	expect(eventLines(records)).toEqual(['BackOff×2@1', 'BackOff×2@3']);
});

test(`an event older than the ${keptEvents} kept is not reported at every answer that holds it`, () => {
	const {records, feed} = report();
	const newer = Array.from({length: keptEvents}, (_, index): EventInfo => ({...failed, key: `k${index}`, reason: `R${index}`, last: 2000 + index})).reverse();
	feed({type: 'details', at: 1, part: 'events', result: {status: 'ok', value: newer}});
	feed({type: 'details', at: 2, part: 'events', result: {status: 'ok', value: [backOff]}});
	feed({type: 'details', at: 3, part: 'events', result: {status: 'ok', value: [backOff]}});
	expect(records).toHaveLength(keptEvents);
	expect(records.every(record => record.at === 1)).toBe(true);
});
