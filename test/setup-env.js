'use strict';
// n8n-core keeps an encryption key in the user folder: give each test run a throwaway one,
// so tests never touch ~/.n8n. (The machine's timezone is set in jest.config.js: here it would
// not take effect.)
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

if (!process.env.N8N_USER_FOLDER) {
	process.env.N8N_USER_FOLDER = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-nodes-neto-'));
}
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
// n8n-core's ErrorReporter logs every error a node throws through n8n's Logger (@n8n/backend-common),
// whose console transport writes straight to stdout, past jest: the errors that tests provoke on
// purpose would print as a hundred blocks among the results. Tests check those errors themselves;
// a failing test still prints its own assertion. The Logger reads N8N_LOG_LEVEL when the engine
// first asks for it, after this file ran. `N8N_LOG_LEVEL=info npx jest` shows n8n's log again.
if (!process.env.N8N_LOG_LEVEL) process.env.N8N_LOG_LEVEL = 'silent';
