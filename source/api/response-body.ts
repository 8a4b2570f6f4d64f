import {ApiError} from './api-error.js';
import type {HttpResponse} from './http-transport.js';

// Reading an answer's body: whole and capped (JSON, errors), or up to a limit (a log's tail).

/** The whole body as text, refused (ApiError) past maxBytes. */
export async function readCapped(response: HttpResponse, maxBytes: number): Promise<{text: string; bytes: number}> {
	const declared = Number(response.headers.get('content-length'));
	const tooLarge = () =>
		new ApiError({
			category: 'malformed',
			summary: `answer refused: larger than ${Math.round(maxBytes / 1024)} KB (status ${response.status})`,
			status: response.status,
		});
	if (Number.isFinite(declared) && declared > maxBytes) {
		await response.body?.cancel();
		throw tooLarge();
	}

	const chunks: Uint8Array[] = [];
	let bytes = 0;
	if (response.body) {
		for await (const chunk of response.body) {
			bytes += chunk.byteLength;
			if (bytes > maxBytes) {
				await response.body.cancel().catch(() => {});
				throw tooLarge();
			}

			chunks.push(chunk);
		}
	}

	return {text: Buffer.concat(chunks).toString('utf8'), bytes};
}

/** Up to maxBytes of the body; the connection is dropped rather than drained when more comes. */
export async function readUpTo(response: HttpResponse, maxBytes: number): Promise<{body: Buffer; cut: boolean}> {
	const chunks: Uint8Array[] = [];
	let bytes = 0;
	let cut = false;
	if (response.body) {
		for await (const chunk of response.body) {
			const room = maxBytes - bytes;
			if (chunk.byteLength > room) {
				chunks.push(chunk.subarray(0, room));
				cut = true;
				await response.body.cancel().catch(() => {});
				break;
			}

			chunks.push(chunk);
			bytes += chunk.byteLength;
		}
	}

	return {body: Buffer.concat(chunks), cut};
}

/** The answer as a JSON object; `what` names the object expected, for the error when something else came. */
export async function readJson(
	response: HttpResponse,
	what: string,
	maxBytes: number,
): Promise<{raw: Record<string, unknown>; bytes: number; requestId?: string}> {
	const {text, bytes} = await readCapped(response, maxBytes);
	const requestId = response.headers.get('x-request-id');
	let raw: unknown;
	try {
		raw = JSON.parse(text);
	} catch {
		const problem = text.trim() === '' ? 'an empty answer' : /^\s*</.test(text) ? 'an HTML page' : 'an answer that is not JSON (or was cut short)';
		throw new ApiError({category: 'malformed', summary: `${response.status}: ${problem} instead of ${what}`, status: response.status});
	}

	if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
		throw new ApiError({category: 'malformed', summary: `${response.status}: JSON that is not ${what}`, status: response.status});
	}

	return {raw: raw as Record<string, unknown>, bytes, ...(requestId ? {requestId} : {})};
}
