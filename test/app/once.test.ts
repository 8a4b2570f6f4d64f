import {describe, expect, test} from 'vitest';
import {noCredentials} from '../../source/api/credentials.js';
import {createJobDriver} from '../../source/app/job/driver.js';
import {createNamespaceDriver} from '../../source/app/namespace/driver.js';
import {runOnce} from '../../source/app/once.js';
import type {Outcome} from '../../source/app/view-driver.js';
import type {ListOutcome} from '../../source/watch/namespace-watcher.js';
import type {PollOutcome} from '../../source/watch/job-watcher.js';
import {apiError, fakeDriver, fakeIo, fakeSession, type Script} from './fakes.js';

// The real drivers, for their exit codes, labels and failure fields; nothing here makes a request.
const loops = {
	mode: 'auto',
	watchIdleMs: 120_000,
	intervalMs: 2000,
	maxWaitMs: 30_000,
	recheckMs: 30_000,
	details: true,
	detailsIntervalMs: 10_000,
	logLines: 20,
	timeoutMs: 1000,
	highlightMs: 4000,
	exitOnFinish: false,
} as const;
const client = {server: 'http://127.0.0.1:9', timeoutMs: 1000, credentials: noCredentials};
const job = createJobDriver(loops, client, {namespace: 'team-a', name: 'mpi-demo'});
const jobExitOnFinish = createJobDriver({...loops, exitOnFinish: true}, client, {namespace: 'team-a', name: 'mpi-demo'});
const namespace = createNamespaceDriver(loops, client, 'team-a');

const asJob = (driver: typeof job): Script => ({
	label: driver.label,
	failureFields: driver.failureFields,
	exitCode: outcome => driver.exitCode(outcome as PollOutcome),
});
const asNamespace: Script = {
	label: namespace.label,
	failureFields: namespace.failureFields,
	exitCode: outcome => namespace.exitCode(outcome as ListOutcome),
};

const found = (phase: string): Outcome => ({kind: 'job', response: {raw: {status: {state: {phase}}}, bytes: 100}}) as Outcome;

async function once(script: Script, output: 'json' | 'text' | 'tui' = 'json', columns?: number) {
	const io = fakeIo({columns});
	const driver = fakeDriver(script);
	const code = await runOnce(driver, {output, color: false}, io, fakeSession());
	return {code, io, driver, lines: io.out().split('\n').filter(Boolean)};
}

describe('--once: the exit code says how the look ended', () => {
	test.each([
		['a job found', asJob(job), found('Running'), 0],
		['a job found Failed, without --exit-on-finish', asJob(job), found('Failed'), 0],
		['a job found Failed, with --exit-on-finish', asJob(jobExitOnFinish), found('Failed'), 1],
		['a job found Completed, with --exit-on-finish', asJob(jobExitOnFinish), found('Completed'), 0],
		['a job not found', asJob(job), {kind: 'not-found', error: apiError('not-found', '404 NotFound')}, 4],
		['a job refused (401, 403, other 4xx)', asJob(job), {kind: 'refused', error: apiError('forbidden', '403 Forbidden')}, 3],
		['a job that kept failing', asJob(job), {kind: 'gave-up', error: apiError('server', '503 Service Unavailable')}, 5],
		['a namespace listed (empty or not)', asNamespace, {kind: 'listed', list: {items: []}} as Outcome, 0],
		['a namespace refused', asNamespace, {kind: 'refused', error: apiError('forbidden', '403 Forbidden')}, 3],
		['a namespace that kept failing', asNamespace, {kind: 'gave-up', error: apiError('network', 'connection refused')}, 5],
	] as const)('%s: %i', async (_name, script, outcome, code) => {
		for (const output of ['json', 'text', 'tui'] as const) {
			expect((await once({...script, outcome}, output)).code).toBe(code);
		}
	});
});

describe('--once that gave up: the last line, and stderr', () => {
	// A bidi override and an 8-bit CSI pass through JSON.stringify raw and still act on a terminal.
	const hostile = 'reset by peer \u202Egnp.exe\u202C \u009B31m';
	const gaveUp = {kind: 'gave-up', error: apiError('network', hostile)} as const;

	test("JSON: one final error object naming the job or the namespace, through terminalSafeJson like every other line", async () => {
		for (const [script, fields] of [
			[asJob(job), {namespace: 'team-a', name: 'mpi-demo'}],
			[asNamespace, {namespace: 'team-a'}],
		] as const) {
			const {lines, io} = await once({...script, outcome: gaveUp});
			const last = lines.at(-1)!;
			expect(last).not.toMatch(/[\u202E\u202C\u009B]/);
			expect(last).toContain('\\u202e');
			const object = JSON.parse(last) as Record<string, unknown>;
			expect(Object.keys(object)).toEqual(['time', 'event', 'final', ...Object.keys(fields), 'error']);
			expect(object).toMatchObject({event: 'error', final: true, ...fields, error: {category: 'network', summary: hostile, retryable: true}});
			expect(io.err()).toBe(`vcjob-watch: gave up after 6 tries: ${hostile}\n`);
		}
	});

	test('text: a line that names the job, or the namespace', async () => {
		const jobLines = (await once({...asJob(job), outcome: gaveUp}, 'text')).lines;
		expect(jobLines.at(-1)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ team-a\/mpi-demo error: gave up after 6 tries: reset by peer/);
		const namespaceLines = (await once({...asNamespace, outcome: gaveUp}, 'text')).lines;
		expect(namespaceLines.at(-1)).toMatch(/Z team-a error: gave up after 6 tries: reset by peer/);
	});

	test('a frame: stderr says it, the frame is still printed', async () => {
		const {io, lines} = await once({outcome: gaveUp}, 'tui');
		expect(io.err()).toBe(`vcjob-watch: gave up after 6 tries: ${hostile}\n`);
		expect(lines).toEqual(['frame of  at 100 columns, token from HW_AUTH_TOKEN']);
	});

	test('refused or not found writes no final line: the writers have said it', async () => {
		const {io, lines} = await once({outcome: {kind: 'refused', error: apiError('forbidden', '403')}});
		expect(lines).toEqual([]);
		expect(io.err()).toBe('');
	});
});

describe('--once: lines or a frame', () => {
	test('the retries budget: one look with 5 retries, and the line says 6 tries', async () => {
		const {driver, io} = await once({outcome: {kind: 'gave-up', error: apiError('server', '502')}}, 'text');
		expect(driver.calls).toContain('once:5');
		expect(io.err()).toContain('gave up after 6 tries: 502');
	});

	test('text and JSON: the writers get what the look saw, no store, no Ink', async () => {
		for (const output of ['json', 'text'] as const) {
			const {driver, lines} = await once({events: ['appeared', 'details']}, output);
			expect(lines).toEqual([`${output} appeared`, `${output} details`]);
			expect(driver.calls).toEqual([`writeLines:${output}`, 'once:5']);
		}
	});

	test('tui: one frame of the state after the look, as wide as the terminal, with the credentials source', async () => {
		const {driver, lines} = await once({events: ['appeared', 'details']}, 'tui', 132);
		expect(lines).toEqual(['frame of appeared,details at 132 columns, token from HW_AUTH_TOKEN']);
		expect(driver.calls).toEqual(['createStore', 'once:5', 'loadTui', 'dispose']);
	});

	test('a signal during the look stops it, and the exit code is still the outcome\'s', async () => {
		const io = fakeIo();
		const driver = fakeDriver({...asJob(job), onceHangs: true, outcome: {kind: 'not-found', error: apiError('not-found', '404')}});
		const running = runOnce(driver, {output: 'json', color: false}, io, fakeSession());
		io.interrupt();
		expect(await running).toBe(4);
		expect(driver.calls).toEqual(['writeLines:json', 'once:5', 'stop']);
	});
});
