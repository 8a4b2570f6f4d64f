// The root of discovery: /api, /apis and /apis/{group}, as the API server answers them without aggregated
// discovery (before Kubernetes 1.26, or when the client does not ask for it). kubectl reads them before it can
// map `jobs.v1alpha1.batch.volcano.sh` (or `vcjob`) to a path; the group versions' own resource lists are served
// beside the resources (server.ts, cluster-api.ts). Only the groups the simulator serves are listed: the bus group
// (Volcano's Commands) too, unless the simulator plays a server without it.

type GroupVersion = {readonly groupVersion: string; readonly version: string};

function group(name: string, version: string) {
	const only: GroupVersion = {groupVersion: `${name}/${version}`, version};
	return {name, versions: [only], preferredVersion: only};
}

const withBus = [group('batch.volcano.sh', 'v1alpha1'), group('bus.volcano.sh', 'v1alpha1'), group('scheduling.volcano.sh', 'v1beta1')];
const withoutBus = withBus.filter(candidate => candidate.name !== 'bus.volcano.sh');

export type DiscoveryOptions = {
	/** false: no bus.volcano.sh group, as on some managed services. */
	readonly busGroup: boolean;
};

/** The server's end of the connection: /api names an address the API server can be reached at. */
export type LocalEnd = {readonly localAddress?: string | undefined; readonly localPort?: number | undefined};

/** The document for a discovery path (no trailing slash), or undefined. */
export function rootDiscovery(pathname: string, socket: LocalEnd, {busGroup}: DiscoveryOptions): unknown {
	const groups = busGroup ? withBus : withoutBus;
	if (pathname === '/api') {
		const host = socket.localAddress ?? '';
		// host:port as Go's net.JoinHostPort writes it.
		const serverAddress = `${host.includes(':') ? `[${host}]` : host}:${socket.localPort ?? ''}`;
		return {kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{clientCIDR: '0.0.0.0/0', serverAddress}]};
	}

	if (pathname === '/apis') {
		return {kind: 'APIGroupList', apiVersion: 'v1', groups};
	}

	const found = groups.find(candidate => pathname === `/apis/${candidate.name}`);
	return found ? {kind: 'APIGroup', apiVersion: 'v1', ...found} : undefined;
}
