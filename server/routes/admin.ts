import { desc, eq } from 'drizzle-orm';
import { Hono } from 'hono';
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
import type { AdminEnv } from '../middleware/admin-auth.ts';
import type { Db } from '../store/db.ts';
import { campaigns } from '../store/schema.ts';
import { callLogCsv, officesCsv, targetsCsv } from '../stats/csv.ts';
import { campaignStats, StatsQuery } from '../stats/stats.ts';
import { validate } from '../validate.ts';
import { maskedCampaign } from '../webhooks/secret.ts';
import { csvDownload, pulled } from './csv-download.ts';

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

const rangeSuffix = ({ from, to }: StatsQuery) => (from || to ? `-${from ?? 'start'}-to-${to ?? 'now'}` : '');

export function adminRoutes({ store: { db }, log, config }: AppDeps) {
  // A campaign named in the path has been checked to be the actor's organisation's (middleware/admin-auth.ts).
  return new Hono<AdminEnv>()

    .get('/campaigns', async (c) => {
      const rows = await db.select().from(campaigns).where(eq(campaigns.orgId, c.get('actor').orgId)).orderBy(desc(campaigns.createdAt));
      return c.json({ campaigns: rows.map((row) => maskedCampaign(row)) });
    })

    .post('/campaigns', validate('json', CampaignInput), async (c) => {
      const campaign = await createCampaign(db, c.req.valid('json'), config, c.get('actor').orgId);
      c.set('auditObject', campaign.id);
      return c.json(await adminView(db, campaign, true), 201);
    })

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

    .post('/campaigns/:id/copy', validate('json', CopyRequest), async (c) => {
      const copy = await copyCampaign(db, c.req.param('id'), c.req.valid('json'), config);
      c.set('auditChanges', { copyOf: c.req.param('id'), ...c.req.valid('json') });
      c.set('auditObject', copy.id);
      return c.json(await adminView(db, copy), 201);
    })

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
