import { count, desc, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { CampaignInput, createCampaign, customTargetsOf, requireCampaign } from '../campaigns/campaigns.ts';
import type { AppDeps } from '../deps.ts';
import { adminAuth } from '../middleware/admin-auth.ts';
import { calls, campaigns, targetCounts } from '../store/schema.ts';
import { validate } from '../validate.ts';

export function adminRoutes({ config, store: { db } }: AppDeps) {
  return new Hono()
    .use(adminAuth({ token: config.adminToken }))

    .get('/campaigns', async (c) => {
      const rows = await db.select().from(campaigns).orderBy(desc(campaigns.createdAt));
      return c.json({ campaigns: rows });
    })

    .post('/campaigns', validate('json', CampaignInput), async (c) => {
      const campaign = await createCampaign(db, c.req.valid('json'));
      return c.json({ campaign: { ...campaign, customTargets: await customTargetsOf(db, campaign.id) } }, 201);
    })

    .get('/campaigns/:id', async (c) => {
      const campaign = await requireCampaign(db, c.req.param('id'));
      return c.json({ campaign: { ...campaign, customTargets: await customTargetsOf(db, campaign.id) } });
    })

    .get('/campaigns/:id/stats', async (c) => {
      const campaign = await requireCampaign(db, c.req.param('id'));
      const [[started], rows] = await Promise.all([
        db.select({ calls: count() }).from(calls).where(eq(calls.campaignId, campaign.id)),
        db.select().from(targetCounts).where(eq(targetCounts.campaignId, campaign.id)).orderBy(desc(targetCounts.completed)),
      ]);
      const targets = rows.map(({ targetId, name, legs, completed, busy, noAnswer, failed, talkSeconds }) => ({
        id: targetId,
        name,
        legs,
        completed,
        busy,
        noAnswer,
        failed,
        talkSeconds,
      }));
      const total = (key: 'legs' | 'completed') => targets.reduce((sum, target) => sum + target[key], 0);
      return c.json({ totals: { calls: started?.calls ?? 0, legs: total('legs'), completed: total('completed') }, targets });
    });
}
