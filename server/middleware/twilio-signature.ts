import type { Context, MiddlewareHandler } from 'hono';
import twilio from 'twilio';
import { errorBody } from '../errors.ts';

export interface TwilioSignatureOptions {
  /** The account a webhook without an `AccountSid` is from. */
  accountSid: string;
  /** The auth tokens that may sign for an account: the server's own and organisations' own (none: unknown account). */
  authTokens: (accountSid: string) => Promise<string[]>;
  /** The URL Twilio was given for us; requests are signed over it, not over what the proxy forwarded. */
  publicUrl: string;
}

/** Each webhook's form parameters, as read (once) to check its signature. */
const signed = new WeakMap<Request, { params: Record<string, string>; accountSid: string }>();

/** The parameters of a webhook `twilioSignature` let through (a GET's are none). */
export function signedParams(c: Context): Record<string, string> {
  return signed.get(c.req.raw)?.params ?? {};
}

/** The Twilio account whose auth token signed the webhook. */
export function signedAccountSid(c: Context): string | undefined {
  return signed.get(c.req.raw)?.accountSid;
}

/**
 * The body's form parameters, or undefined when it is not a form. Twilio posts
 * `application/x-www-form-urlencoded`, read here from the body text: Hono's `parseBody` goes through
 * an undici `Response(...).formData()`, which costs more than the rest of the check put together.
 * A repeated name keeps its last value, as `parseBody` does.
 */
async function formParams(c: Context): Promise<Record<string, string> | undefined> {
  const type = c.req.header('content-type') ?? '';
  if (/^application\/x-www-form-urlencoded\b/i.test(type)) return Object.fromEntries(new URLSearchParams(await c.req.text()));
  if (/^multipart\/form-data\b/i.test(type)) return (await c.req.parseBody().catch(() => undefined)) as Record<string, string> | undefined;
  return undefined;
}

/**
 * Rejects webhooks not signed by Twilio with the auth token of the account they name
 * (https://www.twilio.com/docs/usage/security): the server's, or one an organisation brought. Without it
 * anyone could post fake Dial results and inflate counts. Which calls an account may speak for is the
 * routes' to check (`signedAccountSid`).
 */
export function twilioSignature({ accountSid: serverAccountSid, authTokens, publicUrl }: TwilioSignatureOptions): MiddlewareHandler {
  return async function twilioSignature(c, next) {
    const signature = c.req.header('x-twilio-signature');
    const { pathname, search } = new URL(c.req.url);
    // A body that is not a form cannot carry Twilio's signed parameters.
    const params = c.req.method === 'POST' ? await formParams(c) : {};
    const accountSid = params?.AccountSid || serverAccountSid;
    const url = publicUrl + pathname + search;
    const tokens = signature && params ? await authTokens(accountSid) : [];
    if (!tokens.some((token) => twilio.validateRequest(token, signature!, url, params!))) {
      return c.json(errorBody('forbidden', 'This request is not signed by Twilio.'), 403);
    }
    signed.set(c.req.raw, { params: params!, accountSid });
    await next();
  };
}
