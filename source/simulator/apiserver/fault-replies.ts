import type {IncomingMessage, ServerResponse} from 'node:http';
import {nginxErrorPage, type Fault} from '../faults.js';

// Serving a Fault in place of the normal answer: to a job GET, or to a list or watch of a collection.

// Envoy's words, mislabelled as JSON: what a misbehaving hop can hand back with a 200.
const garbageBody = 'upstream connect error or disconnect/reset before headers. reset reason: connection termination';

export type JsonReply = {readonly status: number; readonly body: unknown; readonly headers?: Readonly<Record<string, string>>};

export type FaultTarget = {
	readonly request: IncomingMessage;
	readonly response: ServerResponse;
	readonly requestId: string;
	readonly pretty: boolean;
	/** Records the status sent, for the request log. */
	setStatus(status: number): void;
	/** Give the normal answer. */
	serve(): void;
	/** The normal answer as text, for faults that bend it; undefined for a watch (nothing to cut in half). */
	readonly text?: () => Promise<{status: number; text: string}>;
	/** A watch: once the 200 is out, errors travel as an ERROR event. */
	readonly watch?: boolean;
	/** The 504 a replica that lags behind the one that issued the resourceVersion gives, after its 3 s wait. */
	tooLarge(): JsonReply;
};

export type FaultReplies = {
	serve(fault: Fault, target: FaultTarget): void;
	close(): void;
};

export function createFaultReplies(options: {readonly tooLargeWaitMs: number}): FaultReplies {
	const timers = new Set<NodeJS.Timeout>();

	function later(ms: number, action: () => void): void {
		const timer = setTimeout(() => {
			timers.delete(timer);
			action();
		}, ms);
		timers.add(timer);
	}

	function json(value: unknown, pretty: boolean): string {
		return `${JSON.stringify(value, undefined, pretty ? 2 : undefined)}\n`;
	}

	function send(target: FaultTarget, status: number, body: string, contentType: string, headers: Readonly<Record<string, string>> = {}): void {
		target.setStatus(status);
		target.response.writeHead(status, {'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), ...headers});
		target.response.end(body);
	}

	async function bend(target: FaultTarget, how: (status: number, text: string) => void): Promise<void> {
		if (!target.text) {
			target.serve();
			return;
		}

		try {
			const {status, text} = await target.text();
			if (!target.response.destroyed) how(status, text);
		} catch {
			// A refusal has nothing to bend: the normal answer is the refusal.
			target.serve();
		}
	}

	return {
		serve(fault, target) {
			const {response} = target;
			switch (fault.kind) {
				case 'status': {
					const {body} = fault;
					const text =
						body === undefined
							? ''
							: typeof body === 'string'
								? body
								: json('request_id' in body ? {...body, request_id: target.requestId} : body, target.pretty);
					const contentType = fault.contentType ?? (typeof body === 'object' ? 'application/json' : 'text/plain; charset=utf-8');
					send(target, fault.status, text, contentType, fault.headers);
					return;
				}

				case 'reset': {
					target.request.socket.resetAndDestroy();
					return;
				}

				case 'hang': {
					// The socket stays open until the client gives up or close() destroys it.
					return;
				}

				case 'truncated': {
					if (target.watch) {
						// The stream opens, then the connection is cut.
						target.setStatus(200);
						response.writeHead(200, {'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked'});
						response.flushHeaders();
						later(10, () => response.destroy());
						return;
					}

					void bend(target, (status, text) => {
						const bytes = Buffer.from(text);
						target.setStatus(status);
						response.writeHead(status, {'Content-Type': 'application/json', 'Content-Length': bytes.length});
						response.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => response.destroy());
					});
					return;
				}

				case 'html': {
					send(target, fault.status, nginxErrorPage(fault.status), 'text/html', {Server: 'nginx'});
					return;
				}

				case 'empty': {
					send(target, fault.status, '', 'text/plain; charset=utf-8');
					return;
				}

				case 'garbage': {
					send(target, 200, garbageBody, 'application/json');
					return;
				}

				case 'delay': {
					later(fault.ms, () => {
						if (!response.destroyed) target.serve();
					});
					return;
				}

				case 'huge': {
					void bend(target, (status, text) => {
						target.setStatus(status);
						void streamPadded(response, status, text.trimEnd(), fault.bytes);
					});
					return;
				}

				case 'tooLarge': {
					later(options.tooLargeWaitMs, () => {
						if (response.destroyed) return;
						const reply = target.tooLarge();
						if (target.watch) {
							target.setStatus(200);
							response.writeHead(200, {'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked'});
							response.end(`{"type":"ERROR","object":${JSON.stringify(reply.body)}}\n`);
							return;
						}

						send(target, reply.status, json(reply.body, target.pretty), 'application/json', reply.headers);
					});
				}
			}
		},
		close() {
			for (const timer of timers) {
				clearTimeout(timer);
			}

			timers.clear();
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
