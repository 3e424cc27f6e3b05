import { Hono } from 'hono';
import { customTargetsOf, replaceCustomTargets, requireCampaign } from '../campaigns/campaigns.ts';
import { parseTargetsCsv } from '../campaigns/csv-import.ts';
import type { AppDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';

/** A campaign's own target list: read it, or replace it wholesale from a CSV file. (Admin: auth is applied in app.ts.) */
export function customTargetRoutes({ store: { db } }: AppDeps) {
  return new Hono()
    .get('/campaigns/:id/targets', async (c) => {
      const campaign = await requireCampaign(db, c.req.param('id'));
      return c.json({ targets: await customTargetsOf(db, campaign.id) });
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
