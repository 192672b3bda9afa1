'use strict';
/**
 * The vendor pages' rules that several of the sandbox's calls share: the Get calls' Filter (at
 * least one filter and one OutputSelector, elements of their documented types) and the field types.
 */

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/**
 * A Get call's documented rules, as GetCustomer's and GetOrder's pages state them alike: a Filter
 * holding at least one filter (an element not in `notFilters`) and one OutputSelector, each element
 * of its documented type (`rules`), and no element the page does not list.
 */
function checkGet(action, rules, notFilters, payload) {
	const must = `You must specify at least one filter and one OutputSelector in your ${action} request.`;
	const filter = payload && typeof payload === 'object' ? payload.Filter : undefined;
	if (filter === null || typeof filter !== 'object' || Array.isArray(filter)) {
		return [error('Filter is required', must)];
	}
	const errors = [];
	const present = (value) => asValues(value).some((v) => String(v) !== '');
	for (const name of Object.keys(payload)) {
		if (name !== 'Filter')
			errors.push(error(`Unknown element ${name}`, `${name} is not an element of ${action}.`));
	}
	checkElements(action, 'Filter', rules, filter, errors);
	if (
		!Object.keys(filter).some(
			(name) => rules[name] && !notFilters.includes(name) && present(filter[name]),
		)
	) {
		const selectNothing = notFilters.filter((name) => name !== 'OutputSelector').join(', ');
		errors.push(error('No filter given', `${must} ${selectNothing}: these select nothing.`));
	}
	if (!present(filter.OutputSelector)) errors.push(error('No OutputSelector given', must));
	return errors;
}

/** Checks each element of `parent` against its documented rule; `group` rules hold elements of their own. */
function checkElements(action, parentName, rules, parent, errors) {
	for (const [name, value] of Object.entries(parent)) {
		const rule = rules[name];
		if (!rule) {
			errors.push(
				error(`Unknown filter ${name}`, `${name} is not a ${parentName} element of ${action}.`),
			);
			continue;
		}
		if (!rule.list && Array.isArray(value))
			errors.push(error(`${name} takes one value`, `${name} does not support multiple elements.`));
		for (const item of asValues(value)) {
			if (rule.kind === 'group') {
				if (item !== null && typeof item === 'object' && !Array.isArray(item))
					checkElements(action, name, rule.elements, item, errors);
				else if (item !== '')
					errors.push(error(`Invalid value for ${name}`, `${name} must hold elements.`));
				continue;
			}
			if (item !== null && typeof item === 'object') {
				errors.push(error(`Invalid value for ${name}`, `${name} must be a simple value.`));
				continue;
			}
			const problem = typeProblem(name, rule, String(item));
			if (problem) errors.push(problem);
		}
	}
}

/** The error for a simple value that is not of its element's documented type, if it is not. */
function typeProblem(name, rule, text) {
	if (
		rule.kind === 'integer' &&
		!(rule.digits ? new RegExp(`^\\d{1,${rule.digits}}$`) : /^\d+$/).test(text)
	) {
		return error(
			`Invalid ${name} ${text}`,
			`${name} is an Integer${rule.digits ? `(${rule.digits})` : ''}.`,
		);
	}
	if (rule.kind === 'dateTime' && !isRealDateTime(text))
		return error(`Invalid DateTime for ${name}`, `${name} must be YYYY-MM-DD HH:MM:SS.`);
	if (rule.kind === 'enum' && !rule.values.includes(text)) {
		return error(
			`Invalid ${name} ${text}`,
			`${name} must be one of ${rule.values.slice(0, 8).join(', ')}${rule.values.length > 8 ? ', ...' : ''}.`,
		);
	}
	if (rule.kind === 'string' && rule.max && [...text].length > rule.max)
		return error(`${name} is too long`, `${name} is a String(${rule.max}).`);
	return undefined;
}

function asValues(value) {
	if (value === undefined || value === null) return [];
	return Array.isArray(value) ? value : [value];
}

function isRealDateTime(text) {
	const match = DATE_TIME.exec(text);
	if (!match) return false;
	const [, y, mo, d, h, mi, s] = match.map(Number);
	const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
	return (
		date.getUTCFullYear() === y &&
		date.getUTCMonth() === mo - 1 &&
		date.getUTCDate() === d &&
		h < 24 &&
		mi < 60 &&
		s < 60
	);
}

/**
 * The page of `found` a Get call's Page and Limit ask for: none without a Limit; pages count from
 * `firstPage` (the pages do not say: 0 or 1), a page below it is the first page.
 */
function onePage(found, filter, firstPage) {
	const limit = Number(filter.Limit);
	if (!Number.isInteger(limit) || limit <= 0) return found;
	const asked = Number.isInteger(Number(filter.Page)) ? Number(filter.Page) : firstPage;
	const page = Math.max(asked - firstPage, 0);
	return found.slice(page * limit, page * limit + limit);
}

function error(message, description) {
	return { Message: message, SeverityCode: 'Error', Description: description };
}

module.exports = { asValues, checkGet, error, isRealDateTime, onePage };
