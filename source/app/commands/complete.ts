// The cluster's side of shell completion (`vcjob-watch __complete jobs|namespaces …`): the job names of a
// namespace, or the namespaces, read once over the connection a watch would make. Names are the server's, so
// only those that are valid Kubernetes names (RFC 1123) are returned: nothing else can reach a shell.
import {asApiError} from '../../api/api-error.js';
import {createApiClient} from '../../api/client.js';
import {jobsPath} from '../../api/paths.js';
import type {Environment} from '../../common/usage-error.js';
import {resolveConnection, type ConnectOptions} from '../../connect/connection.js';
import {checkJobName, checkNamespace} from '../../model/names.js';
import {clientOptionsFor} from '../session.js';

export type NameKind = 'jobs' | 'namespaces';

// One page is enough to pick from; a list of jobs is their whole objects, a few KiB each.
const pageSize = '500';
const maxBodyBytes = 32 * 1024 * 1024;

/** The names of a list's items that pass check, each once, in the server's order. */
function itemNames(raw: Record<string, unknown>, check: (name: string) => string | undefined): string[] {
	const items = Array.isArray(raw['items']) ? (raw['items'] as unknown[]) : [];
	const names = items.map(item => {
		const metadata = (item as {metadata?: unknown} | null)?.metadata;
		const name = (metadata as {name?: unknown} | undefined)?.name;
		return typeof name === 'string' && check(name) === undefined ? name : undefined;
	});
	return [...new Set(names.filter(name => name !== undefined))];
}

/**
 * The job names of the namespace (-n, else the kubeconfig context's, else default), or the namespaces; when the
 * credentials may not list namespaces (403, common on CCI), the kubeconfig context's namespace. Throws on any
 * other failure: the caller prints nothing then.
 */
export async function clusterNames(
	kind: NameKind,
	options: ConnectOptions & {readonly namespace?: string | undefined},
	env: Environment,
	signal: AbortSignal,
): Promise<string[]> {
	const connection = await resolveConnection(options, env);
	const client = createApiClient({...clientOptionsFor(connection, options), maxBodyBytes});
	const query = {limit: pageSize};
	if (kind === 'jobs') {
		const namespace = options.namespace ?? connection.namespace ?? 'default';
		const answer = await client.get(jobsPath(namespace), {query, what: 'a job list', signal});
		return itemNames(answer.raw, checkJobName);
	}

	try {
		const answer = await client.get('/api/v1/namespaces', {query, what: 'a namespace list', signal});
		return itemNames(answer.raw, checkNamespace);
	} catch (error) {
		const fallback = connection.namespace;
		if (asApiError(error).category !== 'forbidden' || fallback === undefined || checkNamespace(fallback) !== undefined) throw error;
		return [fallback];
	}
}
