// What the program reads of a pod's log, handed over as it comes (--record keeps it): the request's query and
// the bytes as received, before any sanitising.
import type {ApiClient} from '../api/client.js';

export type LogRead = {
	readonly pod: string;
	/** The query as sent: container, previous, tailLines, limitBytes, follow, sinceTime, timestamps. */
	readonly query: Readonly<Record<string, string>>;
	/** A followed log: its bytes come over time, in chunks cut anywhere. */
	readonly follow: boolean;
};

/** Takes one answer's bytes: once for a tail, chunk by chunk for a followed log, then end(). */
export type LogSink = {
	bytes(chunk: Uint8Array): void;
	end(): void;
};

/** Told of each log answer that came (200): a refusal or a failure is not an answer of the log. */
export type LogTap = (read: LogRead) => LogSink;

type LogApi = Pick<ApiClient, 'getBytes' | 'streamBytes'>;

/** The client's log reads of `pod`, each answer also handed to the tap. */
export function tapLogReads<Api extends Partial<LogApi>>(api: Api, pod: string, tap: LogTap | undefined): Api {
	if (!tap) return api;
	const tapped: Partial<LogApi> = {};
	const {getBytes, streamBytes} = api;
	if (getBytes) {
		tapped.getBytes = async (path, options) => {
			const answer = await getBytes.call(api, path, options);
			const sink = tap({pod, query: options.query ?? {}, follow: false});
			sink.bytes(answer.body);
			sink.end();
			return answer;
		};
	}

	if (streamBytes) {
		tapped.streamBytes = async (path, options) => {
			const stream = await streamBytes.call(api, path, options);
			const sink = tap({pod, query: options.query ?? {}, follow: true});
			async function* chunks(): AsyncGenerator<Uint8Array> {
				try {
					for await (const chunk of stream.chunks) {
						sink.bytes(chunk);
						yield chunk;
					}
				} finally {
					sink.end();
				}
			}

			return {...stream, chunks: chunks()};
		};
	}

	return {...api, ...tapped};
}
