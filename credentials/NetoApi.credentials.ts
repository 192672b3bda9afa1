import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { authHeaders, netoEndpoint } from '../nodes/Neto/transport/storeUrl';

/** Tested by the nodes' `netoApiConnection` (transport/credentialTest.ts), which says network failures in words. */
export class NetoApi implements ICredentialType {
	name = 'netoApi';

	displayName = 'Neto API';

	icon: Icon = { light: 'file:../icons/neto.svg', dark: 'file:../icons/neto.dark.svg' };

	documentationUrl =
		'https://developers.maropost.com/documentation/engineers/api-documentation/introduction-and-getting-started/authentication/';

	properties: INodeProperties[] = [
		{
			displayName: 'Store URL',
			name: 'storeUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'mystore.com.au',
			description:
				"Your store's address: mystore.com.au, https://www.mystore.com.au/ or the full https://www.mystore.com.au/do/WS/NetoAPI all work",
		},
		{
			displayName: 'Authentication',
			name: 'authType',
			type: 'options',
			options: [
				{
					name: 'API Key',
					value: 'apiKey',
					description: "A staff user's API key (recommended for your own store)",
				},
				{
					name: 'OAuth Access Token',
					value: 'oAuthToken',
					description: 'For Neto add-ons: client ID and access token',
				},
			],
			default: 'apiKey',
		},
		{
			displayName: 'API Username',
			name: 'apiUsername',
			type: 'string',
			default: '',
			required: true,
			description: "The staff user the API key belongs to (Neto's NETOAPI_USERNAME)",
			displayOptions: { show: { authType: ['apiKey'] } },
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				"In the Neto control panel: Settings & tools > All settings & tools > API (global key), or a staff user's own API key",
			displayOptions: { show: { authType: ['apiKey'] } },
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			description: "Your add-on's client ID, from the Neto partner team (sent as X_ACCESS_KEY)",
			displayOptions: { show: { authType: ['oAuthToken'] } },
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: "The merchant's OAuth access token (sent as X_SECRET_KEY)",
			displayOptions: { show: { authType: ['oAuthToken'] } },
		},
		{
			displayName: 'Webhook Verify Token',
			name: 'webhookVerifyToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Only for the Neto Order Trigger; leave empty otherwise. In the Neto control panel: Settings & Tools > All Settings & Tools > API Settings, the Maropost Webhook Verify Token (press Regenerate first if you never have, then Save Changes). Neto sends it with every order notification; the trigger lets in only requests that carry it.',
		},
	];

	/** Sends only the chosen pair of headers, to the endpoint made from the Store URL. */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const headers = authHeaders(credentials);
		// A Store URL refused here (plain http to another machine, say) never gets a request sent.
		const endpoint = netoEndpoint(credentials.storeUrl);
		if (!endpoint.ok) throw new Error(endpoint.failure);
		const authenticated: IHttpRequestOptions = {
			...requestOptions,
			url: endpoint.value,
			headers: { ...requestOptions.headers, ...headers },
		};
		// The endpoint is absolute; a baseURL must not be joined to it.
		delete authenticated.baseURL;
		return authenticated;
	}
}
