import { sleep } from 'n8n-workflow';

/**
 * Keeps request starts within `perMinute` in any sliding 60-second window. Bursts up to the
 * limit go out at once (so small runs never wait); past it, a request waits for the oldest
 * start in the window to age out. One limiter serves a whole execution of the node.
 */
export class RateLimiter {
	private readonly starts: number[] = [];

	private head = 0;

	constructor(
		private readonly perMinute: number,
		private readonly windowMs = 60_000,
	) {}

	async acquire(): Promise<void> {
		for (;;) {
			const now = Date.now();
			while (this.head < this.starts.length && this.starts[this.head] <= now - this.windowMs) this.head++;
			if (this.head > 1024) {
				this.starts.splice(0, this.head);
				this.head = 0;
			}
			if (this.starts.length - this.head < this.perMinute) {
				this.starts.push(now);
				return;
			}
			await sleep(this.starts[this.head] + this.windowMs - now + 1);
		}
	}
}
