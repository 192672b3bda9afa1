/** Tests run the node through n8n-core's engine against the Neto sandbox on 127.0.0.1. */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	setupFiles: ['<rootDir>/test/setup-env.js'],
	transform: { '^.+\\.ts$': 'ts-jest' },
	testTimeout: 60_000,
};
