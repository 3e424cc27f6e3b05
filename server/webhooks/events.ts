import { randomUUID } from 'node:crypto';
import { type Campaign, findCampaign } from '../campaigns/campaigns.ts';
import type { CallAgain } from '../campaigns/settings.ts';
import { type Call, type Leg, legsOf } from '../calls/calls.ts';
import type { Db } from '../store/db.ts';
import { webhookEvents } from '../store/schema.ts';
import type { WebhookEventType } from './settings.ts';

/** A row of the outbox: an event and where its delivery stands. */
export type OutboxEvent = typeof webhookEvents.$inferSelect;

/** A supporter's consent to be called again, as `supporter.opted_in` reports it. */
export interface OptInReport {
  optedInAt: Date;
  /** When the schedule will first ring them. */
  nextCallAt?: Date | null;
  schedule: CallAgain;
}

/**
 * What happened, with the rows it happened to; `recordEvent` turns it into an outbox row. `campaign`,
 * when the caller has it at hand, saves a read.
 */
export type EventInput =
  | { type: 'call.started' | 'call.completed'; call: Call; campaign?: Campaign }
  | { type: 'leg.completed'; call: Call; position: number; attempt?: number; campaign?: Campaign }
  /** `phone`: the number, if no call row holds it; the event carries it only with the campaign's opt-in. */
  | { type: 'supporter.opted_in'; campaign: Campaign; call?: Call; phone?: string | null; supporter: OptInReport };

const legPayload = (leg: Leg) => ({
  position: leg.position,
  targetId: leg.targetId,
  status: leg.status,
  duration: leg.duration,
  outcome: leg.outcome ?? null,
  ...(leg.attempt ? { attempt: leg.attempt, office: leg.office } : {}),
});

/** The call as a receiver sees it: who was called and how each leg went; never the caller's number or hash. */
function callPayload(call: Call, callLegs: Leg[]) {
  return {
    id: call.id,
    status: call.status,
    direction: call.direction,
    ref: call.ref ?? null,
    meta: call.meta ?? null,
    zip: call.zip,
    district: call.district,
    createdAt: call.createdAt,
    answeredAt: call.answeredAt,
    endedAt: call.endedAt,
    duration: call.duration,
    targets: call.targets.map(({ id, name, title }) => ({ id, name, title })),
    legs: callLegs.map(legPayload),
  };
}

/** Whether the campaign has a webhook that takes events of this kind. */
export function wantsEvent(campaign: Campaign | undefined, type: WebhookEventType): campaign is Campaign {
  const webhook = campaign?.settings.webhook;
  return Boolean(webhook && (!webhook.events || webhook.events.includes(type)));
}

/**
 * Adds an event to the campaign's webhook outbox, if its webhook wants this kind. Call it inside the
 * transaction that makes the change it reports: the event is stored exactly when the change is, and
 * is delivered later by the worker, never within the request. Returns the event id, if one was stored.
 */
export async function recordEvent(db: Db, event: EventInput): Promise<string | undefined> {
  const campaign = event.campaign ?? (event.call && (await findCampaign(db, event.call.campaignId)));
  if (!wantsEvent(campaign, event.type)) return undefined;

  const { call } = event;
  const callLegs = call ? await legsOf(db, call.id) : [];
  const leg = event.type === 'leg.completed' ? callLegs.find((row) => row.position === event.position && row.attempt === (event.attempt ?? 0)) : undefined;
  const id = randomUUID();
  const createdAt = new Date();
  const payload = {
    id,
    type: event.type satisfies WebhookEventType,
    createdAt,
    campaign: { id: campaign.id, name: campaign.name },
    ...(call ? { call: callPayload(call, callLegs) } : {}),
    ...(leg ? { leg: legPayload(leg) } : {}),
    ...(event.type === 'supporter.opted_in' ? { supporter: event.supporter } : {}),
  };
  const held = event.type === 'supporter.opted_in' ? (event.phone ?? call?.phone) : event.call.phone;
  const phone = campaign.settings.webhook?.includePhone ? (held ?? null) : null;
  await db.insert(webhookEvents).values({ id, campaignId: campaign.id, type: event.type, payload, phone, withPhone: Boolean(phone), createdAt });
  return id;
}
