import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';

/**
 * A RequestClient that sends every REST request to `apiUrl` instead of api.twilio.com,
 * so the built-in emulator (or a test double of Twilio's own) runs the SDK's real code path.
 */
class RewritingRequestClient extends twilio.RequestClient {
  readonly #base: URL;

  constructor(apiUrl: string) {
    super({ keepAlive: true });
    this.#base = new URL(apiUrl);
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const original = new URL(opts.uri);
    const prefix = this.#base.pathname.replace(/\/$/, '');
    const uri = new URL(prefix + original.pathname + original.search, this.#base).toString();
    return super.request<TData>({ ...opts, uri });
  }
}

export interface TwilioClientOptions {
  accountSid: string;
  authToken: string;
  /** An API key of the account: REST requests authenticate with it instead of the auth token. */
  apiKeySid?: string;
  apiKeySecret?: string;
  /** Base URL of a Twilio-compatible REST API; unset means Twilio's own. */
  apiUrl?: string;
}

export function createTwilioClient({ accountSid, authToken, apiKeySid, apiKeySecret, apiUrl }: TwilioClientOptions): twilio.Twilio {
  const transport = apiUrl ? { httpClient: new RewritingRequestClient(apiUrl) } : {};
  if (apiKeySid && apiKeySecret) return twilio(apiKeySid, apiKeySecret, { accountSid, ...transport });
  return twilio(accountSid, authToken, transport);
}
