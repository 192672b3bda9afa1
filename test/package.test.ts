/**
 * The package as n8n loads it: package.json's n8n.nodes names one file per node class that
 * nodes.bundle.ts exports (scripts/build.js writes those files from that list), so a node added to
 * the bundle and not to package.json, or the other way round, fails here rather than in n8n.
 */
import * as bundle from '../nodes/Neto/nodes.bundle';
import manifest from '../package.json';

test("package.json's n8n.nodes lists exactly the node classes nodes.bundle.ts exports, each at dist/nodes/Neto/<Class>.node.js", () => {
	expect([...manifest.n8n.nodes].sort()).toEqual(
		Object.keys(bundle)
			.map((name) => `dist/nodes/Neto/${name}.node.js`)
			.sort(),
	);
});
