// Everything a server sends is untrusted: a job name, a message or an error page could carry escape
// sequences that retitle the window, write the clipboard (OSC 52), plant hyperlinks (OSC 8), move the
// cursor, or bidi overrides that make text read backwards. Ink strips some of this, not all: do it here.

// ESC-introduced sequences: CSI (ESC [ … final), OSC/DCS/SOS/PM/APC (ESC ] P X ^ _ … BEL or ST),
// and two-byte escapes (ESC + one char). The 8-bit C1 forms (CSI = U+009B, OSC = U+009D, …) too.
const escapeSequence =
	// eslint-disable-next-line no-control-regex
	/\u001B\[[0-?]*[ -/]*[@-~]?|\u009B[0-?]*[ -/]*[@-~]?|[\u001B][\]PX^_][\s\S]*?(?:\u0007|\u001B\\|\u009C|$)|[\u0090\u0098\u009D\u009E\u009F][\s\S]*?(?:\u0007|\u001B\\|\u009C|$)|\u001B[\s\S]?/gu;

// Bidi embeddings/overrides/isolates, zero-width and other invisible format characters, tag characters.
// The zero-width joiner goes too: it splits an emoji sequence into its parts, which is still readable.
const invisible = /[\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFB\u{E0000}-\u{E007F}]/gu;

// Line breaks and tabs become a space: every server string is shown on one line.
const whitespace = /[\t\n\v\f\r\u0085\u2028\u2029]+/g;

// Remaining C0, DEL and C1 controls are shown escaped, so a person can see that something was there.
// eslint-disable-next-line no-control-regex
const control = /[\u0000-\u001F\u007F-\u009F]/g;

export const defaultMaxLength = 200;

/**
 * A server string made safe to print on one terminal line: escape sequences and invisible characters
 * removed, controls shown as \xNN, cut to maxLength characters with an ellipsis.
 */
export function sanitize(value: string, maxLength = defaultMaxLength): string {
	let text = value
		.toWellFormed()
		.replace(escapeSequence, '')
		.replace(invisible, '')
		.replace(whitespace, ' ')
		.replace(control, c => `\\x${c.codePointAt(0)!.toString(16).padStart(2, '0')}`)
		.trim();
	// Counted and cut in code points, never in the middle of a surrogate pair.
	const codePoints = Array.from(text);
	if (codePoints.length > maxLength) {
		text = codePoints.slice(0, Math.max(1, maxLength - 1)).join('') + '…';
	}

	return text;
}

/** Any value from the wire as a sanitised string, or undefined when it is not a non-empty string. */
export function sanitizeOptional(value: unknown, maxLength = defaultMaxLength): string | undefined {
	if (typeof value === 'number' && Number.isFinite(value)) {
		return String(value);
	}

	if (typeof value !== 'string') {
		return undefined;
	}

	const text = sanitize(value, maxLength);
	return text === '' ? undefined : text;
}

// JSON.stringify already escapes C0 controls; these pass through it raw and still act on a terminal or
// reorder what a person reads. Escaping them keeps the JSON value exactly what the server sent.
const jsonUnsafe = /[\u007F-\u009F\u061C\u180E\u200B-\u200F\u2028\u2029\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF]/g;

/** JSON text that is safe to write to a terminal and parses back to the same value. */
export function terminalSafeJson(value: unknown): string {
	return JSON.stringify(value).replace(jsonUnsafe, c => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}
