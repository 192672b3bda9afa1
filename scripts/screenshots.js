'use strict';
/**
 * Takes the README's screenshots of the node in the real n8n editor with headless Chromium
 * (Debian's `chromium` package: apt-get install chromium): the node's parameters, the credential
 * form, and a run's output. Runs n8n and the sandbox in a throwaway user folder.
 *   node scripts/screenshots.js   → docs/images/*.png
 *   node scripts/screenshots.js --only order-trigger   → only the Order Trigger's (orderTriggerScreenshots)
 */
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const env = require('./n8n-env');
const kit = require('./e2e-toolkit');
const { importCredentialAndExamples, startN8n, setupOwner, stopChild } = require('./n8n-cli');

const OUT = path.join(env.root, 'docs', 'images');
/** Opens a node's panel: double-clicks its box, which sits just above its name on the canvas. */
async function openNode(page, name) {
	const label = await page.getByText(name, { exact: true }).first().boundingBox();
	await page.mouse.dblclick(label.x + label.width / 2, label.y - 50);
}

/** Whether one of the located elements is shown inside the window (not scrolled or clipped out). */
async function onScreen(page, found) {
	const { width, height } = page.viewportSize();
	for (const element of await found.all()) {
		const box = (await element.isVisible()) && (await element.boundingBox());
		if (
			box &&
			box.x >= 0 &&
			box.y >= 0 &&
			box.x + box.width <= width &&
			box.y + box.height <= height
		)
			return true;
	}
	return false;
}

/** Fails unless the window shows `text` (exactly) on screen, within `scope` (a part of the page). */
async function expectVisible(page, text, where, scope = page) {
	if (!(await onScreen(page, scope.getByText(text, { exact: true }))))
		throw new Error(`${where} does not show "${text}"`);
}

/** Fails unless the window shows `text` on screen, within a longer text too. */
async function expectVisibleWithin(page, text, where) {
	if (!(await onScreen(page, page.getByText(text))))
		throw new Error(`${where} does not show "${text}"`);
}

/**
 * The trigger as a user meets it: its subtitle on the canvas, its events in the node creator (the
 * words on screen, e.g. "Follow-Up Due", never "followUpDue" or "On follow up due"), and Fetch
 * Test Event on Follow-Up Due (the sandbox's two overdue logs).
 */
async function triggerScreenshots(page, n8nUrl) {
	await page.goto(`${n8nUrl}/workflow/netoExampleFollowUpsDueByStaff`);
	await page.getByText('Follow-ups due', { exact: true }).first().waitFor({ timeout: 60_000 });
	await page.waitForTimeout(1500);
	await page.screenshot({ path: path.join(OUT, 'trigger-canvas.png') });
	await expectVisible(page, 'Follow-Up Due', "The trigger's subtitle on the canvas");
	if ((await page.getByText('followUpDue', { exact: true }).count()) > 0)
		throw new Error('The canvas shows the internal value followUpDue');

	await openNode(page, 'Follow-ups due');
	await page.waitForTimeout(1500);
	await page
		.getByRole('button', { name: /Fetch Test Event/i })
		.first()
		.click();
	await page.waitForTimeout(4000);
	await page.screenshot({ path: path.join(OUT, 'trigger-fetch-test-event.png') });
	await page.waitForSelector('text=LogID', { timeout: 30_000 });
	await page.screenshot({ path: path.join(OUT, 'trigger-fetch-test-event.png') });
	await page.keyboard.press('Escape');

	await page.goto(`${n8nUrl}/workflow/new`);
	await page.waitForTimeout(3000);
	const addFirstStep = page.getByText(/Add first step/i).first();
	if ((await addFirstStep.count()) > 0) await addFirstStep.click({ force: true });
	else await page.keyboard.press('Tab'); // opens the node creator on an empty canvas
	await page.waitForTimeout(1500);
	await page.keyboard.type('Neto');
	await page.waitForTimeout(1500);
	await page.getByText('Neto Customer Log', { exact: true }).first().click();
	await page.waitForTimeout(2000);
	await page.screenshot({ path: path.join(OUT, 'node-creator.png') });
	for (const event of ['Follow-Up Due', 'Log Updated', 'New Log'])
		await expectVisible(page, event, "The node creator's list of triggers");
	if ((await page.getByText(/^On (follow|log|new)/i).count()) > 0)
		throw new Error('The node creator names an event "On …"');
}

/** The Order Trigger's option added on screen, shown in its parameters picture. */
const RETRY_OPTION = 'Read Retry Time (Minutes)';

/**
 * The Neto Order Trigger as a user meets it, in the order example: its webhook URLs and the
 * notice saying where in Neto's control panel they go, with Read Retry Time added under
 * Options; Listen for Test Event while the sandbox's store dispatches an order and notifies the
 * Test URL shown on screen (the item has the order's Username and Email: the trigger's own step
 * reads the order in the manual run too); then the whole workflow run the same way (the Add
 * node's output).
 */
async function orderTriggerScreenshots(page, n8nUrl, sandbox) {
	await page.goto(`${n8nUrl}/workflow/netoExampleAddLogs`);
	await page.getByText('Order dispatched', { exact: true }).first().waitFor({ timeout: 60_000 });
	await page.waitForTimeout(1500);
	await openNode(page, 'Order dispatched');
	await page.getByText('Webhook URLs', { exact: true }).first().click();
	await page.waitForTimeout(1000);
	// The collection's "Add option" is a select: its words are the input's placeholder.
	await page
		.getByPlaceholder('Add option')
		.or(page.getByText('Add option', { exact: true }))
		.first()
		.click();
	await page.getByText(RETRY_OPTION, { exact: true }).last().click();
	await page.mouse.move(0, 0);
	await page.waitForTimeout(1000);
	await page.screenshot({ path: path.join(OUT, 'order-trigger-parameters.png') });
	await expectVisible(page, 'Webhook URLs', "The Order Trigger's panel");
	await expectVisible(page, RETRY_OPTION, "The Order Trigger's options");
	for (const words of ['API Settings', 'Maropost API webhook URL', 'Webhook Verify Token'])
		await expectVisibleWithin(page, words, "The Order Trigger's notice");
	await page.getByText('Test URL', { exact: true }).first().click();
	await page.waitForTimeout(500);
	const testUrl = (
		await page
			.getByText(/\/webhook-test\//)
			.first()
			.innerText()
	).trim();
	if (!testUrl.startsWith(n8nUrl)) throw new Error(`The panel's Test URL is ${testUrl}`);

	// n8n 2.x names the button Execute Step (Test This Trigger in the empty output), 1.x Listen for Test Event.
	await page
		.getByRole('button', { name: /Listen for test event|Test this trigger/i })
		.first()
		.click();
	await page
		.getByText(/Listening for test event|Waiting for you to create an event/i)
		.first()
		.waitFor({ timeout: 30_000 });
	await page.waitForTimeout(1000);
	await page.screenshot({ path: path.join(OUT, 'order-trigger-listening.png') });
	await sandbox.notifyTo({ url: testUrl, token: sandbox.credentials.webhookVerifyToken });
	await sandbox.changeOrder('N1002', { OrderStatus: 'Dispatched' });
	// No item in time: the picture is still taken, then the checks below say what is missing.
	await page
		.getByText('Email', { exact: true })
		.first()
		.waitFor({ timeout: 30_000 })
		.catch(() => {});
	// The Schema view lists the item's fields one a line, all on screen (the table cuts them off).
	await page.getByText('Schema', { exact: true }).last().click();
	await page.mouse.move(0, 0);
	await page.waitForTimeout(1500);
	await page.screenshot({ path: path.join(OUT, 'order-trigger-test-event.png') });
	const output = page.locator('[data-test-id="output-panel"]');
	for (const text of [
		'Username',
		'jsmith',
		'Email',
		'jane.smith@example.com',
		'OrderStatus',
		'Dispatched',
	])
		await expectVisible(page, text, "The Order Trigger's test event (its output)", output);
	await page.keyboard.press('Escape');

	// A run's output: execute the workflow, the store notifies the Test URL, open the Add node.
	await page.waitForTimeout(1000);
	await page
		.getByRole('button', { name: /Execute workflow|Test workflow/i })
		.first()
		.click({ force: true });
	await page
		.getByText(/Waiting for (trigger event|you to create an event)/i)
		.first()
		.waitFor({ timeout: 30_000 });
	await sandbox.changeOrder('N1002', { OrderStatus: 'Dispatched' });
	await page.waitForTimeout(3000);
	await openNode(page, 'Add follow-up log');
	await page.waitForSelector('text=LogID', { timeout: 30_000 });
	await page.waitForTimeout(1000);
	await page.screenshot({ path: path.join(OUT, 'run-output.png') });
	await page.keyboard.press('Escape');
}

/** The credential form scrolled to its last field, the Order Trigger's Webhook Verify Token. */
async function verifyTokenScreenshot(page) {
	const label = page.getByText('Webhook Verify Token', { exact: true }).first();
	await label.scrollIntoViewIfNeeded();
	// The field's description is a tooltip: its icon shows when the label is hovered.
	await label.hover();
	await page.waitForTimeout(500);
	const icon = page
		.locator('label, [class*="inputLabel"]', { hasText: 'Webhook Verify Token' })
		.locator('[class*="info"], [class*="Info"], svg')
		.first();
	if ((await icon.count()) > 0) await icon.hover();
	await page.waitForTimeout(1000);
	await page.screenshot({ path: path.join(OUT, 'order-trigger-credential.png') });
	await expectVisible(page, 'Webhook Verify Token', 'The credential form');
	await expectVisibleWithin(
		page,
		'Only for the Neto Order Trigger',
		'The Webhook Verify Token tooltip',
	);
}

const CHROMIUM_FLAGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

async function main() {
	const { install, userFolder, sandbox } = await kit.setUp({ prefix: 'neto-shots-' });
	importCredentialAndExamples(install, userFolder, sandbox);
	const n8n = await startN8n(install, userFolder, kit.envPort('N8N_PORT', 5699));
	kit.onCleanUp('n8n', () => stopChild(n8n.child));
	const { owner } = await setupOwner(n8n.url);
	const browser = await chromium.launch({
		executablePath: '/usr/bin/chromium',
		args: CHROMIUM_FLAGS,
	});
	kit.onCleanUp('Chromium', () => browser.close());
	const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
	await page.goto(`${n8n.url}/signin`);
	await page.fill('input[type="email"]', owner.email);
	await page.fill('input[type="password"]', owner.password);
	await page.keyboard.press('Enter');
	await page.waitForURL((url) => !url.pathname.includes('signin'), { timeout: 30_000 });
	fs.mkdirSync(OUT, { recursive: true });
	if (kit.arg('only') === 'order-trigger') {
		await orderTriggerScreenshots(page, n8n.url, sandbox);
		process.stdout.write(
			`The Order Trigger's screenshots written to ${path.relative(env.root, OUT)}/\n`,
		);
		return;
	}

	// The node's parameters: open the Add node of the first example.
	await page.goto(`${n8n.url}/workflow/netoExampleAddLogs`);
	await page.waitForSelector('text=Add follow-up log', { timeout: 60_000 });
	await page.waitForTimeout(1500);
	await page.screenshot({ path: path.join(OUT, 'workflow.png') });
	await openNode(page, 'Add follow-up log');
	await page.waitForSelector('text=Additional Fields', { timeout: 30_000 });
	await page.waitForTimeout(1000);
	await page.screenshot({ path: path.join(OUT, 'node-parameters.png') });
	await page.keyboard.press('Escape');

	// The credential form.
	await page.goto(`${n8n.url}/home/credentials/netoSandboxCred`);
	await page.waitForSelector('text=Store URL', { timeout: 30_000 });
	await page.waitForTimeout(1500);
	await page.screenshot({ path: path.join(OUT, 'credential.png') });
	await verifyTokenScreenshot(page);
	await page.keyboard.press('Escape');
	await orderTriggerScreenshots(page, n8n.url, sandbox);
	await triggerScreenshots(page, n8n.url);
	process.stdout.write(`Screenshots written to ${path.relative(env.root, OUT)}/\n`);
}

main()
	.catch((error) => {
		process.stderr.write(`${error.stack || error}\n`);
		process.exitCode = 1;
	})
	.then(kit.cleanUp);
