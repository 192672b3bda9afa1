import { DateTime } from 'luxon';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

/**
 * Reads the values of a few top-level parameters for each item, as getNodeParameter would give
 * them (a resource locator's value extracted, a collection's fields), with fewer evaluations.
 *
 * Why: in real n8n 2.x every expression evaluation builds n8n's whole data proxy (about a
 * millisecond each on a small machine), and the node's time per item is almost all that. So:
 * - a literal is read once for the run;
 * - `={{ $json.key }}` (the most common expression by far: a field of the input item) is read
 *   from the item's JSON, which is what n8n's evaluation of it returns;
 * - every other `={{ … }}` of an item is evaluated in one evaluation (an array of them), so five
 *   fields cost what one does;
 * - a template with text around its `{{ }}`, or an item whose evaluation fails, is read through
 *   getNodeParameter as before, so values and n8n's own error messages stay the same.
 */

type Leaf =
	| { name: string; key?: string; kind: 'literal'; value: unknown }
	| { name: string; key?: string; kind: 'inputField'; field: string }
	| { name: string; key?: string; kind: 'expression'; code: string }
	| { name: string; key?: string; kind: 'template' };

/** A whole parameter value that is one `{{ … }}` and nothing else. */
const SINGLE_EXPRESSION = /^=\s*\{\{([\s\S]*)\}\}\s*$/;
/** `$json.key` or `$json["key"]`: one field of the input item, nothing else. */
const INPUT_FIELD = /^\s*\$json(?:\.([A-Za-z_$][\w$]*)|\[\s*(?:"([^"\\]*)"|'([^'\\]*)')\s*\])\s*$/;

function isLocator(value: unknown): value is { __rl: true; value: unknown } {
	return typeof value === 'object' && value !== null && (value as IDataObject).__rl === true;
}

function leafOf(name: string, key: string | undefined, raw: unknown): Leaf {
	if (typeof raw !== 'string' || !raw.startsWith('=')) {
		// A nested value may hold expressions of its own: read it as n8n does.
		const nested = typeof raw === 'object' && raw !== null && JSON.stringify(raw).includes('"=');
		return nested ? { name, key, kind: 'template' } : { name, key, kind: 'literal', value: raw };
	}
	const code = SINGLE_EXPRESSION.exec(raw)?.[1];
	if (code === undefined || code.includes('{{') || code.includes('}}'))
		return { name, key, kind: 'template' };
	const field = INPUT_FIELD.exec(code);
	if (field) return { name, key, kind: 'inputField', field: field[1] ?? field[2] ?? field[3] };
	return { name, key, kind: 'expression', code };
}

/** As n8n's cleanupParameterData: a Luxon DateTime becomes its ISO text. */
function cleaned(value: unknown): unknown {
	return DateTime.isDateTime(value) ? value.toString() : value;
}

/** An own field of the item's JSON (not one of Object's, as `$json.constructor` would not be either). */
function inputField(json: IDataObject, field: string): unknown {
	return Object.prototype.hasOwnProperty.call(json, field) ? cleaned(json[field]) : undefined;
}

/**
 * `defaults` names the parameters and the fallback of each; returns a reader of one item's values:
 * `{ [name]: value }`, a collection as an object of its fields.
 */
export function parameterReader(
	context: IExecuteFunctions,
	defaults: IDataObject,
): (itemIndex: number) => IDataObject {
	const items = context.getInputData();
	const leaves: Leaf[] = [];
	const collections = new Set<string>();
	for (const [name, fallback] of Object.entries(defaults)) {
		const raw = context.getNodeParameter(name, 0, fallback, { rawExpressions: true });
		if (isLocator(raw)) leaves.push(leafOf(name, undefined, raw.value));
		else if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
			collections.add(name);
			for (const [key, value] of Object.entries(raw)) leaves.push(leafOf(name, key, value));
		} else leaves.push(leafOf(name, undefined, raw));
	}
	const expressions = leaves.filter((leaf) => leaf.kind === 'expression');
	// Each on its own lines, so a trailing `// comment` in one cannot swallow the next.
	const combined = `{{ [${expressions.map((leaf) => `(\n${leaf.code}\n)`).join(',')}] }}`;

	const viaN8n = (leaf: Leaf, itemIndex: number): unknown =>
		leaf.key === undefined
			? context.getNodeParameter(leaf.name, itemIndex, defaults[leaf.name], { extractValue: true })
			: context.getNodeParameter(`${leaf.name}.${leaf.key}`, itemIndex);

	const evaluateAll = (itemIndex: number): unknown[] | undefined => {
		if (expressions.length === 0) return [];
		try {
			const values = context.evaluateExpression(combined, itemIndex);
			return Array.isArray(values) && values.length === expressions.length ? values : undefined;
		} catch {
			// Read each through n8n, so the error is n8n's own and names its parameter.
			return undefined;
		}
	};

	return (itemIndex) => {
		const values: IDataObject = {};
		for (const name of collections) values[name] = {};
		const set = (leaf: Leaf, value: unknown) => {
			if (leaf.key === undefined) values[leaf.name] = value as IDataObject[string];
			else (values[leaf.name] as IDataObject)[leaf.key] = value as IDataObject[string];
		};
		const evaluated = evaluateAll(itemIndex);
		let position = 0;
		for (const leaf of leaves) {
			if (leaf.kind === 'literal') set(leaf, leaf.value);
			else if (leaf.kind === 'inputField') set(leaf, inputField(items[itemIndex].json, leaf.field));
			else if (leaf.kind === 'expression' && evaluated !== undefined)
				set(leaf, cleaned(evaluated[position++]));
			else set(leaf, viaN8n(leaf, itemIndex));
		}
		return values;
	};
}
