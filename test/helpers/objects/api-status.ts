import {type ApiError, errorFromResponse} from '../../../source/api/api-error.js';
import {statusBody, type StatusFaultOptions} from '../../../source/simulator/index.js';

/** The error the client makes of a Kubernetes Status answer with this code (and reason, message, Retry-After). */
export function status(code: number, options?: StatusFaultOptions): ApiError {
	return errorFromResponse({status: code, body: JSON.stringify(statusBody(code, options))});
}
