'use strict';
/**
 * The sandbox store's orders: GetOrder's documented rules (neto-getorder.md), the seeded orders of
 * the seeded customers, and GetOrder's answer as a store gives it. Knows nothing of HTTP.
 */
const { asValues, checkGet, onePage } = require('./rules');

/** The statuses an order notification carries (neto-order-notifications.md): GetOrder's eleven and Quote. */
const ORDER_STATUSES = [
	'Quote',
	'New',
	'On Hold',
	'New Backorder',
	'Backorder Approved',
	'Pick',
	'Pack',
	'Pending Pickup',
	'Pending Dispatch',
	'Dispatched',
	'Cancelled',
	'Uncommitted',
];

const enumOf = (values, list = true) => ({ kind: 'enum', values, list });
const text = (max, list = true) => ({ kind: 'string', max, list });
const dateTime = { kind: 'dateTime' };
const TRUE_FALSE = ['True', 'False'];

const OUTPUT_SELECTORS = [
	'ID',
	'ShippingOption',
	'DeliveryInstruction',
	'RelatedOrderID',
	'Username',
	'Email',
	'ShipAddress',
	'BillAddress',
	'PurchaseOrderNumber',
	'SalesPerson',
	...Array.from({ length: 10 }, (_, n) => `CustomerRef${n + 1}`),
	'SalesChannel',
	'GrandTotal',
	'TaxInclusive',
	'OrderTax',
	'SurchargeTotal',
	'SurchargeTaxable',
	'ProductSubtotal',
	'ShippingTotal',
	'ShippingTax',
	'ClientIPAddress',
	'CouponCode',
	'CouponDiscount',
	'ShippingDiscount',
	'OrderType',
	'OnHoldType',
	'OrderStatus',
	'OrderPayment',
	'DefaultPaymentType',
	'OrderPayment.PaymentType',
	'DateUpdated',
	'DatePlaced',
	'DateRequired',
	'DateInvoiced',
	'DatePaid',
	'DateCompleted',
	'DateCompletedUTC',
	'DatePaymentDue',
	'PaymentTerms',
	'OrderLine',
	...[
		'ProductName',
		'ItemNotes',
		'SerialNumber',
		'PickQuantity',
		'BackorderQuantity',
		'UnitPrice',
		'Tax',
		'TaxCode',
		'WarehouseID',
		'WarehouseName',
		'WarehouseReference',
		'Quantity',
		'PercentDiscount',
		'ProductDiscount',
		'CouponDiscount',
		'CostPrice',
		'ShippingMethod',
		'ShippingServiceID',
		'ShippingServiceName',
		'ShippingTracking',
		'ShippingCarrierCode',
		'ShippingCarrierName',
		'ShippingTrackingUrl',
		'Weight',
		'Cubic',
		'Extra',
		'ExtraOptions',
		'BinLoc',
		'QuantityShipped',
		'ExternalSystemIdentifier',
		'ExternalOrderReference',
		'ExternalOrderLineReference',
	].map((name) => `OrderLine.${name}`),
	'ShippingSignature',
	'RealtimeConfirmation',
	'InternalOrderNotes',
	...['eBayUsername', 'eBayStoreName', 'eBayTransactionID', 'eBayAuctionID', 'ListingType'].map(
		(name) => `OrderLine.eBay.${name}`,
	),
	'OrderLine.eBay.DateCreated',
	'CompleteStatus',
	'OrderLine.eBay.DatePaid',
	'UserGroup',
	'StickyNotes',
];

/**
 * GetOrder's Filter elements in the documented XML request's order, each with its documented type
 * (the page's <Filter> table); `list` when it "Supports Multiple Elements".
 */
const ORDER_FILTER_RULES = {
	OrderID: text(15),
	Username: text(25),
	SKU: text(25),
	Supplier: text(null),
	OrderStatus: enumOf(ORDER_STATUSES.filter((status) => status !== 'Quote')),
	OrderType: enumOf(['sales', 'dropshipping']),
	OnHoldType: enumOf(['On Hold', 'Layby']),
	CompleteStatus: enumOf(['Approved', 'Incomplete']),
	PaymentStatus: enumOf(['FullyPaid', 'PartialPaid', 'Pending']),
	ExportStatus: enumOf(['Pending', 'Exported']),
	WarehouseID: { kind: 'integer', list: true },
	ExportedToWMS: enumOf(['Pending', 'Exported']),
	ShippingMethod: text(50),
	SalesChannel: text(50),
	...Object.fromEntries(
		[
			'DatePaid',
			'DateRequired',
			'DateInvoiced',
			'DatePlaced',
			'DateUpdated',
			'DateCompleted',
			'WarehouseQuantityUpdated',
		].flatMap((name) => [
			[`${name}From`, dateTime],
			[`${name}To`, dateTime],
		]),
	),
	SplitKitComponents: enumOf(TRUE_FALSE, false),
	ExternalSystemIdentifier: text(null),
	ExternalOrderReference: text(50, false),
	ExternalOrderLineReference: text(50, false),
	Page: { kind: 'integer' },
	Limit: { kind: 'integer' },
	OutputSelector: enumOf(OUTPUT_SELECTORS),
	UpdateResults: {
		kind: 'group',
		elements: {
			ExportStatus: enumOf(['Pending', 'Exported'], false),
			ExportedToWMS: enumOf(TRUE_FALSE, false),
		},
	},
};
const ORDER_FILTER_ELEMENTS = Object.keys(ORDER_FILTER_RULES);
/**
 * Filter elements that select no orders: paging, what to return, how kits are shown and what to
 * mark the results with. The sandbox's reading (the page does not say which elements count as "a
 * filter"), as GetCustomer's Page and Limit are observed not to.
 */
const NOT_ORDER_FILTERS = [
	'Page',
	'Limit',
	'OutputSelector',
	'SplitKitComponents',
	'UpdateResults',
];

/** GetOrder's documented rules; returns the errors (empty when the request follows them). */
function checkGetOrder(payload) {
	return checkGet('GetOrder', ORDER_FILTER_RULES, NOT_ORDER_FILTERS, payload);
}

const ADDRESS = ['FirstName', 'LastName', 'Company', 'StreetLine1', 'StreetLine2', 'City'].concat([
	'State',
	'PostCode',
	'Country',
	'Phone',
]);
/** What ShipAddress and BillAddress select. */
const ADDRESS_FIELDS = {
	ShipAddress: ADDRESS.map((part) => `Ship${part}`),
	BillAddress: ADDRESS.map((part) => `Bill${part}`),
};

const SEED_ORDERS = [
	[
		'N1001',
		'jsmith',
		'Dispatched',
		'2026-01-05 03:12:40',
		'149.95',
		[['TEA-100', 'Loose leaf tea, 1 kg', 1, '149.95']],
	],
	[
		'N1002',
		'jsmith',
		'New',
		'2026-02-11 22:40:05',
		'59.90',
		[['MUG-02', 'Enamel mug', 2, '29.95']],
	],
	[
		'N1003',
		'acme_buyer',
		'Pick',
		'2026-02-20 01:05:00',
		'1240.00',
		[['TEA-100', 'Loose leaf tea, 1 kg', 8, '155.00']],
	],
	[
		'N1004',
		'ellie.w',
		'Pending Dispatch',
		'2026-03-01 06:30:15',
		'34.50',
		[['CUP-SET', 'Tasting cups (6)', 1, '34.50']],
	],
	[
		'N1005',
		'tom_k',
		'On Hold',
		'2026-03-02 09:45:00',
		'89.00',
		[['KET-01', 'Gooseneck kettle', 1, '89.00']],
	],
];

/** A whole order as a store keeps it, from the fields given (a customer's, when `customer` is given). */
function makeOrder(fields, customer, id) {
	const [first = '', ...rest] = String(customer?.Name ?? '').split(' ');
	const address = (prefix) =>
		Object.fromEntries(
			ADDRESS.map((part) => [
				`${prefix}${part}`,
				{ FirstName: first, LastName: rest.join(' '), Country: 'AU' }[part] ?? '',
			]),
		);
	const placed = fields.DatePlaced ?? new Date().toISOString().slice(0, 19).replace('T', ' ');
	return {
		ID: String(id),
		Username: customer?.Username ?? '',
		Email: customer?.EmailAddress ?? '',
		OrderStatus: 'New',
		OrderType: 'sales',
		CompleteStatus: 'Approved',
		PaymentStatus: 'FullyPaid',
		ExportStatus: 'Pending',
		SalesChannel: 'Website',
		ShippingOption: 'Standard Shipping',
		DeliveryInstruction: '',
		GrandTotal: '0.00',
		ShippingTotal: '0.00',
		DatePlaced: placed,
		DateUpdated: placed,
		DatePaid: placed,
		DateRequired: '',
		DateInvoiced: '',
		DateCompleted: '',
		InternalOrderNotes: '',
		...address('Ship'),
		...address('Bill'),
		OrderLine: [],
		...fields,
	};
}

function seedOrders(store) {
	for (const [OrderID, username, OrderStatus, DatePlaced, GrandTotal, lines] of SEED_ORDERS) {
		store.addOrder({
			OrderID,
			Username: username,
			OrderStatus,
			DatePlaced,
			DateUpdated: DatePlaced,
			GrandTotal,
			OrderLine: lines.map(([SKU, ProductName, Quantity, UnitPrice], n) => ({
				OrderLineID: `${OrderID}-${n}`,
				SKU,
				ProductName,
				Quantity: String(Quantity),
				UnitPrice,
			})),
		});
	}
}

/** A filter's values as texts, empty ones left out. */
function textsOf(value) {
	return asValues(value)
		.map(String)
		.filter((text) => text !== '');
}

/**
 * The orders a Filter selects: each list filter naming an order field (SKU: any line's) matches
 * one of its values, each <Field>From/To bounds that field (inclusive; an order without it is
 * outside); Page and Limit as GetCustomer's (pages from `firstPage`). A filter on a field the
 * sandbox's orders do not carry (Supplier, WarehouseID, ...) selects none of them.
 */
function findOrders(orders, filter, firstPage) {
	const listed = Object.keys(filter).filter(
		(name) =>
			!NOT_ORDER_FILTERS.includes(name) &&
			ORDER_FILTER_RULES[name].kind !== 'dateTime' &&
			textsOf(filter[name]).length > 0,
	);
	const bounds = Object.keys(filter).filter(
		(name) => ORDER_FILTER_RULES[name]?.kind === 'dateTime',
	);
	const found = orders.filter(
		(order) =>
			listed.every((name) => {
				const wanted = textsOf(filter[name]);
				if (name === 'SKU') return order.OrderLine.some((line) => wanted.includes(line.SKU));
				return order[name] !== undefined && wanted.includes(String(order[name]));
			}) &&
			bounds.every((name) => {
				const [, field, end] = /^(.*)(From|To)$/.exec(name);
				const value = order[field];
				if (!value) return false;
				return end === 'From' ? value >= filter[name] : value <= filter[name];
			}),
	);
	return onePage(found, filter, firstPage);
}

/**
 * An order as GetOrder returns it for the OutputSelectors: always its OrderID (the page's samples
 * carry it whatever was selected); a field named by a selector, empty when the order has none;
 * ShipAddress and BillAddress their fields; OrderLine each line's OrderLineID and SKU, and the
 * OrderLine.<field> selected; OrderPayment its payments (with PaymentType when selected).
 */
function selectOrderFields(order, selectors) {
	const out = { OrderID: order.OrderID };
	const lineFields = selectors
		.filter((selector) => /^OrderLine\.[^.]+$/.test(selector))
		.map((selector) => selector.slice('OrderLine.'.length));
	for (const selector of selectors) {
		if (ADDRESS_FIELDS[selector]) {
			for (const field of ADDRESS_FIELDS[selector]) out[field] = order[field] ?? '';
		} else if (selector === 'OrderPayment' || selector === 'OrderPayment.PaymentType') {
			out.OrderPayment = (order.OrderPayment ?? []).map(({ PaymentType, ...payment }) =>
				selectors.includes('OrderPayment.PaymentType') ? { ...payment, PaymentType } : payment,
			);
		} else if (!selector.includes('.') && selector !== 'OrderLine') {
			out[selector] = order[selector] ?? '';
		}
	}
	if (selectors.some((selector) => selector.startsWith('OrderLine'))) {
		out.OrderLine = order.OrderLine.map((line) => {
			const picked = { OrderLineID: line.OrderLineID, SKU: line.SKU };
			for (const field of lineFields) if (line[field] !== undefined) picked[field] = line[field];
			return picked;
		});
	}
	return out;
}

/** GetOrder's answer for a request, or the refusal of one that breaks the page's rules. */
function answerGetOrder(store, payload, firstPage) {
	const refused = checkGetOrder(payload);
	if (refused.length > 0)
		return { Ack: 'Error', Messages: { Error: refused, Warning: [] }, brokeRule: true };
	const filter = payload.Filter;
	const selectors = textsOf(filter.OutputSelector);
	const found = findOrders([...store.orders.values()], filter, firstPage);
	const answer = found.map((order) => selectOrderFields(order, selectors));
	// "mark as exported on success response": the results take UpdateResults' ExportStatus after.
	const exportStatus = filter.UpdateResults?.ExportStatus;
	if (exportStatus) for (const order of found) order.ExportStatus = exportStatus;
	return { Ack: 'Success', Order: answer, Messages: { Error: [], Warning: [] } };
}

module.exports = {
	ORDER_STATUSES,
	ORDER_FILTER_ELEMENTS,
	ORDER_FILTER_RULES,
	answerGetOrder,
	checkGetOrder,
	makeOrder,
	seedOrders,
};
