import { setTimeout as sleep } from 'node:timers/promises';
import { and, asc, eq, inArray, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import { campaignWithList } from '../campaigns/campaigns.ts';
import { insertCall, newCallId } from '../calls/calls.ts';
import type { CongressLookup } from '../congress/lookup.ts';
import { ApiError, describeError } from '../errors.ts';
import { admitCall } from '../limits/admission.ts';
import { Metrics } from '../metrics.ts';
import type { Blocklist } from '../limits/blocklist.ts';
import type { Logger } from '../log.ts';
import type { Db } from '../store/db.ts';
import { supporters } from '../store/schema.ts';
import { resolveTargets } from '../targets/resolve.ts';
import { followingCallTime, scheduleZone } from './schedule.ts';
import { unseal } from '../sealed.ts';
import type { Supporter } from './supporters.ts';

export interface SchedulerOptions {
  db: Db;
  congress: CongressLookup;
  blocklist: Blocklist;
  secretKey: string;
  log: Logger;
  /** Where to count what it does (`/metrics`); by default counts nobody reads. */
  metrics?: Metrics;
  /** The clock the schedule runs on (tests move it). */
  now?: () => Date;
  pollMs?: number;
}

/** A claimed supporter is not claimed again for this long (a crash mid-way retries after it). */
const LEASE_MINUTES = 10;
const BATCH = 20;

/**
 * Rings supporters who asked to be called again when their time comes: each call goes through the
 * same dial queue, limits and blocklist as a call from the widget, and the next one is scheduled.
 */
export class CallAgainScheduler {
  readonly #options: Required<SchedulerOptions>;
  readonly #stop = new AbortController();
  #loop?: Promise<void>;

  constructor(options: SchedulerOptions) {
    this.#options = { now: () => new Date(), pollMs: 30_000, metrics: new Metrics(), ...options };
  }

  start(): void {
    this.#loop = (async () => {
      while (!this.#stop.signal.aborted) {
        await this.tick().catch((error) => this.#options.log(`call-again: ${describeError(error).split('\n')[0]}`));
        await sleep(this.#options.pollMs, undefined, { signal: this.#stop.signal }).catch(() => {});
      }
    })();
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
  }

  /** Queues the calls that are due now; returns how many. */
  async tick(): Promise<number> {
    const due = await this.#claimDue();
    let queued = 0;
    for (const supporter of due) {
      if (await this.#call(supporter).catch((error) => this.#options.log(`call-again: ${describeError(error).split('\n')[0]}`))) queued++;
    }
    // Each queued call wakes the dial queue of every process through the store (migration 0013).
    return queued;
  }

  async #claimDue(): Promise<Supporter[]> {
    const { db, now } = this.#options;
    const at = now();
    const due = db
      .select({ campaignId: supporters.campaignId, phoneHash: supporters.phoneHash })
      .from(supporters)
      .where(and(isNull(supporters.optedOutAt), isNotNull(supporters.phoneSealed), lte(supporters.nextCallAt, at)))
      .orderBy(asc(supporters.nextCallAt))
      .limit(BATCH)
      .for('update', { skipLocked: true });
    return db
      .update(supporters)
      .set({ nextCallAt: new Date(at.getTime() + LEASE_MINUTES * 60_000) })
      .where(inArray(sql`(${supporters.campaignId}, ${supporters.phoneHash})`, due))
      .returning();
  }

  /** Queues one supporter's call (if the campaign still offers it and the limits allow) and schedules the next. */
  async #call(supporter: Supporter): Promise<boolean> {
    const { db, congress, blocklist, secretKey, log, now } = this.#options;
    const at = now();
    const { campaign, custom } = await campaignWithList(db, supporter.campaignId);
    const schedule = campaign.settings.callAgain;
    const where = { zip: supporter.zip ?? undefined, district: supporter.district ?? undefined, seed: supporter.phoneHash };
    const targets = resolveTargets(congress, { campaign, custom }, where).targets;
    const next = schedule && followingCallTime(schedule, scheduleZone(schedule, targets[0]), at, supporter.phoneHash);
    const key = and(eq(supporters.campaignId, supporter.campaignId), eq(supporters.phoneHash, supporter.phoneHash));
    if (campaign.status !== 'active' || !schedule || !targets.length) {
      // Archived, or no longer offering calls: stop. Paused: try again at the next window.
      await db.update(supporters).set({ nextCallAt: campaign.status === 'paused' && next ? next : null }).where(key);
      return false;
    }
    let dial;
    try {
      dial = await admitCall(db, blocklist, { campaign, phoneHash: supporter.phoneHash, targets }).catch(this.#options.metrics.refused);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      log(`call-again: campaign ${campaign.id}: a supporter's call was not placed (${error.code}); next try at the next window`);
      await db.update(supporters).set({ nextCallAt: next }).where(key);
      return false;
    }
    await db.transaction(async (tx) => {
      await insertCall(tx, {
        id: newCallId(),
        campaignId: campaign.id,
        phone: unseal(secretKey, supporter.phoneSealed!),
        phoneHash: supporter.phoneHash,
        zip: supporter.zip,
        district: supporter.district,
        targets: dial,
        scheduled: true,
      });
      await tx
        .update(supporters)
        .set({ nextCallAt: next, lastCalledAt: at, callsPlaced: sql`${supporters.callsPlaced} + 1` })
        .where(key);
    });
    this.#options.metrics.callsCreated.inc({ direction: 'outbound' });
    return true;
  }
}
