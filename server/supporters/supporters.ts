import { and, eq, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import type { Campaign } from '../campaigns/campaigns.ts';
import type { Call } from '../calls/calls.ts';
import type { Locale } from '../calls/prompts.ts';
import { recordEvent } from '../webhooks/events.ts';
import type { Db } from '../store/db.ts';
import { calls, supporters } from '../store/schema.ts';
import type { Target } from '../targets/target.ts';
import { describeSchedule, firstCallTime, scheduleZone } from './schedule.ts';
import { seal } from '../sealed.ts';

export type Supporter = typeof supporters.$inferSelect;

export interface OptIn {
  campaign: Campaign;
  /** The call in which they asked (for the campaign's `supporter.opted_in` webhook). */
  call?: Call;
  /** When the supporter gave consent (the call's start): a later opt-out outranks it, whenever it arrives. */
  consentedAt?: Date;
  phone: string;
  phoneHash: string;
  zip?: string | null;
  district?: string | null;
  /** Whom they called: the first office's time zone times their calls. */
  targets: readonly Target[];
  secretKey: string;
  now?: Date;
}

/**
 * A supporter asked to be called again (a widget checkbox, or a key on the phone). Their number is
 * kept sealed until they opt out.
 */
export async function optIn(db: Db, { campaign, call, phone, phoneHash, zip, district, targets, secretKey, now = new Date(), consentedAt = now }: OptIn): Promise<void> {
  const schedule = campaign.settings.callAgain;
  if (!schedule) return;
  const nextCallAt = firstCallTime(schedule, scheduleZone(schedule, targets[0]), now, phoneHash);
  const values = { phoneSealed: seal(secretKey, phone), zip: zip ?? null, district: district ?? null, optedInAt: now, optedOutAt: null, nextCallAt };
  await db.transaction(async (tx) => {
    const joined = await tx
      .insert(supporters)
      .values({ campaignId: campaign.id, phoneHash, ...values })
      .onConflictDoUpdate({
        target: [supporters.campaignId, supporters.phoneHash],
        set: values,
        // Already on the schedule: nothing changes (a retried webhook is harmless). Opted out: only a
        // consent given after the opt-out brings them back.
        setWhere: and(isNotNull(supporters.optedOutAt), lt(supporters.optedOutAt, consentedAt)),
      })
      .returning({ phoneHash: supporters.phoneHash });
    if (joined.length) {
      await recordEvent(tx, { type: 'supporter.opted_in', campaign, call, phone, supporter: { optedInAt: now, nextCallAt, schedule } });
    }
    // Confirmed on this call (already on the schedule or not): the widget's end screen says so.
    if (call) await tx.update(calls).set({ optedIn: true, updatedAt: sql`now()` }).where(eq(calls.id, call.id));
  });
}

/** Forgets the number and stops the calls; the row stays so the opt-out is remembered. */
export async function optOut(db: Db, campaignId: string, phoneHash: string): Promise<boolean> {
  const updated = await db
    .update(supporters)
    .set({ optedOutAt: sql`now()`, phoneSealed: null, nextCallAt: null })
    .where(and(eq(supporters.campaignId, campaignId), eq(supporters.phoneHash, phoneHash), isNull(supporters.optedOutAt)))
    .returning({ phoneHash: supporters.phoneHash });
  return updated.length > 0;
}

export async function isOptedIn(db: Db, campaignId: string, phoneHash: string): Promise<boolean> {
  const [row] = await db
    .select({ phoneHash: supporters.phoneHash })
    .from(supporters)
    .where(and(eq(supporters.campaignId, campaignId), eq(supporters.phoneHash, phoneHash), isNull(supporters.optedOutAt)));
  return Boolean(row);
}

/** What the widget and the phone say about the schedule, e.g. "on weekdays between 10 am and 4 pm (Eastern Time)". */
export function scheduleDescription(campaign: Campaign, targets: readonly Target[] = [], locale: Locale = campaign.settings.locale): string | undefined {
  const schedule = campaign.settings.callAgain;
  return schedule && describeSchedule(schedule, scheduleZone(schedule, targets[0]), locale);
}
