import {describe, expect, test} from 'vitest';
import type {Simulator, SimulatorOptions} from '../../../source/simulator/index.js';
import type {PtyRun} from '../support/pty.js';
import type {CliRun} from '../support/run-cli.js';
import {e2eFixture} from '../support/fixture.js';
import {pause, waitUntil} from '../support/wait.js';

// The PodGroup, pods and events beside the job: the answer to "why is it still Pending?", end to end.

let simulator: Simulator | undefined;
let run: CliRun | undefined;
let pty: PtyRun | undefined;

const {startSimulator, runCli, runInPty} = e2eFixture();

async function at(scenario: string, step: number, options: SimulatorOptions = {}) {
	simulator = await startSimulator({scenario, autoplay: false, ...options});
	simulator.goTo(step);
	return simulator;
}

const target = (sim: Simulator) => [sim.scenario.jobName, '-n', sim.scenario.namespace, '-s', sim.url];
// Everything but the job's own requests: its GETs and the watch of the jobs collection.
const detailRequests = (sim: Simulator) => sim.requests.filter(request => !/\/jobs[/?]/.test(request.path));

describe('unschedulable: the gang does not fit', () => {
	test('text: the PodGroup says why, and the warnings come as event lines', async () => {
		const sim = await at('unschedulable', 2);
		run = runCli([...target(sim), '--once', '-o', 'text']);
		expect(await run.exit()).toBe(0);
		const out = run.stdout();
		expect(out).toMatch(/phase=Pending pending=3 running=0/);
		expect(out).toMatch(/podgroup openmpi-gang-[\da-f-]+ phase=Inqueue NotEnoughResources: 3\/3 tasks in gang unschedulable: pod group is not ready, 3 Pending, 3 minAvailable/);
		expect(out).toMatch(/event Warning FailedScheduling .*pod\/openmpi-gang-mpimaster-0: 0\/2 nodes are unavailable: 2 Insufficient cpu\./);
		expect(out).toMatch(/event Warning PodGroupPending .*job\/openmpi-gang: /);
	});

	test('80×24: the one screen says the job is Pending and why', async () => {
		const sim = await at('unschedulable', 2);
		pty = runInPty([...target(sim), '--interval', '200ms'], {columns: 80, rows: 24});
		const screen = await pty.waitForScreen(/PodGroup Inqueue[\s\S]*Events \d+[\s\S]*⚠/);
		expect(screen.split('\n')).toHaveLength(24);
		expect(screen).toMatch(/Pending/);
		expect(screen.replaceAll('\n', ' ')).toMatch(/3\/3 tasks in gang\s+unschedulable/);
		expect(screen).toMatch(/⚠ (FailedScheduling|Unschedulable|PodGroupPending)/);
	});
});

describe('image-pull: one worker cannot start', () => {
	test('the pods panel names the pod and the reason; o and e open pods and events full screen, Esc returns', async () => {
		const sim = await at('image-pull', 3);
		pty = runInPty([...target(sim), '--interval', '200ms', '--details-interval', '500ms'], {columns: 100, rows: 30});
		// The kubelet goes from ErrImagePull to ImagePullBackOff and back as it retries.
		const main = await pty.waitForScreen(/openmpi-pull-mpiworker-1 .*(ErrImagePull|ImagePullBackOff)/);
		expect(main).toMatch(/Pods 3/);
		pty.type('o');
		const pods = await pty.waitForScreen(/Esc back/);
		expect(pods).not.toMatch(/Tasks/);
		expect(pods).toMatch(/openmpi-pull-mpiworker-1 .*Pending .*(ErrImagePull|ImagePullBackOff)/);
		// Below the table, the reason in full, image included.
		expect(pods).toMatch(/Why\s+openmpi-pull-mpiworker-1: (ErrImagePull|ImagePullBackOff): [\s\S]*"swr\.cn-north-4\.myhuaweicloud\.com\/team\/mpi-worker:3\.29"/);
		pty.type('e');
		const events = await pty.waitForScreen(/Events \d+ \(\d+ warnings?\), newest first/);
		expect(events).toMatch(/Failed.* pod\/openmpi-pull-mpiworker-1 .*Failed to pull image/);
		pty.type('\u001B');
		await pty.waitForScreen(/Tasks[\s\S]*q quit · r refresh/);
	});

	test('json: new events as objects, each once, and again when their count rises', async () => {
		const sim = await at('image-pull', 3, {speed: 4});
		run = runCli([...target(sim), '-o', 'json', '--interval', '200ms', '--details-interval', '300ms']);
		await run.waitFor(/"event":"k8s-event"[^\n]*"reason":"BackOff"/);
		const objects = () => run!.stdout().trim().split('\n').map(line => JSON.parse(line) as Record<string, any>);
		const backOff = () => objects().filter(object => object['event'] === 'k8s-event' && object['reason'] === 'BackOff');
		const first = backOff().at(-1)!;
		expect(first).toMatchObject({namespace: sim.scenario.namespace, name: 'openmpi-pull', object: {kind: 'Pod', name: 'openmpi-pull-mpiworker-1'}});
		// The kubelet reports the back-off again: the same event, a higher count, one more object.
		await waitUntil(() => backOff().at(-1)!['count'] > first['count'], 'the BackOff event again with a higher count', 15_000);
		const keys = backOff().map(object => `${object['message']}#${object['count']}`);
		expect(new Set(keys).size).toBe(keys.length);
	});
});

describe('the API budget', () => {
	test('a 403 on pods and events is said in those panels, and the job view stays live', async () => {
		const sim = await at('image-pull', 3, {forbidden: ['pods', 'events']});
		pty = runInPty([...target(sim), '--interval', '200ms'], {columns: 100, rows: 30});
		const screen = await pty.waitForScreen(/no permission to list pods in cci-namespace-42263891[\s\S]*no permission to list events/);
		expect(screen).toMatch(/● live/);
		// The PodGroup is readable: the gang is bound, the job waits on the kubelet.
		expect(screen).toMatch(/PodGroup Running/);
		sim.goTo(2);
		await pty.waitForScreen(/running\s+0↓/);
	});

	test('--no-details: the job GET is the only request', async () => {
		const sim = await at('image-pull', 3);
		run = runCli([...target(sim), '-o', 'text', '--poll', '--interval', '100ms', '--no-details']);
		await run.waitFor(/phase=Pending/);
		// Details would have come with the first answer: four polls are long enough to see they did not.
		await waitUntil(() => sim.requests.length > 3, 'four GETs of the job');
		expect(detailRequests(sim)).toEqual([]);
		expect(run.stdout()).not.toMatch(/podgroup|event /);
	});

	test('details come at their own, slower cadence, with the same credentials as the job', async () => {
		const sim = await at('unschedulable', 2, {token: 'the-token'});
		run = runCli([...target(sim), '-o', 'text', '--poll', '--interval', '100ms', '--details-interval', '1s'], {HW_AUTH_TOKEN: 'the-token'});
		await run.waitFor(/podgroup /);
		const jobs = () => sim.requests.filter(request => request.path.includes('/jobs/')).map(request => request.at);
		const pods = () => detailRequests(sim).filter(request => request.path.startsWith('/api/v1/namespaces/cci-namespace-42263891/pods')).map(request => request.at);
		const pollsBetween = (from: number, to: number) => jobs().filter(at => at > from && at < to).length;
		// The job polled on (more than once) between two pods lists: the details do not ride on its polls.
		await waitUntil(
			() => pods().some((at, index) => index > 0 && pollsBetween(pods()[index - 1]!, at) >= 2),
			'two pods lists with job polls between them',
			15_000,
		);
		// One pods list a --details-interval (1 s, counted from the end of a round) at most, whatever the polls did.
		const listed = pods();
		for (let index = 1; index < listed.length; index++) {
			expect(listed[index]! - listed[index - 1]!).toBeGreaterThanOrEqual(999);
		}

		expect(sim.requests.map(request => request.status)).not.toContain(401);
	});

	test('only panels on screen are fetched: the timeline view asks for nothing', async () => {
		const sim = await at('static', 0);
		pty = runInPty([...target(sim), '--interval', '200ms', '--details-interval', '300ms'], {columns: 100, rows: 30});
		await pty.waitForScreen(/Pods 3/);
		pty.type('t');
		await pty.waitForScreen(/Timeline/);
		const shown = Date.now();
		// Four --details-interval's worth with the view open: a loop still fetching would ask for each part again.
		await pause(1200);
		const left = Date.now();
		pty.type('\u001B');
		// At most the rest of a round already under way when the key came: each part once.
		const whileOpen = detailRequests(sim)
			.filter(request => request.at >= shown && request.at < left)
			.map(request => request.path);
		expect(new Set(whileOpen).size, whileOpen.join('\n')).toBe(whileOpen.length);
		await waitUntil(() => detailRequests(sim).some(request => request.at >= left), 'a details request after the timeline closed');
	});
});

describe('the timeline and the kill path', () => {
	test('t shows each phase with how long it lasted and the time to Running', async () => {
		const sim = await at('demo', 2);
		const url = `${sim.url}/apis/batch.volcano.sh/v1alpha1/namespaces/${sim.scenario.namespace}/jobs/${sim.scenario.jobName}`;
		const served = async () => (await (await fetch(url)).json()) as {metadata: {creationTimestamp: string}; status: {conditions: Array<{status: string; lastTransitionTime: string}>}};
		const created = Date.parse((await served()).metadata.creationTimestamp);
		pty = runInPty([...target(sim), '--interval', '100ms'], {columns: 100, rows: 30});
		await pty.waitForScreen(/Pending/);
		// Pending into the server's third second since creation, so the spans are not 0 s.
		await waitUntil(() => Date.now() >= created + 2000, 'two seconds of the server\'s clock since the job was created', 5000);
		sim.goTo(5);
		// The spans as the server's own times give them.
		const {conditions} = (await served()).status;
		const since = (phase: string) => Date.parse(conditions.find(condition => condition.status === phase)!.lastTransitionTime);
		const toRunning = (since('Running') - created) / 1000;
		const pending = (since('Running') - since('Pending')) / 1000;
		expect(toRunning).toBeGreaterThanOrEqual(2);
		await pty.waitForScreen(/Running/);
		pty.type('t');
		const timeline = await pty.waitForScreen(/Timeline to Running/);
		expect(timeline).toMatch(new RegExp(`to Running ${toRunning}s`));
		expect(timeline).toMatch(new RegExp(`Pending\\s+${pending}s`));
		expect(timeline).toMatch(/Running\s+<1m\s+\(current\)/);
	});

	test('a job deleted and submitted again under the same name: the timeline says it is a new incarnation', async () => {
		const sim = await at('recreate', 2);
		pty = runInPty([...target(sim), '--interval', '100ms'], {columns: 100, rows: 30});
		await pty.waitForScreen(/│ Running/);
		sim.goTo(3);
		await pty.waitForScreen(/deleted/);
		sim.goTo(4);
		await pty.waitForScreen(/│ Pending/);
		pty.type('t');
		const timeline = await pty.waitForScreen(/re-created: new uid/);
		expect(timeline).toMatch(/Running[\s\S]*Pending .*⟳ re-created: new uid [\da-f-]{36}/);
	});

	test('after completion the counters Volcano zeroes are shown as they were while Running', async () => {
		const sim = await at('demo', 5);
		pty = runInPty([...target(sim), '--interval', '100ms'], {columns: 100, rows: 30});
		await pty.waitForScreen(/running\s+3/);
		sim.goTo(6);
		await pty.waitForScreen(/succeeded\s+1/);
		sim.goTo(8);
		const done = await pty.waitForScreen(/│ Completed/);
		expect(done).toMatch(/succeeded\s+0/);
		expect(done).toMatch(/while Running: 1 succeeded, 0 failed, 2 running/);
	});
});
