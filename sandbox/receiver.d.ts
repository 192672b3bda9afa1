/** Types for receiver.js. */
export interface ReceivedPost {
	/** As Node gives them: names in lower case. */
	headers: Record<string, string | string[] | undefined>;
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
