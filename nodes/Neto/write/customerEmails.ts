import { eachCustomer } from '../read/customers';
import type { Refusal } from '../failures';
import { withField } from '../log/validation';
import type { BatchSteps } from './batches';
import type { PendingLog } from './outcomes';

/**
 * Add's Customer "By Email": AddCustomerLog takes a Username, so before a batch goes out its
 * emails are looked up (GetCustomer's Email filter, 100 at a time, under the run's one rate
 * limiter) and each log gets its customer's username. An email no customer has, or that several
 * share, refuses the item.
 */

const CHUNK = 100;

const emailOf = (entry: PendingLog): string => String(entry.values.customerEmail ?? '').trim();

const resolveCustomerEmails: NonNullable<BatchSteps['prepare']> = async function (
	batch,
	settings,
	control,
) {
	const problems = new Map<number, Refusal>();
	const byEmail = batch.filter((entry) => emailOf(entry) !== '');
	const emails = [...new Set(byEmail.map((entry) => emailOf(entry).toLowerCase()))];
	const usernames = new Map<string, string[]>();
	const unread = new Map<string, string>();
	for (let start = 0; start < emails.length; start += CHUNK) {
		const chunk = emails.slice(start, start + CHUNK);
		const read = await eachCustomer.call(
			this,
			{ emails: chunk, withLogs: false },
			{ format: settings.wireFormat, control },
			(customer) => {
				const email = String(customer.EmailAddress ?? '').toLowerCase();
				usernames.set(email, [...(usernames.get(email) ?? []), String(customer.Username)]);
			},
		);
		if (!read.ok) for (const email of chunk) unread.set(email, read.failure.message);
	}
	for (const entry of byEmail) {
		const email = emailOf(entry);
		const found = usernames.get(email.toLowerCase()) ?? [];
		const failure = unread.get(email.toLowerCase());
		if (failure !== undefined) {
			problems.set(entry.index, {
				message: `"Customer" (Username) By Email could not be looked up: ${failure}`,
				field: 'Username',
			});
		} else if (found.length !== 1) {
			const message =
				found.length === 0
					? `"Customer" (Username): no customer has the email ${JSON.stringify(email)}`
					: `"Customer" (Username): ${found.length} customers have the email ${JSON.stringify(email)} (${found.join(', ')}); give the customer By User`;
			problems.set(entry.index, { message, field: 'Username' });
		} else {
			entry.log = withField(entry.log, 'add', 'Username', found[0]);
		}
	}
	return problems;
};

/** Add's batch steps: emails resolved before sending. */
export const customerEmailSteps: BatchSteps = { prepare: resolveCustomerEmails };
