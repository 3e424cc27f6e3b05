import { type Context, type Env, Hono } from 'hono';
import { z } from 'zod';
import { type Campaign, campaignWithList, findCampaignByCallIn } from '../campaigns/campaigns.ts';
import { CallFlow, campaignMessage, hangupTwiml, type Step } from '../calls/call-flow.ts';
import {
  advanceCallStatus,
  type Call,
  DIAL_CALL_STATUSES,
  type EndedLeg,
  findCallBySid,
  findCallForDialAction,
  findCallWithCampaign,
  isFinal,
  markLegAnswered,
  OUTCOMES,
  recordOutcome,
  openInboundCall,
  recordStep,
  setCallTargets,
} from '../calls/calls.ts';
import type { AppDeps } from '../deps.ts';
import { ApiError, errorBody } from '../errors.ts';
import { signedAccountSid, signedParams, twilioSignature } from '../middleware/twilio-signature.ts';
import { webhookBudget } from '../middleware/webhook-budget.ts';
import { hashPhone, normalizePhone } from '../phone.ts';
import { isOptedIn, optIn, optOut, scheduleDescription } from '../supporters/supporters.ts';
import { asksForDistrict, candidateRepresentatives, locate, needsLocation, resolveTargets } from '../targets/resolve.ts';
import { admitCall, capOffices } from '../limits/admission.ts';
import { officeAt, type Target } from '../targets/target.ts';
import { INTEGER_MAX, validateTwilio, wholeNumber } from '../validate.ts';

const xml = (c: Context, twiml: string) => c.body(twiml, 200, { 'Content-Type': 'text/xml; charset=utf-8' });

/** Twilio ends every call within a day (https://www.twilio.com/docs/voice/twiml/dial#timelimit); a larger figure would overflow the store's counters. */
const seconds = z.coerce.number().int().min(0).max(24 * 60 * 60).default(0);
const StatusCallback = z.object({ CallStatus: z.string().min(1), CallDuration: seconds.optional(), CallSid: z.string().max(64).optional() });
const GatherResult = z.object({ Digits: z.string().max(32).default('') });
const DialResult = z.object({ DialCallStatus: z.enum(DIAL_CALL_STATUSES), DialCallDuration: seconds });
const LegStatus = z.object({ CallStatus: z.string().min(1) });
const Inbound = z.object({ CallSid: z.string().min(1).max(64), From: z.string().max(64).default(''), To: z.string().min(1).max(64) });
const CallAgainAnswer = GatherResult.extend({ From: z.string().max(64).default(''), To: z.string().max(64).default('') });
const InboundStatus = StatusCallback.extend({ CallSid: z.string().min(1).max(64) });

/**
 * Twilio's webhooks for a bridge call. Each may be retried, duplicated or arrive out of order:
 * handlers only move state forward and bump counts once (see calls.ts).
 */
const normalizedOrNull = (phone: string) => {
  try {
    return normalizePhone(phone);
  } catch {
    return null;
  }
};

/** The prompt for a caller the limits or blocklist turned away (the public API's 429 and 403). */
/** Names and notes in the language the call speaks (the campaign's when the caller chose none). */
const language = ({ lang }: { lang: string | null }): { lang?: 'en' | 'es' } => (lang === 'en' || lang === 'es' ? { lang } : {});

function refusalPrompt(error: unknown): 'limited' | 'refused' {
  if (error instanceof ApiError && error.status === 429) return 'limited';
  if (error instanceof ApiError && error.status === 403) return 'refused';
  throw error;
}

/** A webhook signed by an account that is not the one its call or number belongs to: one organisation's token never speaks for another's calls. */
const notItsAccount = (c: Context) => c.json(errorBody('forbidden', 'This request is not signed by the Twilio account of this call.'), 403);

export function twimlRoutes({ config, store: { db }, notifier, congress, blocklist, secretKey, accounts, log, metrics }: AppDeps) {
  /** The flow of a call, with the numbers Twilio signed into this webhook (its body only: never our URL's query). */
  const flow = (c: Context, call: Call, campaign: Campaign) => new CallFlow(call, campaign, config.publicUrl, signedParams(c));
  const load = async (c: Context, id: string) => {
    const found = await findCallWithCampaign(db, id);
    return found && { ...found, flow: flow(c, found.call, found.campaign) };
  };
  /** The leg number from the URL, if this call has such a target. */
  const position = (call: Call, raw: string) => wholeNumber(raw, call.targets.length - 1);
  /**
   * Records what a step does (the leg it starts dialing, its phase and, for a Dial action, the leg that
   * ended: `campaign` is the call's), then answers with its TwiML.
   */
  const step = async (c: Context, call: Call, { twiml, dialing, attempt, phase }: Step, finished?: EndedLeg, campaign?: Campaign) => {
    const now = dialing === undefined ? phase : { phase: 'office' as const, leg: dialing, attempt };
    const { recorded, changed } = await recordStep(db, call, { finished, dialing, attempt, phase: now }, campaign);
    if (finished && recorded) metrics.legs.inc({ status: finished.status });
    if (changed) notifier.changed(call.id);
    return xml(c, twiml);
  };
  /** Offices within their hourly cap, or undefined when none is. */
  const offices = async (campaign: Campaign, targets: Target[]) => {
    try {
      return await capOffices(db, campaign, targets).catch(metrics.refused);
    } catch (error) {
      refusalPrompt(error);
      return undefined;
    }
  };
  /** After the last leg, the call-again schedule to offer — if the campaign has one and the supporter is not on it. */
  const offer = async ({ call, campaign, flow }: { call: Call; campaign: Campaign; flow: CallFlow }, n: number) => {
    if (n + 1 < call.targets.length || !campaign.settings.callAgain || call.scheduled) return undefined;
    return (await isOptedIn(db, campaign.id, call.phoneHash)) ? undefined : scheduleDescription(campaign, call.targets, flow.language);
  };
  const attempt = (c: Context) => Math.max(1, Math.min(10, Number(c.req.query('attempt')) || 1));
  /**
   * A Dial action: records target `n`'s leg on its office `rawAttempt` once, then dials its next office
   * or moves on. A leg already ended was recorded by an earlier delivery: only the step onwards is left.
   */
  const dialAction = async (c: Context<Env, string, { out: { form: z.output<typeof DialResult> } }>, rawAttempt: string) => {
    const n = wholeNumber(c.req.param('n')!, INTEGER_MAX);
    const office = Number(rawAttempt);
    const found = n === undefined ? undefined : await findCallForDialAction(db, c.req.param('id')!, n, office);
    const target = found && n !== undefined ? found.call.targets[n] : undefined;
    if (!found || n === undefined || !target || !officeAt(target, office)) return xml(c, hangupTwiml());
    const { call, campaign, legEnded } = found;
    const callFlow = flow(c, call, campaign);
    const { DialCallStatus: status, DialCallDuration: duration } = c.req.valid('form');
    // The call-again offer is read only when the call may be moving on from its last target.
    const offered = callFlow.fallsBack(n, office, status) ? undefined : await offer({ call, campaign, flow: callFlow }, n);
    const next = callFlow.afterLeg(n, status, offered, office);
    return step(c, call, next, legEnded ? undefined : { position: n, attempt: office, status, duration }, campaign);
  };
  /** The office of target `n` on attempt `office` picked up (its <Number> status callback). */
  const legAnswered = async (c: Context<Env, string, { out: { form: z.output<typeof LegStatus> } }>, office: number) => {
    const id = c.req.param('id')!;
    const n = wholeNumber(c.req.param('n')!, INTEGER_MAX);
    if (c.req.valid('form').CallStatus === 'in-progress' && n !== undefined && (await markLegAnswered(db, id, n, office))) {
      notifier.changed(id);
    }
    return c.body(null, 204);
  };

  return new Hono()
    .use(twilioSignature({ accountSid: accounts.server.accountSid, authTokens: (sid) => accounts.authTokens(sid), publicUrl: config.publicUrl }))
    .use(webhookBudget({ ms: config.webhookBudgetMs, publicUrl: config.publicUrl, log }))
    .use('/calls/:id/*', async function callsAccount(c, next) {
      const owner = await accounts.accountSidOfCall(c.req.param('id'));
      if (owner !== undefined && owner !== signedAccountSid(c)) return notItsAccount(c);
      await next();
    })

    .post('/calls/:id/answer', async (c) => {
      const found = await load(c, c.req.param('id'));
      return found ? step(c, found.call, found.flow.answer()) : xml(c, hangupTwiml());
    })

    .post('/calls/:id/gate', validateTwilio(GatherResult), async (c) => {
      const found = await load(c, c.req.param('id'));
      if (!found) return xml(c, hangupTwiml());
      const { call, campaign } = found;
      const { Digits } = c.req.valid('form');
      if (Digits === '9') await optOut(db, call.campaignId, call.phoneHash);
      // The widget's "call me again" becomes consent only now, from the person who answered and pressed 1.
      const { phone, phoneHash, zip, district, targets } = call;
      const confirming = Digits === '1' && call.callAgainRequested && phone !== null && Boolean(campaign.settings.callAgain);
      if (confirming) await optIn(db, { campaign, call, phone, phoneHash, zip, district, targets, secretKey, consentedAt: call.createdAt });
      return step(c, call, found.flow.gate(Digits, confirming ? scheduleDescription(campaign, call.targets, found.flow.language) : undefined));
    })

    .post('/calls/:id/legs/:n', validateTwilio(DialResult), (c) => dialAction(c, '0'))
    // A target's next office, after one did not answer: `attempt` counts its offices from 1.
    .post('/calls/:id/legs/:n/:attempt{[1-9]}', validateTwilio(DialResult), (c) => dialAction(c, c.req.param('attempt')))

    .post('/calls/:id/legs/:n/outcome', validateTwilio(GatherResult), async (c) => {
      const found = await load(c, c.req.param('id'));
      const n = found && position(found.call, c.req.param('n'));
      if (!found || n === undefined) return xml(c, hangupTwiml());
      const outcome = OUTCOMES[Number(c.req.valid('form').Digits) - 1];
      if (outcome && (await recordOutcome(db, found.call, n, outcome))) notifier.changed(found.call.id);
      return step(c, found.call, found.flow.afterOutcome(n, await offer(found, n)));
    })

    .post('/calls/:id/again', validateTwilio(CallAgainAnswer), async (c) => {
      const found = await load(c, c.req.param('id'));
      if (!found) return xml(c, hangupTwiml());
      const { call, campaign } = found;
      const { Digits, From, To } = c.req.valid('form');
      // Twilio tells us (signed) who the supporter is: the number we rang, or the one that rang in.
      const phone = normalizedOrNull(call.direction === 'inbound' ? From : To);
      if (Digits === '1' && phone) {
        await optIn(db, {
          campaign,
          call,
          phone,
          phoneHash: call.phoneHash,
          zip: call.zip,
          district: call.district,
          targets: call.targets,
          secretKey,
          consentedAt: call.createdAt,
        });
      }
      return step(c, call, found.flow.afterOffer(Digits, scheduleDescription(campaign, call.targets, found.flow.language) ?? ''));
    })

    .post('/calls/:id/legs/:n/status', validateTwilio(LegStatus), (c) => legAnswered(c, 0))
    .post('/calls/:id/legs/:n/:attempt{[1-9]}/status', validateTwilio(LegStatus), (c) => legAnswered(c, Number(c.req.param('attempt'))))

    .post('/calls/:id/status', validateTwilio(StatusCallback), async (c) => {
      const id = c.req.param('id');
      const { CallStatus, CallDuration, CallSid } = c.req.valid('form');
      if (await advanceCallStatus(db, id, CallStatus, CallDuration, CallSid)) {
        if (isFinal(CallStatus)) metrics.callEnded('outbound', CallStatus);
        notifier.changed(id);
      }
      return c.body(null, 204);
    })

    // Call-in: the campaign number's Voice URL is {PUBLIC_URL}/twiml/inbound, its status callback /twiml/inbound/status.
    .post('/inbound', validateTwilio(Inbound), async (c) => {
      const { CallSid, From, To } = c.req.valid('form');
      const campaign = await findCampaignByCallIn(db, To);
      if (!campaign) return xml(c, hangupTwiml());
      if ((await accounts.forCampaign(campaign.id)).accountSid !== signedAccountSid(c)) return notItsAccount(c);
      if (campaign.status !== 'active') return xml(c, campaignMessage(campaign, campaign.status === 'paused' ? 'paused' : 'closed'));
      // Twilio retries a webhook it got no answer to: the call it opened the first time carries on, counted once.
      const opened = await findCallBySid(db, CallSid);
      if (opened) return step(c, opened, flow(c, opened, campaign).welcome());
      const phoneHash = hashPhone(secretKey, From);
      // A campaign whose targets depend on place learns whom to call from the ZIP keyed in next; its offices are capped then.
      const snapshot = await campaignWithList(db, campaign.id);
      const listed = needsLocation(snapshot) ? [] : resolveTargets(congress, snapshot, { seed: phoneHash }).targets;
      let targets;
      try {
        targets = await admitCall(db, blocklist, { campaign, phoneHash, targets: listed }).catch(metrics.refused);
      } catch (error) {
        return xml(c, campaignMessage(campaign, refusalPrompt(error)));
      }
      const call = await openInboundCall(db, { campaignId: campaign.id, twilioSid: CallSid, phoneHash, targets });
      metrics.callsCreated.inc({ direction: 'inbound' });
      notifier.changed(call.id);
      return step(c, call, flow(c, call, campaign).welcome());
    })

    .post('/inbound/status', validateTwilio(InboundStatus), async (c) => {
      const { CallSid, CallStatus, CallDuration } = c.req.valid('form');
      const call = await findCallBySid(db, CallSid);
      if (call && (await accounts.forCampaign(call.campaignId)).accountSid !== signedAccountSid(c)) return notItsAccount(c);
      if (call && (await advanceCallStatus(db, call.id, CallStatus, CallDuration))) {
        if (isFinal(CallStatus)) metrics.callEnded('inbound', CallStatus);
        notifier.changed(call.id);
      }
      return c.body(null, 204);
    })

    .post('/calls/:id/zip', validateTwilio(GatherResult), async (c) => {
      const found = await load(c, c.req.param('id'));
      if (!found) return xml(c, hangupTwiml());
      const { call, campaign } = found;
      const digits = c.req.valid('form').Digits;
      let location;
      try {
        location = locate(congress, digits);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        return xml(c, found.flow.askZip(attempt(c) + 1, digits ? 'badZip' : undefined));
      }
      if (location.split && asksForDistrict(campaign.settings.targets)) {
        await setCallTargets(db, call.id, { targets: [], zip: location.zip });
        return xml(c, found.flow.askDistrict(candidateRepresentatives(congress, location), 1));
      }
      const resolved = resolveTargets(congress, await campaignWithList(db, campaign.id), { zip: location.zip, seed: call.phoneHash, ...language(call) });
      const targets = await offices(campaign, resolved.targets);
      if (!targets) return xml(c, found.flow.final('limited'));
      const district = location.districts.length === 1 ? location.districts[0] : undefined;
      const updated = await setCallTargets(db, call.id, { targets, zip: location.zip, district });
      notifier.changed(call.id);
      return step(c, updated, flow(c, updated, campaign).connect());
    })

    .post('/calls/:id/district', validateTwilio(GatherResult), async (c) => {
      const found = await load(c, c.req.param('id'));
      if (!found?.call.zip) return xml(c, hangupTwiml());
      const { call, campaign } = found;
      const location = locate(congress, call.zip!);
      const district = location.districts[Number(c.req.valid('form').Digits) - 1];
      if (!district) return xml(c, found.flow.askDistrict(candidateRepresentatives(congress, location), attempt(c) + 1));
      const resolved = resolveTargets(congress, await campaignWithList(db, campaign.id), { zip: location.zip, district, seed: call.phoneHash, ...language(call) });
      const targets = await offices(campaign, resolved.targets);
      if (!targets) return xml(c, found.flow.final('limited'));
      const updated = await setCallTargets(db, call.id, { targets, zip: location.zip, district });
      notifier.changed(call.id);
      return step(c, updated, flow(c, updated, campaign).connect());
    });
}
