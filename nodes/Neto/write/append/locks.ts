/**
 * Neto has no lock on a log, so this n8n process keeps its own: one per (store endpoint, LogID),
 * shared by every execution in the process (the main process in regular mode, or one queue-mode
 * worker). An append reads a log's notes and writes them back while holding the log, so appends
 * from executions in one process never overwrite each other; between processes, append.ts
 * reads back and repairs. Keyed by the endpoint and the LogID only: never by a key or token.
 */
/** An append waiting to be read back: whether this process replaced the log's notes since. */
export interface NotesWatch {
	replacedSince(): boolean;
	end(): void;
}

export class LogLocks {
	/** Per held log, the promise that settles when the last holder in line lets it go. */
	private readonly tails = new Map<string, Promise<void>>();

	/** Per watched log (only while an append waits to be read back): how often its notes were replaced here. */
	private readonly replacements = new Map<string, { count: number; watchers: number }>();

	/** How many logs are held, waited for or watched (a finished run leaves none). */
	get size(): number {
		return this.tails.size + this.replacements.size;
	}

	/**
	 * Runs `work` while holding every log in `logIds` of `store`. Logs are taken in one order, so
	 * two runs holding overlapping sets cannot each wait for the other.
	 */
	async holding<T>(store: string, logIds: string[], work: () => Promise<T>): Promise<T> {
		const keys = [...new Set(logIds.map((logId) => `${store} ${logId}`))].sort();
		const releases: Array<() => void> = [];
		try {
			for (const key of keys) releases.push(await this.take(key));
			return await work();
		} finally {
			for (const release of releases) release();
		}
	}

	/**
	 * This process replaced the log's notes (Notes Mode Replace). An append made before it here is
	 * then gone on purpose, not by another writer: its read-back must not write it again.
	 */
	replacedNotes(store: string, logId: string): void {
		const watched = this.replacements.get(`${store} ${logId}`);
		if (watched) watched.count++;
	}

	watch(store: string, logId: string): NotesWatch {
		const key = `${store} ${logId}`;
		const watched = this.replacements.get(key) ?? { count: 0, watchers: 0 };
		this.replacements.set(key, watched);
		watched.watchers++;
		const from = watched.count;
		let ended = false;
		return {
			replacedSince: () => watched.count !== from,
			end: () => {
				if (ended) return;
				ended = true;
				if (--watched.watchers === 0) this.replacements.delete(key);
			},
		};
	}

	private async take(key: string): Promise<() => void> {
		const before = this.tails.get(key) ?? Promise.resolve();
		let release = () => {};
		const mine = new Promise<void>((resolve) => {
			release = resolve;
		});
		const tail = before.then(async () => await mine);
		this.tails.set(key, tail);
		await before;
		return () => {
			release();
			if (this.tails.get(key) === tail) this.tails.delete(key);
		};
	}
}

export const logLocks = new LogLocks();
