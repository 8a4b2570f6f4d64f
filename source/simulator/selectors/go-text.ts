// Go's ways with strings that selector errors and orders depend on: byte order, byte lengths, %q quoting,
// strconv.ParseInt. A selector's error must read as a cluster's would, down to how a value is quoted.

// Go compares strings byte by byte (sort.Strings, sets.String.List); UTF-16 order differs beyond the BMP.
export function byteOrder(left: string, right: string): number {
	return Buffer.compare(Buffer.from(left), Buffer.from(right));
}

// Go's limits count bytes, not characters.
export function bytes(text: string): number {
	return Buffer.byteLength(text);
}

// Go's %q, which field.Invalid uses for the offending value: control and other unprintable characters escaped the
// Go way (\x01, \u00a0), where JSON would write \u0001 or leave them as they are.
const quoteEscapes: ReadonlyMap<string, string> = new Map([
	['"', '\\"'],
	['\\', '\\\\'],
	['\u0007', '\\a'],
	['\b', '\\b'],
	['\f', '\\f'],
	['\n', '\\n'],
	['\r', '\\r'],
	['\t', '\\t'],
	['\v', '\\v'],
]);

// unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space, no other space.
const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

export function quote(text: string): string {
	let quoted = '"';
	for (const character of text) {
		const code = character.codePointAt(0)!;
		const escape = quoteEscapes.get(character);
		if (escape !== undefined) {
			quoted += escape;
		} else if (printable.test(character)) {
			quoted += character;
		} else if (code < 0x20 || code === 0x7f) {
			quoted += `\\x${code.toString(16).padStart(2, '0')}`;
		} else if (code < 0x1_00_00) {
			quoted += `\\u${code.toString(16).padStart(4, '0')}`;
		} else {
			quoted += `\\U${code.toString(16).padStart(8, '0')}`;
		}
	}

	return `${quoted}"`;
}


// strconv.ParseInt(value, 10, 64): an optional sign, decimal digits, and within int64.
export function parseInt64(value: string): bigint | undefined {
	if (!/^[-+]?\d+$/.test(value)) {
		return undefined;
	}

	const parsed = BigInt(value);
	return parsed >= -(2n ** 63n) && parsed < 2n ** 63n ? parsed : undefined;
}
