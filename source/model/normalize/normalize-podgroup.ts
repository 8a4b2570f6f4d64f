import type {PodGroupCondition, PodGroupInfo} from '../cluster.js';
import {sanitize, sanitizeOptional} from '../../common/sanitize.js';
import {asArray, asRecord, optionalCount} from '../wire.js';

const maxConditions = 5;

/**
 * A PodGroup (scheduling.volcano.sh/v1beta1) as the view shows it. Its Unschedulable condition carries the
 * scheduler's explanation ("3/3 tasks in gang unschedulable: pod group is not ready, 3 minAvailable").
 */
export function normalizePodGroup(value: unknown, fallbackName: string): PodGroupInfo {
	const raw = asRecord(value) ?? {};
	const metadata = asRecord(raw['metadata']) ?? {};
	const spec = asRecord(raw['spec']) ?? {};
	const status = asRecord(raw['status']) ?? {};
	const conditions: PodGroupCondition[] = [];
	for (const entry of asArray(status['conditions'])) {
		const condition = asRecord(entry);
		const type = sanitizeOptional(condition?.['type'], 64);
		if (!condition || type === undefined) continue;
		const reason = sanitizeOptional(condition['reason'], 64);
		const message = sanitizeOptional(condition['message'], 400);
		const at = sanitizeOptional(condition['lastTransitionTime'], 64);
		conditions.push({
			type,
			status: sanitizeOptional(condition['status'], 16) ?? '',
			...(reason === undefined ? {} : {reason}),
			...(message === undefined ? {} : {message}),
			...(at === undefined ? {} : {at}),
		});
	}

	// Volcano keeps one condition per type and rewrites it; order by time so "latest" means latest.
	conditions.sort((a, b) => (Date.parse(a.at ?? '') || 0) - (Date.parse(b.at ?? '') || 0));
	const active = conditions.filter(condition => condition.status !== 'False');
	// The scheduler never sets Unschedulable to False: once the gang fits it writes a newer Scheduled beside
	// it, and the old message would go on explaining a PodGroup that is no longer waiting.
	const unschedulable = active.findLastIndex(condition => condition.type === 'Unschedulable');
	const superseded = active.slice(unschedulable + 1).some(condition => condition.type === 'Scheduled');
	const telling = (unschedulable >= 0 && !superseded ? active[unschedulable] : undefined) ?? active.at(-1) ?? conditions.at(-1);
	const uid = sanitizeOptional(metadata['uid'], 64);
	const minMember = optionalCount(spec['minMember']);
	const queue = sanitizeOptional(spec['queue'], 64);
	return {
		name: sanitizeOptional(metadata['name'], 253) ?? sanitize(fallbackName, 253),
		...(uid === undefined ? {} : {uid}),
		phase: sanitizeOptional(status['phase'], 32) ?? '',
		...(minMember === undefined ? {} : {minMember}),
		...(queue === undefined ? {} : {queue}),
		conditions: conditions.slice(-maxConditions),
		...(telling?.reason === undefined ? {} : {reason: telling.reason}),
		...(telling?.message === undefined ? {} : {message: telling.message}),
	};
}
