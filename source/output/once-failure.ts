import type {ApiError} from '../api/api-error.js';
import {terminalSafeJson} from '../common/sanitize.js';
import {isoSeconds} from './text-writer.js';

/**
 * The last line of a --once that gave up, for either view: text names who (a job or a namespace), the JSON
 * object carries `fields` beside the error and, like every NDJSON line, goes through terminalSafeJson.
 */
export function onceFailureLine(
	format: 'text' | 'json',
	at: number,
	failure: {readonly who: string; readonly fields: Readonly<Record<string, string>>; readonly message: string; readonly error: ApiError},
): string {
	if (format === 'json') {
		return `${terminalSafeJson({time: isoSeconds(at), event: 'error', final: true, ...failure.fields, error: failure.error.toJSON()})}\n`;
	}

	return `${isoSeconds(at)} ${failure.who} error: ${failure.message}\n`;
}
