'use strict';
/**
 * Reads a V8 CPU profile (`node --cpu-prof`) of an n8n process and tells where the node under
 * test spent its CPU: every sample whose stack holds a frame of the node's own code counts as the
 * node's; it is the node's own work when it ran in the node's code, otherwise it is charged to the
 * function the node called (n8n's getNodeParameter, its HTTP helpers, ...).
 */

const OWN = { neto: /n8n-nodes-neto/, http: /nodes\/HttpRequest\// };

function packageOf(url) {
	if (!url) return 'V8 / native';
	if (url.startsWith('node:')) return 'Node.js';
	const packages = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/g);
	return packages ? packages[packages.length - 1].replace('node_modules/', '') : url;
}

function summarizeProfile(profile, isHttpNode = false) {
	const own = isHttpNode ? OWN.http : OWN.neto;
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const parent = new Map();
	for (const node of profile.nodes)
		for (const child of node.children ?? []) parent.set(child, node.id);

	const charged = new Map();
	const leafPackages = new Map();
	let inside = 0;
	let total = 0;
	profile.samples.forEach((id, index) => {
		const micros = profile.timeDeltas[index + 1] ?? 0;
		const leaf = byId.get(id);
		if (leaf.callFrame.functionName === '(idle)') return;
		total += micros;
		// Walk from the leaf up; the first own frame found is the innermost one.
		let callee = leaf;
		let node = leaf;
		while (node && !own.test(node.callFrame.url)) {
			callee = node;
			node = byId.get(parent.get(node.id));
		}
		if (!node) return;
		// Loading the node's module (n8n loads community nodes on first use) is not its run.
		if (node.callFrame.lineNumber === 0 && node.callFrame.functionName === '') return;
		inside += micros;
		const key =
			node === leaf
				? "the node's own code"
				: `${callee.callFrame.functionName || '(anonymous)'} (${packageOf(callee.callFrame.url)})`;
		charged.set(key, (charged.get(key) ?? 0) + micros);
		const leafKey = own.test(leaf.callFrame.url)
			? "the node's own code"
			: packageOf(leaf.callFrame.url);
		leafPackages.set(leafKey, (leafPackages.get(leafKey) ?? 0) + micros);
	});
	const ms = (micros) => `${(micros / 1000).toFixed(0)} ms`;
	const pct = (micros) => `${((100 * micros) / inside).toFixed(0)}%`;
	const top = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
	return [
		`- CPU inside the node: ${ms(inside)} of the process's ${ms(total)} busy`,
		'- charged to what the node called:',
		...top(charged, 8).map(([key, micros]) => `  - ${key}: ${ms(micros)} (${pct(micros)})`),
		'- by the package that ran:',
		...top(leafPackages, 6).map(([key, micros]) => `  - ${key}: ${ms(micros)} (${pct(micros)})`),
	];
}

module.exports = { summarizeProfile };

if (require.main === module) {
	const fs = require('node:fs');
	const [file, kind] = process.argv.slice(2);
	process.stdout.write(
		`${summarizeProfile(JSON.parse(fs.readFileSync(file, 'utf8')), kind === 'http').join('\n')}\n`,
	);
}
