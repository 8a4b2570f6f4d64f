import {expect} from 'vitest';
import {ApiError} from '../../../source/api/api-error.js';

/** What `promise` rejected with; the test fails if it resolved. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
	try {
		await promise;
	} catch (error) {
		return error;
	}

	throw new Error('expected a rejection, got an answer');
}

/** The ApiError `promise` rejected with; the test fails if it resolved or rejected with anything else. */
export async function apiRejectionOf(promise: Promise<unknown>): Promise<ApiError> {
	const error = await rejectionOf(promise);
	expect(error).toBeInstanceOf(ApiError);
	return error as ApiError;
}
