import { sleep } from 'n8n-workflow';

/**
 * One request budget per Neto account and n8n process. Neto allows 500 requests a minute per
 * account across every client, so every execution of the node in this process that talks to the
 * same store as the same API user waits on the same limiter (see `accountLimiters`).
 */

export interface Clock {
	now(): number;
	sleep(ms: number): Promise<void>;
}

const realClock: Clock = { now: () => Date.now(), sleep };

/**
 * On a 429 the rate drops to this share of what the process sent in the last window, and climbs
 * back by the rest of it: the multiplicative decrease of the AWS SDKs' adaptive retry mode.
 */
const BACKOFF_SHARE = 0.7;

/**
 * Nor below this share of Requests Per Minute (AWS keeps a minimum rate too): a process that had
 * sent little when another one's burst brought a 429 must not be held to one request a window.
 */
const FLOOR_SHARE = 0.1;

interface Slot {
	startedAt: number;
	/** When its answer came; until then the store may count it at any moment. */
	endedAt?: number;
	/** The Requests Per Minute of the execution that sent it. */
	limit: number;
}

/** After a 429: the rate starts at `low` when the pause ends and climbs back past `high`. */
interface Lowered {
	low: number;
	high: number;
	climbFrom: number;
	/** Per further window once back at `high`: the rest of the Requests Per Minute it was lowered from. */
	probe: number;
}

/** What a request holds from its start until its answer. */
export interface Permit {
	/** The answer came (or the request failed): the request counts for one window from now. */
	done(): void;
	/** HTTP 429: the store did not count it. Lowers the rate, and pauses every request for Retry-After. */
	refused(retryAfterMs?: number): void;
	/** It was not sent after all: it counts for nothing. */
	unused(): void;
}

/**
 * Keeps request starts within a sliding window (Neto's minute). A request counts from its start
 * until a full window after its answer, so a store that counts requests when they arrive, however
 * late that is, never sees more than the limit. Bursts up to the limit go out at once. With
 * executions asking for different limits, the lowest among the requests in the window and the new
 * one applies, so a workflow set low to leave room for other apps is respected by all.
 */
export class AccountLimiter {
	private slots: Slot[] = [];

	private pausedUntil = 0;

	private lowered?: Lowered;

	private loweredAt = -Infinity;

	private waiters: Array<() => void> = [];

	constructor(
		readonly windowMs: number,
		private readonly clock: Clock = realClock,
	) {}

	/** True when nothing is waiting, in flight or counted, and no 429 is being remembered. */
	idle(now = this.clock.now()): boolean {
		this.prune(now);
		return (
			this.slots.length === 0 &&
			this.waiters.length === 0 &&
			now >= this.pausedUntil &&
			this.lowered === undefined
		);
	}

	/** The most requests a window may hold right now for a caller asking for `limit`. */
	allowance(limit: number, now = this.clock.now()): number {
		this.prune(now);
		const lowest = this.slots.reduce((min, slot) => Math.min(min, slot.limit), limit);
		return Math.max(1, Math.floor(Math.min(lowest, this.capAt(now))));
	}

	async acquire(limit: number): Promise<Permit> {
		for (;;) {
			const now = this.clock.now();
			if (now < this.pausedUntil) {
				await this.clock.sleep(this.pausedUntil - now);
				continue;
			}
			const allowed = this.allowance(limit, now);
			if (this.slots.length < allowed) return this.take(now, limit);
			const wait = this.nextChange(now, allowed, limit);
			if (wait === undefined) await new Promise<void>((resolve) => this.waiters.push(resolve));
			else await this.clock.sleep(wait);
		}
	}

	private take(now: number, limit: number): Permit {
		const slot: Slot = { startedAt: now, limit };
		this.slots.push(slot);
		return {
			done: () => {
				slot.endedAt = this.clock.now();
				this.wake();
			},
			refused: (retryAfterMs?: number) => this.refuse(slot, retryAfterMs),
			unused: () => {
				this.slots = this.slots.filter((other) => other !== slot);
				this.wake();
			},
		};
	}

	private refuse(slot: Slot, retryAfterMs?: number): void {
		const now = this.clock.now();
		this.slots = this.slots.filter((other) => other !== slot);
		// Processes sharing the account all come back after Retry-After, each at its lowered rate.
		if (retryAfterMs !== undefined && retryAfterMs > 0)
			this.pausedUntil = Math.max(this.pausedUntil, now + retryAfterMs);
		// One lowering per overload: requests sent before the last lowering were already accounted for.
		if (slot.startedAt > this.loweredAt) {
			const floor = Math.max(1, Math.floor(slot.limit * FLOOR_SHARE));
			const high = Math.max(floor, Math.min(this.slots.length, this.capAt(now)));
			this.lowered = {
				low: Math.max(floor, Math.floor(high * BACKOFF_SHARE)),
				high,
				climbFrom: Math.max(now, this.pausedUntil),
				probe: Math.max(1, slot.limit * (1 - BACKOFF_SHARE)),
			};
			this.loweredAt = now;
		} else if (this.lowered) {
			this.lowered.climbFrom = Math.max(this.lowered.climbFrom, this.pausedUntil);
		}
		this.wake();
	}

	/** The adaptive ceiling at `time`: Infinity unless a 429 lowered it. */
	private capAt(time: number): number {
		const lowered = this.lowered;
		if (!lowered) return Infinity;
		if (time <= lowered.climbFrom) return lowered.low;
		const windows = (time - lowered.climbFrom) / this.windowMs;
		if (windows <= 1) return lowered.low + (lowered.high - lowered.low) * windows;
		return lowered.high + lowered.probe * (windows - 1);
	}

	/** Milliseconds until a counted request ages out or the ceiling rises; undefined: wait for an answer. */
	private nextChange(now: number, allowed: number, limit: number): number | undefined {
		const times: number[] = [];
		for (const slot of this.slots)
			if (slot.endedAt !== undefined) times.push(slot.endedAt + this.windowMs - now);
		const lowest = this.slots.reduce((min, slot) => Math.min(min, slot.limit), limit);
		if (this.lowered && allowed < Math.floor(lowest)) times.push(this.untilCap(now, allowed + 1));
		const positive = times
			.filter((ms) => Number.isFinite(ms))
			.map((ms) => Math.max(1, Math.ceil(ms)));
		return positive.length === 0 ? undefined : Math.min(...positive);
	}

	/** Milliseconds until the ceiling reaches `target` (it only climbs). */
	private untilCap(now: number, target: number): number {
		const lowered = this.lowered as Lowered;
		const start = Math.max(now, lowered.climbFrom);
		let at: number;
		if (target <= lowered.high && lowered.high > lowered.low) {
			at =
				lowered.climbFrom + ((target - lowered.low) / (lowered.high - lowered.low)) * this.windowMs;
		} else at = lowered.climbFrom + this.windowMs * (1 + (target - lowered.high) / lowered.probe);
		return Math.max(at, start) - now;
	}

	private prune(now: number): void {
		this.slots = this.slots.filter(
			(slot) => slot.endedAt === undefined || slot.endedAt + this.windowMs > now,
		);
		// Nothing counted for a whole window since the climb began: what the 429 said is out of date.
		if (this.lowered && this.slots.length === 0 && now >= this.lowered.climbFrom + this.windowMs)
			this.lowered = undefined;
	}

	private wake(): void {
		const waiting = this.waiters;
		this.waiters = [];
		for (const resume of waiting) resume();
	}
}

/**
 * The process-wide registry: one limiter per (API endpoint, API user or client ID). Never keyed by
 * a key or token. Limiters that have been quiet for a window are dropped, so a long-running process
 * does not collect them. `windowMs` is Neto's minute; tests shorten it along with the sandbox's.
 */
export class AccountLimiters {
	windowMs = 60_000;

	private readonly byAccount = new Map<string, AccountLimiter>();

	for(endpoint: string, account: string): AccountLimiter {
		const key = `${endpoint} ${account}`;
		for (const [other, limiter] of this.byAccount)
			if (other !== key && limiter.idle()) this.byAccount.delete(other);
		let limiter = this.byAccount.get(key);
		if (!limiter) {
			limiter = new AccountLimiter(this.windowMs);
			this.byAccount.set(key, limiter);
		}
		return limiter;
	}
}

export const accountLimiters = new AccountLimiters();
