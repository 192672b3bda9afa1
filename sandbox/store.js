'use strict';
/**
 * The Neto sandbox's data and rules: an in-memory store of customers and customer logs, and the
 * contract's validation (docs/neto-contract.md). Knows nothing of HTTP or wire formats.
 */

const { checkGet, error, isRealDateTime, onePage } = require('./rules');
const { makeOrder, seedOrders } = require('./orders');

const STATUSES = ['Require Recontact', 'Recontacting', 'Completed'];

/** The contract's field rules, per action: max length (null: none), kind; in the XSD's element order. */
const LOG_RULES = {
	AddCustomerLog: {
		AllocatedTo: { max: 255 },
		FollowUpType: { max: 50 },
		Username: { max: 25 },
		CustomerName: { max: 100 },
		LastContacted: { kind: 'dateTime' },
		DateRequiredFollowUp: { kind: 'dateTime' },
		Status: { kind: 'status' },
		Notes: { max: null },
	},
	UpdateCustomerLog: {
		LogID: { kind: 'integer' },
		AllocatedTo: { max: 100 },
		FollowUpType: { max: 50 },
		CustomerName: { max: 100 },
		LastContacted: { kind: 'dateTime' },
		DateRequiredFollowUp: { kind: 'dateTime' },
		Status: { kind: 'status' },
		Notes: { max: null },
	},
};

/**
 * GetCustomer's Filter elements in the XSD's order (the documented XML request's), each with its
 * documented type (the page's <Filter> table): `list` when it "Supports Multiple Elements".
 */
const FILTER_RULES = {
	ID: { kind: 'integer', digits: 10, list: true },
	Username: { kind: 'string', max: 25, list: true },
	Type: { kind: 'enum', values: ['Prospect', 'Customer'], list: true },
	Active: { kind: 'enum', values: ['True', 'False'], list: true },
	Email: { kind: 'string', max: 50, list: true },
	Company: { kind: 'string', max: 50, list: true },
	OnCreditHold: { kind: 'enum', values: ['True', 'False'], list: true },
	NewsletterSubscriber: { kind: 'enum', values: ['True', 'False'], list: true },
	UserGroup: { kind: 'string', max: 30, list: true },
	BillState: { kind: 'string', max: 50, list: true },
	DateAddedFrom: { kind: 'dateTime' },
	DateAddedTo: { kind: 'dateTime' },
	DateUpdatedFrom: { kind: 'dateTime' },
	DateUpdatedTo: { kind: 'dateTime' },
	Page: { kind: 'integer' },
	Limit: { kind: 'integer' },
	OutputSelector: {
		kind: 'enum',
		list: true,
		values: [
			'Username',
			'ID',
			'Type',
			'Password',
			'EmailAddress',
			'SecondaryEmailAddress',
			'NewsletterSubscriber',
			'BillingAddress',
			'ShippingAddress',
			'ShippingAddressBook',
			'ParentUsername',
			'ApprovalUsername',
			'ReferralUsername',
			'ReferralCommission',
			'Gender',
			'DateOfBirth',
			'IdentificationType',
			'IdentificationDetails',
			'DefaultDiscounts',
			'DefaultDocumentTemplate',
			'RegistrationDate',
			'InternalNotes',
			'ABN',
			'WebsiteURL',
			'CreditLimit',
			'DefaultInvoiceTerms',
			'Classification1',
			'Classification2',
			'SalesChannel',
			'DefaultShippingAddress',
			'Active',
			'OnCreditHold',
			'UserGroup',
			'AccountBalance',
			'AvailableCredit',
			'AccountManager',
			'DefaultOrderType',
			...Array.from({ length: 50 }, (_, n) => `UserCustom${n + 1}`),
			'DateAdded',
			'DateAddedLocal',
			'DateAddedUTC',
			'DateUpdated',
			'DateUpdatedLocal',
			'DateUpdatedUTC',
			'CustomerLog',
		],
	},
};
const FILTER_ELEMENTS = Object.keys(FILTER_RULES);
/** Filter elements that select nothing: paging, and what to return. */
const NOT_FILTERS = ['Page', 'Limit', 'OutputSelector'];

/**
 * GetCustomer's documented rules (neto-getcustomer.md): "You must specify at least one filter and
 * one OutputSelector in your GetCustomer request", each Filter element of its documented type, and
 * no element the page does not list. Returns the errors (empty when the request follows them).
 */
function checkGetCustomer(payload) {
	return checkGet('GetCustomer', FILTER_RULES, NOT_FILTERS, payload);
}

function nowUtc() {
	return new Date().toISOString().slice(0, 19).replace('T', ' ');
}

const SEED_CUSTOMERS = [
	{ Username: 'jsmith', EmailAddress: 'jane.smith@example.com', Name: 'Jane Smith' },
	{ Username: 'acme_buyer', EmailAddress: 'orders@acme.example', Name: 'Acme Pty Ltd' },
	{ Username: 'ellie.w', EmailAddress: 'ellie@example.net', Name: 'Ellie Wong' },
	{ Username: 'tom_k', EmailAddress: 'tom.k@example.org', Name: 'Tom Kowalski' },
];

class NetoStore {
	constructor({ seed = true } = {}) {
		this.customers = new Map();
		this.logs = new Map();
		this.nextCustomerId = 1;
		this.nextLogId = 1000;
		this.orders = new Map();
		this.nextOrderId = 1;
		/** The contract's unknown: whether adding or changing a log updates its customer's DateUpdated. */
		this.logsTouchCustomer = true;
		if (seed) this.seed();
	}

	/** Back to the seeded state (used between end-to-end examples). */
	reset() {
		this.customers.clear();
		this.logs.clear();
		this.nextCustomerId = 1;
		this.nextLogId = 1000;
		this.orders.clear();
		this.nextOrderId = 1;
		this.seed();
	}

	seed() {
		for (const customer of SEED_CUSTOMERS) this.addCustomer(customer);
		this.insertLog({
			Username: 'jsmith',
			CustomerName: 'Jane Smith',
			AllocatedTo: 'Sam',
			FollowUpType: 'Phone Call',
			Status: 'Require Recontact',
			Notes: 'Asked about bulk pricing',
			LastContacted: '2026-01-10 02:30:00',
			DateRequiredFollowUp: '2026-01-17 00:00:00',
		});
		this.insertLog({
			Username: 'jsmith',
			CustomerName: 'Jane Smith',
			AllocatedTo: 'Sam',
			FollowUpType: 'Email',
			Status: 'Completed',
			Notes: 'Sent the catalogue',
			LastContacted: '2026-02-01 05:00:00',
			DateRequiredFollowUp: '',
		});
		this.insertLog({
			Username: 'acme_buyer',
			CustomerName: 'Acme Pty Ltd',
			AllocatedTo: 'Priya',
			FollowUpType: 'Visit',
			Status: 'Recontacting',
			Notes: '',
			LastContacted: '2026-03-03 23:15:00',
			DateRequiredFollowUp: '2026-03-10 00:00:00',
		});
		seedOrders(this);
	}

	/**
	 * Adds an order of a customer (its Username; its Email and names come from the customer) with the
	 * fields given; an OrderID is made (N<number>) when none is given.
	 */
	addOrder({ Username, ...fields }) {
		const customer = this.customers.get(String(Username ?? ''));
		const id = this.nextOrderId++;
		const order = makeOrder({ OrderID: `N${1000 + id}`, ...fields }, customer, id);
		if (!customer && Username !== undefined) order.Username = String(Username);
		this.orders.set(order.OrderID, order);
		return order;
	}

	/** Changes an order's status as a store user would; returns the order, or undefined when none has that ID. */
	changeOrderStatus(orderId, status) {
		const order = this.orders.get(String(orderId));
		if (!order) return undefined;
		order.OrderStatus = status;
		order.DateUpdated = nowUtc();
		if (status === 'Dispatched' && !order.DateCompleted) order.DateCompleted = order.DateUpdated;
		return order;
	}

	addCustomer({ Username, EmailAddress = '', Name = '', Type = 'Customer', Active = 'True' }) {
		const now = nowUtc();
		const customer = {
			ID: String(this.nextCustomerId++),
			Username,
			EmailAddress,
			Name,
			Type,
			Active,
			DateAdded: now,
			DateUpdated: now,
		};
		this.customers.set(Username, customer);
		return customer;
	}

	insertLog(fields) {
		const LogID = this.nextLogId++;
		const log = {
			LogID,
			Username: '',
			CustomerName: '',
			AllocatedTo: '',
			FollowUpType: '',
			LastContacted: '',
			DateRequiredFollowUp: '',
			Status: '',
			Notes: '',
			...fields,
			DateAdded: nowUtc(),
		};
		this.logs.set(LogID, log);
		this.touchCustomerOf(log);
		return log;
	}

	touchCustomerOf(log) {
		const customer = this.customers.get(log.Username);
		if (customer && this.logsTouchCustomer) customer.DateUpdated = nowUtc();
	}

	/** Changes a log's fields as given (no validation: for tests and the sandbox's own endpoint). */
	changeLog(logId, fields) {
		const target = this.logs.get(Number(logId));
		if (!target) return undefined;
		for (const [name, value] of Object.entries(fields))
			if (name !== 'LogID') target[name] = String(value);
		target.DateUpdated = nowUtc();
		this.changes = (this.changes ?? 0) + 1;
		this.touchCustomerOf(target);
		return target;
	}

	/** The contract's checks for one log; returns the errors (empty when valid). */
	validateLog(action, log) {
		const rules = LOG_RULES[action];
		const errors = [];
		if (log === null || typeof log !== 'object' || Array.isArray(log)) {
			return [error('Invalid CustomerLog', 'Each CustomerLog must be an element with fields.')];
		}
		for (const [name, value] of Object.entries(log)) {
			const rule = rules[name];
			if (!rule) {
				errors.push(error(`Unknown field ${name}`, `${name} is not a field of ${action}.`));
				continue;
			}
			if (typeof value !== 'string' && typeof value !== 'number') {
				errors.push(error(`Invalid value for ${name}`, `${name} must be a simple value.`));
				continue;
			}
			const text = String(value);
			if (rule.kind === 'integer' && !/^\d{1,10}$/.test(text))
				errors.push(error(`Invalid LogID ${text}`, 'LogID is an Integer(10).'));
			else if (rule.kind === 'dateTime' && text !== '' && !isRealDateTime(text))
				errors.push(error(`Invalid DateTime for ${name}`, `${name} must be YYYY-MM-DD HH:MM:SS.`));
			else if (rule.kind === 'status' && text !== '' && !STATUSES.includes(text))
				errors.push(
					error(`Invalid Status ${text}`, `Status must be one of ${STATUSES.join(', ')}.`),
				);
			else if (rule.max && [...text].length > rule.max)
				errors.push(error(`${name} is too long`, `${name} is a String(${rule.max}).`));
		}
		if (
			action === 'AddCustomerLog' &&
			log.Username !== undefined &&
			log.Username !== '' &&
			!this.customers.has(String(log.Username))
		) {
			errors.push(error('Customer not found', `No customer has the username ${log.Username}.`));
		}
		if (action === 'UpdateCustomerLog') {
			if (log.LogID === undefined)
				errors.push(
					error('LogID is required', 'UpdateCustomerLog needs the LogID of the log to change.'),
				);
			else if (/^\d{1,10}$/.test(String(log.LogID)) && !this.logs.has(Number(log.LogID))) {
				errors.push(
					error('Customer log not found', `There is no customer log with LogID ${log.LogID}.`),
				);
			}
		}
		return errors;
	}

	applyAdd(log) {
		const fields = {};
		for (const [name, value] of Object.entries(log)) fields[name] = String(value);
		return this.insertLog(fields).LogID;
	}

	applyUpdate(log) {
		this.changeLog(log.LogID, log);
	}

	/**
	 * GetCustomer's filter: Username/ID/Email lists, date ranges, Page and Limit (`onePage`).
	 */
	findCustomers(filter, firstPage = 0) {
		const list = (value) =>
			value === undefined || value === ''
				? []
				: Array.isArray(value)
					? value.map(String)
					: [String(value)];
		const usernames = list(filter.Username);
		const ids = list(filter.ID);
		const emails = list(filter.Email).map((email) => email.toLowerCase());
		const types = list(filter.Type);
		const active = list(filter.Active);
		const found = [...this.customers.values()].filter(
			(customer) =>
				(usernames.length === 0 || usernames.includes(customer.Username)) &&
				(ids.length === 0 || ids.includes(customer.ID)) &&
				(emails.length === 0 || emails.includes(customer.EmailAddress.toLowerCase())) &&
				(types.length === 0 || types.includes(customer.Type)) &&
				(active.length === 0 || active.includes(customer.Active)) &&
				(!filter.DateUpdatedFrom || customer.DateUpdated >= filter.DateUpdatedFrom) &&
				(!filter.DateUpdatedTo || customer.DateUpdated <= filter.DateUpdatedTo) &&
				(!filter.DateAddedFrom || customer.DateAdded >= filter.DateAddedFrom) &&
				(!filter.DateAddedTo || customer.DateAdded <= filter.DateAddedTo),
		);
		return onePage(found, filter, firstPage);
	}

	/**
	 * A customer's logs, in the order they were added. Indexed by username, built again after any
	 * change to the store: the benchmark's store of 60,000 logs is read 100 customers a request.
	 */
	logsOf(username) {
		const version = `${this.logs.size}:${this.nextLogId}:${this.changes}`;
		if (this.logIndex?.version !== version) {
			const byUsername = new Map();
			for (const log of this.logs.values()) {
				if (!byUsername.has(log.Username)) byUsername.set(log.Username, []);
				byUsername.get(log.Username).push(log);
			}
			this.logIndex = { version, byUsername };
		}
		return [...(this.logIndex.byUsername.get(username) ?? [])];
	}

	/**
	 * A store of a merchant's size, for the benchmark: `customers` more customers (shopper1, ...),
	 * last updated at `updatedAt`, and `logs` logs dealt out among them, each as a staff member
	 * would write it: allocated, with a status, notes, and for most a due date, some past, some to come.
	 */
	populate({ customers, logs, updatedAt = '2026-01-01 00:00:00' }) {
		const staff = ['Sam', 'Priya', 'Alex Morgan', 'Jordan', 'Chris Taylor-Nguyen'];
		const usernames = [];
		for (let n = 1; n <= customers; n++) {
			const customer = this.addCustomer({
				Username: `shopper${n}`,
				EmailAddress: `shopper${n}@example.com`,
				Name: `Shopper ${n}`,
			});
			customer.DateAdded = updatedAt;
			customer.DateUpdated = updatedAt;
			usernames.push(customer.Username);
		}
		const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
		for (let n = 0; n < logs; n++) {
			const log = this.insertLog({
				Username: usernames[n % usernames.length],
				AllocatedTo: staff[n % staff.length],
				FollowUpType: n % 2 ? 'Phone Call' : 'Email',
				Status: STATUSES[n % STATUSES.length],
				Notes: `Order ${100000 + n}: asked about delivery times and a bulk discount for the next season`,
				LastContacted: `${day(-(n % 90))} 0${n % 10}:30:00`,
				DateRequiredFollowUp: n % 4 === 0 ? '' : `${day((n % 60) - 30)} 00:00:00`,
			});
			log.DateAdded = updatedAt;
		}
		// Adding the logs touched their customers: they were last updated as given.
		for (const username of usernames) this.customers.get(username).DateUpdated = updatedAt;
	}
}

module.exports = {
	NetoStore,
	STATUSES,
	LOG_RULES,
	FILTER_ELEMENTS,
	FILTER_RULES,
	checkGetCustomer,
};
