/**
 * The Neto Customer Log Trigger, polled through n8n-core's PollContext and TriggersAndPollers
 * against the sandbox over HTTP. The clock is n8n-workflow's and the sandbox's Date, moved by the
 * test (jest's fake Date only; timers stay real), so due dates and "once a day" come on demand.
 */
import type { IDataObject, INode, INodeExecutionData, INodePropertyOptions } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { NetoCustomerLogTrigger } from '../nodes/Neto/NetoCustomerLogTrigger.node';
import { ActiveTrigger, TRIGGER_TYPE, fetchTestEvent, runCustomerLog } from './harness/engine';
import { addNumberedCustomers, useSandbox, useTestClock } from './harness/fixtures';

const START = Date.UTC(2026, 10, 23, 12, 0, 0);
const MINUTE = 60_000;
const DAY = 86_400_000;
const clock = useTestClock(START);
const { later, set: setClock } = clock;

/** Neto's DateTime for a moment on the test clock. */
function netoTime(ms: number): string {
	return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

const suite = useSandbox();

function activeTrigger(parameters: IDataObject, staticData?: IDataObject) {
	return new ActiveTrigger(parameters, suite.credentials(), staticData);
}

/** Polls, expecting success, and gives what was emitted as [event, LogID] pairs (empty: nothing). */
async function pollEvents(trigger: ActiveTrigger): Promise<Array<[unknown, unknown]>> {
	const outcome = await trigger.poll();
	expect(outcome.error).toBeUndefined();
	return (outcome.emitted ?? []).map((item) => [item.json.event, item.json.LogID]);
}

/** The first poll of an activated trigger: it records the baseline, and must emit nothing. */
async function expectBaseline(trigger: ActiveTrigger) {
	expect(await trigger.poll()).toEqual({ emitted: null });
}

function addLog(fields: IDataObject) {
	return suite.sandbox.store.insertLog({ CustomerName: '', FollowUpType: '', ...fields } as never);
}

function addCustomers(count: number, prefix = 'customer') {
	addNumberedCustomers(suite.sandbox, count, prefix);
}

describe('Neto Customer Log Trigger: baseline and events', () => {
	test('the first poll records every log as a baseline and emits nothing; a poll with no change emits nothing', async () => {
		const trigger = activeTrigger({ event: 'newLog' });
		const first = await trigger.poll();
		expect(first).toEqual({ emitted: null });
		const state = (JSON.parse(trigger.saved) as IDataObject)['node:Neto Trigger'] as IDataObject;
		expect(Object.keys(state.customerLogTrigger as IDataObject)).toEqual(
			expect.arrayContaining(['logs', 'polledAt', 'walkedAt']),
		);
		expect(
			Object.keys((state.customerLogTrigger as IDataObject).logs as IDataObject).sort(),
		).toEqual(['1000', '1001', '1002']);
		later(MINUTE);
		expect(await pollEvents(trigger)).toEqual([]);
	});

	test('New Log emits a log added since the previous poll once, in the shape Get Many outputs', async () => {
		const trigger = activeTrigger({ event: 'newLog' });
		await expectBaseline(trigger);
		later(MINUTE);
		const log = addLog({
			Username: 'tom_k',
			AllocatedTo: 'Sam',
			Status: 'Require Recontact',
			Notes: 'Call back',
			LastContacted: netoTime(clock.now()),
		});
		later(MINUTE);
		const outcome = await trigger.poll();
		expect(outcome.emitted).toHaveLength(1);
		expect((outcome.emitted as INodeExecutionData[])[0].json).toEqual({
			Username: 'tom_k',
			LogID: log.LogID,
			Customer: 'tom_k',
			AllocatedTo: 'Sam',
			Status: 'Require Recontact',
			DateRequiredFollowUp: '',
			LastContacted: netoTime(START + MINUTE),
			LastContactedLocal: netoTime(START + MINUTE),
			LastContactedUTC: netoTime(START + MINUTE),
			Notes: 'Call back',
			iso: {
				LastContacted: new Date(START + MINUTE).toISOString(),
				LastContactedUTC: new Date(START + MINUTE).toISOString(),
			},
			event: 'newLog',
		});
		later(MINUTE);
		expect(await pollEvents(trigger)).toEqual([]);
	});

	test('Log Updated names the changed fields and gives the earlier values the state kept', async () => {
		const trigger = activeTrigger({ event: 'logUpdated' });
		const longNotes = 'A long note that the state keeps only as a fingerprint. '.repeat(3);
		const log = addLog({
			Username: 'ellie.w',
			AllocatedTo: 'Priya',
			Status: 'Require Recontact',
			Notes: longNotes,
		});
		await expectBaseline(trigger);
		later(MINUTE);
		suite.sandbox.store.changeLog(log.LogID, {
			Status: 'Completed',
			AllocatedTo: 'Sam',
			Notes: `${longNotes}Done.`,
		});
		later(MINUTE);
		const outcome = await trigger.poll();
		expect(outcome.emitted).toHaveLength(1);
		const json = (outcome.emitted as INodeExecutionData[])[0].json;
		expect(json).toEqual(
			expect.objectContaining({
				event: 'logUpdated',
				LogID: log.LogID,
				Status: 'Completed',
				AllocatedTo: 'Sam',
			}),
		);
		expect(json.changedFields).toEqual(['Status', 'AllocatedTo', 'Notes']);
		expect(json.previous).toEqual({ Status: 'Require Recontact', AllocatedTo: 'Priya' });
		later(MINUTE);
		expect(await pollEvents(trigger)).toEqual([]);
	});

	// One watched field changed alone (TRACKED_FIELDS). The sandbox returns LastContactedLocal and
	// LastContactedUTC from LastContacted, so Last Contacted moves all three; the other two, and the
	// log's Customer, are changed alone as a store's own logic might.
	test.each([
		['Status', { Status: 'Completed' }, ['Status'], { Status: 'Require Recontact' }],
		[
			'Follow-Up Required By',
			{ DateRequiredFollowUp: '2026-12-01 00:00:00' },
			['DateRequiredFollowUp'],
			{ DateRequiredFollowUp: '2026-11-30' },
		],
		['Allocated To', { AllocatedTo: 'Sam' }, ['AllocatedTo'], { AllocatedTo: 'Priya' }],
		[
			'Last Contacted',
			{ LastContacted: '2026-11-23 12:01:00' },
			['LastContacted', 'LastContactedUTC', 'LastContactedLocal'],
			{
				LastContacted: '2026-11-20 09:00:00',
				LastContactedUTC: '2026-11-20 09:00:00',
				LastContactedLocal: '2026-11-20 09:00:00',
			},
		],
		[
			'LastContactedUTC',
			{ LastContactedUTC: '2026-11-20 09:00:01' },
			['LastContactedUTC'],
			{ LastContactedUTC: '2026-11-20 09:00:00' },
		],
		[
			'LastContactedLocal',
			{ LastContactedLocal: '2026-11-20 20:00:00' },
			['LastContactedLocal'],
			{ LastContactedLocal: '2026-11-20 09:00:00' },
		],
		['Customer (the log field)', { Customer: 'Ellie W.' }, ['Customer'], { Customer: 'ellie.w' }],
		['Notes', { Notes: 'Called back, all sorted' }, ['Notes'], { Notes: 'Call back' }],
	])(
		'Log Updated fires for a change of %s alone, and names what changed',
		async (_label, change, changedFields, previous) => {
			const trigger = activeTrigger({ event: 'logUpdated' });
			const log = addLog({
				Username: 'ellie.w',
				AllocatedTo: 'Priya',
				Status: 'Require Recontact',
				Notes: 'Call back',
				LastContacted: '2026-11-20 09:00:00',
				DateRequiredFollowUp: '2026-11-30 00:00:00',
			});
			await expectBaseline(trigger);
			later(MINUTE);
			suite.sandbox.store.changeLog(log.LogID, change);
			later(MINUTE);
			const outcome = await trigger.poll();
			expect(outcome.error).toBeUndefined();
			expect(
				(outcome.emitted ?? []).map((item) => [
					item.json.event,
					item.json.LogID,
					item.json.changedFields,
					item.json.previous,
				]),
			).toEqual([['logUpdated', log.LogID, changedFields, previous]]);
			later(MINUTE);
			expect(await pollEvents(trigger)).toEqual([]);
		},
	);

	test('Follow-Up Due fires when the due date comes (the customer untouched), once, and again when the date is moved and comes again', async () => {
		const trigger = activeTrigger({ event: 'followUpDue' });
		const tomorrow = new Date(START + DAY).toISOString().slice(0, 10);
		const log = addLog({
			Username: 'tom_k',
			Status: 'Require Recontact',
			DateRequiredFollowUp: `${tomorrow} 00:00:00`,
		});
		await expectBaseline(trigger);
		later(20 * MINUTE); // past the update read's overlap: from here on tom_k is not an updated customer
		expect(await pollEvents(trigger)).toEqual([]);
		setClock(Date.parse(`${tomorrow}T00:00:30Z`));
		expect(await pollEvents(trigger)).toEqual([['followUpDue', log.LogID]]);
		later(MINUTE);
		expect(await pollEvents(trigger)).toEqual([]);
		const dayAfter = new Date(clock.now() + DAY).toISOString().slice(0, 10);
		suite.sandbox.store.changeLog(log.LogID, { DateRequiredFollowUp: `${dayAfter} 00:00:00` });
		later(MINUTE);
		expect(await pollEvents(trigger)).toEqual([]);
		setClock(Date.parse(`${dayAfter}T00:01:00Z`));
		expect(await pollEvents(trigger)).toEqual([['followUpDue', log.LogID]]);
		later(MINUTE);
		expect(await pollEvents(trigger)).toEqual([]);
	});

	describe('Follow-Up Due remembers that it fired when the log is read again', () => {
		const chosenTomK = {
			scope: 'chosen',
			customers: { customer: [{ username: { __rl: true, mode: 'username', value: 'tom_k' } }] },
		};

		/** A log of tom_k due tomorrow, the baseline, the poll when it comes due: fired once. */
		async function fireOnce(trigger: ActiveTrigger) {
			const tomorrow = new Date(START + DAY).toISOString().slice(0, 10);
			const log = addLog({
				Username: 'tom_k',
				Status: 'Require Recontact',
				DateRequiredFollowUp: `${tomorrow} 00:00:00`,
			});
			await expectBaseline(trigger);
			setClock(Date.parse(`${tomorrow}T00:00:30Z`));
			expect(await pollEvents(trigger)).toEqual([['followUpDue', log.LogID]]);
			return log;
		}

		test('Chosen Customers (read whole every poll): the next polls emit nothing', async () => {
			const trigger = activeTrigger({ event: 'followUpDue', ...chosenTomK });
			await fireOnce(trigger);
			const gets = suite.requestsFor('GetCustomer').length;
			for (let poll = 0; poll < 3; poll++) {
				later(MINUTE);
				expect(await pollEvents(trigger)).toEqual([]);
			}
			expect(suite.requestsFor('GetCustomer').length - gets).toBe(3);
		});

		test('Every Customer, the customer changed (an update read reads it again): nothing the second time', async () => {
			const trigger = activeTrigger({ event: 'followUpDue' });
			const log = await fireOnce(trigger);
			later(MINUTE);
			suite.sandbox.store.changeLog(log.LogID, { Notes: 'Called, no answer' }); // touches tom_k's DateUpdated
			later(MINUTE);
			expect(await pollEvents(trigger)).toEqual([]);
			later(MINUTE);
			addLog({ Username: 'tom_k', Status: 'Completed', Notes: 'Another log of the same customer' });
			later(MINUTE);
			expect(await pollEvents(trigger)).toEqual([]);
		});

		test('Every Customer, the full check (every customer read again): nothing the second time', async () => {
			const trigger = activeTrigger({ event: 'followUpDue', fullCheckHours: 1 });
			await fireOnce(trigger);
			later(61 * MINUTE);
			expect(await pollEvents(trigger)).toEqual([]);
			const state = (trigger.staticData['node:Neto Trigger'] as IDataObject)
				.customerLogTrigger as IDataObject;
			expect(state.walkedAt).toBe(clock.now()); // this poll was the full check
		});
	});

	test('Follow-Up Due skips Completed logs and logs already due at the baseline; a new log that is already due fires', async () => {
		const trigger = activeTrigger({ event: 'followUpDue' });
		await expectBaseline(trigger); // seeded logs 1000 and 1002 are long overdue: the baseline counts them as fired
		later(MINUTE);
		const today = new Date(clock.now()).toISOString().slice(0, 10);
		addLog({ Username: 'jsmith', Status: 'Completed', DateRequiredFollowUp: `${today} 00:00:00` });
		const open = addLog({
			Username: 'jsmith',
			Status: 'Recontacting',
			DateRequiredFollowUp: `${today} 00:00:00`,
		});
		later(MINUTE);
		expect(await pollEvents(trigger)).toEqual([['followUpDue', open.LogID]]);
	});

	test('filters on Status and Allocated To decide which events are emitted', async () => {
		const trigger = activeTrigger({
			event: 'newLog',
			filters: { status: ['Require Recontact'], allocatedTo: 'sam, Priya ' },
		});
		await expectBaseline(trigger);
		later(MINUTE);
		const kept = [
			addLog({ Username: 'jsmith', AllocatedTo: 'Sam', Status: 'Require Recontact' }),
			addLog({ Username: 'acme_buyer', AllocatedTo: 'priya', Status: 'Require Recontact' }),
		];
		addLog({ Username: 'jsmith', AllocatedTo: 'Sam', Status: 'Completed' });
		addLog({ Username: 'jsmith', AllocatedTo: 'Alex', Status: 'Require Recontact' });
		later(MINUTE);
		expect(await pollEvents(trigger)).toEqual(kept.map((log) => ['newLog', log.LogID]));
	});
});

describe('Neto Customer Log Trigger: what a poll reads', () => {
	test("a log whose customer's DateUpdated did not move is missed by the update read and caught by the daily full read", async () => {
		suite.sandbox.set({ logsTouchCustomer: false });
		const trigger = activeTrigger({ event: 'newLog' });
		await expectBaseline(trigger);
		later(20 * MINUTE); // past the update read's overlap: from here on no customer counts as updated
		expect(await pollEvents(trigger)).toEqual([]);
		later(MINUTE);
		const log = addLog({ Username: 'acme_buyer', Status: 'Recontacting' });
		later(MINUTE);
		expect(await pollEvents(trigger)).toEqual([]);
		later(DAY - 23 * MINUTE);
		expect(await pollEvents(trigger)).toEqual([]);
		later(MINUTE);
		expect(await pollEvents(trigger)).toEqual([['newLog', log.LogID]]);
		later(MINUTE);
		expect(await pollEvents(trigger)).toEqual([]);
	});

	test('chosen customers are read whole at every poll: their untouched logs are caught at once, other customers are ignored', async () => {
		suite.sandbox.set({ logsTouchCustomer: false });
		const trigger = activeTrigger({
			event: 'newLog',
			scope: 'chosen',
			customers: {
				customer: [
					{ username: { __rl: true, mode: 'list', value: 'jsmith' } },
					{ username: { __rl: true, mode: 'username', value: 'tom_k, ellie.w' } },
				],
			},
		});
		await expectBaseline(trigger);
		later(MINUTE);
		const watched = addLog({ Username: 'tom_k', Notes: 'watched' });
		addLog({ Username: 'acme_buyer', Notes: 'not watched' });
		later(MINUTE);
		const before = suite.requestsFor('GetCustomer').length;
		expect(await pollEvents(trigger)).toEqual([['newLog', watched.LogID]]);
		expect(suite.requestsFor('GetCustomer').length - before).toBe(1);
	});

	test('reads page through every customer: a log of the 250th customer is found, three GetCustomer pages a read', async () => {
		addCustomers(246);
		const trigger = activeTrigger({ event: 'newLog' });
		await expectBaseline(trigger);
		expect(suite.requestsFor('GetCustomer')).toHaveLength(3);
		later(MINUTE);
		const last = addLog({ Username: 'customer0245', Notes: 'on the third page' });
		later(MINUTE);
		expect(await pollEvents(trigger)).toEqual([['newLog', last.LogID]]);
		expect(suite.requestsFor('GetCustomer')).toHaveLength(6);
	});

	test('Fetch Test Event returns the newest few matching logs, through the engine in manual mode, and records no state', async () => {
		const added = [1, 2, 3, 4].map((n) =>
			addLog({ Username: 'tom_k', Status: 'Recontacting', AllocatedTo: 'Sam', Notes: `log ${n}` }),
		);
		const result = await fetchTestEvent(
			{ event: 'logUpdated', filters: { allocatedTo: 'Sam' } },
			suite.credentials(),
		);
		expect(result.error).toBeUndefined();
		expect(result.json.map((json) => [json.LogID, json.event, json.changedFields])).toEqual(
			[added[3], added[2], added[1]].map((log) => [log.LogID, 'logUpdated', []]),
		);
		expect(result.staticData).toEqual({});
	});

	test('Fetch Test Event for Follow-Up Due returns only the logs due now, most recently due first: not upcoming or Completed ones', async () => {
		// The clock is 2026-11-23 12:00 UTC; seeded logs 1000 (due 2026-01-17) and 1002 (2026-03-10) are overdue.
		const today = addLog({
			Username: 'tom_k',
			Status: 'Recontacting',
			DateRequiredFollowUp: '2026-11-23 00:00:00',
		});
		addLog({
			Username: 'tom_k',
			Status: 'Recontacting',
			DateRequiredFollowUp: '2026-11-24 00:00:00',
		});
		addLog({ Username: 'tom_k', Status: 'Completed', DateRequiredFollowUp: '2026-11-22 00:00:00' });
		addLog({
			Username: 'tom_k',
			Status: 'Recontacting',
			DateRequiredFollowUp: '0000-00-00 00:00:00',
		});
		const result = await fetchTestEvent({ event: 'followUpDue' }, suite.credentials());
		expect(result.error).toBeUndefined();
		expect(result.json.map((json) => [json.LogID, json.event, json.DateRequiredFollowUp])).toEqual([
			[today.LogID, 'followUpDue', '2026-11-23'],
			[1002, 'followUpDue', '2026-03-10'],
			[1000, 'followUpDue', '2026-01-17'],
		]);
		expect(result.staticData).toEqual({});
	});

	test('Fetch Test Event for Follow-Up Due with no log due now says so and names the next one to come due', async () => {
		suite.sandbox.store.logs.clear();
		addLog({
			Username: 'tom_k',
			Status: 'Recontacting',
			DateRequiredFollowUp: '2026-12-07 00:00:00',
		});
		const next = addLog({
			Username: 'ellie.w',
			Status: 'Require Recontact',
			DateRequiredFollowUp: '2026-11-25 00:00:00',
		});
		addLog({ Username: 'tom_k', Status: 'Completed', DateRequiredFollowUp: '2026-11-24 00:00:00' });
		const result = await fetchTestEvent({ event: 'followUpDue' }, suite.credentials());
		expect(result.json).toEqual([]);
		expect(result.error?.message).toBe('No customer log in scope is due now');
		expect(result.error?.description).toBe(
			`The next one comes due on 2026-11-25 (Log ID ${next.LogID}, customer ellie.w). Fetch Test Event returns only logs that are due now, as the trigger reports them.`,
		);
		const none = await fetchTestEvent(
			{ event: 'followUpDue', filters: { allocatedTo: 'Nobody' } },
			suite.credentials(),
		);
		expect(none.error?.message).toBe('No customer log in scope is due now');
		expect(none.error?.description).toBe(
			'No open log in scope that passes the filters has a Follow-Up Required By date.',
		);
	});
});

describe('Neto Customer Log Trigger: exactly once', () => {
	test('a poll that fails part-way emits nothing and keeps the old state; the next poll emits each event once', async () => {
		addCustomers(146);
		const trigger = activeTrigger({ event: 'newLog' });
		await expectBaseline(trigger);
		const baseline = trigger.staticData;
		later(MINUTE);
		const logs = [
			addLog({ Username: 'jsmith', Notes: 'page one' }),
			addLog({ Username: 'customer0140', Notes: 'page two' }),
		];
		later(MINUTE);
		suite.sandbox.injectFaults([{ kind: 'status', status: 403, action: 'GetCustomer', skip: 1 }]);
		const failed = await trigger.poll();
		expect(failed.emitted).toBeNull();
		expect(failed.error?.message).toMatch(/HTTP 403/);
		expect(trigger.staticData).toEqual(baseline);
		later(MINUTE);
		expect(await pollEvents(trigger)).toEqual(logs.map((log) => ['newLog', log.LogID]));
		later(MINUTE);
		expect(await pollEvents(trigger)).toEqual([]);
	});

	test('a store unreachable for an hour: every event of that hour comes once when it is back, due dates included', async () => {
		// The sandbox gives due dates as dates (GetCustomer's Date): the outage spans midnight.
		const midnight = Date.UTC(2026, 10, 24);
		setClock(midnight - 30 * MINUTE);
		const trigger = activeTrigger({ event: 'followUpDue' });
		const dueDuringOutage = addLog({
			Username: 'tom_k',
			Status: 'Require Recontact',
			DateRequiredFollowUp: netoTime(midnight),
		});
		await expectBaseline(trigger);
		// A maintenance page instead of the API, at every request of the hour.
		suite.sandbox.injectFaults([{ kind: 'html', times: 1000 }]);
		const added = addLog({
			Username: 'ellie.w',
			Status: 'Require Recontact',
			DateRequiredFollowUp: netoTime(midnight - DAY),
		});
		for (let minute = 1; minute <= 60; minute += 15) {
			setClock(midnight - 30 * MINUTE + minute * MINUTE);
			const outcome = await trigger.poll();
			expect(outcome.emitted).toBeNull();
			expect(outcome.error?.message).toMatch(/No Neto API answered/);
		}
		suite.sandbox.clearFaults();
		setClock(midnight + 31 * MINUTE);
		expect((await pollEvents(trigger)).sort()).toEqual(
			[
				['followUpDue', dueDuringOutage.LogID],
				['followUpDue', added.LogID],
			].sort(),
		);
		later(MINUTE);
		expect(await pollEvents(trigger)).toEqual([]);
	}, 120_000);

	test('after a restart (the saved static data as JSON and back) nothing is emitted twice and nothing is missed', async () => {
		const trigger = activeTrigger({ event: 'newLog' });
		await expectBaseline(trigger);
		later(MINUTE);
		const first = addLog({ Username: 'jsmith', Notes: 'before the restart' });
		later(MINUTE);
		expect(await pollEvents(trigger)).toEqual([['newLog', first.LogID]]);
		later(MINUTE);
		const second = addLog({ Username: 'jsmith', Notes: 'while n8n was down' });
		trigger.restart();
		later(MINUTE);
		expect(await pollEvents(trigger)).toEqual([['newLog', second.LogID]]);
		later(MINUTE);
		trigger.restart();
		expect(await pollEvents(trigger)).toEqual([]);
	});

	test('two polls of one trigger that overlap emit a new log once', async () => {
		suite.sandbox.set({ latencyMs: 30 });
		const trigger = activeTrigger({ event: 'newLog' });
		await expectBaseline(trigger);
		later(MINUTE);
		const log = addLog({ Username: 'jsmith', Notes: 'seen by both polls' });
		later(MINUTE);
		const outcomes = await Promise.all([trigger.poll(), trigger.poll()]);
		expect(outcomes.map((outcome) => outcome.error)).toEqual([undefined, undefined]);
		expect(
			outcomes.flatMap((outcome) => outcome.emitted ?? []).map((item) => item.json.LogID),
		).toEqual([log.LogID]);
	});
});

describe('Neto Customer Log Trigger: state size', () => {
	test('the state for 10,000 logs, each as large as a log gets, is under 1 MB of JSON', async () => {
		const store = suite.sandbox.store;
		store.customers.clear();
		store.logs.clear();
		(store as unknown as { nextLogId: number }).nextLogId = 9_000_000_000; // 10-digit LogIDs, the longest keys
		const notes = 'Ü long notes, "quoted" | piped. '.repeat(40);
		for (let index = 0; index < 10_000; index++) {
			const username = `customer-with-a-long-${String(index).padStart(4, '0')}`;
			store.addCustomer({ Username: username });
			store.insertLog({
				Username: username,
				CustomerName: 'A customer name',
				AllocatedTo: `Staff member with a long name ${index}`.padEnd(100, 'x'),
				FollowUpType: 'Phone Call',
				Status: 'Require Recontact',
				Notes: notes,
				LastContacted: '2026-11-01 10:11:12',
				DateRequiredFollowUp: '2026-12-24 09:00:00',
			});
		}
		const trigger = activeTrigger({ event: 'logUpdated' });
		expect(await trigger.poll()).toEqual({ emitted: null });
		const bytes = new TextEncoder().encode(trigger.saved).length;
		expect(
			Object.keys(
				((trigger.staticData['node:Neto Trigger'] as IDataObject).customerLogTrigger as IDataObject)
					.logs as IDataObject,
			),
		).toHaveLength(10_000);
		expect(bytes).toBeLessThan(1_000_000);
	}, 120_000);
});

describe('Neto Customer Log Trigger: item shape and versions', () => {
	/** Get Many's item for one log (node version 2, Simplify on by default), for comparison. */
	async function getManyItem(username: string, logId: unknown): Promise<IDataObject> {
		const result = await runCustomerLog({
			parameters: { operation: 'getAll', username, returnAll: true },
			credentials: suite.credentials(),
			typeVersion: 2,
		});
		expect(result.error).toBeUndefined();
		return result.json.find((json) => json.LogID === logId) as IDataObject;
	}

	async function newLogItem(parameters: IDataObject, typeVersion: number): Promise<IDataObject> {
		const trigger = new ActiveTrigger(
			{ event: 'newLog', ...parameters },
			suite.credentials(),
			{},
			{ typeVersion },
		);
		await expectBaseline(trigger);
		later(MINUTE);
		const log = addLog({
			Username: 'tom_k',
			AllocatedTo: 'Sam',
			Status: 'Require Recontact',
			Notes: 'Call back',
			LastContacted: netoTime(clock.now()),
			DateRequiredFollowUp: '2026-11-30 00:00:00',
		});
		later(MINUTE);
		const outcome = await trigger.poll();
		expect(outcome.error).toBeUndefined();
		expect(outcome.emitted).toHaveLength(1);
		return { ...(outcome.emitted as INodeExecutionData[])[0].json, addedLogId: log.LogID };
	}

	test("version 2 (a new node) simplifies by default: an item is Get Many's item for the log, plus the event", async () => {
		const { addedLogId, event, ...log } = await newLogItem({}, 2);
		expect(event).toBe('newLog');
		expect(log).toEqual(await getManyItem('tom_k', addedLogId));
		expect(Object.keys(log)).toEqual([
			'LogID',
			'AllocatedTo',
			'Username',
			'LastContacted',
			'DateRequiredFollowUp',
			'Status',
			'Notes',
			'iso',
		]);
	});

	test("version 2 with Simplify off gives the store's whole log, as version 1 (a saved workflow) still does", async () => {
		const off = await newLogItem({ simplify: false }, 2);
		const v1 = await newLogItem({}, 1);
		for (const item of [off, v1]) {
			expect(Object.keys(item)).toEqual([
				'Username',
				'LogID',
				'Customer',
				'AllocatedTo',
				'Status',
				'DateRequiredFollowUp',
				'LastContacted',
				'LastContactedLocal',
				'LastContactedUTC',
				'Notes',
				'iso',
				'event',
				'addedLogId',
			]);
		}
	});

	test('Log Updated and Fetch Test Event on version 2 give simplified items too, with changedFields and previous', async () => {
		const trigger = new ActiveTrigger(
			{ event: 'logUpdated' },
			suite.credentials(),
			{},
			{ typeVersion: 2 },
		);
		await expectBaseline(trigger);
		later(MINUTE);
		suite.sandbox.store.changeLog(1000, { Status: 'Completed' });
		later(MINUTE);
		const outcome = await trigger.poll();
		const { event, changedFields, previous, ...log } = (outcome.emitted as INodeExecutionData[])[0]
			.json;
		expect([event, changedFields, previous]).toEqual([
			'logUpdated',
			['Status'],
			{ Status: 'Require Recontact' },
		]);
		expect(log).toEqual(await getManyItem('jsmith', 1000));
		const sample = await fetchTestEvent({ event: 'followUpDue' }, suite.credentials(), 2); // 1002: 1000 is now Completed
		expect(sample.json.map((json) => Object.keys(json))).toEqual(
			[1002].map(() => [
				'LogID',
				'AllocatedTo',
				'Username',
				'LastContacted',
				'DateRequiredFollowUp',
				'Status',
				'Notes',
				'iso',
				'event',
			]),
		);
	});
});

describe('Neto Customer Log Trigger: names on the canvas', () => {
	const description = new NetoCustomerLogTrigger().description;
	const events = description.properties.find((property) => property.name === 'event')
		?.options as INodePropertyOptions[];

	test.each(events.map((option) => [option.value, option.name]))(
		'the subtitle of event %s is its name on screen, "%s"',
		(value, name) => {
			const node: INode = {
				id: 't',
				name: 'Trigger',
				type: TRIGGER_TYPE,
				typeVersion: 2,
				position: [0, 0],
				parameters: { event: value },
			};
			const workflow = new Workflow({
				nodes: [node],
				connections: {},
				active: false,
				nodeTypes: {
					getByName: () => new NetoCustomerLogTrigger(),
					getByNameAndVersion: () => new NetoCustomerLogTrigger(),
					getKnownTypes: () => ({}),
				},
			});
			// As n8n's editor computes a node's subtitle (NodeHelpers.getNodeSubtitle).
			expect(
				workflow.expression.getSimpleParameterValue(
					node,
					description.subtitle as string,
					'internal',
					{},
				),
			).toBe(name);
		},
	);

	test("the node creator lists each event by its name on screen (n8n takes an option's action, else makes 'On follow up due')", () => {
		expect(events.map((option) => option.action)).toEqual(events.map((option) => option.name));
	});
});

describe("Neto Customer Log Trigger: under n8n's durable poll cursors (the durable scheduler)", () => {
	const durableTrigger = (parameters: IDataObject) =>
		new ActiveTrigger(
			parameters,
			suite.credentials(),
			{},
			{ typeVersion: 2, durableCursors: true },
		);
	const committedLogs = (trigger: ActiveTrigger) =>
		Object.keys(
			(((JSON.parse(trigger.cursor) as IDataObject).customerLogTrigger as IDataObject | undefined)
				?.logs as IDataObject | undefined) ?? {},
		);

	test('the poll at activation keeps nothing, the first scheduled poll is the baseline; then each event once, through a restart', async () => {
		const trigger = durableTrigger({ event: 'newLog' });
		expect(await trigger.poll()).toEqual({ emitted: null }); // at activation: n8n commits nothing
		expect(committedLogs(trigger)).toEqual([]);
		later(MINUTE);
		await expectBaseline(trigger); // the first scheduled poll
		expect(committedLogs(trigger).sort()).toEqual(['1000', '1001', '1002']);
		later(MINUTE);
		const first = addLog({ Username: 'jsmith', Notes: 'before the restart' });
		later(MINUTE);
		expect(await pollEvents(trigger)).toEqual([['newLog', first.LogID]]);
		later(MINUTE);
		expect(await pollEvents(trigger)).toEqual([]);
		const second = addLog({ Username: 'tom_k', Notes: 'while n8n was down' });
		trigger.restart();
		later(MINUTE);
		expect(await pollEvents(trigger)).toEqual([['newLog', second.LogID]]); // the poll at activation after the restart
		later(MINUTE);
		expect(await pollEvents(trigger)).toEqual([]);
	});

	test('Follow-Up Due fires once per due date when the state is a staged copy committed per poll', async () => {
		const trigger = durableTrigger({
			event: 'followUpDue',
			scope: 'chosen',
			customers: { customer: [{ username: { __rl: true, mode: 'username', value: 'tom_k' } }] },
		});
		const tomorrow = new Date(START + DAY).toISOString().slice(0, 10);
		const log = addLog({
			Username: 'tom_k',
			Status: 'Require Recontact',
			DateRequiredFollowUp: `${tomorrow} 00:00:00`,
		});
		await trigger.poll();
		later(MINUTE);
		await expectBaseline(trigger);
		setClock(Date.parse(`${tomorrow}T00:00:30Z`));
		expect(await pollEvents(trigger)).toEqual([['followUpDue', log.LogID]]);
		for (let poll = 0; poll < 2; poll++) {
			later(MINUTE);
			expect(await pollEvents(trigger)).toEqual([]);
		}
		trigger.restart();
		later(MINUTE);
		expect(await pollEvents(trigger)).toEqual([]);
	});
});
