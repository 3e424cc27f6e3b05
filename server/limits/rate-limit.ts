import { lt, param, sql } from 'drizzle-orm';
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

const hasRoom = (usage: Usage) => usage.count < usage.limit;

/**
 * Counts one attempt, but only if it is admitted: when every window of `all` has room and, if `each`
 * is given, at least one of `each` does (then only those with room are counted). A refused attempt
 * counts nowhere, so nobody can fill someone else's budget (a campaign's, a stranger's number's) with
 * attempts that were turned away.
 *
 * Windows are fixed (aligned to the store's clock, so all processes agree). Their rows are locked in
 * key order for the transaction, so concurrent attempts on shared windows queue instead of both
 * taking the last place.
 */
export async function reserve(db: Db, all: readonly Window[], each: readonly Window[] = []): Promise<Reservation> {
  const windows = [...all, ...each];
  if (!windows.length) return { admitted: true, all: [], each: [] };
  // One row per key: an upsert may not touch the same row twice.
  const unique = [...new Map(windows.map((window) => [window.key, window])).values()].sort((a, b) => (a.key < b.key ? -1 : 1));
  const rows = sql.join(
    unique.map(({ key, seconds }) => sql`(${key}::text, ${seconds}::int)`),
    sql`, `,
  );
  return db.transaction(async (tx) => {
    // The no-op update locks each window's row (creating it if new) and reads its count.
    const locked = await tx.execute(sql`
      insert into ${rateLimits} (key, window_start, count)
      select k, to_timestamp(floor(extract(epoch from now()) / s) * s), 0 from (values ${rows}) as v(k, s) order by k
      on conflict (key, window_start) do update set count = ${rateLimits.count}
      returning key, window_start::text as start, count, ceil(extract(epoch from window_start) - extract(epoch from now()))::int as "startsIn"`);
    const { rows: read } = locked as unknown as { rows: { key: string; start: string; count: number; startsIn: number }[] };
    const byKey = new Map(read.map((row) => [row.key, row]));
    const usage = (window: Window): Usage => {
      const row = byKey.get(window.key)!;
      return { ...window, count: Number(row.count), resetIn: Math.max(1, row.startsIn + window.seconds) };
    };
    const result = { all: all.map(usage), each: each.map(usage) };
    const admitted = result.all.every(hasRoom) && (!each.length || result.each.some(hasRoom));
    if (!admitted) return { admitted, all: result.all, each: result.each.map((window) => ({ ...window, counted: false })) };
    const counted = new Set([...result.all, ...result.each.filter(hasRoom)].map((window) => window.key));
    const bumped = read.filter((row) => counted.has(row.key));
    await tx.execute(sql`
      update ${rateLimits} set count = ${rateLimits.count} + 1
      where (key, window_start) in (select * from unnest(${param(bumped.map((row) => row.key))}::text[], ${param(bumped.map((row) => row.start))}::timestamptz[]))`);
    const bump = (window: Usage) => (counted.has(window.key) ? { ...window, count: window.count + 1, counted: true } : { ...window, counted: false });
    return { admitted, all: result.all.map(bump), each: result.each.map(bump) };
  });
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
