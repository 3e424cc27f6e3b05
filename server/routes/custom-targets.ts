import { Hono } from 'hono';
import { campaignWithList, customTargetsOf, replaceCustomTargets, requireCampaign } from '../campaigns/campaigns.ts';
import { parseTargetsCsv } from '../campaigns/csv-import.ts';
import type { AppDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { coverage } from '../targets/coverage.ts';
import { resolveTargets } from '../targets/resolve.ts';
import { parseQuery } from '../validate.ts';
import { fieldCodes, Where } from './campaigns.ts';

/**
 * A campaign's own target list: read it (each routed target with its coverage), replace it wholesale from a
 * CSV file, and preview whom a caller at a ZIP would reach. (Admin: auth is applied in app.ts.)
 */
export function customTargetRoutes({ store: { db }, congress }: AppDeps) {
  return new Hono()
    .get('/campaigns/:id/targets', async (c) => {
      const campaign = await requireCampaign(db, c.req.param('id'));
      const targets = (await customTargetsOf(db, campaign.id)).map((target) => {
        const reach = coverage(congress, target);
        return reach ? { ...target, coverage: reach } : target;
      });
      return c.json({ targets });
    })

    // Read fresh, unlike the public lookup (cached a few seconds): an organiser checks the list they just saved.
    .get('/campaigns/:id/lookup', async (c) => {
      const snapshot = await campaignWithList(db, c.req.param('id'));
      return c.json(resolveTargets(congress, snapshot, parseQuery(c, Where, fieldCodes)));
    })

    .post('/campaigns/:id/targets.csv', async (c) => {
      const campaign = await requireCampaign(db, c.req.param('id'));
      if (!/^text\/(csv|plain)\b/i.test(c.req.header('content-type') ?? '')) {
        throw new ApiError(415, 'unsupported_media_type', 'Send the list as text/csv.');
      }
      const list = parseTargetsCsv(await c.req.text(), campaign.settings.countries);
      await db.transaction((tx) => replaceCustomTargets(tx, campaign.id, list));
      return c.json({ imported: list.length, targets: await customTargetsOf(db, campaign.id) });
    });
}
