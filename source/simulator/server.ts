import {randomBytes, randomUUID} from 'node:crypto';
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http';
import {createServer as createHttpsServer} from 'node:https';
import type {AddressInfo} from 'node:net';
import type {TLSSocket} from 'node:tls';
import {answerCluster, clusterDiscovery, clusterRequestOf, type ClusterRequest, type ClusterResource} from './cluster-api.js';
import {createCluster} from './cluster-objects.js';
import {rootDiscovery, type LocalEnd} from './discovery.js';
import {gatewayBody, nginxErrorPage, statusBody, type Fault} from './faults.js';
import {createSimulatedAuth, type AkSkSimulatorOptions, type IamSimulatorOptions} from './iam.js';
import {renderJob, type JobSnapshot, type VerbatimJob} from './job-template.js';
import {createJobCollection, matchCollectionPath, type WatchHooks, type WatchSimulatorOptions} from './list-watch.js';
import {createFleet, type ManyJobsOptions} from './many-jobs.js';
import {scenarioNames, scenarios, type Scenario} from './scenarios.js';
import {createJobStore} from './store.js';

export type SimulatorOptions = {
	readonly scenario?: string | Scenario;
	/** Default 127.0.0.1. */
	readonly host?: string;
	/** Default 0: any free port. */
	readonly port?: number;
	/** Time multiplier for the steps' holdMs; default 1. */
	readonly speed?: number;
	/** Default true; false = steps move only by advance() and goTo(). */
	readonly autoplay?: boolean;
	/** After the last step, start again as a new incarnation of the job (new uid, new creationTimestamp). */
	readonly loop?: boolean;
	/** When set, X-Auth-Token (CCI) or Authorization: Bearer (Kubernetes) must carry it, else 401. */
	readonly token?: string;
	/**
	 * Serve HTTPS with this key and certificate (PEM). With requestCert, as a Kubernetes API server: a client
	 * without a certificate signed by ca gets 401 (the handshake itself succeeds).
	 */
	readonly tls?: {readonly key: string; readonly cert: string; readonly ca?: string; readonly requestCert?: boolean};
	/** Huawei Cloud IAM (see iam.ts): POST …/v3/auth/tokens issues tokens, and the job path wants one (leave token unset). */
	readonly iam?: IamSimulatorOptions;
	/** Huawei Cloud access keys (see iam.ts): the job path wants an SDK-HMAC-SHA256 signature (or, with iam, an IAM token). */
	readonly aksk?: AkSkSimulatorOptions;
	/** Other jobs in the namespace, in place of the scenario's own manyJobs (see many-jobs.ts). */
	readonly manyJobs?: ManyJobsOptions;
	/** Changes kept for watches from a resourceVersion and for paged lists; older ones get 410. Default 1000. */
	readonly historySize?: number;
	/** These resources' lists and gets are answered 403, as for a user whose role does not cover them. */
	readonly forbidden?: readonly ClusterResource[];
	/** The PodGroup is named `<job>` as before Volcano v1.6, not `<job>-<job uid>`; default: the scenario's choice. */
	readonly legacyPodGroupName?: boolean;
} & WatchSimulatorOptions;

export type SimulatedRequest = {
	readonly method: string;
	/** As requested, query included. */
	readonly path: string;
	/** 0 when no status was sent (reset, hang). */
	readonly status: number;
	/** Date.now() on arrival. */
	readonly at: number;
	/** With tls.requestCert: the common name of the client's certificate. */
	readonly clientCertificate?: string;
};

export type Simulator = {
	readonly url: string;
	readonly port: number;
	readonly scenario: Scenario;
	readonly stepIndex: number;
	/** Next step; after the last one, a new incarnation with loop, else nothing. */
	advance(): void;
	goTo(index: number): void;
	/** Served to the next job GETs, one each, before the scenario's own faults. */
	injectFaults(...faults: Fault[]): void;
	readonly requestCount: number;
	/** With iam: every token issued so far stops working, as after a password change. */
	revokeTokens(): void;
	/** The last 200 requests, oldest first. */
	readonly requests: readonly SimulatedRequest[];
	/** With manyJobs: make this many changes to those jobs now. */
	changeJobs(count: number): void;
	/** The newest resourceVersion (one counter for every job, as etcd's revision). */
	readonly resourceVersion: number;
	close(): Promise<void>;
} & WatchHooks;

const groupVersion = 'batch.volcano.sh/v1alpha1';
const groupVersionPath = `/apis/${groupVersion}`;
const jobPathPattern = /^\/apis\/batch\.volcano\.sh\/v1alpha1\/namespaces\/([^/]+)\/jobs\/([^/]+)\/?$/;
// The seed document's resourceVersion: the first write continues from there.
const firstResourceVersion = 7_681_358;
const defaultHistorySize = 1000;
const requestLogSize = 200;
const defaultFaultEvery = 2;
// The user the API server names when it refuses a forbidden resource.
const simulatedUser = 'demo';
const defaultNodes = ['192.168.0.11', '192.168.0.12', '192.168.0.13'];

const resourceList = {
	kind: 'APIResourceList',
	apiVersion: 'v1',
	groupVersion,
	resources: [
		{
			name: 'jobs',
			singularName: 'job',
			namespaced: true,
			kind: 'Job',
			verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
			shortNames: ['vcjob', 'vj'],
		},
		{name: 'jobs/status', singularName: '', namespaced: true, kind: 'Job', verbs: ['get', 'patch', 'update']},
	],
};

// Envoy's words, mislabelled as JSON: what a misbehaving hop can hand back with a 200.
const garbageBody = 'upstream connect error or disconnect/reset before headers. reset reason: connection termination';

type Incarnation = {
	readonly uid: string;
	readonly createdAt: Date;
	readonly conditions: Array<{status: string; lastTransitionTime: Date}>;
	lastPhase: string;
	snapshotKey: string;
};

type Reply = {readonly status: number; readonly body: unknown};

function resolveScenario(scenario: string | Scenario | undefined): Scenario {
	if (typeof scenario === 'object') {
		return scenario;
	}

	const name = scenario ?? 'demo';
	if (!Object.hasOwn(scenarios, name)) {
		throw new Error(`Unknown scenario "${name}"; expected one of: ${scenarioNames.join(', ')}`);
	}

	return scenarios[name]!;
}

// Kubernetes reads `pretty` with Go's strconv.ParseBool.
function parseBool(value: string | null): boolean | undefined {
	if (value === null) {
		return undefined;
	}

	if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) {
		return true;
	}

	return ['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value) ? false : undefined;
}

function decode(segment: string): string | undefined {
	try {
		return decodeURIComponent(segment);
	} catch {
		return undefined;
	}
}

type Route =
	| {readonly kind: 'job'; readonly namespace: string | undefined; readonly name: string | undefined}
	| {readonly kind: 'discovery'; readonly body: unknown}
	| {readonly kind: 'cluster'; readonly request: ClusterRequest};

/** What a path asks for; undefined when no service publishes it. */
function routeOf(pathname: string, socket: LocalEnd): Route | undefined {
	const job = jobPathPattern.exec(pathname);
	if (job) return {kind: 'job', namespace: decode(job[1]!), name: decode(job[2]!)};
	const bare = pathname.replace(/\/$/, '');
	if (bare === groupVersionPath) return {kind: 'discovery', body: resourceList};
	const discovery = clusterDiscovery.get(bare) ?? rootDiscovery(bare, socket);
	if (discovery) return {kind: 'discovery', body: discovery};
	const request = clusterRequestOf(pathname);
	return request ? {kind: 'cluster', request} : undefined;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
	const scenario = resolveScenario(options.scenario);
	const {steps} = scenario;
	const speed = options.speed ?? 1;
	const autoplay = options.autoplay ?? true;
	const loop = options.loop ?? false;
	const {token} = options;
	const auth = options.iam || options.aksk ? createSimulatedAuth({iam: options.iam, aksk: options.aksk, token}) : undefined;
	if (steps.length === 0) {
		throw new RangeError(`Scenario "${scenario.name}" has no steps`);
	}

	if (!(speed > 0) || !Number.isFinite(speed)) {
		throw new RangeError(`speed must be a positive number, got ${speed}`);
	}

	let stepIndex = 0;
	let stepRequests = 0;
	let faultCursor = 0;
	let incarnation: Incarnation | undefined;
	let document: unknown;
	let stepTimer: NodeJS.Timeout | undefined;
	let closing: Promise<void> | undefined;
	let requestCount = 0;
	const requestLog: SimulatedRequest[] = [];
	const injected: Fault[] = [];
	const delayTimers = new Set<NodeJS.Timeout>();
	const store = createJobStore({firstResourceVersion, historySize: options.historySize ?? defaultHistorySize});
	const collection = createJobCollection(store, options);
	const manyJobs = options.manyJobs ?? scenario.manyJobs;
	const fleet = manyJobs
		? createFleet(store, {...manyJobs, namespace: manyJobs.namespace ?? scenario.namespace, firstResourceVersion})
		: undefined;
	const forbidden = options.forbidden ?? [];
	const cluster = createCluster({
		speed,
		legacyPodGroupName: options.legacyPodGroupName ?? scenario.legacyPodGroupName ?? false,
		nodes: scenario.nodes ?? defaultNodes,
	});

	// The controller's write: resourceVersion, lastTransitionTime and managedFields move only when the content does.
	function write(job: 'absent' | JobSnapshot | VerbatimJob): void {
		if (job === 'absent') {
			incarnation = undefined;
			document = undefined;
			store.remove(scenario.namespace, scenario.jobName);
			return;
		}

		if ('verbatim' in job) {
			document = job.verbatim;
			store.writeVerbatim(scenario.namespace, scenario.jobName, job.verbatim);
			return;
		}

		const now = new Date();
		incarnation ??= {uid: randomUUID(), createdAt: now, conditions: [], lastPhase: '', snapshotKey: ''};
		const key = JSON.stringify(job);
		if (key === incarnation.snapshotKey) {
			return;
		}

		incarnation.snapshotKey = key;
		if (job.phase !== '' && job.phase !== incarnation.lastPhase) {
			incarnation.conditions.push({status: job.phase, lastTransitionTime: now});
		}

		incarnation.lastPhase = job.phase;
		const {uid, createdAt, conditions} = incarnation;
		document = store.write(
			scenario.namespace,
			scenario.jobName,
			uid,
			resourceVersion =>
				renderJob({
					namespace: scenario.namespace,
					name: scenario.jobName,
					uid,
					resourceVersion,
					creationTimestamp: createdAt,
					writtenAt: now,
					lastTransitionTime: now,
					conditions,
					snapshot: job,
					...(scenario.look ? {look: scenario.look} : {}),
				}),
			{keepObject: true},
		);
	}

	function enterStep(index: number, newIncarnation = false): void {
		stepIndex = index;
		stepRequests = 0;
		faultCursor = 0;
		if (newIncarnation) {
			incarnation = undefined;
		}

		const step = steps[index]!;
		write(step.job);
		cluster.enter(document, step.cluster, Date.now());
		clearTimeout(stepTimer);
		stepTimer = undefined;
		if (autoplay && closing === undefined && (loop || index < steps.length - 1)) {
			stepTimer = setTimeout(advance, step.holdMs / speed);
			stepTimer.unref();
		}
	}

	function advance(): void {
		if (closing !== undefined) {
			return;
		}

		if (stepIndex < steps.length - 1) {
			enterStep(stepIndex + 1);
		} else if (loop) {
			enterStep(0, true);
		}
	}

	function goTo(index: number): void {
		if (!Number.isInteger(index) || index < 0 || index >= steps.length) {
			throw new RangeError(`Step ${index} is out of range 0..${steps.length - 1}`);
		}

		if (closing === undefined) {
			enterStep(index);
		}
	}

	function nextFault(): Fault | undefined {
		const fault = injected.shift();
		if (fault) {
			return fault;
		}

		stepRequests++;
		const step = steps[stepIndex]!;
		const faults = step.faults ?? [];
		if (faults.length === 0 || stepRequests % Math.max(1, step.faultEvery ?? defaultFaultEvery) !== 0) {
			return undefined;
		}

		return faults[faultCursor++ % faults.length];
	}

	function jobReply(namespace: string | undefined, name: string | undefined): Reply {
		if (document !== undefined && namespace === scenario.namespace && name === scenario.jobName) {
			return {status: 200, body: document};
		}

		const other = namespace === undefined || name === undefined ? undefined : store.get(namespace, name);
		if (other) {
			return {status: 200, body: other.object ?? JSON.parse(other.json)};
		}

		return {
			status: 404,
			body: statusBody(404, {
				message: `jobs.batch.volcano.sh "${name ?? ''}" not found`,
				details: {name: name ?? '', group: 'batch.volcano.sh', kind: 'jobs'},
			}),
		};
	}

	function handle(request: IncomingMessage, response: ServerResponse): void {
		const method = request.method ?? 'GET';
		const peer = options.tls?.requestCert && (request.socket as TLSSocket).authorized ? (request.socket as TLSSocket).getPeerCertificate() : undefined;
		const entry = {method, path: request.url ?? '/', status: 0, at: Date.now(), ...(peer?.subject ? {clientCertificate: String(peer.subject.CN)} : {})};
		requestCount++;
		requestLog.push(entry);
		if (requestLog.length > requestLogSize) {
			requestLog.shift();
		}

		const requestId = randomBytes(16).toString('hex');
		response.setHeader('X-Request-Id', requestId);
		response.setHeader('Cache-Control', 'no-cache, private');
		response.on('error', () => {
			// A client that went away mid-answer is part of the simulation, not a failure of it.
		});

		const url = new URL(request.url ?? '/', 'http://simulator.invalid');
		const pretty = parseBool(url.searchParams.get('pretty')) ?? /^(curl|wget)/i.test(request.headers['user-agent'] ?? '');

		function send(status: number, body: string, contentType: string, headers: Readonly<Record<string, string>> = {}): void {
			entry.status = status;
			response.writeHead(status, {'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), ...headers});
			response.end(body);
		}

		// Kubernetes' encoder ends every document with a newline.
		function json(value: unknown): string {
			return `${JSON.stringify(value, undefined, pretty ? 2 : undefined)}\n`;
		}

		function sendJson(reply: Reply, headers?: Readonly<Record<string, string>>): void {
			send(reply.status, json(reply.body), 'application/json', headers);
		}

		const {pathname} = url;
		if (pathname === '/healthz') {
			send(200, 'ok', 'text/plain; charset=utf-8');
			return;
		}

		if (auth?.isLogin(pathname) && method === 'POST') {
			const chunks: Buffer[] = [];
			request.on('data', (chunk: Buffer) => chunks.push(chunk));
			request.on('end', () => {
				const reply = auth.login(Buffer.concat(chunks).toString('utf8'), requestId);
				sendJson(reply, reply.headers);
			});
			return;
		}

		const collectionMatch = matchCollectionPath(pathname);
		const route = collectionMatch ? undefined : routeOf(pathname, request.socket);
		if (!route && !collectionMatch) {
			// Huawei Cloud's API gateway answers for paths no service publishes.
			sendJson({
				status: 404,
				body: gatewayBody(
					'APIGW.0101',
					'The API does not exist or has not been published in the environment',
					requestId,
				),
			});
			return;
		}

		const refusal = auth?.verify(request, requestId);
		if (refusal) {
			sendJson(refusal, refusal.headers);
			return;
		}

		const bearer = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
		const badCertificate = options.tls?.requestCert === true && peer === undefined;
		if (badCertificate || (token !== undefined && request.headers['x-auth-token'] !== token && bearer !== token)) {
			sendJson({status: 401, body: statusBody(401)});
			return;
		}

		if (method !== 'GET' && method !== 'HEAD') {
			sendJson({status: 405, body: statusBody(405)}, {Allow: 'GET, HEAD'});
			return;
		}

		if (collectionMatch) {
			collection.serve({
				...collectionMatch,
				request,
				response,
				query: url.searchParams,
				pretty,
				onStatus(status) {
					entry.status = status;
				},
			});
			return;
		}

		if (!route) return;
		if (route.kind === 'discovery') {
			sendJson({status: 200, body: route.body});
			return;
		}

		// Faults stay on the job path: a step's rotation counts job GETs only.
		if (route.kind === 'cluster') {
			sendJson(answerCluster(route.request, url.searchParams, cluster, {forbidden, user: simulatedUser}, Date.now()));
			return;
		}

		const reply = (): Reply => jobReply(route.namespace, route.name);
		const fault = nextFault();
		if (fault === undefined) {
			void collection.checkGet(url.searchParams.get('resourceVersion'), response).then(refusal => {
				if (!response.destroyed) {
					sendJson(refusal ?? reply(), refusal?.headers);
				}
			});
			return;
		}

		switch (fault.kind) {
			case 'status': {
				const {body} = fault;
				const text =
					body === undefined
						? ''
						: typeof body === 'string'
							? body
							: json('request_id' in body ? {...body, request_id: requestId} : body);
				const contentType = fault.contentType ?? (typeof body === 'object' ? 'application/json' : 'text/plain; charset=utf-8');
				send(fault.status, text, contentType, fault.headers);
				return;
			}

			case 'reset': {
				request.socket.resetAndDestroy();
				return;
			}

			case 'hang': {
				// The socket stays open until the client gives up or close() destroys it.
				return;
			}

			case 'truncated': {
				const {status, body} = reply();
				const bytes = Buffer.from(json(body));
				entry.status = status;
				response.writeHead(status, {'Content-Type': 'application/json', 'Content-Length': bytes.length});
				response.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => response.destroy());
				return;
			}

			case 'html': {
				send(fault.status, nginxErrorPage(fault.status), 'text/html', {Server: 'nginx'});
				return;
			}

			case 'empty': {
				send(fault.status, '', 'text/plain; charset=utf-8');
				return;
			}

			case 'garbage': {
				send(200, garbageBody, 'application/json');
				return;
			}

			case 'delay': {
				const timer = setTimeout(() => {
					delayTimers.delete(timer);
					if (!response.destroyed) {
						sendJson(reply());
					}
				}, fault.ms);
				delayTimers.add(timer);
				return;
			}

			case 'huge': {
				const {status, body} = reply();
				entry.status = status;
				void streamPadded(response, status, JSON.stringify(body), fault.bytes);
			}
		}
	}

	const {tls} = options;
	const server = tls
		? createHttpsServer({key: tls.key, cert: tls.cert, ...(tls.ca ? {ca: tls.ca} : {}), requestCert: tls.requestCert ?? false, rejectUnauthorized: false}, handle)
		: createServer(handle);
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
			server.off('error', reject);
			resolve();
		});
	});

	const address = server.address() as AddressInfo;
	const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
	enterStep(0);

	return {
		url: `${tls ? 'https' : 'http'}://${host}:${address.port}`,
		port: address.port,
		scenario,
		get stepIndex() {
			return stepIndex;
		},
		advance,
		goTo,
		injectFaults(...faults: Fault[]) {
			injected.push(...faults);
		},
		revokeTokens() {
			auth?.revokeTokens();
		},
		...collection.hooks,
		get openWatches() {
			return collection.hooks.openWatches;
		},
		changeJobs(count: number) {
			fleet?.change(count);
		},
		get resourceVersion() {
			return store.resourceVersion;
		},
		get requestCount() {
			return requestCount;
		},
		get requests() {
			return [...requestLog];
		},
		async close() {
			closing ??= new Promise<void>(resolve => {
				clearTimeout(stepTimer);
				for (const timer of delayTimers) {
					clearTimeout(timer);
				}

				delayTimers.clear();
				injected.length = 0;
				fleet?.close();
				collection.close();
				server.close(() => {
					resolve();
				});
				// Hanging and keep-alive sockets would hold close() open.
				server.closeAllConnections();
			});
			return closing;
		},
	};
}

/** The document with a leading "padding" member that brings it to `bytes` bytes, written with back-pressure. */
async function streamPadded(response: ServerResponse, status: number, document: string, bytes: number): Promise<void> {
	const head = '{"padding":"';
	const tail = `",${document.slice(1)}\n`;
	let left = Math.max(0, bytes - head.length - Buffer.byteLength(tail));
	response.writeHead(status, {'Content-Type': 'application/json', 'Content-Length': head.length + left + Buffer.byteLength(tail)});
	response.write(head);
	const chunk = Buffer.alloc(64 * 1024, 'x');
	while (left > 0 && !response.destroyed) {
		const size = Math.min(left, chunk.length);
		left -= size;
		if (!response.write(chunk.subarray(0, size))) {
			// eslint-disable-next-line no-await-in-loop
			await new Promise<void>(resolve => {
				const done = () => {
					response.off('drain', done);
					response.off('close', done);
					resolve();
				};

				response.on('drain', done);
				response.on('close', done);
			});
		}
	}

	if (!response.destroyed) {
		response.end(tail);
	}
}
