import { and, asc, count, desc, eq, gte, lt, type SQL, sql, sum } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { Db } from '../store/db.ts';
import { calls, campaignHours, customTargets, officeCounts, targetCounts, targetHours } from '../store/schema.ts';

/** A real day of the calendar. Not year 0: JavaScript reads it as 1 BC, PostgreSQL refuses it. */
const isDate = (value: string) =>
  !value.startsWith('0000') && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);

function canonicalZone(zone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2025-03-01').refine(isDate, 'is not a calendar date');

/**
 * `?from=&to=` (inclusive days) and `?tz=` (the IANA zone those days and the per-day figures are in).
 * Figures are kept by the UTC hour a call started; in zones a fraction of an hour off UTC, days start
 * at the whole hour before local midnight.
 */
export const StatsQuery = z
  .object({
    from: Day.optional(),
    to: Day.optional(),
    tz: z
      .string()
      .max(64)
      .default('UTC')
      .transform((zone, ctx) => canonicalZone(zone) ?? (ctx.addIssue({ code: 'custom', message: 'must be a time zone like America/New_York' }), z.NEVER)),
  })
  .refine(({ from, to }) => !from || !to || from <= to, { path: ['to'], message: 'must not be before from' });
export type StatsQuery = z.output<typeof StatsQuery>;

export interface Tallies {
  legs: number;
  completed: number;
  busy: number;
  noAnswer: number;
  failed: number;
  /** Legs ended any other way: the caller skipped the office with *, or hung up during it. */
  canceled: number;
  talkSeconds: number;
  /** Talk time per completed leg, in whole seconds. */
  averageDuration: number;
}
export interface TargetStats extends Tallies {
  id: string;
  name: string;
  /** What supporters reported after this office answered (all time: reports are not kept by hour). */
  outcomes: { spoke: number; voicemail: number; unavailable: number };
  /** Each of the target's offices dialed (its first, and those tried when one did not answer), all time, most reached first. */
  offices: OfficeStats[];
}
export interface OfficeStats extends Tallies {
  /** The office's public number, and its name unless it is the target's main office. */
  phone: string;
  office: string | null;
}
export interface CallTallies {
  calls: number;
  /** Supporters who picked up. */
  callersReached: number;
  /** Calls in which at least one office was reached. */
  converted: number;
}
export interface Bucket extends CallTallies {
  legs: number;
  completed: number;
}
export interface CampaignStats {
  range: { from: string | null; to: string | null; tz: string };
  totals: CallTallies & Tallies & { conversion: number };
  targets: TargetStats[];
  /** Days (in `tz`) and hours (UTC) with calls, in order; quiet ones are left out. */
  perDay: (Bucket & { date: string })[];
  perHour: (Bucket & { hour: string })[];
  /** Referral codes that brought calls in the range, most first (top 20). */
  refs: { ref: string; calls: number; completed: number }[];
  /** Page metadata values (`source: newsletter`) of the calls in the range, most first (top 50). */
  meta: { key: string; value: string; calls: number; completed: number }[];
}

const asInt = (column: SQL | Parameters<typeof sum>[0]) => sql<number>`coalesce(${sum(column)}, 0)`.mapWith(Number);

/** The leg counters of a rollup table, summed. */
const summed = (table: typeof targetCounts | typeof targetHours | typeof campaignHours) => ({
  legs: asInt(table.legs),
  completed: asInt(table.completed),
  busy: asInt(table.busy),
  noAnswer: asInt(table.noAnswer),
  failed: asInt(table.failed),
  talkSeconds: asInt(table.talkSeconds),
});

type Counters = Omit<Tallies, 'canceled' | 'averageDuration'>;

function tallies({ legs, completed, busy, noAnswer, failed, talkSeconds }: Counters): Tallies {
  const canceled = legs - completed - busy - noAnswer - failed;
  return { legs, completed, busy, noAnswer, failed, canceled, talkSeconds, averageDuration: completed ? Math.round(talkSeconds / completed) : 0 };
}

/** The first and last whole UTC hour of a day range in `tz`, as SQL (hour-truncated like the rollups). */
export function hourRange({ from, to, tz }: StatsQuery) {
  return {
    from: from ? sql`date_trunc('hour', ${from}::date::timestamp at time zone ${tz}, 'UTC')` : undefined,
    until: to ? sql`date_trunc('hour', (${to}::date + 1)::timestamp at time zone ${tz}, 'UTC')` : undefined,
  };
}

export const within = (column: AnyPgColumn, range: ReturnType<typeof hourRange>) =>
  [range.from && gte(column, range.from), range.until && lt(column, range.until)].filter((condition) => condition !== undefined);

const hourOf = (column: SQL) => sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24":00:00Z"')`;

/**
 * A campaign's figures: totals, per target, per day and per hour, read from the rollups the call path
 * bumps (see `recordStep` in calls/calls.ts) and from an index-only scan of the calls. Without a range, per-target figures
 * come from the same rows as the public counter.
 */
export async function campaignStats(db: Db, campaignId: string, query: StatsQuery): Promise<CampaignStats> {
  const range = hourRange(query);
  const filtered = Boolean(range.from || range.until);
  const started = sql`date_bin('1 hour', ${calls.createdAt}, timestamptz '2000-01-01 00:00Z')`;
  const [callHours, legHours, targetRows, listed, outcomes, officeRows, refs, meta] = await Promise.all([
    db
      .select({
        hour: hourOf(started),
        date: sql<string>`to_char(${started} at time zone ${query.tz}, 'YYYY-MM-DD')`,
        calls: count(),
        callersReached: count(calls.answeredAt),
        converted: sql<number>`count(*) filter (where ${calls.completedLegs} > 0)`.mapWith(Number),
      })
      .from(calls)
      .where(and(eq(calls.campaignId, campaignId), ...within(calls.createdAt, range)))
      .groupBy(started),
    db
      .select({ hour: hourOf(sql`${campaignHours.hour}`), date: sql<string>`to_char(${campaignHours.hour} at time zone ${query.tz}, 'YYYY-MM-DD')`, legs: campaignHours.legs, completed: campaignHours.completed })
      .from(campaignHours)
      .where(and(eq(campaignHours.campaignId, campaignId), ...within(campaignHours.hour, range))),
    filtered
      ? db
          .select({ id: targetHours.targetId, ...summed(targetHours) })
          .from(targetHours)
          .where(and(eq(targetHours.campaignId, campaignId), ...within(targetHours.hour, range)))
          .groupBy(targetHours.targetId)
      : db.select({ id: targetCounts.targetId, ...summed(targetCounts) }).from(targetCounts).where(eq(targetCounts.campaignId, campaignId)).groupBy(targetCounts.targetId),
    targetNames(db, campaignId),
    db
      .select({ id: targetCounts.targetId, spoke: targetCounts.spoke, voicemail: targetCounts.voicemail, unavailable: targetCounts.unavailable })
      .from(targetCounts)
      .where(eq(targetCounts.campaignId, campaignId)),
    db
      .select({
        id: officeCounts.targetId,
        phone: officeCounts.phone,
        office: officeCounts.office,
        legs: officeCounts.legs,
        completed: officeCounts.completed,
        busy: officeCounts.busy,
        noAnswer: officeCounts.noAnswer,
        failed: officeCounts.failed,
        talkSeconds: officeCounts.talkSeconds,
      })
      .from(officeCounts)
      .where(eq(officeCounts.campaignId, campaignId))
      .orderBy(desc(officeCounts.completed), desc(officeCounts.legs), officeCounts.phone),
    refCounts(db, campaignId, undefined, { range }),
    metaCounts(db, campaignId, range),
  ]);
  const reported = new Map(outcomes.map(({ id, ...counts }) => [id, counts]));
  const offices = new Map<string, OfficeStats[]>();
  for (const { id, phone, office, ...counters } of officeRows) offices.set(id, [...(offices.get(id) ?? []), { phone, office, ...tallies(counters) }]);

  const targets = new Map<string, TargetStats>();
  const noOutcomes = { spoke: 0, voicemail: 0, unavailable: 0 };
  for (const row of targetRows) {
    targets.set(row.id, { id: row.id, name: listed.get(row.id) ?? row.id, ...tallies(row), outcomes: reported.get(row.id) ?? noOutcomes, offices: offices.get(row.id) ?? [] });
  }
  // The campaign's own offices show even before anyone reached them.
  for (const [id, name] of listed.custom) if (!targets.has(id)) targets.set(id, { id, name, ...tallies(zero), outcomes: noOutcomes, offices: [] });
  const ordered = [...targets.values()].sort((a, b) => b.completed - a.completed || b.legs - a.legs || a.name.localeCompare(b.name));

  const perHour = new Map<string, Bucket & { hour: string; date: string }>();
  const bucket = (hour: string, date: string) => perHour.get(hour) ?? perHour.set(hour, { hour, date, calls: 0, callersReached: 0, converted: 0, legs: 0, completed: 0 }).get(hour)!;
  for (const row of callHours) Object.assign(bucket(row.hour, row.date), { calls: row.calls, callersReached: row.callersReached, converted: row.converted });
  for (const row of legHours) Object.assign(bucket(row.hour, row.date), { legs: row.legs, completed: row.completed });
  const hours = [...perHour.values()].sort((a, b) => a.hour.localeCompare(b.hour));
  const perDay = new Map<string, Bucket & { date: string }>();
  for (const { hour: _hour, date, ...figures } of hours) {
    const day = perDay.get(date) ?? perDay.set(date, { date, calls: 0, callersReached: 0, converted: 0, legs: 0, completed: 0 }).get(date)!;
    for (const key of Object.keys(figures) as (keyof typeof figures)[]) day[key] += figures[key];
  }

  const callTotals = { calls: 0, callersReached: 0, converted: 0 };
  for (const row of callHours) for (const key of Object.keys(callTotals) as (keyof CallTallies)[]) callTotals[key] += row[key];
  const legTotals = { ...zero };
  for (const row of ordered) for (const key of Object.keys(legTotals) as (keyof Counters)[]) legTotals[key] += row[key];
  return {
    range: { from: query.from ?? null, to: query.to ?? null, tz: query.tz },
    totals: { ...callTotals, conversion: callTotals.calls ? Math.round((callTotals.converted / callTotals.calls) * 10_000) / 10_000 : 0, ...tallies(legTotals) },
    targets: ordered,
    perDay: [...perDay.values()],
    perHour: hours.map(({ date: _date, ...bucket }) => bucket),
    refs,
    meta,
  };
}

const zero: Counters = { legs: 0, completed: 0, busy: 0, noAnswer: 0, failed: 0, talkSeconds: 0 };

/** Names to show per target id: the campaign's own list, then the name a target had when it was called. */
async function targetNames(db: Db, campaignId: string) {
  const [custom, called] = await Promise.all([
    db.select({ id: customTargets.id, name: customTargets.name }).from(customTargets).where(eq(customTargets.campaignId, campaignId)).orderBy(asc(customTargets.position)),
    db.select({ id: targetCounts.targetId, name: targetCounts.name }).from(targetCounts).where(eq(targetCounts.campaignId, campaignId)),
  ]);
  const names = new Map(called.map(({ id, name }) => [id, name]));
  const customNames = new Map(custom.map(({ id, name }) => [id, name]));
  return Object.assign(new Map([...names, ...customNames]), { custom: customNames });
}

/** Calls started and legs completed through one referral code, or for each of the top codes (leaderboards). */
export async function refCounts(
  db: Db,
  campaignId: string,
  ref?: string,
  { top = 20, range = { from: undefined, until: undefined } }: { top?: number; range?: ReturnType<typeof hourRange> } = {},
): Promise<{ ref: string; calls: number; completed: number }[]> {
  const rows = await db
    .select({ ref: sql<string>`${calls.ref}`, calls: count(), completed: asInt(calls.completedLegs) })
    .from(calls)
    .where(and(eq(calls.campaignId, campaignId), ref === undefined ? sql`${calls.ref} is not null` : eq(calls.ref, ref), ...within(calls.createdAt, range)))
    .groupBy(calls.ref)
    .orderBy(sql`count(*) desc`, calls.ref)
    .limit(top);
  return rows;
}

/** Calls started and legs completed per page-metadata value (each key of a call's `meta` counts apart). */
async function metaCounts(db: Db, campaignId: string, range: ReturnType<typeof hourRange>, top = 50) {
  const entry = sql`jsonb_each_text(${calls.meta})`;
  const rows = await db
    .select({ key: sql<string>`m.key`, value: sql<string>`m.value`, calls: count(), completed: asInt(calls.completedLegs) })
    .from(sql`${calls} cross join lateral ${entry} as m`)
    .where(and(eq(calls.campaignId, campaignId), sql`${calls.meta} is not null`, ...within(calls.createdAt, range)))
    .groupBy(sql`m.key`, sql`m.value`)
    .orderBy(sql`count(*) desc`, sql`m.key`, sql`m.value`)
    .limit(top);
  return rows;
}

/** The public counter: calls started and legs completed, from the rows the stats read. */
export async function liveCount(db: Db, campaignId: string): Promise<{ calls: number; completed: number }> {
  const [[started], [legs]] = await Promise.all([
    db.select({ calls: count() }).from(calls).where(eq(calls.campaignId, campaignId)),
    db.select({ completed: asInt(targetCounts.completed) }).from(targetCounts).where(eq(targetCounts.campaignId, campaignId)),
  ]);
  return { calls: started?.calls ?? 0, completed: legs?.completed ?? 0 };
}
