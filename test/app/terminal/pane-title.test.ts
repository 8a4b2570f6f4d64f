import {describe, expect, it} from 'vitest';
import {followTitle, startPaneTitle} from '../../../source/app/terminal/pane-title.js';
import {jobTitle, namespaceTitle} from '../../../source/app/terminal/title-text.js';

function output() {
	let written = '';
	return {
		stdout: {
			write(chunk: string) {
				written += chunk;
				return true;
			},
		},
		written: () => written,
	};
}

describe('startPaneTitle', () => {
	it('pushes the title, writes each new text once, and pops it last', () => {
		const out = output();
		const title = startPaneTitle(out.stdout, {});
		title.set('vcjob a: Pending 0/2');
		title.set('vcjob a: Pending 0/2');
		title.set('vcjob a: Running 2/2');
		title.restore();
		title.restore();
		title.set('vcjob a: Completed 0/2');
		expect(out.written()).toBe('\u001B[22;2t\u001B]2;vcjob a: Pending 0/2\u001B\\\u001B]2;vcjob a: Running 2/2\u001B\\\u001B[23;2t');
	});

	it("inside tmux, writes the pane's title as it was read back before the pop", () => {
		const out = output();
		const title = startPaneTitle(out.stdout, {TMUX: '/tmp/tmux-1/default,1,0', TMUX_PANE: '%3'}, (env, done) => {
			expect(env['TMUX_PANE']).toBe('%3');
			done('my shell');
		});
		title.set('vcjob a: Running 2/2');
		title.restore();
		expect(out.written()).toBe('\u001B[22;2t\u001B]2;vcjob a: Running 2/2\u001B\\\u001B]2;my shell\u001B\\\u001B[23;2t');
	});

	it('inside tmux, a title that could not be read is left to the pop', () => {
		const out = output();
		const title = startPaneTitle(out.stdout, {TMUX: 'x'}, (_env, done) => done(undefined));
		title.restore();
		expect(out.written()).toBe('\u001B[22;2t\u001B[23;2t');
	});
});

describe('followTitle', () => {
	it("follows the store's state and restores on stop", () => {
		const out = output();
		let state = 'Pending';
		const listeners = new Set<() => void>();
		const store = {
			getState: () => state,
			subscribe(listener: () => void) {
				listeners.add(listener);
				return () => listeners.delete(listener);
			},
		};
		const title = followTitle(store, phase => `vcjob a: ${phase}`, out.stdout, {});
		state = 'Running';
		for (const listener of listeners) listener();
		title.stop();
		expect(listeners.size).toBe(0);
		expect(out.written()).toBe('\u001B[22;2t\u001B]2;vcjob a: Pending\u001B\\\u001B]2;vcjob a: Running\u001B\\\u001B[23;2t');
	});
});

describe('title texts', () => {
	it('says the phase and the running pods over minAvailable', () => {
		expect(jobTitle('a', undefined, false)).toBe('vcjob a');
		expect(jobTitle('a', {phase: 'Running', counters: {pending: 0, running: 3, succeeded: 0, failed: 0, terminating: 0, unknown: 0}, minAvailable: 4}, false)).toBe(
			'vcjob a: Running 3/4',
		);
		expect(jobTitle('a', {phase: '', counters: {pending: 0, running: 0, succeeded: 0, failed: 0, terminating: 0, unknown: 0}}, false)).toBe('vcjob a: new 0/-');
		expect(jobTitle('a', undefined, true)).toBe('vcjob a: not found');
	});

	it("says the namespace's counts by phase", () => {
		expect(namespaceTitle('ns', false, [])).toBe('vcjob ns ns');
		expect(namespaceTitle('ns', true, [])).toBe('vcjob ns ns: no jobs');
		expect(
			namespaceTitle('ns', true, [
				{phase: 'Running', count: 3},
				{phase: 'Pending', count: 1},
				{phase: 'Completed', count: 2},
			]),
		).toBe('vcjob ns ns: 3 Running 1 Pending 2 Completed');
	});
});
