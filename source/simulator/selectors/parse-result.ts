// What parsing a selector gives: the selector, or the words of the error the API server answers with in its 400
// Status. Label and field selectors share it.

export type Parsed<T> = {readonly ok: true; readonly value: T} | {readonly ok: false; readonly message: string};

/** A selector the API server would refuse; its message is the Status's, word for word. */
export class SelectorError extends Error {}

export function failure(error: unknown): {readonly ok: false; readonly message: string} {
	if (error instanceof SelectorError) {
		return {ok: false, message: error.message};
	}

	throw error;
}
