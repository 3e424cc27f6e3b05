import type { MiddlewareHandler } from 'hono';
import twilio from 'twilio';
import { errorBody } from '../errors.ts';

export interface TwilioSignatureOptions {
  authToken: string;
  /** The URL Twilio was given for us; requests are signed over it, not over what the proxy forwarded. */
  publicUrl: string;
}

/**
 * Rejects webhooks not signed by Twilio with our auth token (https://www.twilio.com/docs/usage/security).
 * Without it anyone could post fake Dial results and inflate counts.
 */
export function twilioSignature({ authToken, publicUrl }: TwilioSignatureOptions): MiddlewareHandler {
  return async function twilioSignature(c, next) {
    const signature = c.req.header('x-twilio-signature');
    const { pathname, search } = new URL(c.req.url);
    // A body that is not a form cannot carry Twilio's signed parameters.
    const params = c.req.method === 'POST' ? ((await c.req.parseBody().catch(() => undefined)) as Record<string, string> | undefined) : {};
    if (!signature || !params || !twilio.validateRequest(authToken, signature, publicUrl + pathname + search, params)) {
      return c.json(errorBody('forbidden', 'This request is not signed by Twilio.'), 403);
    }
    await next();
  };
}
