/**
 * Label and field selectors as the API server reads them (k8s.io/apimachinery pkg/labels and pkg/fields, with the
 * validation of pkg/api/validate/content as of Kubernetes 1.35), down to the words of their errors: the server
 * returns those in a 400 Status, and clients that show them to users should see what a cluster would say. This
 * file is pkg/labels' parser and matching; field-selector.ts is pkg/fields.
 */

import {byteOrder, parseInt64, quote} from './go-text.js';
import {lex, type Item, type Token} from './label-lexer.js';
import {labelKeyErrors, labelValueErrors} from './label-validation.js';
import {failure, SelectorError, type Parsed} from './parse-result.js';

export type Labels = Readonly<Record<string, string>>;

export type LabelSelector = {
	readonly empty: boolean;
	matches(labels: Labels): boolean;
};

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
