/** Types for the JavaScript sandbox, so TypeScript tests can drive it. */
export interface SandboxLog {
	LogID: number;
	Username: string;
	CustomerName: string;
	AllocatedTo: string;
	FollowUpType: string;
	LastContacted: string;
	DateRequiredFollowUp: string;
	Status: string;
	Notes: string;
	DateAdded: string;
	DateUpdated?: string;
	/** GetCustomer returns these derived (from Username, LastContacted) unless set here. */
	Customer?: string;
	LastContactedLocal?: string;
	LastContactedUTC?: string;
}

export interface SandboxCustomer {
	ID: string;
	Username: string;
	EmailAddress: string;
	Name: string;
	DateAdded: string;
	DateUpdated: string;
	Type: 'Prospect' | 'Customer';
	Active: 'True' | 'False';
}

/** The statuses an order notification carries: GetOrder's OrderStatus enumeration and Quote. */
export type OrderStatus =
	| 'Quote'
	| 'New'
	| 'On Hold'
	| 'New Backorder'
	| 'Backorder Approved'
	| 'Pick'
	| 'Pack'
	| 'Pending Pickup'
	| 'Pending Dispatch'
	| 'Dispatched'
	| 'Cancelled'
	| 'Uncommitted';

export interface SandboxOrderLine {
	OrderLineID: string;
	SKU: string;
	ProductName?: string;
	Quantity?: string;
	UnitPrice?: string;
	[field: string]: string | undefined;
}

/** An order as the sandbox keeps it (GetOrder returns the fields its OutputSelectors select). */
export interface SandboxOrder {
	OrderID: string;
	ID: string;
	Username: string;
	Email: string;
	OrderStatus: OrderStatus;
	GrandTotal: string;
	DatePlaced: string;
	DateUpdated: string;
	OrderLine: SandboxOrderLine[];
	[field: string]: unknown;
}

/** How the store delivers one status change's notification (`once` unless asked). */
export type Delivery = 'once' | 'twice' | 'twiceAtOnce' | 'wrongToken' | 'noToken';

/** The notification's content (its XML <Event>). */
export interface OrderEvent {
	EventID: number;
	CurrentTime: string;
	EventType: 'Order';
	OrderID: string;
	OrderStatus: OrderStatus;
}

/** One delivery attempt of a notification. */
export interface NotificationAttempt {
	EventID: number;
	OrderID: string;
	OrderStatus: OrderStatus;
	/** 1 for an event's first attempt, 2 for its next (a redelivery, or the second of `twice`), ... */
	attempt: number;
	/** The NETOAPI_KEY sent: the configured token, a wrong one, or no header. */
	token: 'right' | 'wrong' | 'none';
	/** The HTTP status answered; 0 when none came (refused, reset, timed out); undefined while waiting. */
	status?: number;
	error?: string;
	/** When it was sent (ISO). */
	at: string;
	/** How long the answer took, in ms. */
	ms?: number;
}

export interface NotificationTarget {
	/** Where the store POSTs notifications (empty: notifications off). */
	url?: string;
	/** The Webhook Verify Token sent as NETOAPI_KEY. */
	token?: string;
	/** How long after a failed attempt the event is delivered again (60,000 ms unless a test shortens it). */
	redeliverAfterMs?: number;
	/** The notification's Content-Type (the pages do not say): application/xml unless set. */
	contentType?: string;
}

export declare class NetoStore {
	constructor(options?: { seed?: boolean });
	customers: Map<string, SandboxCustomer>;
	logs: Map<number, SandboxLog>;
	addCustomer(customer: {
		Username: string;
		EmailAddress?: string;
		Name?: string;
		Type?: 'Prospect' | 'Customer';
		Active?: 'True' | 'False';
	}): SandboxCustomer;
	insertLog(fields: Partial<SandboxLog>): SandboxLog;
	changeLog(logId: number, fields: Partial<SandboxLog>): SandboxLog | undefined;
	logsTouchCustomer: boolean;
	logsOf(username: string): SandboxLog[];
	/** A store of a merchant's size: `customers` more customers (shopper1, ...) and `logs` logs among them. */
	populate(size: { customers: number; logs: number; updatedAt?: string }): void;
	orders: Map<string, SandboxOrder>;
	/** Adds an order of a customer (its Email and names from the customer); an OrderID is made when none is given. */
	addOrder(fields: Partial<SandboxOrder> & { Username?: string }): SandboxOrder;
	/** Changes the status without notifying (the sandbox's changeOrderStatus notifies). */
	changeOrderStatus(orderId: string, status: OrderStatus): SandboxOrder | undefined;
}

export interface SandboxFault {
	/** silent: the request is held open with no answer until the client gives up (phase after: once applied). */
	kind: 'status' | 'reset' | 'html' | 'malformed' | 'answerIn' | 'echoKey' | 'delay' | 'silent';
	/** delay: how long the request waits before the store applies it. */
	ms?: number;
	/** echoKey: the request's key quoted in an error page (phase before), or in the answer's error or warning (phase after). */
	in?: 'page' | 'error' | 'warning';
	status?: number;
	retryAfter?: number | string;
	body?: string;
	format?: 'json' | 'xml';
	phase?: 'before' | 'after';
	action?: string;
	/** Let the first N requests it matches pass untouched. */
	skip?: number;
	times?: number;
}

export interface SandboxOptions {
	host?: string;
	port?: number;
	seed?: boolean;
	store?: NetoStore;
	credentials?: Partial<{
		apiUsername: string;
		apiKey: string;
		clientId: string;
		accessToken: string;
		webhookVerifyToken: string;
	}>;
	rateLimitPerMinute?: number;
	/** The rate limit's window, 60,000 ms (Neto's minute) unless a test shortens it. */
	rateWindowMs?: number;
	batchFailure?: 'rejectWhole' | 'addValid';
	latencyMs?: number;
	firstPage?: 0 | 1;
	jsonQuirks?: boolean;
	idleStopMs?: number;
	/** Whether adding or changing a log updates its customer's DateUpdated (the contract's unknown). */
	logsTouchCustomer?: boolean;
	/** What the store keeps of DateRequiredFollowUp (the contract's unknown): see server.js. */
	followUpDates?: 'date' | 'shopZone' | 'dateTime';
	/** The shop's timezone, for followUpDates 'shopZone'. */
	shopTimezone?: string;
	/** How long a notification waits for its answer (10,000 ms). */
	notifyTimeoutMs?: number;
	/** The first notification's EventID (the clock's seconds unless given). */
	firstEventId?: number;
}

export interface SandboxRequest {
	action: string;
	status: number;
	format?: 'json' | 'xml';
	logs: number;
	fault?: string;
	at: number;
	/** When a barrier (holdUntil) let it go on. */
	heldUntil?: number;
	headerNames: string[];
	/** The documented rules the request broke (the store refused it for them), when it broke any. */
	brokeRule?: string[];
}

export interface Sandbox {
	url: string;
	port: number;
	store: NetoStore;
	requests: SandboxRequest[];
	options: Required<Omit<SandboxOptions, 'store'>> & { credentials: Record<string, string> };
	injectFaults(faults: SandboxFault[]): void;
	clearFaults(): void;
	holdUntil(action: string, count: number): void;
	set(changes: Partial<SandboxOptions>): void;
	resetRateLimit(): void;
	/**
	 * Where order notifications go and with which Webhook Verify Token (by default
	 * `options.credentials.webhookVerifyToken`, `sandbox-webhook-token`); answers the target without the token.
	 */
	notifyTo(
		target: NotificationTarget | string,
		token?: string,
	): { url?: string; redeliverAfterMs: number };
	addOrder(fields: Partial<SandboxOrder> & { Username?: string }): SandboxOrder;
	/**
	 * Changes an order's status and notifies as `deliver` says; resolves once the first attempts are
	 * answered (undefined when no order has that ID). Rejects a status or delivery not listed.
	 */
	changeOrderStatus(
		orderId: string,
		status: OrderStatus,
		deliver?: Delivery,
	): Promise<
		{ order: SandboxOrder; event: OrderEvent; attempts: NotificationAttempt[] } | undefined
	>;
	/** Every delivery attempt so far, in the order sent (what GET /__sandbox/notifications answers). */
	deliveries: NotificationAttempt[];
	/** EventIDs not yet answered 200, waiting to be delivered again. */
	undeliveredEvents(): number[];
	/** Delivers every undelivered event again now (not waiting for redeliverAfterMs); resolves once answered. */
	redeliver(): Promise<NotificationAttempt[]>;
	/** Resolves with the attempts once `test` holds for them; rejects after timeoutMs (10,000). */
	waitForDeliveries(
		test: (attempts: NotificationAttempt[]) => boolean,
		timeoutMs?: number,
	): Promise<NotificationAttempt[]>;
	close(): Promise<void>;
}

export declare function startSandbox(options?: SandboxOptions): Promise<Sandbox>;
export declare const API_PATH: string;
