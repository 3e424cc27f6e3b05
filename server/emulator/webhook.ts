import { randomUUID } from 'node:crypto';
import twilio from 'twilio';
import type { HttpMethod } from './twiml-parse.ts';

/** Twilio gives up on a webhook after 15 s (error 11205). */
const WEBHOOK_TIMEOUT_MS = 15_000;

export interface WebhookResponse {
  /** The URL actually requested (with the query string for GET). */
  url: string;
  /** 0 when no HTTP response arrived. */
  status: number;
  body: string;
  contentType: string;
  /** Why no response arrived (connection refused, timeout). */
  failure?: string;
}

export interface SendOptions {
  authToken: string;
  url: string;
  method: HttpMethod;
  params: Record<string, string>;
  signal: AbortSignal;
  /** The same token on a retried request lets the app recognise the retry. */
  idempotencyToken?: string;
}

/**
 * Sends one webhook the way Twilio does: form-encoded POST (or GET with the parameters in the query
 * string), signed with HMAC-SHA1 over the URL plus the sorted POST parameters
 * (https://www.twilio.com/docs/usage/security#validating-requests).
 */
export async function sendWebhook(options: SendOptions): Promise<WebhookResponse> {
  const { authToken, method, params } = options;
  const form = new URLSearchParams(params).toString();
  const url = method === 'GET' ? appendQuery(options.url, form) : options.url;
  const signature = twilio.getExpectedTwilioSignature(authToken, url, method === 'GET' ? {} : params);
  const headers: Record<string, string> = {
    'X-Twilio-Signature': signature,
    'I-Twilio-Idempotency-Token': options.idempotencyToken ?? randomUUID(),
    'User-Agent': 'TwilioProxy/1.1',
    Accept: '*/*',
  };
  if (method === 'POST') headers['Content-Type'] = 'application/x-www-form-urlencoded';
  try {
    const response = await fetch(url, {
      method,
      headers,
      body: method === 'POST' ? form : undefined,
      redirect: 'manual',
      signal: AbortSignal.any([options.signal, AbortSignal.timeout(WEBHOOK_TIMEOUT_MS)]),
    });
    const body = await response.text();
    return { url, status: response.status, body, contentType: response.headers.get('content-type') ?? '' };
  } catch (error) {
    if (options.signal.aborted) throw options.signal.reason;
    return { url, status: 0, body: '', contentType: '', failure: describe(error) };
  }
}

function appendQuery(url: string, query: string): string {
  if (!query) return url;
  return url + (url.includes('?') ? '&' : '?') + query;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: { code?: string } }).cause;
    if (error.name === 'TimeoutError') return 'timed out';
    return cause?.code ?? error.message;
  }
  return String(error);
}
