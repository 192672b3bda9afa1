import { sleep } from 'n8n-workflow';

/**
 * Returns once the event loop has run its I/O phase: a request just started connects and is
 * written there, and reading the next batch first held it back (in real n8n, by the whole batch's
 * reading: about 3 ms a request, at every request). A timer's turn can come before the I/O phase
 * of the same loop iteration, never twice without one between: an order of the event loop, not a
 * timing.
 */
export async function afterIoTurn(): Promise<void> {
	await sleep(0);
	await sleep(0);
}

/**
 * When a batch may go: at most `concurrency` batches in flight, and never two that change the same
 * log (its keys) at once, so each update of a log builds on what the one before it wrote.
 */
export class BatchScheduler {
	/** Batches in flight, each with the logs it changes. */
	private readonly inFlight = new Map<Promise<void>, Set<string>>();

	constructor(private readonly concurrency: number) {}

	/** Some batch is in flight. */
	get busy(): boolean {
		return this.inFlight.size > 0;
	}

	/** Waits until a batch that changes these logs may go. */
	async room(keys: Set<string>): Promise<void> {
		while (this.inFlight.size >= this.concurrency || this.sharesALog(keys))
			await Promise.race(this.inFlight.keys());
	}

	/** Starts a batch (`dispatch`), in flight until it ends; returns once its request is on its way. */
	async start(keys: Set<string>, dispatch: () => Promise<void>): Promise<void> {
		const sending: Promise<void> = dispatch().finally(() => this.inFlight.delete(sending));
		this.inFlight.set(sending, keys);
		await afterIoTurn();
	}

	/** Waits until no batch is in flight. */
	async drain(): Promise<void> {
		while (this.inFlight.size > 0) await Promise.race(this.inFlight.keys());
	}

	private sharesALog(keys: Set<string>): boolean {
		return [...this.inFlight.values()].some((other) => [...keys].some((key) => other.has(key)));
	}
}
