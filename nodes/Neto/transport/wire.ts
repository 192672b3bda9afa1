import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import type { IDataObject } from 'n8n-workflow';

import type { NetoAction, NetoAnswer, NetoMessage, WireFormat } from '../answer';
import type { NotNetoAnswer, Result } from '../failures';
import { fail, ok } from '../failures';

/**
 * Neto's two wire formats. Requests are built from plain objects whose keys are already in the
 * field table's order; answers are read by their content, whatever was asked, into one shape.
 */

/**
 * Elements that may repeat, by the element they sit in: JSON converted from XML sends one as a
 * bare object and none as "". (A log's own `Customer` is a plain value, not a list.)
 */
const LIST_ELEMENTS: Record<string, ReadonlySet<string>> = {
	'': new Set(['CustomerLog', 'Customer', 'Order']),
	CustomerLogs: new Set(['CustomerLog']),
	Messages: new Set(['Error', 'Warning']),
};

const XML_ESCAPES: Record<string, string> = {
	'&': '&amp;',
	'<': '&lt;',
	'>': '&gt;',
	'"': '&quot;',
	"'": '&apos;',
	// A literal CR would be folded into LF by any XML parser; as a reference it survives.
	'\r': '&#13;',
};

export function escapeXml(text: string): string {
	return text.replace(/[&<>"'\r]/g, (char) => XML_ESCAPES[char]);
}

const xmlBuilder = new XMLBuilder({
	processEntities: false,
	suppressEmptyNode: false,
	tagValueProcessor: (_name: string, value: unknown) => escapeXml(String(value)),
});

const xmlParser = new XMLParser({
	ignoreAttributes: true,
	ignoreDeclaration: true,
	ignorePiTags: true,
	parseTagValue: false,
	trimValues: false,
	processEntities: true,
	htmlEntities: true,
});

export function encodeRequest(
	action: NetoAction,
	payload: IDataObject,
	format: WireFormat,
): { body: string; contentType: string } {
	if (format === 'json') return { body: JSON.stringify(payload), contentType: 'application/json' };
	return {
		body: `<?xml version="1.0" encoding="utf-8"?>${xmlBuilder.build({ [action]: payload }) as string}`,
		contentType: 'application/xml',
	};
}

function notNeto(reason: string, excerpt: string): { ok: false; failure: NotNetoAnswer } {
	return fail({ reason, excerpt });
}

function bodyExcerpt(body: string): string {
	const flat = body.replace(/\s+/g, ' ').trim();
	return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

function asList(value: unknown): unknown[] {
	if (value === undefined || value === null || value === '') return [];
	return Array.isArray(value) ? value : [value];
}

function normalize(value: unknown, key: string, parent: string | undefined): unknown {
	if (parent !== undefined && LIST_ELEMENTS[parent]?.has(key) && !Array.isArray(value)) {
		return normalize(asList(value), key, parent);
	}
	if (Array.isArray(value)) return value.map((entry) => normalize(entry, key, undefined));
	if (value === null || value === undefined) return '';
	if (typeof value === 'object') {
		const result: IDataObject = {};
		const entries = Object.entries(value as IDataObject);
		for (const [name, inner] of entries) {
			// Indentation between child elements, which XML hands over as text.
			if (name === '#text' && entries.length > 1 && String(inner).trim() === '') continue;
			result[name] = normalize(inner, name, key) as IDataObject[string];
		}
		return result;
	}
	if (key === 'LogID' && /^\s*\d+\s*$/.test(String(value))) return Number(value);
	return String(value);
}

/** A list at the top of the answer (or in Messages), each entry normalized. */
function normalizeList(value: unknown, name: string): IDataObject[] {
	return asList(value).map((entry) => normalize(entry, name, undefined) as IDataObject);
}

function tryParse<T>(parse: () => T): T | undefined {
	try {
		return parse();
	} catch {
		return undefined;
	}
}

function readDocument(
	body: unknown,
): Result<{ root: IDataObject; format: WireFormat }, NotNetoAnswer> {
	if (body !== null && typeof body === 'object' && !Buffer.isBuffer(body)) {
		return ok({ root: body as IDataObject, format: 'json' });
	}
	const text = Buffer.isBuffer(body) ? body.toString('utf8') : String(body ?? '');
	const trimmed = text.replace(/^\uFEFF/, '').trim();
	if (trimmed === '') return notNeto('the store sent an empty answer', '');
	if (trimmed.startsWith('{')) {
		const root = tryParse(() => JSON.parse(trimmed) as unknown);
		if (root === null || typeof root !== 'object' || Array.isArray(root)) {
			return notNeto('the store sent JSON that cannot be read', bodyExcerpt(text));
		}
		return ok({ root: root as IDataObject, format: 'json' });
	}
	if (trimmed.startsWith('<')) {
		const document = tryParse(() => xmlParser.parse(trimmed, true) as IDataObject);
		if (document === undefined)
			return notNeto('the store sent XML that cannot be read', bodyExcerpt(text));
		const rootName = Object.keys(document).find(
			(name) => !name.startsWith('?') && name !== '#text',
		);
		const root = rootName === undefined ? undefined : document[rootName];
		if (
			rootName === undefined ||
			/^html$/i.test(rootName) ||
			typeof root !== 'object' ||
			root === null
		) {
			return notNeto("the answer is a web page, not Neto's API", bodyExcerpt(text));
		}
		return ok({ root: root as IDataObject, format: 'xml' });
	}
	return notNeto('the answer is neither JSON nor XML', bodyExcerpt(text));
}

/**
 * Reads a store's answer by its content (JSON, XML, or neither) into one normalized shape.
 * Fails with NotNetoAnswer when the body is not an answer from Neto's API at all.
 */
export function parseNetoResponse(body: unknown): Result<NetoAnswer, NotNetoAnswer> {
	const document = readDocument(body);
	if (!document.ok) return document;
	const { root, format } = document.value;
	const known = ['Ack', 'Messages', 'CustomerLog', 'Customer', 'Order'].some(
		(name) => name in root,
	);
	if (!known) {
		return notNeto(
			'the answer has none of the parts of a Neto API answer (Ack, Messages)',
			bodyExcerpt(typeof body === 'string' ? body : JSON.stringify(body)),
		);
	}
	const messages = (
		typeof root.Messages === 'object' && root.Messages !== null ? root.Messages : {}
	) as IDataObject;
	return ok({
		Ack: typeof root.Ack === 'string' ? root.Ack.trim() : '',
		...(root.CurrentTime !== undefined ? { CurrentTime: String(root.CurrentTime) } : {}),
		CustomerLog: normalizeList(root.CustomerLog, 'CustomerLog'),
		Customer: normalizeList(root.Customer, 'Customer'),
		Order: normalizeList(root.Order, 'Order'),
		Messages: {
			Error: normalizeList(messages.Error, 'Error').map(toMessage),
			Warning: normalizeList(messages.Warning, 'Warning').map(toMessage),
		},
		format,
	});
}

function toMessage(entry: IDataObject): NetoMessage {
	// A message may arrive as bare text; keep Neto's shape either way.
	if (typeof entry !== 'object') return { Message: String(entry), SeverityCode: '' };
	return {
		...entry,
		Message: typeof entry.Message === 'string' ? entry.Message : '',
		SeverityCode: typeof entry.SeverityCode === 'string' ? entry.SeverityCode : '',
	};
}
