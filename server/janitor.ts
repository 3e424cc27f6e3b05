import { setTimeout as sleep } from 'node:timers/promises';
import { and, inArray, isNotNull, lt, ne, or, sql } from 'drizzle-orm';
import { FINAL_CALL_STATUSES } from './calls/calls.ts';
import { describeError } from './errors.ts';
import { sweepSessions } from './auth/sessions.ts';
import { sweepRateLimits } from './limits/rate-limit.ts';
import type { Logger } from './log.ts';
import type { Db } from './store/db.ts';
import { blocks, calls, invites } from './store/schema.ts';
import { sweepWebhookOutbox } from './webhooks/deliveries.ts';

export interface JanitorOptions {
  db: Db;
  log: Logger;
  retentionDays: number;
  /** Between sweeps. */
  everyMs?: number;
}

/** A call still not finished after this long has lost its callbacks; it no longer needs the number. */
const STUCK_HOURS = 6;

/**
 * Periodic clean-up, safe to run in every process: forgets caller numbers that a lost status callback
 * left behind, strips call records past the retention period down to what the tallies need, and
 * drops old rate-limit windows, long-expired blocks and invitations and expired sessions, and keeps the
 * webhook outbox within its limits.
 */
export async function sweep(db: Db, retentionDays: number): Promise<void> {
  await db
    .update(calls)
    .set({ phone: null })
    .where(
      and(
        isNotNull(calls.phone),
        or(
          sql`${calls.createdAt} < now() - make_interval(hours => ${STUCK_HOURS})`,
          inArray(calls.status, [...FINAL_CALL_STATUSES]),
        ),
      ),
    );
  // Kept: status, times, legs and campaign, so stats stay whole. Dropped: who and where.
  await db
    .update(calls)
    .set({ phoneHash: '', zip: null, district: null, twilioSid: null })
    .where(and(lt(calls.createdAt, sql`now() - make_interval(days => ${retentionDays})`), ne(calls.phoneHash, '')));
  await sweepRateLimits(db);
  await db.delete(blocks).where(lt(blocks.expiresAt, sql`now() - interval '30 days'`));
  await sweepWebhookOutbox(db, retentionDays);
  await sweepSessions(db);
  await db.delete(invites).where(lt(invites.expiresAt, sql`now() - interval '30 days'`));
}

/**
 * One replica sweeps at a time: `sweep` twice at once is harmless but wasted work, and two processes'
 * updates of the same rows could meet in a deadlock. A replica that finds another sweeping skips its
 * turn. Returns whether it swept. The lock is the transaction's, so a crashed sweeper leaves none behind.
 */
export async function sweepUnlessSweeping(db: Db, retentionDays: number): Promise<boolean> {
  return db.transaction(async (tx) => {
    const { rows } = (await tx.execute(sql`select pg_try_advisory_xact_lock(hashtext('call-power janitor')) as got`)) as unknown as { rows: { got: boolean }[] };
    if (!rows[0]?.got) return false;
    await sweep(tx, retentionDays);
    return true;
  });
}

export class Janitor {
  readonly #options: Required<JanitorOptions>;
  readonly #stop = new AbortController();
  #loop?: Promise<void>;

  constructor(options: JanitorOptions) {
    this.#options = { everyMs: 10 * 60_000, ...options };
  }

  start(): void {
    this.#loop = (async () => {
      const { db, log, retentionDays, everyMs } = this.#options;
      while (!this.#stop.signal.aborted) {
        await sweepUnlessSweeping(db, retentionDays).catch((error) => log(`janitor: ${describeError(error).split('\n')[0]}`));
        await sleep(everyMs, undefined, { signal: this.#stop.signal }).catch(() => {});
      }
    })();
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
  }
}
