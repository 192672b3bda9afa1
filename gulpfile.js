'use strict';
/** Copies the static files n8n loads beside the built code: icons and codex (.node.json) files. */
const { src, dest, parallel } = require('gulp');

function copyIcons() {
	return src('icons/*.svg').pipe(dest('dist/icons'));
}

function copyCodex() {
	return src('nodes/**/*.node.json').pipe(dest('dist/nodes'));
}

exports['build:static'] = parallel(copyIcons, copyCodex);
exports.default = exports['build:static'];
