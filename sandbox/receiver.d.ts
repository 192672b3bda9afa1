/** Types for receiver.js. */
import type { IncomingHttpHeaders } from 'node:http';

export interface ReceivedPost {
	headers: IncomingHttpHeaders;
	body: string;
	at: number;
	answeredAt?: number;
}

export interface Receiver {
	url: string;
	port: number;
	received: ReceivedPost[];
	state: {
		/** The status each POST is answered with ('hang': never answered). */
		answer: () => number | 'hang';
		/** Hold the first this-many requests until all of them arrived (0: answer at once). */
		holdUntil: number;
	};
	close(): Promise<void>;
}

export declare function startReceiver(): Promise<Receiver>;
