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
	close(): Promise<void>;
}

export declare function startSandbox(options?: SandboxOptions): Promise<Sandbox>;
export declare const API_PATH: string;
