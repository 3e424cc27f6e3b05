import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ApiError } from '../errors.ts';
import { isPrivateHost } from './address.ts';

/** What a campaign's webhook can report, in the order a call produces them. */
export const WEBHOOK_EVENTS = ['call.started', 'leg.completed', 'call.completed', 'supporter.opted_in'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** 32 random bytes: the key receivers verify `X-CallPower-Signature` with. */
export const newWebhookSecret = () => randomBytes(32).toString('base64url');

/**
 * Where events go, as far as the URL alone tells: https, or plain http to a private or loopback
 * receiver (which only `assertWebhookAllowed` lets through, with WEBHOOK_ALLOW_PRIVATE).
 */
function webhookUrlProblem(value: string): string | undefined {
  if (!URL.canParse(value)) return 'must be a URL like https://crm.example.org/hooks/call-power';
  const url = new URL(value);
  if (url.username || url.password) return 'must not contain a user name or password (put a token in the path or query)';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isPrivateHost(url.hostname)) return undefined;
  return 'must be an https URL (plain http is allowed only for a private or loopback receiver, where the server allows those)';
}

/** What this server lets webhooks reach (WEBHOOK_ALLOW_PRIVATE); unset: public addresses only. */
export interface WebhookRules {
  allowPrivateWebhooks?: boolean;
}

/**
 * Refuses a webhook aimed at this machine or a private network unless the server allows it: the 422
 * names `webhook.url`. Deliveries check the address a name resolves to again, when they connect.
 */
export function assertWebhookAllowed(webhook: WebhookSettings | undefined, { allowPrivateWebhooks = false }: WebhookRules): void {
  if (!webhook || allowPrivateWebhooks || !isPrivateHost(new URL(webhook.url).hostname)) return;
  const message = 'must be a public address, not a private, loopback or link-local one';
  throw new ApiError(422, 'invalid_body', `webhook.url: ${message}`, 'webhook.url');
}

/**
 * A campaign's signed webhook. A URL set without a secret gets a generated one; on PATCH the stored
 * secret is merged in first, so only a first URL (or an explicit `secret: null`) makes a new one.
 */
export const WebhookSettings = z
  .object({
    url: z
      .string({ error: 'is required: the https URL events are POSTed to' })
      .trim()
      .max(2000)
      .superRefine((value, ctx) => {
        const problem = webhookUrlProblem(value);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    secret: z.string().min(24, 'must be at least 24 characters').max(256).optional(),
    /** Unset or `null`: every event, including kinds added later (`null` also clears a list on PATCH). */
    events: z.array(z.enum(WEBHOOK_EVENTS)).min(1, 'name at least one event, or leave it out for all').nullish(),
    /** Send the caller's number (E.164) while we still hold it; off by default. */
    includePhone: z.boolean().default(false),
  })
  .transform(({ events, ...webhook }) => ({ ...webhook, ...(events ? { events } : {}), secret: webhook.secret ?? newWebhookSecret() }));
export type WebhookSettings = z.output<typeof WebhookSettings>;
