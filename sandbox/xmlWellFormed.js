'use strict';
/**
 * XML 1.0 well-formedness (W3C XML 1.0, fifth edition), as a conforming parser checks it before a
 * store reads a request: fast-xml-parser, which the sandbox reads XML with, is lenient (it takes
 * `]]>` in text, a bare `&`, characters XML forbids), so a node that writes bad XML would pass.
 * `wellFormednessError(text)` gives the first violation found, or undefined. A document type
 * declaration is refused too (the API takes none, and without one only the five predefined
 * entities exist).
 */

/** Char (production 2): what may appear anywhere in a document, character references included. */
const NOT_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const NAME_START =
	':A-Z_a-z\\xC0-\\xD6\\xD8-\\xF6\\xF8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}';
const NAME_CHAR = `${NAME_START}\\-.0-9\\xB7\\u0300-\\u036F\\u203F-\\u2040`;
const NAME = `[${NAME_START}][${NAME_CHAR}]*`;
const PREDEFINED = new Set(['amp', 'lt', 'gt', 'apos', 'quot']);

const sticky = (source) => new RegExp(source, 'uy');
const XML_DECL = sticky(
	`<\\?xml[ \\t\\r\\n]+version[ \\t\\r\\n]*=[ \\t\\r\\n]*(?:"1\\.[0-9]+"|'1\\.[0-9]+')` +
		`(?:[ \\t\\r\\n]+encoding[ \\t\\r\\n]*=[ \\t\\r\\n]*(?:"[A-Za-z][A-Za-z0-9._-]*"|'[A-Za-z][A-Za-z0-9._-]*'))?` +
		`(?:[ \\t\\r\\n]+standalone[ \\t\\r\\n]*=[ \\t\\r\\n]*(?:"(?:yes|no)"|'(?:yes|no)'))?[ \\t\\r\\n]*\\?>`,
);
const SPACE = /[ \t\r\n]*/y;
const START_TAG = sticky(
	`<(${NAME})((?:[ \\t\\r\\n]+${NAME}[ \\t\\r\\n]*=[ \\t\\r\\n]*(?:"[^<"]*"|'[^<']*'))*)[ \\t\\r\\n]*(/?)>`,
);
const ATTRIBUTE = new RegExp(`(${NAME})[ \\t\\r\\n]*=[ \\t\\r\\n]*(?:"([^<"]*)"|'([^<']*)')`, 'gu');
const END_TAG = sticky(`</(${NAME})[ \\t\\r\\n]*>`);
const PI = sticky(`<\\?(${NAME})(?:[ \\t\\r\\n][^]*?)?\\?>`);
const REFERENCE = sticky(`&(?:(${NAME})|#([0-9]+)|#x([0-9a-fA-F]+));`);

function where(text, index) {
	const before = text.slice(0, index);
	const line = before.split('\n').length;
	return `line ${line}, column ${index - before.lastIndexOf('\n')}`;
}

/** Checks the references in character data or an attribute value; gives the error or undefined. */
function referencesError(text, from, to) {
	for (
		let index = text.indexOf('&', from);
		index >= 0 && index < to;
		index = text.indexOf('&', index + 1)
	) {
		REFERENCE.lastIndex = index;
		const match = REFERENCE.exec(text);
		if (!match || match.index + match[0].length > to)
			return `"&" that does not start a reference at ${where(text, index)}`;
		if (match[1] !== undefined && !PREDEFINED.has(match[1]))
			return `undeclared entity &${match[1]}; at ${where(text, index)}`;
		if (match[1] === undefined) {
			const code = match[2] !== undefined ? Number(match[2]) : parseInt(match[3], 16);
			const char = code <= 0x10ffff ? String.fromCodePoint(code) : '';
			if (char === '' || NOT_CHAR.test(char))
				return `a character reference to a character XML forbids (${match[0]}) at ${where(text, index)}`;
		}
	}
	return undefined;
}

/** A comment or processing instruction at `index`: its end, or an error. */
function miscAt(text, index) {
	if (text.startsWith('<!--', index)) {
		const end = text.indexOf('-->', index + 4);
		if (end < 0) return { error: `an unclosed comment at ${where(text, index)}` };
		if (text.slice(index + 4, end).includes('--') || text[end - 1] === '-')
			return { error: `"--" inside a comment at ${where(text, index)}` };
		return { end: end + 3 };
	}
	PI.lastIndex = index;
	const pi = PI.exec(text);
	if (!pi) return { error: `a malformed processing instruction at ${where(text, index)}` };
	if (pi[1].toLowerCase() === 'xml')
		return { error: `an XML declaration that is not at the very start, at ${where(text, index)}` };
	return { end: index + pi[0].length };
}

function wellFormednessError(text) {
	const bad = NOT_CHAR.exec(text);
	if (bad)
		return `a character XML forbids (U+${bad[0].codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}) at ${where(text, bad.index)}`;
	let index = text.startsWith('\uFEFF') ? 1 : 0;
	if (text.startsWith('<?xml', index) && /[ \t\r\n?]/.test(text[index + 5] ?? '')) {
		XML_DECL.lastIndex = index;
		const decl = XML_DECL.exec(text);
		if (!decl) return 'a malformed XML declaration';
		index += decl[0].length;
	}
	const stack = [];
	let rootSeen = false;
	while (index < text.length) {
		const lt = text.indexOf('<', index);
		const textEnd = lt < 0 ? text.length : lt;
		if (textEnd > index) {
			// Character data: inside the root anything but `<` and `]]>`, with well-formed references; outside, spaces only.
			if (stack.length === 0) {
				if (!/^[ \t\r\n]*$/.test(text.slice(index, textEnd)))
					return `text outside the root element at ${where(text, index)}`;
			} else {
				const cdataEnd = text.indexOf(']]>', index);
				if (cdataEnd >= 0 && cdataEnd < textEnd)
					return `"]]>" in character data at ${where(text, cdataEnd)}`;
				const error = referencesError(text, index, textEnd);
				if (error) return error;
			}
			index = textEnd;
			continue;
		}
		if (text.startsWith('<!--', index) || text.startsWith('<?', index)) {
			const misc = miscAt(text, index);
			if (misc.error) return misc.error;
			index = misc.end;
			continue;
		}
		if (text.startsWith('<![CDATA[', index)) {
			if (stack.length === 0)
				return `a CDATA section outside the root element at ${where(text, index)}`;
			const end = text.indexOf(']]>', index + 9);
			if (end < 0) return `an unclosed CDATA section at ${where(text, index)}`;
			index = end + 3;
			continue;
		}
		if (text.startsWith('<!', index))
			return `a declaration (<!…) the API does not take, at ${where(text, index)}`;
		if (text.startsWith('</', index)) {
			END_TAG.lastIndex = index;
			const end = END_TAG.exec(text);
			if (!end) return `a malformed end tag at ${where(text, index)}`;
			if (stack.length === 0 || stack[stack.length - 1] !== end[1]) {
				return `end tag </${end[1]}> at ${where(text, index)} does not match ${stack.length ? `<${stack[stack.length - 1]}>` : 'any open element'}`;
			}
			stack.pop();
			index += end[0].length;
			continue;
		}
		START_TAG.lastIndex = index;
		const start = START_TAG.exec(text);
		if (!start) return `a "<" that does not start markup at ${where(text, index)}`;
		if (stack.length === 0 && rootSeen)
			return `a second root element <${start[1]}> at ${where(text, index)}`;
		const names = new Set();
		for (const attribute of start[2].matchAll(ATTRIBUTE)) {
			if (names.has(attribute[1]))
				return `attribute ${attribute[1]} given twice at ${where(text, index)}`;
			names.add(attribute[1]);
			const value = attribute[2] ?? attribute[3];
			const error = referencesError(value, 0, value.length);
			if (error) return `in attribute ${attribute[1]} at ${where(text, index)}: ${error}`;
		}
		rootSeen = true;
		if (start[3] !== '/') stack.push(start[1]);
		index += start[0].length;
	}
	if (stack.length > 0) return `element <${stack[stack.length - 1]}> is not closed`;
	if (!rootSeen) return 'no root element';
	return undefined;
}

module.exports = { wellFormednessError };
