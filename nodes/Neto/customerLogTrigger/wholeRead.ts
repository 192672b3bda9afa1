import type { IPollFunctions } from 'n8n-workflow';

import { CUSTOMERS_PER_PAGE, customerKey, customerPage } from '../read/customers';
import { fail, ok } from '../failures';
import type { RequestControl } from '../transport';
import type { Observation, ReadResult } from './read';
import { observe } from './read';
import type { WholeRead } from './state';

/**
 * A read of every customer (the baseline, the full check) spread over as many polls as it needs:
 * each poll reads pages until its time limit (TriggerSettings.pollLimitMs), and the state keeps the
 * next page. n8n's durable scheduler abandons a poll that runs past its own limit (45 s by
 * default) and keeps nothing of it, so a read that must end within one poll never ends on a slow
 * or large store; this way a poll abandoned or run twice costs one poll's share again.
 */

export function startWholeRead(now: number, baseline: boolean, mark: boolean): WholeRead {
	return { page: 0, startedAt: now, lastKey: '', stale: 0, baseline, mark };
}

/**
 * Reads this poll's share of a whole read into `into`, from the page `from` names, until a short
 * page (the read is whole: undefined) or the poll's deadline, `control.notAfter` (the read as it
 * stands for the next poll).
 * Every request is cut off at the deadline; a page it cuts off is read again by the next poll. A
 * failure before the deadline fails the read as any other, and so does one at it when the poll
 * read no page at all (`mustProgress`: a store slower than the limit should be told, not waited on).
 */
export async function readShare(
	this: IPollFunctions,
	from: WholeRead,
	control: RequestControl & { notAfter: number },
	into: Observation,
	mustProgress: boolean,
): ReadResult<{ observation: Observation; next?: WholeRead }> {
	const deadline = control.notAfter;
	// No filter but the pages: customers.ts asks for every customer (EVERY_CUSTOMER).
	const query = { withLogs: true };
	let at = from;
	while (Date.now() < deadline) {
		const read = await customerPage.call(this, query, at.page, { format: 'json', control });
		if (!read.ok) {
			if (Date.now() < deadline) return read;
			if (at !== from || !mustProgress) return ok({ observation: into, next: at });
			// Not one page in a poll's time: the store is too slow for now, as when it is down.
			const { failure } = read;
			return failure.kind === 'failed'
				? fail({ ...failure, unavailable: failure.unavailable ?? 'network' })
				: read;
		}
		const customers = read.value;
		for (const customer of customers) observe(into, customer);
		const last = customers.length > 0 ? customerKey(customers[customers.length - 1]) : '';
		// A store that counts pages from 1 answers page 0 and page 1 alike; one that ignores Page, every page.
		const stale = last !== '' && last === at.lastKey ? at.stale + 1 : 0;
		if (customers.length < CUSTOMERS_PER_PAGE || stale >= 2) return ok({ observation: into });
		at = { ...at, page: at.page + 1, lastKey: last, stale };
	}
	return ok({ observation: into, next: at });
}
