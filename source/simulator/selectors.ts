/**
 * Label and field selectors as the API server reads them (k8s.io/apimachinery pkg/labels and pkg/fields), with
 * the same error messages: clients that show the server's words to users should see what a cluster would say.
 */

export type Labels = Readonly<Record<string, string>>;

export type Parsed<T> = {readonly ok: true; readonly value: T} | {readonly ok: false; readonly message: string};

export type LabelSelector = {
	readonly empty: boolean;
	matches(labels: Labels): boolean;
};

export type FieldSelector = {
	readonly empty: boolean;
	/** The name an `=`/`==` term pins the selector to, as a watch on one object sends it. */
	readonly name?: string;
	matches(object: {readonly name: string; readonly namespace: string}): boolean;
};

type Token =
	| 'error'
	| 'end'
	| ')'
	| ','
	| '!'
	| '=='
	| '='
	| '>'
	| 'identifier'
	| 'in'
	| '!='
	| '<'
	| 'notin'
	| '(';

const symbolTokens: ReadonlyMap<string, Token> = new Map<string, Token>([
	[')', ')'],
	[',', ','],
	['!', '!'],
	['==', '=='],
	['=', '='],
	['>', '>'],
	['<', '<'],
	['!=', '!='],
	['(', '('],
]);
const specialSymbols = new Set(['=', '!', '(', ')', ',', '>', '<']);
const whitespace = new Set([' ', '\t', '\r', '\n']);

type Item = {readonly token: Token; readonly literal: string};

function lex(text: string): Item[] {
	const items: Item[] = [];
	let position = 0;
	for (;;) {
		while (position < text.length && whitespace.has(text[position]!)) {
			position++;
		}

		if (position >= text.length) {
			items.push({token: 'end', literal: ''});
			return items;
		}

		if (specialSymbols.has(text[position]!)) {
			// The longest run of symbols that still spells an operator, as Go's scanSpecialSymbol reads it.
			let buffer = '';
			let last: Item | undefined;
			while (position < text.length && specialSymbols.has(text[position]!)) {
				buffer += text[position];
				const token = symbolTokens.get(buffer);
				if (token) {
					last = {token, literal: buffer};
				} else if (last) {
					break;
				}

				position++;
			}

			if (!last) {
				items.push({token: 'error', literal: `error expected: keyword found '${buffer}'`});
				return items;
			}

			items.push(last);
			continue;
		}

		let literal = '';
		while (position < text.length && !specialSymbols.has(text[position]!) && !whitespace.has(text[position]!)) {
			literal += text[position++];
		}

		items.push({token: literal === 'in' || literal === 'notin' ? literal : 'identifier', literal});
	}
}

const nameMessage =
	"name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const qualifiedNameMessage =
	"a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
const subdomainMessage =
	"prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const valueMessage =
	"a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const namePattern = /^([A-Za-z\d][-A-Za-z\d_.]*)?[A-Za-z\d]$/;
const subdomainPattern = /^[a-z\d]([-a-z\d]*[a-z\d])?(\.[a-z\d]([-a-z\d]*[a-z\d])?)*$/;

// validation.IsQualifiedName
function keyErrors(key: string): string[] {
	const parts = key.split('/');
	if (parts.length > 2) {
		return [qualifiedNameMessage];
	}

	const name = parts.at(-1)!;
	const errors: string[] = [];
	if (parts.length === 2) {
		const prefix = parts[0]!;
		if (prefix.length === 0) {
			errors.push('prefix part must be non-empty');
		} else if (prefix.length > 253) {
			errors.push('prefix part must be no more than 253 characters');
		} else if (!subdomainPattern.test(prefix)) {
			errors.push(subdomainMessage);
		}
	}

	if (name.length === 0) {
		errors.push('name part must be non-empty');
	} else if (name.length > 63) {
		errors.push('name part must be no more than 63 characters');
	}

	if (name.length > 0 && !namePattern.test(name)) {
		errors.push(nameMessage);
	}

	return errors;
}

// validation.IsValidLabelValue
function valueErrors(value: string): string[] {
	const errors: string[] = [];
	if (value.length > 63) {
		errors.push('must be no more than 63 characters');
	}

	if (value.length > 0 && !namePattern.test(value)) {
		errors.push(valueMessage);
	}

	return errors;
}

type Operator = 'in' | 'notin' | '=' | '==' | '!=' | 'gt' | 'lt' | 'exists' | '!';
type Requirement = {readonly key: string; readonly operator: Operator; readonly values: readonly string[]};

class SelectorError extends Error {}

function invalid(path: string, value: string, detail: string): SelectorError {
	return new SelectorError(`${path}: Invalid value: ${JSON.stringify(value)}: ${detail}`);
}

function parseRequirements(text: string): Requirement[] {
	const items = lex(text);
	let position = 0;
	const lookahead = (): Item => items[position]!;
	const consume = (): Item => items[Math.min(position++, items.length - 1)]!;

	function parseValues(): string[] {
		const open = consume();
		if (open.token !== '(') {
			throw new SelectorError(`found '${open.literal}' expected: '('`);
		}

		const next = lookahead();
		if (next.token === ')') {
			consume();
			return [''];
		}

		if (next.token !== ',' && next.token !== 'identifier' && next.token !== 'in' && next.token !== 'notin') {
			throw new SelectorError(`found '${next.literal}', expected: ',', ')' or identifier`);
		}

		const values = new Set<string>();
		for (;;) {
			const item = consume();
			if (item.token === 'identifier' || item.token === 'in' || item.token === 'notin') {
				values.add(item.literal);
				const after = lookahead();
				if (after.token === ',') {
					continue;
				}

				if (after.token === ')') {
					break;
				}

				throw new SelectorError(`found '${after.literal}', expected: ',' or ')'`);
			}

			if (item.token === ',') {
				if (values.size === 0) {
					values.add('');
				}

				const after = lookahead();
				if (after.token === ')') {
					values.add('');
					break;
				}

				if (after.token === ',') {
					consume();
					values.add('');
				}

				continue;
			}

			throw new SelectorError(`found '${item.literal}', expected: ',', or identifier`);
		}

		const close = consume();
		if (close.token !== ')') {
			throw new SelectorError(`found '${close.literal}', expected: ')'`);
		}

		return [...values];
	}

	function parseRequirement(): Requirement {
		let item = consume();
		let operator: Operator | undefined;
		if (item.token === '!') {
			operator = '!';
			item = consume();
		}

		if (item.token !== 'identifier' && item.token !== 'in' && item.token !== 'notin') {
			throw new SelectorError(`found '${item.literal}', expected: identifier`);
		}

		const key = item.literal;
		const errors = keyErrors(key);
		if (errors.length > 0) {
			throw invalid('<nil>', key, errors.join('; '));
		}

		const next = lookahead().token;
		if (operator === '!' || next === 'end' || next === ',') {
			return {key, operator: operator ?? 'exists', values: []};
		}

		const operatorItem = consume();
		const operators: Partial<Record<Token, Operator>> = {in: 'in', notin: 'notin', '=': '=', '==': '==', '!=': '!=', '>': 'gt', '<': 'lt'};
		const parsed = operators[operatorItem.token];
		if (!parsed) {
			throw new SelectorError(`found '${operatorItem.literal}', expected: in, notin, =, ==, !=, gt, lt`);
		}

		let values: string[];
		if (parsed === 'in' || parsed === 'notin') {
			values = parseValues();
		} else if (lookahead().token === 'end' || lookahead().token === ',') {
			values = [''];
		} else {
			const value = consume();
			if (value.token !== 'identifier' && value.token !== 'in' && value.token !== 'notin') {
				throw new SelectorError(`found '${value.literal}', expected: identifier`);
			}

			values = [value.literal];
		}

		for (const [index, value] of values.entries()) {
			if (parsed === 'gt' || parsed === 'lt') {
				if (!/^[-+]?\d+$/.test(value)) {
					throw invalid(`values[${index}]`, value, "for 'Gt', 'Lt' operators, the value must be an integer");
				}

				continue;
			}

			const problems = valueErrors(value);
			if (problems.length > 0) {
				throw invalid(`values[${index}][${key}]`, value, problems.join('; '));
			}
		}

		return {key, operator: parsed, values};
	}

	const requirements: Requirement[] = [];
	for (;;) {
		const {token, literal} = lookahead();
		if (token === 'end') {
			return requirements;
		}

		if (token !== 'identifier' && token !== '!' && token !== 'in' && token !== 'notin') {
			throw new SelectorError(`found '${literal}', expected: !, identifier, or 'end of string'`);
		}

		try {
			requirements.push(parseRequirement());
		} catch (error) {
			throw new SelectorError(`unable to parse requirement: ${(error as Error).message}`);
		}

		const after = consume();
		if (after.token === 'end') {
			return requirements;
		}

		if (after.token !== ',') {
			throw new SelectorError(`found '${after.literal}', expected: ',' or 'end of string'`);
		}

		const next = lookahead();
		if (next.token !== 'identifier' && next.token !== '!' && next.token !== 'in' && next.token !== 'notin') {
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
			if (value === undefined || !/^[-+]?\d+$/.test(value)) {
				return false;
			}

			const have = Number(value);
			const want = Number(values[0]);
			return operator === 'gt' ? have > want : have < want;
		}
	}
}

/** `labelSelector`: `k=v`, `k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`, `k notin (a)`, `k>1`, `k<1`, comma-joined (AND). */
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
		if (error instanceof SelectorError) {
			return {ok: false, message: error.message};
		}

		throw error;
	}
}

function splitTerms(text: string): string[] {
	const terms: string[] = [];
	let start = 0;
	let escaped = false;
	for (let index = 0; index < text.length; index++) {
		const character = text[index];
		if (escaped) {
			escaped = false;
		} else if (character === '\\') {
			escaped = true;
		} else if (character === ',') {
			terms.push(text.slice(start, index));
			start = index + 1;
		}
	}

	terms.push(text.slice(start));
	return terms;
}

function unescape(value: string): Parsed<string> {
	let result = '';
	let escaped = false;
	for (const character of value) {
		if (escaped) {
			if (!'\\,='.includes(character)) {
				return {ok: false, message: `invalid field selector: invalid escape sequence: \\${character}`};
			}

			result += character;
			escaped = false;
		} else if (character === '\\') {
			escaped = true;
		} else if (character === ',' || character === '=') {
			// Go prints the rune as a number here.
			return {ok: false, message: `invalid field selector: unescaped character in value: ${character.codePointAt(0)}`};
		} else {
			result += character;
		}
	}

	return escaped ? {ok: false, message: 'invalid field selector: invalid escape sequence: \\'} : {ok: true, value: result};
}

/**
 * `fieldSelector` on a custom resource: only `metadata.name` and `metadata.namespace`, with `=`, `==`, `!=`
 * (a CRD's selectableFields are not served here).
 */
export function parseFieldSelector(text: string): Parsed<FieldSelector> {
	const terms: Array<{field: 'name' | 'namespace'; value: string; equal: boolean}> = [];
	for (const term of splitTerms(text)) {
		if (term === '') {
			continue;
		}

		const match = /!=|==|=/.exec(term);
		if (!match) {
			return {ok: false, message: `invalid selector: '${text}'; can't understand '${term}'`};
		}

		const label = term.slice(0, match.index);
		const value = unescape(term.slice(match.index + match[0].length));
		if (!value.ok) {
			return value;
		}

		if (label !== 'metadata.name' && label !== 'metadata.namespace') {
			return {ok: false, message: `field label not supported: ${label}`};
		}

		terms.push({field: label === 'metadata.name' ? 'name' : 'namespace', value: value.value, equal: match[0] !== '!='});
	}

	const pinned = terms.find(term => term.field === 'name' && term.equal);
	return {
		ok: true,
		value: {
			empty: terms.length === 0,
			...(pinned ? {name: pinned.value} : {}),
			matches: object => terms.every(term => (object[term.field] === term.value) === term.equal),
		},
	};
}
