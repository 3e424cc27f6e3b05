import { Hono } from 'hono';
import { requireCampaign } from '../campaigns/campaigns.ts';
import type { AppDeps } from '../deps.ts';
import { validate } from '../validate.ts';
import { DeliveryQuery, deliveryDetail, listDeliveries, retryDelivery, retryFailedDeliveries } from '../webhooks/deliveries.ts';
import { rotateWebhookSecret } from '../webhooks/secret.ts';

/**
 * A campaign's webhook (admin; auth is applied in app.ts): its deliveries and their attempts, retries,
 * and a new secret. The webhook itself is set like any campaign field (`webhook` in POST/PATCH).
 */
export function webhookRoutes({ store: { db } }: AppDeps) {
  return new Hono()
    .post('/campaigns/:id/webhook/rotate', async (c) => c.json({ webhook: await rotateWebhookSecret(db, c.req.param('id')) }))

    .get('/campaigns/:id/webhook/deliveries', validate('query', DeliveryQuery), async (c) => {
      const campaign = await requireCampaign(db, c.req.param('id'));
      return c.json(await listDeliveries(db, campaign.id, c.req.valid('query')));
    })

    .post('/campaigns/:id/webhook/deliveries/retry', async (c) => {
      const campaign = await requireCampaign(db, c.req.param('id'));
      return c.json({ retried: await retryFailedDeliveries(db, campaign.id) });
    })

    .get('/campaigns/:id/webhook/deliveries/:eventId', async (c) => c.json(await deliveryDetail(db, c.req.param('id'), c.req.param('eventId'))))

    .post('/campaigns/:id/webhook/deliveries/:eventId/retry', async (c) =>
      c.json({ delivery: await retryDelivery(db, c.req.param('id'), c.req.param('eventId')) }),
    );
}
