import { lt, sql } from 'drizzle-orm';
import type { Db } from '../store/db.ts';
import { rateLimits } from '../store/schema.ts';

export interface Window {
  /** What is limited, e.g. `c:demo:ip:203.0.113.9`. */
  key: string;
  limit: number;
  seconds: number;
}

export interface Usage extends Window {
  count: number;
  /** Seconds until this window resets. */
  resetIn: number;
}

/**
 * Counts one attempt against each window and returns every window's count, in order. Windows are
 * fixed (aligned to the store's clock, so all processes agree) and counted with one atomic upsert.
 */
export async function consume(db: Db, windows: readonly Window[]): Promise<Usage[]> {
  if (!windows.length) return [];
  // One row per key: an upsert may not touch the same row twice.
  const unique = [...new Map(windows.map((window) => [window.key, window])).values()];
  const rows = sql.join(
    unique.map(({ key, seconds }) => sql`(${key}::text, ${seconds}::int)`),
    sql`, `,
  );
  const result = await db.execute(sql`
    insert into ${rateLimits} (key, window_start, count)
    select k, to_timestamp(floor(extract(epoch from now()) / s) * s), 1 from (values ${rows}) as v(k, s)
    on conflict (key, window_start) do update set count = ${rateLimits.count} + 1
    returning key, count, ceil(extract(epoch from window_start) - extract(epoch from now()))::int as "startsIn"`);
  const { rows: counted } = result as unknown as { rows: { key: string; count: number; startsIn: number }[] };
  const byKey = new Map(counted.map((row) => [row.key, row]));
  return windows.map((window) => {
    const row = byKey.get(window.key)!;
    return { ...window, count: row.count, resetIn: Math.max(1, row.startsIn + window.seconds) };
  });
}

/** Drops windows that ended more than a day ago (the longest window is a day). */
export async function sweepRateLimits(db: Db): Promise<void> {
  await db.delete(rateLimits).where(lt(rateLimits.windowStart, sql`now() - interval '2 days'`));
}
