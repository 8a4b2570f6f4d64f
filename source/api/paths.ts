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
