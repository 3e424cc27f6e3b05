import { and, asc, desc, eq, isNotNull, lt, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import { ApiError, notFound } from '../errors.ts';
import { wholeNumber } from '../validate.ts';
import type { Db } from '../store/db.ts';
import { webhookAttempts, webhookEvents } from '../store/schema.ts';
import type { OutboxEvent } from './events.ts';

/** A count or a cursor from 1 to `max`, written as plain decimal digits (`0x10` and `1e3` are not). */
const counting = (max: number) =>
  z.string().transform((text, ctx) => {
    const n = wholeNumber(text, max);
    if (n) return n;
    ctx.addIssue({ code: 'custom', message: `must be a whole number from 1 to ${max}` });
    return z.NEVER;
  });

export const DeliveryQuery = z.object({
  status: z.enum(['pending', 'delivered', 'failed']).optional(),
  limit: counting(200).default(50),
  /** `nextCursor` of the previous page (an outbox sequence number). */
  cursor: counting(Number.MAX_SAFE_INTEGER).optional(),
});
export type DeliveryQuery = z.output<typeof DeliveryQuery>;

/** An event's delivery state for organisers: whether it carried a number, never the number. */
function deliveryView(event: OutboxEvent) {
  return {
    id: event.id,
    type: event.type,
    status: event.status,
    attempts: event.attempts,
    createdAt: event.createdAt,
    nextAttemptAt: event.status === 'pending' ? event.nextAttemptAt : null,
    deliveredAt: event.deliveredAt,
    lastError: event.lastError,
    phoneIncluded: event.withPhone,
  };
}

/** A campaign's deliveries, newest first, a page at a time. */
export async function listDeliveries(db: Db, campaignId: string, { status, limit, cursor }: DeliveryQuery) {
  const rows = await db
    .select()
    .from(webhookEvents)
    .where(
      and(
        eq(webhookEvents.campaignId, campaignId),
        status ? eq(webhookEvents.status, status) : undefined,
        cursor ? lt(webhookEvents.seq, cursor) : undefined,
      ),
    )
    .orderBy(desc(webhookEvents.seq))
    .limit(limit);
  return { deliveries: rows.map(deliveryView), nextCursor: rows.length === limit ? String(rows.at(-1)!.seq) : null };
}

async function requireDelivery(db: Db, campaignId: string, id: string): Promise<OutboxEvent> {
  const [event] = await db
    .select()
    .from(webhookEvents)
    .where(and(eq(webhookEvents.campaignId, campaignId), eq(webhookEvents.id, id)));
  if (!event) throw notFound('Delivery');
  return event;
}

/** One delivery with the body it sends (without the number) and every attempt. */
export async function deliveryDetail(db: Db, campaignId: string, id: string) {
  const event = await requireDelivery(db, campaignId, id);
  const attempts = await db
    .select({
      attempt: webhookAttempts.attempt,
      at: webhookAttempts.at,
      statusCode: webhookAttempts.statusCode,
      error: webhookAttempts.error,
      durationMs: webhookAttempts.durationMs,
    })
    .from(webhookAttempts)
    .where(eq(webhookAttempts.eventId, id))
    .orderBy(asc(webhookAttempts.attempt));
  return { delivery: deliveryView(event), payload: event.payload, attempts };
}

/**
 * Queues failed deliveries for one more attempt now (a failed event has had its number dropped, so it
 * goes without). Failing again returns it to `failed`: the backoff schedule is not restarted.
 */
async function requeueFailed(db: Db, campaignId: string, id?: string): Promise<OutboxEvent[]> {
  return db
    .update(webhookEvents)
    .set({ status: 'pending', nextAttemptAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(webhookEvents.campaignId, campaignId), eq(webhookEvents.status, 'failed'), id ? eq(webhookEvents.id, id) : undefined))
    .returning();
}

export async function retryDelivery(db: Db, campaignId: string, id: string) {
  const [event] = await requeueFailed(db, campaignId, id);
  if (event) return deliveryView(event);
  const current = await requireDelivery(db, campaignId, id);
  throw new ApiError(409, 'not_failed', `This delivery is ${current.status}; only a failed one can be retried.`);
}

export async function retryFailedDeliveries(db: Db, campaignId: string): Promise<number> {
  return (await requeueFailed(db, campaignId)).length;
}

/**
 * Every pending event is delivered or failed within about a day (see backoff.ts); a number still held
 * after this long belongs to an event that lost its worker, and is dropped rather than kept.
 */
const PHONE_HOLD_HOURS = 48;

/** Janitor: drops numbers held too long, and settled events (with their attempts) past the retention period. */
export async function sweepWebhookOutbox(db: Db, retentionDays: number): Promise<void> {
  await db
    .update(webhookEvents)
    .set({ phone: null })
    .where(and(isNotNull(webhookEvents.phone), lt(webhookEvents.createdAt, sql`now() - make_interval(hours => ${PHONE_HOLD_HOURS})`)));
  await db
    .delete(webhookEvents)
    .where(and(ne(webhookEvents.status, 'pending'), lt(webhookEvents.createdAt, sql`now() - make_interval(days => ${retentionDays})`)));
}
