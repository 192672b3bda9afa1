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
