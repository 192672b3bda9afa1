import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
} from 'n8n-workflow';

import type { RequestFailure, Result } from '../failures';
import { fail, ok } from '../failures';
import type { NetoContext, NetoRequest } from './control';
import { encodeRequest } from './wire';
import { netoEndpoint } from './storeUrl';

/** Making a request ready to send: its credential, its endpoint, its body, and what to redact. */

export function redact(text: string, secrets: string[]): string {
	return secrets.reduce(
		(result, secret) => (secret.length >= 4 ? result.split(secret).join('[redacted]') : result),
		text,
	);
}

/** Who the store counts requests against: the API user or the add-on's client. Never the key. */
function accountOf(credentials: IDataObject): string {
	return credentials.authType === 'oAuthToken'
		? `client ${String(credentials.clientId)}`
		: `user ${String(credentials.apiUsername)}`;
}

/**
 * The credential, read once per node run. n8n reads a credential from its database and decrypts it
 * on every getCredentials call, and httpRequestWithAuthentication does so again unless it is handed
 * the credential: in n8n 2.x that was most of the time between one answer and the next request. An
 * execute context is made for one node run, so the next execution reads the credential again and a
 * changed credential applies from then on. Keyed by that context object, never by anything in the
 * credential. A poll's context lives as long as its workflow is active: polls read it every request.
 */
const credentialOfRun = new WeakMap<IExecuteFunctions, Promise<ICredentialsDecrypted>>();

export async function readCredential(context: NetoContext): Promise<ICredentialsDecrypted> {
	const read = async (): Promise<ICredentialsDecrypted> => {
		const { id, name } = context.getNode().credentials?.netoApi ?? {};
		return {
			id: id ?? '',
			name: name ?? '',
			type: 'netoApi',
			data: await context.getCredentials<ICredentialDataDecryptedObject>('netoApi'),
		};
	};
	if (!('getInputData' in context)) return await read();
	let credential = credentialOfRun.get(context);
	if (!credential) {
		credential = read();
		credentialOfRun.set(context, credential);
	}
	return await credential;
}

/** A request made ready to go: everything a try needs, the Store URL parsed once. */
export interface PreparedRequest {
	request: NetoRequest;
	credential: ICredentialsDecrypted;
	url: string;
	options: IHttpRequestOptions;
	account: string;
	/** Redacts the credential's secrets from a text. */
	redact: (text: string) => string;
}

/** Reads the credential, parses the Store URL and encodes the body: a request ready to try, or why none can go. */
export async function prepare(
	this: NetoContext,
	request: NetoRequest,
): Promise<Result<PreparedRequest, RequestFailure>> {
	const credential = await readCredential(this);
	const credentials = credential.data ?? {};
	const secrets = [
		credentials.apiKey,
		credentials.accessToken,
		credentials.webhookVerifyToken,
	].filter((s): s is string => typeof s === 'string');
	const endpoint = netoEndpoint(credentials.storeUrl);
	if (!endpoint.ok) {
		return fail({
			message: endpoint.failure,
			description: 'Fix the Store URL in the Neto API credential.',
			outcome: 'notDelivered',
		});
	}
	const url = endpoint.value;
	const { body, contentType } = encodeRequest(request.action, request.payload, request.format);
	const options: IHttpRequestOptions = {
		method: 'POST',
		url,
		headers: {
			NETOAPI_ACTION: request.action,
			'Content-Type': `${contentType}; charset=utf-8`,
			...(request.format === 'json' ? { Accept: 'application/json' } : {}),
		},
		body,
		encoding: 'text',
		json: false,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	};
	return ok({
		request,
		credential,
		url,
		options,
		account: accountOf(credentials),
		redact: (text) => redact(text, secrets),
	});
}
