import { and, gt, inArray, notInArray, sql } from 'drizzle-orm';
import type { Campaign } from '../campaigns/campaigns.ts';
import type { Db } from '../store/db.ts';
import { legs } from '../store/schema.ts';
import { CAPITOL_SWITCHBOARD } from './resolve.ts';
import type { Office, Target } from './target.ts';

/** An office that did not answer at least half of its dials of the last 15 minutes (at least this many, any campaign) is tried last. */
const ENOUGH_DIALS = 3;
const UNANSWERED = ['busy', 'no-answer', 'failed'];

/**
 * The offices a call will dial for each target: its first office, then at most `fallbackOffices` of its
 * others. None for the Capitol switchboard, which reaches every office itself, nor with `fallbackOffices: 0`.
 * With `preferAnsweringOffices`, offices that have mostly not been answering go last (one read of the
 * recent legs, by office number).
 */
export async function planOffices(db: Db, campaign: Campaign, targets: Target[]): Promise<Target[]> {
  const extra = campaign.settings.fallbackOffices ?? 1;
  const choices = targets.map((target): Office[] =>
    extra && target.fallbacks?.length && target.phone !== CAPITOL_SWITCHBOARD
      ? [{ phone: target.phone, office: target.office ?? 'Washington office' }, ...target.fallbacks]
      : [],
  );
  const phones = choices.flat().map((office) => office.phone);
  const missing = campaign.settings.preferAnsweringOffices !== false && phones.length ? await notAnswering(db, phones) : new Set();
  return targets.map(({ fallbacks: _fallbacks, ...target }, i) => {
    const offices = choices[i]!;
    if (!offices.length) return target;
    const [first, ...fallbacks] = [...offices.filter((o) => !missing.has(o.phone)), ...offices.filter((o) => missing.has(o.phone))].slice(0, 1 + extra);
    // The main office keeps its name, or lack of one (it is not spoken when it is dialed first).
    return { ...target, ...(first === offices[0] ? {} : first), ...(fallbacks.length ? { fallbacks } : {}) };
  });
}

/** Of these office numbers, those that have mostly not answered lately. */
async function notAnswering(db: Db, phones: string[]): Promise<Set<string>> {
  const unanswered = sql`count(*) filter (where ${inArray(legs.status, UNANSWERED)})`;
  const rows = await db
    .select({ phone: legs.phone })
    .from(legs)
    .where(and(inArray(legs.phone, phones), gt(legs.createdAt, sql`now() - interval '15 minutes'`), notInArray(legs.status, ['ringing', 'in-progress'])))
    .groupBy(legs.phone)
    .having(sql`count(*) >= ${ENOUGH_DIALS} and ${unanswered} * 2 >= count(*)`);
  return new Set(rows.map((row) => row.phone!));
}
