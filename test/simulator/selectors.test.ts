import {describe, expect, it} from 'vitest';
import type {Scenario} from '../../source/simulator/scenarios.js';
import type {Simulator} from '../../source/simulator/simulator-types.js';
import {simulatorsFor, type Json} from './http.js';

// labelSelector and fieldSelector as a client sees them on both kinds of path the simulator serves: the jobs (a
// custom resource, list and watch) and the pods, events and PodGroups around them. Expected words are written out
// as k8s.io/apimachinery (Kubernetes 1.35) produces them.

const scenario: Scenario = {
	name: 'custom',
	description: 'test',
	namespace: 'ns',
	jobName: 'job',
	steps: [{holdMs: 1000, job: {phase: 'Running'}}],
};

const launch = simulatorsFor({autoplay: false});

async function start(): Promise<Simulator> {
	return launch({scenario, manyJobs: {count: 30, changesPerSecond: 0}});
}

async function startPods(): Promise<Simulator> {
	return launch({scenario: 'static'});
}

type Answer = {readonly status: number; readonly names: string[]; readonly message?: string};

async function ask(url: string): Promise<Answer> {
	const response = await fetch(url);
	const body = (await response.json()) as Json;
	return response.status === 200
		? {status: 200, names: (body.items as Json[]).map(item => item.metadata.name as string)}
		: {status: response.status, names: [], message: body.message as string};
}

function query(parameter: 'labelSelector' | 'fieldSelector', text: string): string {
	return `?${parameter}=${encodeURIComponent(text)}`;
}

async function jobs(simulator: Simulator, parameter: 'labelSelector' | 'fieldSelector', text: string): Promise<Answer> {
	return ask(`${simulator.url}/apis/batch.volcano.sh/v1alpha1/namespaces/ns/jobs${query(parameter, text)}`);
}

async function pods(simulator: Simulator, parameter: 'labelSelector' | 'fieldSelector', text: string): Promise<Answer> {
	return ask(`${simulator.url}/api/v1/namespaces/${simulator.scenario.namespace}/pods${query(parameter, text)}`);
}

async function allJobs(simulator: Simulator): Promise<Array<{name: string; labels: Record<string, string>}>> {
	const response = await fetch(`${simulator.url}/apis/batch.volcano.sh/v1alpha1/namespaces/ns/jobs`);
	const items = ((await response.json()) as Json).items as Json[];
	return items.map(item => ({name: item.metadata.name as string, labels: (item.metadata.labels ?? {}) as Record<string, string>}));
}

function refused(message: string): Answer {
	return {status: 400, names: [], message};
}

const keyRule =
	"must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const valueRule =
	"a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const subdomainRule =
	"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const integerRule = "for 'Gt', 'Lt' operators, the value must be an integer";

describe('the label selector grammar, the same on every path', () => {
	const master = 'openmpi-static-mpimaster-0';
	const worker0 = 'openmpi-static-mpiworker-0';
	const worker1 = 'openmpi-static-mpiworker-1';
	const all = [master, worker0, worker1];

	it('selects pods by =, ==, !=, exists, !exists, in, notin, >, <, whitespace anywhere', async () => {
		const simulator = await startPods();
		const cases: Array<[string, string[]]> = [
			['', all],
			['volcano.sh/task-spec=mpiworker', [worker0, worker1]],
			['volcano.sh/task-spec==mpimaster', [master]],
			['volcano.sh/task-spec!=mpimaster', [worker0, worker1]],
			// A missing label is "not equal" and "not in", and never anything else.
			['nope!=x', all],
			['nope notin (x)', all],
			['nope=x', []],
			['volcano.sh/task-index', all],
			['!volcano.sh/task-index', []],
			['!nope', all],
			['volcano.sh/task-spec in (mpimaster, mpiworker)', all],
			['volcano.sh/task-spec notin (mpimaster)', [worker0, worker1]],
			['volcano.sh/task-index>0', [worker1]],
			['volcano.sh/task-index<1', [master, worker0]],
			// A label that is not an integer is neither greater nor less than anything.
			['volcano.sh/task-spec>0', []],
			['volcano.sh/task-spec<99', []],
			['volcano.sh/task-index<9223372036854775807', all],
			// "in" and "notin" are plain words where a value stands.
			['volcano.sh/task-spec notin (in, notin)', all],
			['volcano.sh/task-spec!=in', all],
			// An empty value, after "=" or as an empty place in a set.
			['volcano.sh/task-spec=', []],
			['volcano.sh/task-spec!=', all],
			['volcano.sh/task-spec in (mpimaster,)', [master]],
			['volcano.sh/task-spec in ()', []],
			[' \tvolcano.sh/task-spec\n in(mpiworker) ,\r\nvolcano.sh/task-index = 1 ', [worker1]],
			['volcano.sh/task-spec=mpiworker,volcano.sh/task-index==0', [worker0]],
		];
		for (const [selector, expected] of cases) {
			expect([selector, await pods(simulator, 'labelSelector', selector)]).toEqual([selector, {status: 200, names: expected}]);
		}
	});

	it('selects jobs by the same grammar', async () => {
		const simulator = await start();
		const everything = await allJobs(simulator);
		const having = (test: (labels: Record<string, string>) => boolean) => everything.filter(job => test(job.labels)).map(job => job.name);
		const cases: Array<[string, (labels: Record<string, string>) => boolean]> = [
			['team=a', labels => labels['team'] === 'a'],
			['team==b', labels => labels['team'] === 'b'],
			['team!=a', labels => labels['team'] !== 'a'],
			['team', labels => 'team' in labels],
			['!team', labels => !('team' in labels)],
			['team in (a,c)', labels => ['a', 'c'].includes(labels['team']!)],
			['team notin (a,c)', labels => !['a', 'c'].includes(labels['team']!)],
			['team>0', () => false],
			['team in (a), app.kubernetes.io/name', labels => labels['team'] === 'a' && 'app.kubernetes.io/name' in labels],
		];
		expect(having(labels => labels['team'] === 'a').length).toBeGreaterThan(0);
		expect(having(labels => !('team' in labels))).toEqual(['job']);
		for (const [selector, test] of cases) {
			expect([selector, await jobs(simulator, 'labelSelector', selector)]).toEqual([selector, {status: 200, names: having(test)}]);
		}
	});

	it('refuses a malformed one with 400 and the same words for jobs and for pods', async () => {
		const withJobs = await start();
		const withPods = await startPods();
		const cases: Array<[string, string]> = [
			['a=b=c', "found '=', expected: ',' or 'end of string'"],
			['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
			['a in b', "unable to parse requirement: found 'b' expected: '('"],
			['a in (', "unable to parse requirement: found '', expected: ',', ')' or identifier"],
			['a in (b', "unable to parse requirement: found '', expected: ',' or ')'"],
			['a in (b c)', "unable to parse requirement: found 'c', expected: ',' or ')'"],
			['a in (b,=)', "unable to parse requirement: found '=', expected: ',', or identifier"],
			['a=(', "unable to parse requirement: found '(', expected: identifier"],
			[',a', "found ',', expected: !, identifier, or 'end of string'"],
			['=a', "found '=', expected: !, identifier, or 'end of string'"],
			['a,', "found '', expected: identifier after ','"],
			['a,,b', "found ',', expected: identifier after ','"],
			['!', "unable to parse requirement: found '', expected: identifier"],
			['!!a', "unable to parse requirement: found '!', expected: identifier"],
			['!a=b', "found '=', expected: ',' or 'end of string'"],
			['a<b', `unable to parse requirement: values[0]: Invalid value: "b": ${integerRule}`],
			['a>', `unable to parse requirement: values[0]: Invalid value: "": ${integerRule}`],
			['-a', `unable to parse requirement: <nil>: Invalid value: "-a": name part ${keyRule}`],
			['Example.com/a', `unable to parse requirement: <nil>: Invalid value: "Example.com/a": prefix part ${subdomainRule}`],
			['/a', 'unable to parse requirement: <nil>: Invalid value: "/a": prefix part must be non-empty'],
			['a=b_', `unable to parse requirement: values[0][a]: Invalid value: "b_": ${valueRule}`],
			['a notin (b, c-)', `unable to parse requirement: values[1][a]: Invalid value: "c-": ${valueRule}`],
		];
		for (const [selector, message] of cases) {
			const [job, pod] = await Promise.all([jobs(withJobs, 'labelSelector', selector), pods(withPods, 'labelSelector', selector)]);
			expect([selector, job]).toEqual([selector, refused(message)]);
			expect([selector, pod]).toEqual([selector, refused(message)]);
		}
	});
});

describe('label selectors, down to the finer points of apimachinery', () => {
	// The refusal, the same on the jobs path and on the pods path.
	async function refusedEverywhere(selector: string, message: string): Promise<void> {
		const withJobs = await start();
		const withPods = await startPods();
		const [job, pod] = await Promise.all([jobs(withJobs, 'labelSelector', selector), pods(withPods, 'labelSelector', selector)]);
		expect([selector, job]).toEqual([selector, refused(message)]);
		expect([selector, pod]).toEqual([selector, refused(message)]);
	}

	it('takes an empty place right before ")" as the empty value: "in (a,,)"', async () => {
		const withJobs = await start();
		const teamA = await jobs(withJobs, 'labelSelector', 'team=a');
		expect(teamA.names.length).toBeGreaterThan(0);
		expect(await jobs(withJobs, 'labelSelector', 'team in (a,,)')).toEqual(teamA);
		expect(await jobs(withJobs, 'labelSelector', 'team in (,,a,,)')).toEqual(teamA);
		const withPods = await startPods();
		expect(await pods(withPods, 'labelSelector', 'volcano.sh/task-spec in (mpimaster,,)')).toEqual({status: 200, names: ['openmpi-static-mpimaster-0']});
	});

	it('wants a Gt/Lt value to be a label value too, so no sign', async () => {
		for (const value of ['-1', '+1']) {
			await refusedEverywhere(`k>${value}`, `unable to parse requirement: values[0][k]: Invalid value: "${value}": ${valueRule}`);
		}
	});

	it('wants a Gt/Lt value within int64', async () => {
		const simulator = await startPods();
		expect((await pods(simulator, 'labelSelector', 'volcano.sh/task-index<9223372036854775807')).names).toHaveLength(3);
		await refusedEverywhere('k<9223372036854775808', `unable to parse requirement: values[0]: Invalid value: "9223372036854775808": ${integerRule}`);
	});

	it('numbers the values of a set in sorted order, and reports every problem of a requirement at once', async () => {
		await refusedEverywhere('k notin (b, -c)', `unable to parse requirement: values[0][k]: Invalid value: "-c": ${valueRule}`);
		await refusedEverywhere(
			'k in (b_, -a)',
			`unable to parse requirement: [values[0][k]: Invalid value: "-a": ${valueRule}, values[1][k]: Invalid value: "b_": ${valueRule}]`,
		);
		await refusedEverywhere(
			'k>-x',
			`unable to parse requirement: [values[0]: Invalid value: "-x": ${integerRule}, values[0][k]: Invalid value: "-x": ${valueRule}]`,
		);
	});

	it('reports every problem of a key and of a value, in the 1.35 words, lengths in bytes', async () => {
		const key = (text: string, problems: string) => `unable to parse requirement: <nil>: Invalid value: "${text}": ${problems}`;
		await refusedEverywhere('example.com/', key('example.com/', `name part must be non-empty; name part ${keyRule}`));
		await refusedEverywhere(
			'a/b/c',
			key('a/b/c', `a valid label key ${keyRule} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`),
		);
		const long = 'k'.repeat(64);
		await refusedEverywhere(long, key(long, 'name part must be no more than 63 bytes'));
		const wide = 'é'.repeat(32);
		await refusedEverywhere(wide, key(wide, `name part must be no more than 63 bytes; name part ${keyRule}`));
		const prefix = 'A'.repeat(254);
		await refusedEverywhere(`${prefix}/x`, key(`${prefix}/x`, `prefix part must be no more than 253 bytes; prefix part ${subdomainRule}`));
		const value = 'v'.repeat(64);
		await refusedEverywhere(`k=${value}`, `unable to parse requirement: values[0][k]: Invalid value: "${value}": must be no more than 63 bytes`);
	});

	it('quotes an offending key the way Go does', async () => {
		await refusedEverywhere('a\u0001b', `unable to parse requirement: <nil>: Invalid value: "a\\x01b": name part ${keyRule}`);
		await refusedEverywhere('a\u00A0b', `unable to parse requirement: <nil>: Invalid value: "a\\u00a0b": name part ${keyRule}`);
	});

	it('reads a NUL where a token would start as the end of the selector', async () => {
		const simulator = await start();
		const teamA = await jobs(simulator, 'labelSelector', 'team=a');
		expect(await jobs(simulator, 'labelSelector', 'team=a \u0000 )))')).toEqual(teamA);
		await refusedEverywhere('k=a\u0000b', "found 'b', expected: ',' or 'end of string'");
	});
});

describe('the field selector grammar, over the fields each resource supports', () => {
	it('selects jobs by metadata.name and metadata.namespace with =, ==, != and escapes', async () => {
		const simulator = await start();
		const names = (await allJobs(simulator)).map(job => job.name);
		expect(names).toHaveLength(31);
		const cases: Array<[string, string[]]> = [
			['', names],
			['metadata.name=train-0007', ['train-0007']],
			['metadata.name==job', ['job']],
			['metadata.name!=job', names.filter(name => name !== 'job')],
			['metadata.namespace=ns,metadata.name=job', ['job']],
			['metadata.namespace!=ns', []],
			['metadata.name=job,', ['job']],
			[',', names],
			['metadata.name=a\\,b\\=c\\\\', []],
			['metadata.name=', []],
		];
		for (const [selector, expected] of cases) {
			expect([selector, await jobs(simulator, 'fieldSelector', selector)]).toEqual([selector, {status: 200, names: expected}]);
		}
	});

	it('refuses a malformed one with 400 and the same words for jobs and for pods', async () => {
		const withJobs = await start();
		const withPods = await startPods();
		const cases: Array<[string, string]> = [
			['metadata.name', "invalid selector: 'metadata.name'; can't understand 'metadata.name'"],
			['metadata.name=a,b', "invalid selector: 'metadata.name=a,b'; can't understand 'b'"],
			['metadata.name=a\\q', 'invalid field selector: invalid escape sequence: \\q'],
			['metadata.name=a\\', 'invalid field selector: invalid escape sequence: \\'],
			['metadata.name=a=b', 'invalid field selector: unescaped character in value: 61'],
			['metadata.name = a', 'field label not supported: metadata.name '],
			['metadata.labels=a', 'field label not supported: metadata.labels'],
			['constructor=a', 'field label not supported: constructor'],
			['=a', 'field label not supported: '],
		];
		for (const [selector, message] of cases) {
			const [job, pod] = await Promise.all([jobs(withJobs, 'fieldSelector', selector), pods(withPods, 'fieldSelector', selector)]);
			expect([selector, job]).toEqual([selector, refused(message)]);
			expect([selector, pod]).toEqual([selector, refused(message)]);
		}
	});

	it('knows each resource its own fields', async () => {
		const withJobs = await start();
		const withPods = await startPods();
		expect(await jobs(withJobs, 'fieldSelector', 'status.phase=Running')).toEqual(refused('field label not supported: status.phase'));
		expect((await pods(withPods, 'fieldSelector', 'status.phase=Running')).status).toBe(200);
		const podGroups = `${withPods.url}/apis/scheduling.volcano.sh/v1beta1/namespaces/${withPods.scenario.namespace}/podgroups`;
		expect(await ask(`${podGroups}${query('fieldSelector', 'spec.nodeName=x')}`)).toEqual(refused('field label not supported: spec.nodeName'));
	});
});

describe('field selectors, down to the finer points of apimachinery', () => {
	it('reads the terms in sorted order, so the first malformed one in that order is the one reported', async () => {
		const simulator = await start();
		expect(await jobs(simulator, 'fieldSelector', 'metadata.name=a\\q,bad')).toEqual(
			refused("invalid selector: 'metadata.name=a\\q,bad'; can't understand 'bad'"),
		);
	});

	it('looks at the field names only once every term has parsed', async () => {
		const simulator = await start();
		expect(await jobs(simulator, 'fieldSelector', 'spec.queue=x,status.phase')).toEqual(
			refused("invalid selector: 'spec.queue=x,status.phase'; can't understand 'status.phase'"),
		);
	});

	it('checks a watch of one named job against the first metadata.name term in sorted order', async () => {
		const simulator = await start();
		const watchOne = async (fieldSelector: string) => {
			const controller = new AbortController();
			const response = await fetch(
				`${simulator.url}/apis/batch.volcano.sh/v1alpha1/watch/namespaces/ns/jobs/job${query('fieldSelector', fieldSelector)}`,
				{signal: controller.signal},
			);
			const answer = response.status === 200 ? {status: 200} : {status: response.status, message: ((await response.json()) as Json).message as string};
			controller.abort();
			return answer;
		};

		const mismatch = {status: 400, message: "fieldSelector metadata.name doesn't match requested name"};
		expect(await watchOne('metadata.name=zz,metadata.name=job')).toEqual({status: 200});
		expect(await watchOne('metadata.name=job,metadata.name=aa')).toEqual(mismatch);
		expect(await watchOne('metadata.name=other')).toEqual(mismatch);
		expect(await watchOne('metadata.namespace=ns')).toEqual(mismatch);
	});
});
