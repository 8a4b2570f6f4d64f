import type {Wanted} from '../../watch/details-poller.js';
import type {JobViewState} from '../../state/job-view.js';
import {planLayout, type Layout, type SectionName, type SectionNeed} from './layout.js';
import {failuresWant} from './failures/failures-panel.js';
import {groupBySteps} from './panels/recent-changes.js';
import {cellWidth} from '../kit/text-width.js';

/** What fills the screen below the header: the main view, one panel full-screen, a pod's log, or the help. */
export type View = 'main' | 'events' | 'pods' | 'podGroup' | 'timeline' | 'failures' | 'log' | 'help';

export type ScreenPlan = {
	readonly layout: Layout;
	/** Sections in the order they appear on screen, with the lines each gets (0: hidden). */
	readonly order: readonly SectionName[];
	/** Which details the screen shows: only those are fetched. */
	readonly wanted: Wanted;
};

// Top to bottom: why it failed and scheduling's explanation under the phase, then what the job is made of, then history.
const screenOrder: readonly SectionName[] = ['failures', 'podGroup', 'tasks', 'pods', 'events', 'timeline', 'policies', 'recent'];

// What gets lines first depends on what a person asks in that phase: "why is it Pending?", "are the pods
// healthy?", "how did it end?". Once a run has failed, "why did it fail?" comes first in every phase.
const priorities: Readonly<Record<'waiting' | 'running' | 'other', readonly SectionName[]>> = {
	waiting: ['podGroup', 'events', 'pods', 'tasks', 'timeline', 'recent', 'policies'],
	running: ['tasks', 'pods', 'events', 'podGroup', 'recent', 'timeline', 'policies'],
	other: ['tasks', 'timeline', 'pods', 'events', 'recent', 'podGroup', 'policies'],
};

function countOf<T>(view: {readonly status: string; readonly value?: readonly T[]}): number | undefined {
	return 'value' in view && view.value ? view.value.length : undefined;
}

/** Lines and wanted details for a frame: pure, shared by the screen (to draw) and the app (to fetch). */
export function planScreen(state: JobViewState, input: {readonly columns: number; readonly rows: number; readonly details: boolean}): ScreenPlan {
	const {job, details} = state;
	const policies = job ? job.policies.length + job.tasks.reduce((sum, task) => sum + task.policies.length, 0) : 0;
	const tasks = job?.tasks.length ?? 0;
	const pods = countOf(details.pods as {status: string; value?: readonly unknown[]});
	const events = countOf(details.events as {status: string; value?: readonly unknown[]});
	const group = details.podGroup.status === 'ok' || details.podGroup.status === 'error' ? details.podGroup.value : undefined;
	const kind = job?.phaseKind === 'waiting' ? 'waiting' : job?.phaseKind === 'running' ? 'running' : 'other';
	// The PodGroup's message is the answer while Pending: up to three lines then, one otherwise.
	const groupText = group ? `PodGroup ${group.phase}  ${group.reason ?? ''}: ${group.message ?? ''}` : '';
	const groupLines = Math.min(kind === 'waiting' ? 3 : 1, Math.max(1, Math.ceil(cellWidth(groupText) / Math.max(1, input.columns))));
	const needs: Record<SectionName, SectionNeed> = {
		// The latest failure's head, its message and the end of its log before the other sections get theirs;
		// a summary line when no more fits.
		failures: {name: 'failures', want: failuresWant(state.failures), overhead: 0, first: 5, least: 1},
		podGroup: {name: 'podGroup', want: groupLines, overhead: 0},
		tasks: {name: 'tasks', want: tasks, overhead: tasks === 0 ? 0 : 2},
		pods: {name: 'pods', want: pods || 1, overhead: pods ? 2 : 0},
		events: {name: 'events', want: events || 1, overhead: events ? 1 : 0},
		timeline: {name: 'timeline', want: 1, overhead: 0},
		policies: {name: 'policies', want: policies, overhead: policies === 0 ? 0 : 2},
		recent: {name: 'recent', want: Math.max(1, groupBySteps(state.recent).length), overhead: 1},
	};
	const detailSections = new Set<SectionName>(['podGroup', 'pods', 'events']);
	const order: readonly SectionName[] = state.failures.length > 0 ? ['failures', ...priorities[kind]] : priorities[kind];
	const sections = order.filter(name => job !== undefined && (input.details || !detailSections.has(name))).map(name => needs[name]);
	const layout = planLayout({rows: input.rows, columns: input.columns, sections});
	return {
		layout,
		order: screenOrder,
		// Failure records come from the pods: while they are on screen, the pods are read for more.
		wanted: {podGroup: layout.rows.podGroup > 0, pods: layout.rows.pods > 0 || layout.rows.failures > 0, events: layout.rows.events > 0},
	};
}

/** The details a view needs: the main view's visible panels, or the one opened full-screen. */
export function wantedFor(view: View, plan: ScreenPlan, details: boolean): Wanted {
	if (!details) return {podGroup: false, pods: false, events: false};
	switch (view) {
		case 'events': {
			return {podGroup: false, pods: false, events: true};
		}

		case 'pods':
		case 'failures':
		case 'log': {
			return {podGroup: false, pods: true, events: false};
		}

		case 'podGroup': {
			return {podGroup: true, pods: false, events: false};
		}

		case 'timeline':
		case 'help': {
			return {podGroup: false, pods: false, events: false};
		}

		default: {
			return plan.wanted;
		}
	}
}
