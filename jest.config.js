/**
 * Tests run the node through n8n-core's engine against the Neto sandbox on 127.0.0.1.
 *
 * The machine's timezone is set here, in jest's own process, before the workers start (they
 * inherit it; setting TZ inside a test file has no effect, as jest gives each file a copy of
 * process.env). UTC by default; `npm test` also runs the date-handling suites with NETO_TEST_TZ
 * set to zones far from UTC, so code that reads a date in the machine's zone fails there.
 */
process.env.TZ = process.env.NETO_TEST_TZ || 'UTC';

module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	setupFiles: ['<rootDir>/test/setup-env.js'],
	transform: { '^.+\\.ts$': 'ts-jest' },
	testTimeout: 60_000,
};
