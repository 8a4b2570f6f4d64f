/**
 * Label and field selectors as the API server reads them (k8s.io/apimachinery pkg/labels and pkg/fields, with the
 * validation of pkg/api/validate/content as of Kubernetes 1.35), down to the words of their errors: the server
 * returns those in a 400 Status, and clients that show them to users should see what a cluster would say.
 */

export type Labels = Readonly<Record<string, string>>;

export type Parsed<T> = {readonly ok: true; readonly value: T} | {readonly ok: false; readonly message: string};

export type LabelSelector = {
	readonly empty: boolean;
	matches(labels: Labels): boolean;
};

/**
 * The fields a resource can be selected by, each with how to read it from an object. Anything else is "field label
 * not supported", as the resource's field label conversion answers.
 */
export type SelectableFields<T> = Readonly<Record<string, (subject: T) => string>>;

export type FieldSelector<T> = {
	readonly empty: boolean;
	/**
	 * The value an `=`/`==` term on the field asks for (the first one, terms in sorted order), as fields.Selector's
	 * RequiresExactMatch: how the API server checks a watch of one named object against its fieldSelector.
	 */
	requiresExactMatch(field: string): string | undefined;
	matches(subject: T): boolean;
};

class SelectorError extends Error {}

function failure(error: unknown): {readonly ok: false; readonly message: string} {
	if (error instanceof SelectorError) {
		return {ok: false, message: error.message};
	}

	throw error;
}

// Go compares strings byte by byte (sort.Strings, sets.String.List); UTF-16 order differs beyond the BMP.
function byteOrder(left: string, right: string): number {
	return Buffer.compare(Buffer.from(left), Buffer.from(right));
}

// Go's limits count bytes, not characters.
function bytes(text: string): number {
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

function quote(text: string): string {
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

// content.RegexError
function regexError(message: string, pattern: string, ...examples: string[]): string {
	return `${message} (e.g. ${examples.map(example => `'${example}', `).join(' or ')}regex used for validation is '${pattern}')`;
}

const labelKeyFormat = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const labelKeyRule = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const labelKeyPattern = new RegExp(`^${labelKeyFormat}$`);
const labelValueFormat = `(${labelKeyFormat})?`;
const labelValuePattern = new RegExp(`^${labelValueFormat}$`);
const subdomainFormat = '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const subdomainPattern = new RegExp(`^${subdomainFormat}$`);

// content.IsDNS1123Subdomain
function subdomainErrors(value: string): string[] {
	const errors: string[] = [];
	if (bytes(value) > 253) {
		errors.push('must be no more than 253 bytes');
	}

	if (!subdomainPattern.test(value)) {
		errors.push(
			regexError(
				"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
				subdomainFormat,
				'example.com',
			),
		);
	}

	return errors;
}

// content.IsLabelKey
function labelKeyErrors(key: string): string[] {
	const parts = key.split('/');
	if (parts.length > 2) {
		return [
			`a valid label key ${regexError(labelKeyRule, labelKeyFormat, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
		];
	}

	const errors: string[] = [];
	const name = parts.at(-1)!;
	if (parts.length === 2) {
		const prefix = parts[0]!;
		if (prefix === '') {
			errors.push('prefix part must be non-empty');
		} else {
			errors.push(...subdomainErrors(prefix).map(error => `prefix part ${error}`));
		}
	}

	if (name === '') {
		errors.push('name part must be non-empty');
	} else if (bytes(name) > 63) {
		errors.push('name part must be no more than 63 bytes');
	}

	if (!labelKeyPattern.test(name)) {
		errors.push(`name part ${regexError(labelKeyRule, labelKeyFormat, 'MyName', 'my.name', '123-abc')}`);
	}

	return errors;
}

// content.IsLabelValue
function labelValueErrors(value: string): string[] {
	const errors: string[] = [];
	if (bytes(value) > 63) {
		errors.push('must be no more than 63 bytes');
	}

	if (!labelValuePattern.test(value)) {
		errors.push(
			regexError(
				"a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
				labelValueFormat,
				'MyValue',
				'my_value',
				'12345',
			),
		);
	}

	return errors;
}

// strconv.ParseInt(value, 10, 64): an optional sign, decimal digits, and within int64.
function parseInt64(value: string): bigint | undefined {
	if (!/^[-+]?\d+$/.test(value)) {
		return undefined;
	}

	const parsed = BigInt(value);
	return parsed >= -(2n ** 63n) && parsed < 2n ** 63n ? parsed : undefined;
}

type Token = 'end' | 'identifier' | 'in' | 'notin' | '(' | ')' | ',' | '!' | '=' | '==' | '!=' | '>' | '<';
type Item = {readonly token: Token; readonly literal: string};

const symbolTokens: ReadonlyMap<string, Token> = new Map<string, Token>(
	['(', ')', ',', '!', '=', '==', '!=', '>', '<'].map(symbol => [symbol, symbol as Token]),
);
const specialSymbols = new Set(['=', '!', '(', ')', ',', '>', '<']);
const whitespace = new Set([' ', '\t', '\r', '\n']);

/**
 * labels.Lexer, read for read. Its reader gives a NUL byte for the end of the string, so a NUL in the selector
 * ends the selector where a token would start, and only ends the token otherwise.
 */
function lex(text: string): Item[] {
	let position = 0;
	const read = (): string => (position < text.length ? text[position++]! : '\0');
	const items: Item[] = [];
	for (;;) {
		let character = read();
		while (whitespace.has(character)) {
			character = read();
		}

		if (character === '\0') {
			items.push({token: 'end', literal: ''});
			return items;
		}

		let literal = character;
		if (specialSymbols.has(character)) {
			// The longest run of symbols that still spells an operator: "!=" and "==", else one symbol.
			let token = symbolTokens.get(literal)!;
			for (;;) {
				const next = read();
				if (next === '\0') {
					break;
				}

				const longer = specialSymbols.has(next) ? symbolTokens.get(literal + next) : undefined;
				if (!longer) {
					position--;
					break;
				}

				literal += next;
				token = longer;
			}

			items.push({token, literal});
			continue;
		}

		for (;;) {
			const next = read();
			if (next === '\0') {
				break;
			}

			if (specialSymbols.has(next) || whitespace.has(next)) {
				position--;
				break;
			}

			literal += next;
		}

		items.push({token: literal === 'in' || literal === 'notin' ? literal : 'identifier', literal});
	}
}

type Operator = 'in' | 'notin' | '=' | '==' | '!=' | 'gt' | 'lt' | 'exists' | '!';
type Requirement = {readonly key: string; readonly operator: Operator; readonly values: readonly string[]};

const binaryOperators: Partial<Record<Token, Operator>> = {in: 'in', notin: 'notin', '=': '=', '==': '==', '!=': '!=', '>': 'gt', '<': 'lt'};

// labels.NewRequirement's checks, every problem reported at once (errors.NewAggregate).
function validated(requirement: Requirement): Requirement {
	const {key, operator, values} = requirement;
	const problems: string[] = [];
	if (operator === 'gt' || operator === 'lt') {
		for (const [index, value] of values.entries()) {
			if (parseInt64(value) === undefined) {
				problems.push(`values[${index}]: Invalid value: ${quote(value)}: for 'Gt', 'Lt' operators, the value must be an integer`);
			}
		}
	}

	for (const [index, value] of values.entries()) {
		const errors = labelValueErrors(value);
		if (errors.length > 0) {
			problems.push(`values[${index}][${key}]: Invalid value: ${quote(value)}: ${errors.join('; ')}`);
		}
	}

	const distinct = [...new Set(problems)];
	if (distinct.length === 1) {
		throw new SelectorError(distinct[0]);
	}

	if (distinct.length > 1) {
		throw new SelectorError(`[${distinct.join(', ')}]`);
	}

	return requirement;
}

// labels.Parser. Where values may stand, "in" and "notin" are plain words (its Values context).
function parseRequirements(text: string): Requirement[] {
	const items = lex(text);
	let position = 0;
	const word = (item: Item): Item => (item.token === 'in' || item.token === 'notin' ? {token: 'identifier', literal: item.literal} : item);
	const lookahead = (): Item => word(items[position]!);
	const consume = (): Item => word(items[position++]!);

	function values(): string[] {
		const open = consume();
		if (open.token !== '(') {
			throw new SelectorError(`found '${open.literal}' expected: '('`);
		}

		const first = lookahead();
		if (first.token === ')') {
			consume();
			return [''];
		}

		if (first.token !== 'identifier' && first.token !== ',') {
			throw new SelectorError(`found '${first.literal}', expected: ',', ')' or identifier`);
		}

		// An empty place in the list, as in "(,a)", "(a,)" or "(a,,b)", is the empty value.
		const set = new Set<string>();
		for (;;) {
			const item = consume();
			if (item.token === 'identifier') {
				set.add(item.literal);
				const after = lookahead();
				if (after.token === ')') {
					break;
				}

				if (after.token !== ',') {
					throw new SelectorError(`found '${after.literal}', expected: ',' or ')'`);
				}
			} else if (item.token === ',') {
				if (set.size === 0) {
					set.add('');
				}

				const after = lookahead().token;
				if (after === ')') {
					set.add('');
					break;
				}

				if (after === ',') {
					set.add('');
				}
			} else {
				throw new SelectorError(`found '${item.literal}', expected: ',', or identifier`);
			}
		}

		consume();
		// A set: its values' indexes in errors are those of the sorted list.
		return [...set].sort(byteOrder);
	}

	function exactValue(): string[] {
		const next = lookahead().token;
		if (next === 'end' || next === ',') {
			return [''];
		}

		const item = consume();
		if (item.token !== 'identifier') {
			throw new SelectorError(`found '${item.literal}', expected: identifier`);
		}

		return [item.literal];
	}

	function requirement(): Requirement {
		let item = consume();
		const absent = item.token === '!';
		if (absent) {
			item = consume();
		}

		if (item.token !== 'identifier') {
			throw new SelectorError(`found '${item.literal}', expected: identifier`);
		}

		const key = item.literal;
		const errors = labelKeyErrors(key);
		if (errors.length > 0) {
			throw new SelectorError(`<nil>: Invalid value: ${quote(key)}: ${errors.join('; ')}`);
		}

		// "!key" ends the requirement whatever follows; what follows is then judged as the next separator.
		const next = lookahead().token;
		if (absent || next === 'end' || next === ',') {
			return {key, operator: absent ? '!' : 'exists', values: []};
		}

		const operatorItem = items[position++]!;
		const operator = binaryOperators[operatorItem.token];
		if (!operator) {
			throw new SelectorError(`found '${operatorItem.literal}', expected: in, notin, =, ==, !=, gt, lt`);
		}

		return validated({key, operator, values: operator === 'in' || operator === 'notin' ? values() : exactValue()});
	}

	const requirements: Requirement[] = [];
	for (;;) {
		const {token, literal} = lookahead();
		if (token === 'end') {
			return requirements;
		}

		if (token !== 'identifier' && token !== '!') {
			throw new SelectorError(`found '${literal}', expected: !, identifier, or 'end of string'`);
		}

		try {
			requirements.push(requirement());
		} catch (error) {
			throw error instanceof SelectorError ? new SelectorError(`unable to parse requirement: ${error.message}`) : error;
		}

		const after = consume();
		if (after.token === 'end') {
			return requirements;
		}

		if (after.token !== ',') {
			throw new SelectorError(`found '${after.literal}', expected: ',' or 'end of string'`);
		}

		const next = lookahead();
		if (next.token !== 'identifier' && next.token !== '!') {
			throw new SelectorError(`found '${next.literal}', expected: identifier after ','`);
		}
	}
}

function requirementMatches({key, operator, values}: Requirement, labels: Labels): boolean {
	const value = Object.hasOwn(labels, key) ? labels[key] : undefined;
	switch (operator) {
		case 'in':
		case '=':
		case '==': {
			return value !== undefined && values.includes(value);
		}

		case 'notin':
		case '!=': {
			return value === undefined || !values.includes(value);
		}

		case 'exists': {
			return value !== undefined;
		}

		case '!': {
			return value === undefined;
		}

		case 'gt':
		case 'lt': {
			const have = value === undefined ? undefined : parseInt64(value);
			const want = parseInt64(values[0]!)!;
			if (have === undefined) {
				return false;
			}

			return operator === 'gt' ? have > want : have < want;
		}
	}
}

/** `labelSelector`: `k=v`, `k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`, `k notin (a,b)`, `k>1`, `k<1`, comma-joined (all must hold). */
export function parseLabelSelector(text: string): Parsed<LabelSelector> {
	try {
		const requirements = parseRequirements(text);
		return {
			ok: true,
			value: {
				empty: requirements.length === 0,
				matches: labels => requirements.every(requirement => requirementMatches(requirement, labels)),
			},
		};
	} catch (error) {
		return failure(error);
	}
}

type Term = {readonly field: string; readonly equal: boolean; readonly value: string};

// fields.UnescapeValue: "\" may escape "\", "," and "=", and nothing else; "," and "=" need it.
function unescapeValue(value: string): string {
	let result = '';
	let escaped = false;
	for (const character of value) {
		if (escaped) {
			if (!'\\,='.includes(character)) {
				throw new SelectorError(`invalid field selector: invalid escape sequence: \\${character}`);
			}

			result += character;
			escaped = false;
		} else if (character === '\\') {
			escaped = true;
		} else if (character === ',' || character === '=') {
			// Go prints the rune as its number.
			throw new SelectorError(`invalid field selector: unescaped character in value: ${character.codePointAt(0)}`);
		} else {
			result += character;
		}
	}

	if (escaped) {
		throw new SelectorError('invalid field selector: invalid escape sequence: \\');
	}

	return result;
}

// fields.splitTerms: on commas that no backslash escapes.
function splitTerms(text: string): string[] {
	const terms: string[] = [];
	let start = 0;
	let escaped = false;
	for (let index = 0; index < text.length; index++) {
		if (escaped) {
			escaped = false;
		} else if (text[index] === '\\') {
			escaped = true;
		} else if (text[index] === ',') {
			terms.push(text.slice(start, index));
			start = index + 1;
		}
	}

	terms.push(text.slice(start));
	return terms;
}

function fieldSelector<T>(terms: readonly Term[], fields: SelectableFields<T>): FieldSelector<T> {
	return {
		empty: terms.length === 0,
		requiresExactMatch: field => terms.find(term => term.equal && term.field === field)?.value,
		matches: subject => terms.every(({field, equal, value}) => (fields[field]!(subject) === value) === equal),
	};
}

/**
 * `fieldSelector`: `field=value`, `field==value`, `field!=value`, comma-joined (all must hold), `\` escaping `\`,
 * `,` and `=` in values, over the fields given (jobs, as a custom resource without selectableFields: metadata.name
 * and metadata.namespace).
 */
export function parseFieldSelector<T>(text: string, fields: SelectableFields<T>): Parsed<FieldSelector<T>> {
	try {
		// Terms in sorted order, as Go parses them: which malformed one is reported, and which name a watch is pinned to.
		const terms: Term[] = [];
		for (const term of splitTerms(text).sort(byteOrder)) {
			if (term === '') {
				continue;
			}

			const match = /^(.*?)(!=|==|=)(.*)$/s.exec(term);
			if (!match) {
				throw new SelectorError(`invalid selector: '${text}'; can't understand '${term}'`);
			}

			terms.push({field: match[1]!, equal: match[2] !== '!=', value: unescapeValue(match[3]!)});
		}

		// Field labels are converted only once the whole selector has parsed, so a syntax error anywhere comes first.
		for (const {field} of terms) {
			if (!Object.hasOwn(fields, field)) {
				throw new SelectorError(`field label not supported: ${field}`);
			}
		}

		return {ok: true, value: fieldSelector(terms, fields)};
	} catch (error) {
		return failure(error);
	}
}

/** fields.OneTermEqualSelector: what a watch of one named object selects when it sends no fieldSelector. */
export function oneTermEqualSelector<T>(field: string, value: string, fields: SelectableFields<T>): FieldSelector<T> {
	return fieldSelector([{field, equal: true, value}], fields);
}
