import { Hono } from 'hono';
import { z } from 'zod';
import { LOCALES } from '../campaigns/language.ts';
import { assertTakingCalls, type CampaignWithList, campaignWithList, publicCampaign, requireCampaign } from '../campaigns/campaigns.ts';
import { insertCall, newCallId } from '../calls/calls.ts';
import type { AppDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { hashPhone, parsePhone } from '../phone.ts';
import { ttlCache } from '../cache.ts';
import { liveCount, refCounts } from '../stats/stats.ts';
import { admitCall } from '../limits/admission.ts';
import type { ClientEnv } from '../limits/client-ip.ts';
import { asksForDistrict, resolveTargets } from '../targets/resolve.ts';
import { publicTarget } from '../targets/target.ts';
import { parseQuery, rawQuery, validate } from '../validate.ts';
import { preparedAnswers } from '../http/prepared-json.ts';
import { recordEvent } from '../webhooks/events.ts';


const Ref = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, - or _');

/** Host-page metadata passed through to the campaign's webhooks: a few short, flat values. */
const Meta = z
  .record(z.string().regex(/^[A-Za-z][\w-]{0,39}$/, 'keys must be 1–40 letters, digits, - or _'), z.union([z.string().max(200), z.number(), z.boolean()]))
  .refine((meta) => Object.keys(meta).length <= 20, 'may hold at most 20 values');

/**
 * Only the caller's own number and location decide whom we dial; the rest is bookkeeping
 * (a referral code, page metadata) and their consent to be called again.
 */
/** The widget's language: the phone speaks it, and the campaign is read in it. */
const Lang = z.enum(LOCALES, 'must be en or es');

/** Where a caller is (and the language they read): all a public client may say about whom they reach. */
export const Where = z.object({
  zip: z.string().max(20).optional(),
  district: z.string().max(20).optional(),
  /** The language of target names and notes. */
  lang: Lang.optional(),
});

const CallRequest = Where.extend({
  phone: z.string({ error: 'Enter your phone number.' }).trim().min(1, 'Enter your phone number.').max(40),
  ref: Ref.optional(),
  meta: Meta.optional(),
  callAgain: z.boolean().optional(),
});

const CampaignQuery = z.object({ lang: Lang.optional() });
const CountQuery = z.object({ ref: Ref.optional() });

export const fieldCodes = { phone: 'invalid_phone', zip: 'invalid_zip', district: 'invalid_district' };

/** Seconds a live counter may be stale (HTTP caches); this process re-reads it twice as often. */
const COUNT_MAX_AGE = 5;
/**
 * Pages read a campaign and look up targets far more often than organisers change them: those reads
 * may be this stale. Placing a call always reads the store, so a pause takes effect at once.
 */
const CAMPAIGN_MAX_AGE_MS = 5000;

export function campaignRoutes({ store: { db }, congress, notifier, blocklist, secretKey, metrics }: AppDeps) {
  // A viral page's counters hit this process, not the store: one query per campaign every few seconds.
  const countOf = ttlCache<{ calls: number; completed: number }>(COUNT_MAX_AGE * 500);
  const leaderboard = ttlCache<Awaited<ReturnType<typeof refCounts>>>(COUNT_MAX_AGE * 500);
  const recentCampaign = ttlCache<CampaignWithList>(CAMPAIGN_MAX_AGE_MS);
  const cachedCampaign = (id: string) => recentCampaign(id, () => campaignWithList(db, id));
  // The widget's reads, answered from JSON made once per campaign snapshot and query: a page going viral
  // asks the same few questions thousands of times a second. The query is checked when an answer is made.
  const campaignAnswer = preparedAnswers<CampaignWithList>();
  const countAnswer = preparedAnswers<{ calls: number; completed: number }>(1);
  return new Hono<ClientEnv>()
    .get('/:id', async (c) => {
      const snapshot = await cachedCampaign(c.req.param('id'));
      return campaignAnswer(snapshot, `campaign?${rawQuery(c)}`, () => publicCampaign(snapshot, parseQuery(c, CampaignQuery).lang)).send(c);
    })

    .get('/:id/targets', async (c) => {
      const snapshot = await cachedCampaign(c.req.param('id'));
      return campaignAnswer(snapshot, `targets?${rawQuery(c)}`, () => {
        const { targets, ...lookup } = resolveTargets(congress, snapshot, parseQuery(c, Where, fieldCodes));
        return { targets: targets.map(publicTarget), ...lookup };
      }).send(c);
    })

    .post('/:id/calls', validate('json', CallRequest, fieldCodes), async (c) => {
      const fresh = await campaignWithList(db, c.req.param('id'));
      const { campaign } = fresh;
      assertTakingCalls(campaign);
      const request = c.req.valid('json');
      const phone = parsePhone(request.phone, campaign.settings.countries);
      const phoneHash = hashPhone(secretKey, phone);
      const { targets, location, split } = resolveTargets(congress, fresh, { ...request, seed: phoneHash });
      if (split && asksForDistrict(campaign.settings.targets)) {
        const choices = location!.districts.join(', ');
        throw new ApiError(422, 'district_required', `ZIP ${location!.zip} spans several districts (${choices}): choose yours.`, 'district');
      }
      if (!targets.length) throw new ApiError(422, 'no_targets', 'There is nobody to call for this location.', 'zip');
      const dial = await admitCall(db, blocklist, { campaign, phoneHash, client: c.get('client'), targets }).catch(metrics.refused);
      // The call and its `call.started` webhook event are stored together, or neither is.
      const call = await db.transaction(async (tx) => {
        const inserted = await insertCall(tx, {
          id: newCallId(),
          campaignId: campaign.id,
          phone,
          phoneHash,
          zip: location?.zip,
          district: request.district ?? (location?.districts.length === 1 ? location.districts[0] : undefined),
          targets: dial,
          ref: request.ref,
          meta: request.meta,
          // Only a wish until the person who answers presses 1: anyone can type anyone's number.
          callAgainRequested: Boolean(request.callAgain && campaign.settings.callAgain),
          lang: request.lang,
        });
        await recordEvent(tx, { type: 'call.started', call: inserted, campaign });
        return inserted;
      });
      metrics.callsCreated.inc({ direction: 'outbound' });
      // The dial queue is woken by the store (a trigger names the call's lane), in this process and every other.
      notifier.changed(call.id);
      return c.json({ call: { id: call.id, status: call.status, targets: dial.map(publicTarget) } }, 201);
    })

    .get('/:id/count', async (c) => {
      const id = c.req.param('id');
      const { ref } = parseQuery(c, CountQuery);
      const counts = await countOf(ref === undefined ? id : `${id}\u0000${ref}`, async () => {
        await requireCampaign(db, id);
        if (ref === undefined) return liveCount(db, id);
        const [{ calls, completed } = { calls: 0, completed: 0 }] = await refCounts(db, id, ref);
        return { calls, completed };
      });
      c.header('Cache-Control', `public, max-age=${COUNT_MAX_AGE}`);
      return countAnswer(counts, '', () => counts).send(c);
    })

    /** Leaderboard: the referral codes that brought the most calls. */
    .get('/:id/count/refs', async (c) => {
      const id = c.req.param('id');
      const refs = await leaderboard(id, async () => {
        await requireCampaign(db, id);
        return refCounts(db, id);
      });
      c.header('Cache-Control', `public, max-age=${COUNT_MAX_AGE}`);
      return c.json({ refs });
    });
}
