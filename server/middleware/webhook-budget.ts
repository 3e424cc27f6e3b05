import type { MiddlewareHandler } from 'hono';
import { TwimlResponse } from '../calls/twiml-writer.ts';
import { describeError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { signedParams } from './twilio-signature.ts';

export interface WebhookBudgetOptions {
  /** Answer within this long whatever the store does (Twilio gives a webhook 15 s). */
  ms: number;
  publicUrl: string;
  log: Logger;
}

/** The parameters a held webhook must carry into its retry (the rest Twilio sends with every request). */
const CARRIED = ['Digits', 'DialCallStatus', 'DialCallDuration', 'DialCallSid'];
/** Holds in a row before we give up on the call (the store has been too slow for ~a minute). */
const MAX_HOLDS = 5;

/**
 * Keeps Twilio's webhooks inside their time limit when the store is slow: past `ms` the caller hears a
 * short pause and Twilio is redirected to the same step (its parameters carried in the query, which the
 * handlers read), while the handler — whose writes are idempotent — finishes in the background.
 * Status callbacks need no TwiML: they are acknowledged at once.
 */
export function webhookBudget({ ms, publicUrl, log }: WebhookBudgetOptions): MiddlewareHandler {
  return async function webhookBudget(c, next) {
    const handled = next();
    // The timer goes with the request, not `ms` later: at hundreds of webhooks a second they would pile up.
    // (A plain timer: aborting `timers/promises`' sleep builds an AbortError with its stack every time.)
    let timer: NodeJS.Timeout | undefined;
    const overBudget = new Promise<boolean>((resolve) => (timer = setTimeout(resolve, ms, true)));
    let late: boolean;
    try {
      late = await Promise.race([handled.then(() => false), overBudget]);
    } finally {
      clearTimeout(timer);
    }
    if (!late) return;
    handled.catch((error) => log(`late webhook ${c.req.path}: ${describeError(error).split('\n')[0]}`));
    log(`webhook ${c.req.path} took over ${ms} ms: answered for now, finishing in the background`);
    if (c.req.path.endsWith('/status')) return c.body(null, 204);

    const url = new URL(publicUrl + c.req.path);
    const query = new URLSearchParams(c.req.query());
    const form = signedParams(c);
    for (const name of CARRIED) if (form[name] !== undefined) query.set(name, form[name]);
    const holds = Number(query.get('hold') ?? 0) + 1;
    query.set('hold', String(holds));
    url.search = query.toString();

    const response = new TwimlResponse();
    if (holds > MAX_HOLDS) {
      response.say({}, 'Sorry, we are having trouble connecting your call. Please try again later. Goodbye.');
      response.hangup();
    } else {
      response.pause({ length: 1 });
      response.redirect({ method: 'POST' }, url.toString());
    }
    return c.body(response.toString(), 200, { 'Content-Type': 'text/xml; charset=utf-8' });
  };
}
