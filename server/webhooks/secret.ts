import { eq, sql } from 'drizzle-orm';
import { type Campaign, requireCampaign } from '../campaigns/campaigns.ts';
import { ApiError } from '../errors.ts';
import type { Db } from '../store/db.ts';
import { campaigns } from '../store/schema.ts';
import { newWebhookSecret, type WebhookSettings } from './settings.ts';

/**
 * A webhook as the admin API shows it. The secret is shown whole only in the response that made it
 * (a create, a PATCH that set a first URL, a rotation); otherwise only its last 4 characters.
 */
export function webhookView({ secret, ...rest }: WebhookSettings, reveal = false) {
  return { ...rest, secretHint: `…${secret.slice(-4)}`, ...(reveal ? { secret } : {}) };
}

/** The campaign with its webhook secret masked (see `webhookView`). */
export function maskedCampaign(campaign: Campaign, reveal = false) {
  const { webhook, ...settings } = campaign.settings;
  return { ...campaign, settings: { ...settings, ...(webhook ? { webhook: webhookView(webhook, reveal) } : {}) } };
}

/**
 * Replaces the campaign's webhook secret. Pending deliveries are signed with the new one from now on,
 * so receivers should switch when they get it.
 */
export async function rotateWebhookSecret(db: Db, campaignId: string) {
  const campaign = await requireCampaign(db, campaignId);
  const { webhook } = campaign.settings;
  if (!webhook) throw new ApiError(409, 'no_webhook', 'This campaign has no webhook: set webhook.url first.', 'webhook');
  const rotated = { ...webhook, secret: newWebhookSecret() };
  await db
    .update(campaigns)
    .set({ settings: { ...campaign.settings, webhook: rotated }, updatedAt: sql`now()` })
    .where(eq(campaigns.id, campaignId));
  return webhookView(rotated, true);
}
