/** Types for httpServer.js: the parts of Node's request and response the harness uses. */
export interface HarnessRequest extends AsyncIterable<Uint8Array> {
	method?: string;
	url?: string;
	headers: Record<string, string | string[] | undefined>;
}

export interface HarnessResponse {
	statusCode: number;
	headersSent: boolean;
	writeHead(status: number, headers?: Record<string, string>): unknown;
	end(chunk?: unknown): unknown;
	on(event: 'finish', listener: () => void): unknown;
}

export interface Listening {
	port: number;
	close(): Promise<void>;
}

export declare function listen(
	handler: (request: HarnessRequest, response: HarnessResponse) => void,
): Promise<Listening>;
