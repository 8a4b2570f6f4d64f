import {describe, expect, it} from 'vitest';
import type {Simulator} from '../../../source/simulator/simulator-types.js';
import {simulatorsFor, type Json} from '../http.js';

// kubectl itself against these answers: kubectl.test.ts.
const start = simulatorsFor({autoplay: false});

// What client-go's discovery client sends: aggregated discovery first, plain JSON as the fallback.
const discoveryAccept =
	'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

async function get(simulator: Simulator, path: string): Promise<{status: number; type: string | null; body: Json}> {
	const response = await fetch(`${simulator.url}${path}`, {headers: {Accept: discoveryAccept}});
	return {status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as Json};
}

describe('discovery', () => {
	it('answers /api and /apis as an API server without aggregated discovery', async () => {
		const simulator = await start({scenario: 'static'});
		const core = await get(simulator, '/api');
		// Plain JSON, not an APIGroupDiscoveryList: the client then reads the group versions one by one.
		expect([core.status, core.type]).toEqual([200, 'application/json']);
		expect(core.body).toEqual({
			kind: 'APIVersions',
			versions: ['v1'],
			serverAddressByClientCIDRs: [{clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${simulator.port}`}],
		});

		const groups = await get(simulator, '/apis/');
		expect([groups.status, groups.type]).toEqual([200, 'application/json']);
		expect(groups.body).toMatchObject({kind: 'APIGroupList', apiVersion: 'v1'});
		expect(groups.body.groups).toEqual([
			{
				name: 'batch.volcano.sh',
				versions: [{groupVersion: 'batch.volcano.sh/v1alpha1', version: 'v1alpha1'}],
				preferredVersion: {groupVersion: 'batch.volcano.sh/v1alpha1', version: 'v1alpha1'},
			},
			{
				name: 'bus.volcano.sh',
				versions: [{groupVersion: 'bus.volcano.sh/v1alpha1', version: 'v1alpha1'}],
				preferredVersion: {groupVersion: 'bus.volcano.sh/v1alpha1', version: 'v1alpha1'},
			},
			{
				name: 'scheduling.volcano.sh',
				versions: [{groupVersion: 'scheduling.volcano.sh/v1beta1', version: 'v1beta1'}],
				preferredVersion: {groupVersion: 'scheduling.volcano.sh/v1beta1', version: 'v1beta1'},
			},
		]);

		const batch = await get(simulator, '/apis/batch.volcano.sh');
		expect(batch.body).toEqual({kind: 'APIGroup', apiVersion: 'v1', ...groups.body.groups[0]});
		const bus = await get(simulator, '/apis/bus.volcano.sh');
		expect(bus.body).toEqual({kind: 'APIGroup', apiVersion: 'v1', ...groups.body.groups[1]});
		expect((await get(simulator, '/apis/nope.example.com')).body.error_code).toBe('APIGW.0101');
	});

	it('serves a resource list for every version it names, as kubectl walks them', async () => {
		const simulator = await start({scenario: 'static'});
		const paths = [
			...(await get(simulator, '/api')).body.versions.map((version: string) => `/api/${version}`),
			...(await get(simulator, '/apis')).body.groups.flatMap((group: Json) => group.versions.map((version: Json) => `/apis/${version.groupVersion}`)),
		];
		expect(paths).toEqual(['/api/v1', '/apis/batch.volcano.sh/v1alpha1', '/apis/bus.volcano.sh/v1alpha1', '/apis/scheduling.volcano.sh/v1beta1']);
		for (const listPath of paths) {
			const {status, body} = await get(simulator, listPath);
			expect([listPath, status, body.kind, body.groupVersion]).toEqual([listPath, 200, 'APIResourceList', listPath.replace(/^\/apis?\//, '')]);
		}

		const jobs = (await get(simulator, '/apis/batch.volcano.sh/v1alpha1')).body.resources.find((resource: Json) => resource.name === 'jobs');
		expect(jobs).toMatchObject({namespaced: true, kind: 'Job', shortNames: ['vcjob', 'vj']});
		expect(jobs.verbs).toEqual(expect.arrayContaining(['get', 'list', 'watch']));
	});
});
