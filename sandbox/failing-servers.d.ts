/** Types for failing-servers.js. */
export interface FailingServer {
	port: number;
	close(): Promise<void>;
}
export declare function closedPort(): Promise<FailingServer>;
export declare function resettingServer(): Promise<FailingServer>;
export declare function selfSignedServer(): Promise<FailingServer>;
export declare function refusedAtTwoAddresses(): Promise<unknown>;
