import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { findCampaign } from '../campaigns/campaigns.ts';
import { CallFlow, hangupTwiml } from '../calls/call-flow.ts';
import {
  advanceCallStatus,
  type Call,
  DIAL_CALL_STATUSES,
  findCall,
  finishLeg,
  markLegAnswered,
  startLeg,
} from '../calls/calls.ts';
import type { AppDeps } from '../deps.ts';
import { twilioSignature } from '../middleware/twilio-signature.ts';
import { validate } from '../validate.ts';

const xml = (c: Context, twiml: string) => c.body(twiml, 200, { 'Content-Type': 'text/xml; charset=utf-8' });

const seconds = z.coerce.number().int().min(0).default(0);
const StatusCallback = z.object({ CallStatus: z.string().min(1), CallDuration: seconds.optional() });
const GatherResult = z.object({ Digits: z.string().max(32).default('') });
const DialResult = z.object({ DialCallStatus: z.enum(DIAL_CALL_STATUSES), DialCallDuration: seconds });
const LegStatus = z.object({ CallStatus: z.string().min(1) });

/**
 * Twilio's webhooks for a bridge call. Each may be retried, duplicated or arrive out of order:
 * handlers only move state forward and bump counts once (see calls.ts).
 */
export function twimlRoutes({ config, store: { db }, notifier }: AppDeps) {
  const load = async (id: string) => {
    const call = await findCall(db, id);
    const campaign = call && (await findCampaign(db, call.campaignId));
    return call && campaign && { call, flow: new CallFlow(call, campaign, config.publicUrl) };
  };
  /** The leg number from the URL, if this call has such a target. */
  const position = (call: Call, raw: string) => {
    const n = Number(raw);
    return Number.isInteger(n) && n >= 0 && n < call.targets.length ? n : undefined;
  };
  const dialing = async (call: Call, next: number | undefined) => {
    if (next === undefined) return;
    await startLeg(db, call, next);
    notifier.changed(call.id);
  };

  return new Hono()
    .use(twilioSignature({ authToken: config.twilio.authToken, publicUrl: config.publicUrl }))

    .post('/calls/:id/answer', async (c) => {
      const found = await load(c.req.param('id'));
      return xml(c, found ? found.flow.answer() : hangupTwiml());
    })

    .post('/calls/:id/gate', validate('form', GatherResult), async (c) => {
      const found = await load(c.req.param('id'));
      if (!found) return xml(c, hangupTwiml());
      const { twiml, dialing: next } = found.flow.gate(c.req.valid('form').Digits);
      await dialing(found.call, next);
      return xml(c, twiml);
    })

    .post('/calls/:id/legs/:n', validate('form', DialResult), async (c) => {
      const found = await load(c.req.param('id'));
      const n = found && position(found.call, c.req.param('n'));
      if (!found || n === undefined) return xml(c, hangupTwiml());
      const { DialCallStatus, DialCallDuration } = c.req.valid('form');
      if (await finishLeg(db, found.call, n, DialCallStatus, DialCallDuration)) notifier.changed(found.call.id);
      const { twiml, dialing: next } = found.flow.afterLeg(n, DialCallStatus);
      await dialing(found.call, next);
      return xml(c, twiml);
    })

    .post('/calls/:id/legs/:n/status', validate('form', LegStatus), async (c) => {
      const id = c.req.param('id');
      const n = Number(c.req.param('n'));
      if (c.req.valid('form').CallStatus === 'in-progress' && Number.isInteger(n) && (await markLegAnswered(db, id, n))) {
        notifier.changed(id);
      }
      return c.body(null, 204);
    })

    .post('/calls/:id/status', validate('form', StatusCallback), async (c) => {
      const id = c.req.param('id');
      const { CallStatus, CallDuration } = c.req.valid('form');
      if (await advanceCallStatus(db, id, CallStatus, CallDuration)) notifier.changed(id);
      return c.body(null, 204);
    });
}
