import {expect, test} from 'vitest';
import type {CliRun} from '../support/run-cli.js';
import {e2eFixture} from '../support/fixture.js';

let run: CliRun | undefined;

const {runCli} = e2eFixture();

test('simulate --forbid refuses those resources with 403 and serves the rest', async () => {
	run = runCli(['simulate', '--scenario', 'unschedulable', '--speed', '20', '--forbid', 'pods,events']);
	const banner = await run.waitFor(/^watch it: .*$/m);
	expect(banner).toMatch(/\(scenario unschedulable, 403 for pods, events\)/);
	const url = (name: string) => new RegExp(`^${name}: (\\S+)$`, 'm').exec(banner)![1]!;

	const pods = await fetch(url('pods'));
	expect(pods.status).toBe(403);
	expect(await pods.json()).toMatchObject({reason: 'Forbidden', message: expect.stringMatching(/^pods is forbidden: User "demo" cannot list resource "pods"/)});
	expect((await fetch(url('events'))).status).toBe(403);

	// Two steps of 2 s and 3 s at speed 20: the gang is Inqueue and unschedulable within a second.
	let group: Record<string, any> | undefined;
	const deadline = Date.now() + 10_000;
	for (;;) {
		const list = (await (await fetch(url('podgroups'))).json()) as {items: Array<Record<string, any>>};
		group = list.items[0];
		if (group?.['status']?.conditions !== undefined) break;
		if (Date.now() > deadline) throw new Error(`gave up after 10000 ms waiting for the PodGroup's conditions; last: ${JSON.stringify(group)}`);
		await new Promise(resolve => setTimeout(resolve, 50));
	}

	expect(group!['status']).toMatchObject({phase: 'Inqueue', conditions: [{type: 'Unschedulable', reason: 'NotEnoughResources'}]});
});

test('simulate --forbid names what it accepts', async () => {
	run = runCli(['simulate', '--forbid', 'pods,nodes']);
	expect(await run.exit()).toBe(2);
	expect(run.stderr()).toContain('--forbid "nodes": choose among pods, events, podgroups, pods/log');
});

test('simulate --forbid pods/log refuses the logs only: the pods are listed, their logs answer 403', async () => {
	run = runCli(['simulate', '--scenario', 'fail', '--forbid', 'pods/log']);
	const banner = await run.waitFor(/^watch it: .*$/m);
	expect(banner).toMatch(/\(scenario fail, 403 for pods\/log\)/);
	const podsUrl = /^pods: (\S+)$/m.exec(banner)![1]!.replace(/\?.*$/, '');
	let names: string[] = [];
	const deadline = Date.now() + 10_000;
	while (names.length === 0) {
		const list = await fetch(podsUrl);
		expect(list.status).toBe(200);
		names = ((await list.json()) as {items: Array<{metadata: {name: string}}>}).items.map(item => item.metadata.name);
		if (Date.now() > deadline) throw new Error('gave up after 10000 ms waiting for the fail scenario to create pods');
		if (names.length === 0) await new Promise(resolve => setTimeout(resolve, 50));
	}

	const log = await fetch(`${podsUrl}/${names[0]!}/log`);
	expect(log.status).toBe(403);
	expect(await log.json()).toMatchObject({reason: 'Forbidden', message: expect.stringContaining('cannot get resource "pods/log"')});
});
