/** Types for receiver.js. */
// Headers as Node gives them (IncomingHttpHeaders), written out: n8n's lint forbids node:http here.
type IncomingHttpHeaders = Record<string, string | string[] | undefined>;

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
