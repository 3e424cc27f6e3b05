import { lt, sql, TransactionRollbackError } from 'drizzle-orm';
import type { Db } from '../store/db.ts';
import { rateLimits } from '../store/schema.ts';

export interface Window {
  /** What is limited, e.g. `c:demo:ip:203.0.113.9`. */
  key: string;
  limit: number;
  seconds: number;
}

export interface Usage extends Window {
  /** Attempts counted in this window so far (this one included, if it was counted). */
  count: number;
  /** Seconds until this window resets. */
  resetIn: number;
}

export interface Reservation {
  /** Whether the attempt was counted. */
  admitted: boolean;
  /** `all`'s windows, in order. */
  all: Usage[];
  /** `each`'s windows, in order; when admitted, those with room were counted and the rest were not. */
  each: (Usage & { counted: boolean })[];
}

/**
 * Counts one attempt, but only if it is admitted: when every window of `all` has room and, if `each`
 * is given, at least one of `each` does (then only those with room are counted). A refused attempt
 * counts nowhere, so nobody can fill someone else's budget (a campaign's, a stranger's number's) with
 * attempts that were turned away.
 *
 * Windows are fixed (aligned to the store's clock, so all processes agree). One statement takes a
 * place in every window that has room (rows locked in key order, so concurrent attempts on a shared
 * window queue rather than both taking its last place); if that is not enough to admit the attempt,
 * the transaction rolls it back. A hot window (the campaign's minute) is locked for one round trip.
 */
export async function reserve(db: Db, all: readonly Window[], each: readonly Window[] = []): Promise<Reservation> {
  const windows = [...all, ...each];
  if (!windows.length) return { admitted: true, all: [], each: [] };
  // One row per key: an upsert may not touch the same row twice.
  const unique = [...new Map(windows.map((window) => [window.key, window])).values()].sort((a, b) => (a.key < b.key ? -1 : 1));
  const rows = sql.join(
    unique.map(({ key, seconds, limit }) => sql`(${key}::text, ${seconds}::int, ${limit}::int)`),
    sql`, `,
  );
  let taken: Map<string, { count: number; startsIn: number }>;
  try {
    taken = await db.transaction(async (tx) => {
      const result = await tx.execute(sql`
        insert into ${rateLimits} (key, window_start, count)
        select k, to_timestamp(floor(extract(epoch from now()) / s) * s), 1 from (values ${rows}) as v(k, s, l) order by k
        on conflict (key, window_start) do update set count = ${rateLimits.count} + 1
          where ${rateLimits.count} < (select l from (values ${rows}) as w(k, s, l) where w.k = ${rateLimits.key})
        returning key, count, ceil(extract(epoch from window_start) - extract(epoch from now()))::int as "startsIn"`);
      const { rows: counted } = result as unknown as { rows: { key: string; count: number; startsIn: number }[] };
      const took = new Map(counted.map((row) => [row.key, { count: Number(row.count), startsIn: row.startsIn }]));
      if (!all.every((window) => took.has(window.key)) || (each.length && !each.some((window) => took.has(window.key)))) tx.rollback();
      return took;
    });
  } catch (error) {
    if (!(error instanceof TransactionRollbackError)) throw error;
    const [allUsage, eachUsage] = [await usageOf(db, all), await usageOf(db, each)];
    return { admitted: false, all: allUsage, each: eachUsage.map((usage) => ({ ...usage, counted: false })) };
  }
  const usage = (window: Window): Usage => {
    const row = taken.get(window.key)!;
    return { ...window, count: row.count, resetIn: Math.max(1, row.startsIn + window.seconds) };
  };
  const full = each.filter((window) => !taken.has(window.key));
  const fullUsage = new Map((await usageOf(db, full)).map((window) => [window.key, window]));
  return {
    admitted: true,
    all: all.map(usage),
    each: each.map((window) => (taken.has(window.key) ? { ...usage(window), counted: true } : { ...fullUsage.get(window.key)!, counted: false })),
  };
}

/** What `windows` have counted so far (no attempt is counted). */
async function usageOf(db: Db, windows: readonly Window[]): Promise<Usage[]> {
  return Promise.all(windows.map((window) => peek(db, window)));
}

/** How many attempts `window` has counted so far, without counting one. */
export async function peek(db: Db, window: Window): Promise<Usage> {
  const { rows } = (await db.execute(sql`
    select coalesce(max(count), 0)::int as count,
      ceil(extract(epoch from to_timestamp(floor(extract(epoch from now()) / ${window.seconds}::int) * ${window.seconds}::int)) - extract(epoch from now()))::int as "startsIn"
    from ${rateLimits}
    where key = ${window.key} and window_start = to_timestamp(floor(extract(epoch from now()) / ${window.seconds}::int) * ${window.seconds}::int)`)) as unknown as {
    rows: { count: number; startsIn: number }[];
  };
  const [row] = rows;
  return { ...window, count: Number(row!.count), resetIn: Math.max(1, row!.startsIn + window.seconds) };
}

/** Drops windows that ended more than a day ago (the longest window is a day). */
export async function sweepRateLimits(db: Db): Promise<void> {
  await db.delete(rateLimits).where(lt(rateLimits.windowStart, sql`now() - interval '2 days'`));
}
