import {spawn} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import {expect, test} from 'vitest';
import type {Simulator} from '../../source/simulator/index.js';
import {e2eFixture} from './support/fixture.js';

// The real loop over real HTTP, many polls, heap measured after a full GC: a leak of even a few hundred
// bytes a poll shows. (RSS over 100,000 polls at a fast interval is measured by npm run bench.)
let simulator: Simulator | undefined;

const {startSimulator} = e2eFixture();

test('the heap stays flat over 8,000 polls', async () => {
	simulator = await startSimulator({scenario: 'static', autoplay: false});
	const child = spawn(
		process.execPath,
		['--expose-gc', fileURLToPath(new URL('support/soak-child.mjs', import.meta.url)), simulator.url, simulator.scenario.namespace, simulator.scenario.jobName, '8000'],
		{stdio: ['ignore', 'pipe', 'inherit']},
	);
	let out = '';
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
		out += chunk;
	});
	const code = await new Promise<number | null>(resolve => child.on('exit', resolve));
	expect(code).toBe(0);
	const samples = out
		.trim()
		.split('\n')
		.map(line => JSON.parse(line) as {polls: number; heapUsed: number});
	expect(samples).toHaveLength(10);
	// From the second checkpoint on (JIT and caches warm), the heap may wobble but not grow.
	const settled = samples[1]!.heapUsed;
	const last = samples.at(-1)!.heapUsed;
	expect((last - settled) / 1024 / 1024, JSON.stringify(samples)).toBeLessThan(1);
}, 120_000);
