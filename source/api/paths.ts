// The API paths this program requests: Volcano jobs, PodGroups, and the core pods and events.

export function jobPath(namespace: string, name: string): string {
	return `/apis/batch.volcano.sh/v1alpha1/namespaces/${encodeURIComponent(namespace)}/jobs/${encodeURIComponent(name)}`;
}

export function jobsPath(namespace: string): string {
	return `/apis/batch.volcano.sh/v1alpha1/namespaces/${encodeURIComponent(namespace)}/jobs`;
}

const encode = encodeURIComponent;

export function podGroupPath(namespace: string, name: string): string {
	return `/apis/scheduling.volcano.sh/v1beta1/namespaces/${encode(namespace)}/podgroups/${encode(name)}`;
}

export function podsPath(namespace: string): string {
	return `/api/v1/namespaces/${encode(namespace)}/pods`;
}

export function eventsPath(namespace: string): string {
	return `/api/v1/namespaces/${encode(namespace)}/events`;
}

export function podLogPath(namespace: string, pod: string): string {
	return `/api/v1/namespaces/${encode(namespace)}/pods/${encode(pod)}/log`;
}

/** The server's address with path appended (a server given with a path prefix keeps it) and query set. */
export function apiUrl(server: string, path: string, query?: Readonly<Record<string, string>>): URL {
	const base = new URL(server);
	const prefix = base.pathname.replace(/\/+$/, '');
	base.pathname = `${prefix}${path}`;
	base.search = query ? new URLSearchParams(query).toString() : '';
	base.hash = '';
	return base;
}
