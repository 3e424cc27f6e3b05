import { desc } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import {
  type Campaign,
  CampaignInput,
  copyCampaign,
  createCampaign,
  customTargetsOf,
  findCampaign,
  requireCampaign,
  setCampaignStatus,
  updateCampaign,
} from '../campaigns/campaigns.ts';
import type { AppDeps } from '../deps.ts';
import type { Db } from '../store/db.ts';
import { campaigns } from '../store/schema.ts';
import { callLogCsv, officesCsv, targetsCsv } from '../stats/csv.ts';
import { campaignStats, StatsQuery } from '../stats/stats.ts';
import { validate } from '../validate.ts';
import { maskedCampaign } from '../webhooks/secret.ts';

/** PATCH takes any subset of the create fields; the merged campaign is validated in `updateCampaign`. */
const CampaignPatch = z.record(z.string(), z.unknown());

const CopyRequest = z.object({ id: CampaignInput.shape.id, name: CampaignInput.shape.name.optional() });

const STATUS_ACTIONS = { pause: 'paused', resume: 'active', archive: 'archived' } as const;

/**
 * The organiser's view of a campaign: every setting and its own list of offices. The webhook secret
 * is shown whole only by the request that made it (`revealSecret`), else as its last characters.
 */
const adminView = async (db: Db, campaign: Campaign, revealSecret = false) => ({
  campaign: { ...maskedCampaign(campaign, revealSecret), customTargets: await customTargetsOf(db, campaign.id) },
});

function csvDownload(c: Context, filename: string, body: string | ReadableStream<Uint8Array>) {
  c.header('Content-Type', 'text/csv; charset=utf-8');
  c.header('Content-Disposition', `attachment; filename="${filename}"`);
  c.header('Cache-Control', 'no-store');
  return c.body(body);
}

/**
 * Chunks pulled one at a time as the client reads (backpressure: a page of rows is only read from the
 * store when the last one has gone out). A failure half-way errors the stream, so the download fails
 * rather than ending short without a word.
 */
function pulled(source: AsyncIterable<string>, onError: (error: unknown) => void): ReadableStream<Uint8Array> {
  const chunks = source[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  return new ReadableStream({
    async pull(controller) {
      try {
        const { value, done } = await chunks.next();
        if (done) controller.close();
        else controller.enqueue(encoder.encode(value));
      } catch (error) {
        onError(error);
        controller.error(error);
      }
    },
    async cancel() {
      await chunks.return?.();
    },
  });
}

const rangeSuffix = ({ from, to }: StatsQuery) => (from || to ? `-${from ?? 'start'}-to-${to ?? 'now'}` : '');

export function adminRoutes({ store: { db }, log, config }: AppDeps) {
  return new Hono()

    .get('/campaigns', async (c) => {
      const rows = await db.select().from(campaigns).orderBy(desc(campaigns.createdAt));
      return c.json({ campaigns: rows.map((row) => maskedCampaign(row)) });
    })

    .post('/campaigns', validate('json', CampaignInput), async (c) => c.json(await adminView(db, await createCampaign(db, c.req.valid('json'), config), true), 201))

    .get('/campaigns/:id', async (c) => c.json(await adminView(db, await requireCampaign(db, c.req.param('id')))))

    .patch('/campaigns/:id', validate('json', CampaignPatch), async (c) => {
      const secretBefore = (await findCampaign(db, c.req.param('id')))?.settings.webhook?.secret;
      const campaign = await updateCampaign(db, c.req.param('id'), c.req.valid('json'), config);
      const secretMade = campaign.settings.webhook !== undefined && campaign.settings.webhook.secret !== secretBefore;
      return c.json(await adminView(db, campaign, secretMade));
    })

    .post('/campaigns/:id/:action{pause|resume|archive}', async (c) => {
      const status = STATUS_ACTIONS[c.req.param('action') as keyof typeof STATUS_ACTIONS];
      return c.json(await adminView(db, await setCampaignStatus(db, c.req.param('id'), status)));
    })

    .post('/campaigns/:id/copy', validate('json', CopyRequest), async (c) =>
      c.json(await adminView(db, await copyCampaign(db, c.req.param('id'), c.req.valid('json'), config)), 201),
    )

    .get('/campaigns/:id/stats', validate('query', StatsQuery), async (c) => {
      const campaign = await requireCampaign(db, c.req.param('id'));
      return c.json(await campaignStats(db, campaign.id, c.req.valid('query')));
    })

    .get('/campaigns/:id/stats/targets.csv', validate('query', StatsQuery), async (c) => {
      const campaign = await requireCampaign(db, c.req.param('id'));
      const query = c.req.valid('query');
      const stats = await campaignStats(db, campaign.id, query);
      return csvDownload(c, `${campaign.id}-targets${rangeSuffix(query)}.csv`, targetsCsv(stats));
    })

    .get('/campaigns/:id/stats/offices.csv', async (c) => {
      const campaign = await requireCampaign(db, c.req.param('id'));
      const stats = await campaignStats(db, campaign.id, StatsQuery.parse({}));
      return csvDownload(c, `${campaign.id}-offices.csv`, officesCsv(stats));
    })

    .get('/campaigns/:id/stats/calls.csv', validate('query', StatsQuery), async (c) => {
      const campaign = await requireCampaign(db, c.req.param('id'));
      const query = c.req.valid('query');
      const failed = (error: unknown) => log(`error: call log of ${campaign.id}: ${(error as Error).stack ?? error}`);
      return csvDownload(c, `${campaign.id}-calls${rangeSuffix(query)}.csv`, pulled(callLogCsv(db, campaign.id, query), failed));
    });
}
