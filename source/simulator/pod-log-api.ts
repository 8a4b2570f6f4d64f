import type {ServerResponse} from 'node:http';
import type {Rendered} from './cluster/cluster-state.js';
import {rfc3339Nano, runLog, type ContainerRun, type LogLine} from './cluster/pods/pod-log.js';
import {statusBody} from './faults.js';

// GET /api/v1/namespaces/NS/pods/NAME/log as kube-apiserver answers it: its own checks (RBAC on pods/log, the
// options' validation, the pod, the container), then what the kubelet does with the pod's status (which run,
// which error), its tailLines, sinceSeconds or sinceTime, timestamps and limitBytes, and follow until the run ends.

// The parts of a pod (as pod-render.ts writes it) that decide its log.
type Terminated = {readonly containerID?: string; readonly startedAt?: string; readonly finishedAt?: string; readonly reason?: string; readonly exitCode?: number};
type ContainerStatus = {
	readonly name: string;
	readonly containerID?: string;
	readonly state?: {readonly waiting?: {readonly reason?: string}; readonly running?: {readonly startedAt?: string}; readonly terminated?: Terminated};
	readonly lastState?: {readonly terminated?: Terminated};
};
type Pod = {
	readonly metadata: {readonly name: string; readonly labels?: Readonly<Record<string, string>>};
	readonly spec?: {readonly nodeName?: string; readonly containers?: ReadonlyArray<{readonly name: string}>};
	readonly status?: {readonly containerStatuses?: readonly ContainerStatus[]};
};
type Runs = Rendered['runs'];
type Reply = {readonly status: number; readonly body: unknown};

export type PodLogOptions = {
	/** The pod as now served, with its runs' times in ms; undefined when there is none. */
	readonly pod: (namespace: string, name: string) => Rendered | undefined;
	readonly speed: number;
	/** RBAC refuses pods/log. */
	readonly forbidden: boolean;
	readonly user: string;
};

export type PodLogExchange = {
	readonly namespace: string;
	readonly name: string;
	readonly query: URLSearchParams;
	readonly response: ServerResponse;
	readonly sendJson: (reply: Reply) => void;
	readonly onStatus: (status: number) => void;
};

export type LogQuery = {
	readonly container: string;
	readonly previous: boolean;
	readonly follow: boolean;
	readonly timestamps: boolean;
	readonly tailLines?: number;
	readonly limitBytes?: number;
	readonly sinceSeconds?: number;
	/** Wall-clock ms, whole seconds: the API server passes sinceTime on to the kubelet as RFC3339 without a fraction. */
	readonly sinceTime?: number;
};

// The kubelet looks at the container again this often while following.
const followPollMs = 50;

const badRequest = (message: string): Reply => ({status: 400, body: statusBody(400, {message})});

// The API server's query conversion: a bool is false only for 0, f and false (any case), an int64 must parse.
/** A log request's query as kube-apiserver parses it, or its 400; then checkLogQuery for its 422. */
function readLogQuery(query: URLSearchParams): LogQuery | Reply {
	const flag = (name: string) => {
		const value = query.get(name);
		return value !== null && !['0', 'f', 'false'].includes(value.toLowerCase());
	};

	const numbers: Record<string, number> = {};
	for (const name of ['tailLines', 'limitBytes', 'sinceSeconds']) {
		const value = query.get(name);
		if (value === null || value === '') continue;
		if (!/^[+-]?\d+$/.test(value)) return badRequest(`strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`);
		numbers[name] = Number(value);
	}

	// metav1.Time's query form: Go's time.Parse with RFC3339 (a fraction is accepted, and dropped on the way on).
	const sinceTime = query.get('sinceTime');
	if (sinceTime !== null && sinceTime !== '') {
		const at = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(sinceTime) ? Date.parse(sinceTime) : Number.NaN;
		if (Number.isNaN(at)) return badRequest(`parsing time ${JSON.stringify(sinceTime)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(sinceTime)} as "2006"`);
		numbers['sinceTime'] = Math.floor(at / 1000) * 1000;
	}

	return {
		container: query.get('container') ?? '',
		previous: flag('previous'),
		follow: flag('follow'),
		timestamps: flag('timestamps'),
		...numbers,
	};
}

// ValidatePodLogOptions.
/** What PodLogOptions validation refuses (422 with causes), as kube-apiserver says it. */
function checkLogQuery(name: string, query: LogQuery): Reply | undefined {
	const both = query.sinceSeconds !== undefined && query.sinceTime !== undefined;
	const causes: Array<{reason: string; message: string; field: string}> = [
		...(query.tailLines !== undefined && query.tailLines < 0 ? [['tailLines', query.tailLines, 'must be greater than or equal to 0'] as const] : []),
		...(query.limitBytes !== undefined && query.limitBytes < 1 ? [['limitBytes', query.limitBytes, 'must be greater than 0'] as const] : []),
		...(!both && query.sinceSeconds !== undefined && query.sinceSeconds < 1 ? [['sinceSeconds', query.sinceSeconds, 'must be greater than 0'] as const] : []),
	].map(([field, value, why]) => ({reason: 'FieldValueInvalid', message: `Invalid value: ${value}: ${why}`, field}));
	// field.Forbidden on the empty path: the cause has no field, and its line starts with ": ".
	if (both) causes.push({reason: 'FieldValueForbidden', message: 'Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified', field: ''});
	if (causes.length === 0) return undefined;
	const listed = causes.map(cause => `${cause.field}: ${cause.message}`);
	return {
		status: 422,
		body: statusBody(422, {
			reason: 'Invalid',
			message: `PodLogOptions "${name}" is invalid: ${listed.length === 1 ? listed[0] : `[${listed.join(', ')}]`}`,
			details: {name, kind: 'PodLogOptions', causes: causes.map(({field, ...cause}) => (field === '' ? cause : {...cause, field}))},
		}),
	};
}

function ms(value: string | undefined): number {
	return value === undefined ? Number.NaN : Date.parse(value);
}

function terminatedRun(pod: Pod, runs: Runs, container: string, terminated: Terminated): ContainerRun {
	const id = terminated.containerID ?? '';
	const times = runs?.get(id);
	return {
		containerId: id,
		pod: pod.metadata.name,
		container,
		task: pod.metadata.labels?.['volcano.sh/task-spec'] ?? container,
		startedAt: times?.startedAt ?? ms(terminated.startedAt),
		finishedAt: times?.finishedAt ?? ms(terminated.finishedAt),
		exit: {reason: terminated.reason ?? 'Error', exitCode: terminated.exitCode ?? 1},
		...(times?.program ? {program: times.program} : {}),
	};
}

/** The run whose log the kubelet reads (validateContainerLogStatus), or its error. */
function chooseRun(pod: Pod, runs: Runs, container: string, previous: boolean): ContainerRun | string {
	const podName = pod.metadata.name;
	const status = pod.status?.containerStatuses?.find(candidate => candidate.name === container);
	const where = `container "${container}" in pod "${podName}"`;
	if (!status) return `${where} is not available`;
	const last = status.lastState?.terminated;
	const {waiting, running, terminated} = status.state ?? {};
	if (previous) {
		return last?.containerID ? terminatedRun(pod, runs, container, last) : `previous terminated container "${container}" in pod "${podName}" not found`;
	}

	if (running) {
		const program = runs?.get(status.containerID ?? '')?.program;
		return {
			...(program ? {program} : {}),
			containerId: status.containerID ?? '',
			pod: podName,
			container,
			task: pod.metadata.labels?.['volcano.sh/task-spec'] ?? container,
			startedAt: runs?.get(status.containerID ?? '')?.startedAt ?? ms(running.startedAt),
		};
	}

	if (terminated) {
		if (terminated.containerID) return terminatedRun(pod, runs, container, terminated);
		return last?.containerID ? terminatedRun(pod, runs, container, last) : `${where} is terminated`;
	}

	if (last) return last.containerID ? terminatedRun(pod, runs, container, last) : `${where} is terminated`;
	if (waiting) {
		const reason = waiting.reason ?? '';
		if (reason === 'ErrImagePull') return `${where} is waiting to start: image can't be pulled`;
		if (reason === 'ImagePullBackOff') return `${where} is waiting to start: trying and failing to pull image`;
		return `${where} is waiting to start: ${reason}`;
	}

	return `${where} is waiting to start - no logs yet`;
}

/** Where the run stands now: still running, ended at finishedAt, or gone from the status (its pod too). */
function runNow(pod: Pod | undefined, runs: Runs, run: ContainerRun): 'running' | 'gone' | ContainerRun {
	const status = pod?.status?.containerStatuses?.find(candidate => candidate.name === run.container);
	if (!pod || !status) return 'gone';
	if (status.state?.running && status.containerID === run.containerId) return 'running';
	for (const terminated of [status.state?.terminated, status.lastState?.terminated]) {
		if (terminated?.containerID === run.containerId) return terminatedRun(pod, runs, run.container, terminated);
	}

	return 'gone';
}

export type PodLogs = {
	serve(exchange: PodLogExchange): void;
	/** Log answers under way: a followed log stays open until its run ends or the client goes. */
	readonly open: number;
	/** Cuts every open log answer mid-stream, as a proxy or a restarting API server would. */
	drop(): void;
};

/**
 * Writes a log answer's text up to limitBytes: the kubelet stops there, mid-line. False once they are spent (an
 * empty text says whether any are left).
 */
export function limitedWriter(response: ServerResponse, limitBytes: number | undefined): (text: Buffer) => boolean {
	let left = limitBytes ?? Number.POSITIVE_INFINITY;
	return text => {
		const part = text.subarray(0, Math.min(text.length, left));
		left -= part.length;
		if (part.length > 0) response.write(part);
		return left > 0;
	};
}

/** A followed log: `step` writes what came since and says whether to go on, as the kubelet looks again. */
export function followEvery(response: ServerResponse, step: () => boolean): void {
	const timer = setInterval(() => {
		if (step()) return;
		clearInterval(timer);
		response.end();
	}, followPollMs);
	timer.unref();
	response.on('close', () => {
		clearInterval(timer);
	});
}

/** A log request's query, or the API server's answer refusing it: its 400 (parsing) or 422 (validation). */
export function parseLogQuery(name: string, params: URLSearchParams): LogQuery | Reply {
	const query = readLogQuery(params);
	return 'status' in query ? query : (checkLogQuery(name, query) ?? query);
}

export function createPodLogs(options: PodLogOptions): PodLogs {
	const open = new Set<ServerResponse>();

	function serve(exchange: PodLogExchange): void {
		const {namespace, name, response} = exchange;
		if (options.forbidden) {
			exchange.sendJson({
				status: 403,
				body: statusBody(403, {
					message: `pods "${name}" is forbidden: User "${options.user}" cannot get resource "pods/log" in API group "" in the namespace "${namespace}"`,
					details: {name, kind: 'pods'},
				}),
			});
			return;
		}

		const query = parseLogQuery(name, exchange.query);
		if ('status' in query) {
			exchange.sendJson(query);
			return;
		}

		const rendered = options.pod(namespace, name);
		const pod = rendered?.body as Pod | undefined;
		if (!pod) {
			exchange.sendJson({status: 404, body: statusBody(404, {message: `pods "${name}" not found`, details: {name, kind: 'pods'}})});
			return;
		}

		const containers = (pod.spec?.containers ?? []).map(container => container.name);
		let {container} = query;
		if (container === '') {
			if (containers.length !== 1) {
				const choose = containers.length === 0 ? '' : `, choose one of: [${containers.join(' ')}]`;
				exchange.sendJson(badRequest(`a container name must be specified for pod ${name}${choose}`));
				return;
			}

			container = containers[0]!;
		} else if (!containers.includes(container)) {
			exchange.sendJson(badRequest(`container ${container} is not valid for pod ${name}`));
			return;
		}

		// A pod not yet bound has no kubelet to ask: the API server answers an empty log.
		const run = pod.spec?.nodeName ? chooseRun(pod, rendered?.runs, container, query.previous) : undefined;
		if (typeof run === 'string') {
			exchange.sendJson(badRequest(run));
			return;
		}

		exchange.onStatus(200);
		open.add(response);
		response.on('close', () => open.delete(response));
		response.writeHead(200, {'Content-Type': 'text/plain'});
		stream(exchange, query, run);
	}

	function stream(exchange: PodLogExchange, query: LogQuery, run: ContainerRun | undefined): void {
		const {response} = exchange;
		const send = limitedWriter(response, query.limitBytes);
		let sentUpTo = Number.NEGATIVE_INFINITY;
		const write = (lines: readonly LogLine[]): boolean => {
			if (lines.length > 0) sentUpTo = lines.at(-1)!.at;
			return send(Buffer.from(lines.map(line => `${query.timestamps ? `${rfc3339Nano(line.at)} ` : ''}${line.text}\n`).join('')));
		};

		if (!run) {
			response.end();
			return;
		}

		const now = Date.now();
		const all = runLog(run, now, options.speed);
		let lines = all;
		if (query.tailLines !== undefined) lines = query.tailLines === 0 ? [] : lines.slice(-query.tailLines);
		// The kubelet's filter: lines written at or after the time (sinceSeconds counted back from now).
		const since = query.sinceTime ?? (query.sinceSeconds === undefined ? undefined : now - query.sinceSeconds * 1000);
		if (since !== undefined) {
			lines = lines.filter(line => line.at >= since);
		}

		const more = write(lines);
		// Later lines follow whatever the tail and since filters left out.
		sentUpTo = all.at(-1)?.at ?? sentUpTo;
		if (!more || !query.follow || run.finishedAt !== undefined) {
			response.end();
			return;
		}

		followEvery(response, () => {
			const at = Date.now();
			const latest = options.pod(exchange.namespace, exchange.name);
			const state = runNow(latest?.body as Pod | undefined, latest?.runs, run);
			const current = state === 'running' ? run : state === 'gone' ? undefined : state;
			const fresh = current ? runLog(current, at, options.speed).filter(line => line.at > sentUpTo) : [];
			return write(fresh) && state === 'running';
		});
	}

	return {
		serve,
		get open() {
			return open.size;
		},
		drop() {
			for (const response of open) response.destroy();
		},
	};
}
