import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { fromRoot } from '../paths.ts';
import type { Store } from './db.ts';

/** When the newest migration this code ships was generated: drizzle records it as that row's `created_at`. */
const LATEST_MIGRATION = (() => {
  const { entries } = JSON.parse(readFileSync(fromRoot('server/store/migrations/meta/_journal.json'), 'utf8')) as { entries: { when: number }[] };
  return Math.max(...entries.map((entry) => entry.when));
})();

/** A load balancer's check must answer quickly even when PostgreSQL hangs instead of refusing. */
const CHECK_TIMEOUT_MS = 2000;

/**
 * Why this process should get no traffic now, or undefined when it may: the store must answer a query
 * and hold every migration this code expects (a replica started on a database another replica is
 * still migrating is not ready).
 */
export async function notReadyBecause(store: Store, stopping: AbortSignal): Promise<string | undefined> {
  if (stopping.aborted) return 'shutting down';
  const query = (store.db.execute(sql`select max(created_at) as latest from drizzle.__drizzle_migrations`) as Promise<unknown> as Promise<{ rows: { latest: unknown }[] }>)
    .then(({ rows }) => Number(rows[0]?.latest ?? 0))
    .catch(() => undefined);
  const latest: number | null | undefined = await Promise.race([query, sleep(CHECK_TIMEOUT_MS, null, { ref: false })]);
  if (latest === null) return `the store did not answer within ${CHECK_TIMEOUT_MS / 1000} s`;
  if (latest === undefined) return 'the store is unreachable';
  if (latest < LATEST_MIGRATION) return 'the store is missing migrations this version needs';
  return stopping.aborted ? 'shutting down' : undefined;
}
