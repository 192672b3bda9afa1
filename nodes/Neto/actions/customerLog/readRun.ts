import type { IExecuteFunctions } from 'n8n-workflow';

import type { WireFormat } from '../../answer';
import type { RequestControl } from '../../transport';
import { readRunSettings, requestControl } from '../../settings/runSettings';

/** What every read of a run (Get, Get Many) shares: read once, from the first item. */
export interface ReadRun {
	timezone: string;
	wireFormat: WireFormat;
	control: RequestControl;
}

export function readRun(this: IExecuteFunctions): ReadRun {
	const settings = readRunSettings(this);
	return {
		timezone: this.getTimezone(),
		wireFormat: settings.wireFormat,
		control: requestControl({ timeLimitMs: settings.timeLimitMs }),
	};
}
