import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether the token a request carried is the store's Webhook Verify Token. Both are hashed first,
 * so the comparison takes the same time whatever the tokens' lengths and contents: how long it
 * took tells a caller nothing about how close a guess was. An empty expected token matches
 * nothing (the credential has none: no request is the store's).
 */
export function tokenMatches(given: unknown, expected: unknown): boolean {
	if (typeof given !== 'string' || typeof expected !== 'string' || expected === '') return false;
	const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
	return timingSafeEqual(digest(given), digest(expected));
}
