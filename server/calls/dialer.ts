import { setTimeout as sleep } from 'node:timers/promises';
import { and, asc, count, eq, getTableColumns, inArray, isNotNull, isNull, lt, lte, notInArray, sql } from 'drizzle-orm';
import type { CallInstance } from 'twilio/lib/rest/api/v2010/account/call.js';
import { describeError } from '../errors.ts';
import { findCampaign } from '../campaigns/campaigns.ts';
import type { Logger } from '../log.ts';
import { Metrics } from '../metrics.ts';
import type { Db } from '../store/db.ts';
import { calls } from '../store/schema.ts';
import { reserve } from '../limits/rate-limit.ts';
import { Sleeper, untilDue } from '../sleeper.ts';
import type { Account, TwilioAccounts } from '../telephony/accounts.ts';
import { advanceCallStatus, type Call, FINAL_CALL_STATUSES, failCall, isFinal } from './calls.ts';
import type { CallNotifier } from './notifier.ts';

export interface DialerOptions {
  db: Db;
  /** Each call is placed through its campaign's organisation's account (else the server's), from its number, at its CPS. */
  accounts: TwilioAccounts;
  publicUrl: string;
  notifier: CallNotifier;
  log: Logger;
  /** Where to count calls ended here and time Twilio's REST API (`/metrics`); by default counts nobody reads. */
  metrics?: Metrics;
  /**
   * The fallback poll: how often to look for due calls if nothing wakes us. Queued calls wake every
   * process (the store notifies), and a retry's own due time ends the sleep; this is for a lost notification.
   */
  pollMs?: number;
  /** First retry delay; doubles per attempt, capped at a minute. */
  retryBaseMs?: number;
  maxAttempts?: number;
  /** How long a claimed call is reserved for the process placing it before another may try. */
  leaseSeconds?: number;
  /** How often to ask Twilio about calls whose callbacks stopped coming (a restart can lose them). */
  reconcileEveryMs?: number;
}

/** After a store error, look at the queue again this soon: the store may be back. */
const STORE_RETRY_MS = 1000;

/** A live call not heard of for this long is looked up at Twilio. */
const STALE_MINUTES = 10;

/** Twilio errors that say "try again later" rather than "this will never work". */
const isRetryable = (error: unknown) => {
  const { status, code } = error as { status?: number; code?: number };
  return status === undefined || status === 429 || status >= 500 || code === 20429;
};

/** Twilio's error code and HTTP status, not its message: that may quote the number dialed. */
function restFailure(error: unknown): string {
  const { status, code } = error as { status?: number; code?: unknown };
  return status === undefined ? `cannot reach Twilio (${String(code ?? (error as Error).name)})` : `Twilio error ${String(code)} (HTTP ${status})`;
}

/** Words a caller can read for a Twilio REST error (its own message may echo the number). */
function describe(error: unknown): { code: string; message: string } {
  const { code } = error as { code?: unknown };
  switch (code) {
    case 21211:
    case 21214:
    case 13224:
      return { code: String(code), message: 'The phone network would not accept this number.' };
    case 21215:
    case 21216:
    case 21217:
      return { code: String(code), message: 'Calls to this number are not allowed from our account.' };
    case 21610:
      return { code: String(code), message: 'This number has asked not to be called by us.' };
    default:
      return { code: typeof code === 'number' ? String(code) : 'dial_failed', message: 'We could not place the call. Please try again later.' };
  }
}

/** Calls waiting to be dialed, and how long the oldest has waited: one query, read by `/metrics` on each scrape. */
export async function dialQueue(db: Db): Promise<{ depth: number; oldestSeconds: number }> {
  const [row] = await db
    .select({ depth: count(), oldestSeconds: sql<number | null>`extract(epoch from now() - min(${calls.createdAt}))`.mapWith(Number) })
    .from(calls)
    .where(and(eq(calls.status, 'queued'), isNull(calls.twilioSid)));
  return { depth: row?.depth ?? 0, oldestSeconds: row?.oldestSeconds ?? 0 };
}

/** One Twilio account's share of the queue: one call at a time is being placed, at most its CPS. */
interface Lane {
  busy: boolean;
  /** When the lane may start its next call (its spacing runs from one claim to the next). */
  nextAt: number;
}

/**
 * The durable dial queue: calls wait in the store as `queued` and are created through Twilio's
 * REST API no faster than their account's CPS, retrying rate limits and server errors with backoff.
 * Each account is a lane: a call is claimed only from a lane that may dial now, so one organisation's
 * backlog on its own account never delays another's calls on theirs.
 */
export class Dialer {
  readonly #options: Required<DialerOptions>;
  #running = false;
  #loop?: Promise<void>;
  readonly #sleeper = new Sleeper();
  readonly #lanes = new Map<string, Lane>();
  readonly #placing = new Set<Promise<void>>();

  constructor(options: DialerOptions) {
    this.#options = { pollMs: 60_000, retryBaseMs: 1000, maxAttempts: 5, leaseSeconds: 120, reconcileEveryMs: 5 * 60_000, metrics: new Metrics(), ...options };
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /**
   * A call was queued: look now instead of at the next poll. When its `lane` (the account it goes through) is
   * known and cannot dial now, there is nothing to look for yet: the lane's placing call wakes us as it ends,
   * and its spacing bounds our sleep. With several replicas every queued call wakes every process.
   */
  wake(lane?: string): void {
    if (lane !== undefined && this.#waitingLanes(Date.now()).includes(lane)) return;
    this.#sleeper.wake();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.wake();
    await this.#loop;
  }

  async #run(): Promise<void> {
    const { log } = this.#options;
    let reconciled = 0;
    while (this.#running) {
      if (Date.now() - reconciled >= this.#options.reconcileEveryMs) {
        reconciled = Date.now();
        await this.#reconcileStale().catch((error) => log(`dialer: cannot reconcile: ${describeError(error).split('\n')[0]}`));
      }
      // The spacing runs from one claim to the next: claiming is part of each cycle, not extra to it.
      const started = Date.now();
      const waiting = this.#waitingLanes(started);
      const claimed = await this.#claimNext(waiting).catch((error) => {
        log(`dialer: cannot read the queue: ${describeError(error).split('\n')[0]}`);
        return null;
      });
      if (!claimed) {
        // Nothing due (undefined) or the store failed (null): sleep until the next call is due, a lane may
        // dial again (a lane that finishes placing wakes us), or the next reconcile.
        const dueInMs = claimed === null ? STORE_RETRY_MS : await this.#nextDueInMs(waiting).catch(() => STORE_RETRY_MS);
        const untilReconcile = reconciled + this.#options.reconcileEveryMs - Date.now();
        // A lane left out of this look for its spacing may dial again now or soon. Its spacing may have run out
        // while the store was read: it counts as 0 then, not as no lane at all (that slept a whole fallback poll).
        const spaced = [...this.#lanes].filter(([sid, lane]) => waiting.includes(sid) && !lane.busy);
        const untilLane = Math.min(...spaced.map(([, lane]) => Math.max(0, lane.nextAt - Date.now())));
        await this.#sleeper.sleep(Math.max(0, Math.min(untilDue(dueInMs, this.#options.pollMs), untilReconcile, untilLane)));
        continue;
      }
      await this.#dispatch(claimed, started);
    }
    await Promise.all(this.#placing);
  }

  /**
   * Starts placing a claimed call in the background, in its account's lane: the lane is busy until it is placed,
   * and may dial again `1/cps` after the claim.
   */
  async #dispatch({ lane: sid, ...call }: Call & { lane: string }, claimedAt: number): Promise<void> {
    const { accounts, log } = this.#options;
    let account = await accounts.forCampaign(call.campaignId).catch(() => undefined);
    // The store has the organisation on another account than remembered: changed in another process.
    if (account && account.accountSid !== sid) {
      accounts.invalidate();
      account = await accounts.forCampaign(call.campaignId).catch(() => undefined);
    }
    const key = account?.accountSid ?? sid;
    const lane = this.#lanes.get(key) ?? { busy: false, nextAt: 0 };
    this.#lanes.set(key, lane);
    lane.busy = true;
    lane.nextAt = claimedAt + 1000 / (account?.cps ?? 1);
    const placing = (async () => {
      // Unreadable (the store is down): its lease runs out and it is claimed again.
      if (!account) throw new Error('cannot read the campaign’s Twilio account');
      await this.#accountSlot(account).catch(() => {});
      await this.#place(call, account);
    })()
      .catch((error) => log(`dialer: call ${call.id}: ${describeError(error).split('\n')[0]}`, { callId: call.id }))
      .finally(() => {
        lane.busy = false;
        this.#placing.delete(placing);
        this.wake();
      });
    this.#placing.add(placing);
  }

  /** Accounts that may not dial now: placing a call, or within their spacing since the last. */
  #waitingLanes(now: number): string[] {
    return [...this.#lanes].filter(([, lane]) => lane.busy || lane.nextAt > now).map(([sid]) => sid);
  }

  /**
   * An account's CPS is the account's, not this process's: each create takes a slot in a window counted
   * in the store, so several processes together stay within it. (One process is already spaced out.)
   */
  async #accountSlot({ accountSid, cps }: Account): Promise<void> {
    const { db } = this.#options;
    const seconds = Math.max(1, Math.ceil(1 / cps));
    const limit = Math.max(1, Math.floor(cps * seconds));
    while (this.#running) {
      const { admitted, all: [usage] } = await reserve(db, [{ key: `dial:account:${accountSid}`, limit, seconds }]);
      if (admitted) return;
      await sleep(usage!.resetIn * 1000);
    }
  }

  /** Calls still live at Twilio by our records but silent for a while: their callbacks were lost. Ask Twilio. */
  async #reconcileStale(): Promise<void> {
    const { db, notifier, log } = this.#options;
    const stale = await db
      .select({ id: calls.id, sid: calls.twilioSid, campaignId: calls.campaignId, direction: calls.direction })
      .from(calls)
      .where(
        and(
          isNotNull(calls.twilioSid),
          notInArray(calls.status, [...FINAL_CALL_STATUSES]),
          lt(calls.updatedAt, sql`now() - make_interval(mins => ${STALE_MINUTES})`),
        ),
      )
      .limit(20);
    for (const { id, sid, campaignId, direction } of stale) {
      const changed = await this.#askTwilio(id, sid!, campaignId, direction).catch((error) => {
        log(`dialer: cannot ask Twilio about call ${id}: ${restFailure(error)}`, { callId: id });
        return false;
      });
      // Touch it either way, so a call Twilio still has live (or could not tell us about) is looked at again only after a while.
      await db.update(calls).set({ updatedAt: sql`now()` }).where(eq(calls.id, id));
      if (changed) notifier.changed(id);
    }
  }

  /**
   * Moves a stale call to the status Twilio has for it. A call Twilio does not know (the emulator's
   * calls die with its process) can never report again: it ends as failed, so no call stays live forever.
   */
  async #askTwilio(id: string, sid: string, campaignId: string, direction: string): Promise<boolean> {
    const { db, accounts } = this.#options;
    const { client } = await accounts.forCampaign(campaignId);
    let now;
    try {
      now = await this.#options.metrics.twilio('fetch', () => client.calls(sid).fetch());
    } catch (error) {
      if ((error as { status?: number }).status !== 404) throw error;
      if (await failCall(db, id, 'call_lost', 'The phone network lost track of this call.')) this.#ended(direction, 'failed');
      return true;
    }
    return this.#advance(id, direction, now);
  }

  /** Moves a call to the status Twilio reports for it, counting it if that ends it. */
  async #advance(id: string, direction: string, { status, duration }: CallInstance): Promise<boolean> {
    const moved = await advanceCallStatus(this.#options.db, id, status, duration === null ? undefined : Number(duration));
    if (moved && isFinal(status)) this.#ended(direction, status);
    return moved;
  }

  #ended(direction: string, status: string): void {
    this.#options.metrics.callEnded(direction === 'inbound' ? 'inbound' : 'outbound', status);
  }

  /** Queued calls not in the `waiting` accounts' lanes. */
  #inOpenLanes(waiting: string[]) {
    const queued = and(eq(calls.status, 'queued'), isNull(calls.twilioSid));
    return waiting.length ? and(queued, notInArray(this.#options.accounts.laneOfCall(), waiting)) : queued;
  }

  /** In how many ms the earliest queued call of an open lane is due (a retry's backoff, an expired lease); null: none queued. */
  async #nextDueInMs(waiting: string[]): Promise<number | null> {
    const [row] = await this.#options.db
      .select({ inMs: sql<number | null>`extract(epoch from min(${calls.dialAfter}) - now()) * 1000`.mapWith(Number) })
      .from(calls)
      .where(this.#inOpenLanes(waiting));
    return row?.inMs ?? null;
  }

  /** Reserves the oldest due call of an account that may dial now; SKIP LOCKED lets several processes share the queue. */
  async #claimNext(waiting: string[]): Promise<(Call & { lane: string }) | undefined> {
    const { db, accounts } = this.#options;
    const due = db
      .select({ id: calls.id })
      .from(calls)
      .where(and(this.#inOpenLanes(waiting), lte(calls.dialAfter, sql`now()`)))
      .orderBy(asc(calls.dialAfter))
      .limit(1)
      .for('update', { skipLocked: true });
    const [call] = await db
      .update(calls)
      .set({
        dialAttempts: sql`${calls.dialAttempts} + 1`,
        dialAfter: sql`now() + make_interval(secs => ${this.#options.leaseSeconds})`,
        updatedAt: sql`now()`,
      })
      .where(inArray(calls.id, due))
      .returning({ ...getTableColumns(calls), lane: accounts.laneOfCall() });
    return call;
  }

  async #place(call: Call, { client, callerId }: Account): Promise<void> {
    const { db, publicUrl, notifier, log } = this.#options;
    const base = `${publicUrl}/twiml/calls/${call.id}`;
    try {
      if (!call.phone) throw Object.assign(new Error('the number is no longer stored'), { status: 400 });
      const placed =
        call.dialAttempts > 1
          ? await this.#placedBefore(call, call.phone, client).catch((error) => {
              // Unverifiable: better a possible second ring than a supporter never called.
              log(`dialer: call ${call.id}: cannot list earlier calls: ${restFailure(error)}`, { callId: call.id });
              return undefined;
            })
          : undefined;
      if (placed) {
        log(`dialer: call ${call.id} was placed by an earlier attempt (${placed.sid}); not dialing again`, { callId: call.id });
        await db.update(calls).set({ twilioSid: placed.sid, updatedAt: sql`now()` }).where(eq(calls.id, call.id));
        // Its status callbacks may have found no process to take them: go by what Twilio says of it now.
        await this.#advance(call.id, call.direction, placed);
        notifier.changed(call.id);
        return;
      }
      const campaign = await findCampaign(db, call.campaignId);
      const params = {
        to: call.phone,
        from: campaign?.settings.callerId ?? callerId,
        url: `${base}/answer`,
        method: 'POST',
        statusCallback: `${base}/status`,
        statusCallbackMethod: 'POST',
        statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
        timeout: 30,
      };
      const created = await this.#options.metrics.twilio('create', () => client.calls.create(params));
      await db.update(calls).set({ twilioSid: created.sid, updatedAt: sql`now()` }).where(eq(calls.id, call.id));
    } catch (error) {
      log(`dialer: call ${call.id} attempt ${call.dialAttempts}: ${restFailure(error)}`, { callId: call.id });
      if (isRetryable(error) && call.dialAttempts < this.#options.maxAttempts) {
        const delayMs = Math.min(60_000, this.#options.retryBaseMs * 2 ** (call.dialAttempts - 1));
        await db
          .update(calls)
          .set({ dialAfter: sql`now() + make_interval(secs => ${delayMs / 1000})`, updatedAt: sql`now()` })
          .where(eq(calls.id, call.id));
        return;
      }
      const { code, message } = describe(error);
      if (await failCall(db, call.id, code, message)) this.#ended(call.direction, 'failed');
    }
    notifier.changed(call.id);
  }

  /**
   * A retry may follow an attempt whose outcome we never learned (the process died between Twilio
   * accepting the call and us storing its sid, and the call's callbacks found nobody). Twilio has no
   * idempotency key for calls, so ask it: an outbound call to this number since ours was queued, that
   * no other call of ours has claimed, is ours.
   */
  async #placedBefore(call: Call, phone: string, client: Account['client']): Promise<CallInstance | undefined> {
    const { db } = this.#options;
    // By number only, newest first: a call still waiting in Twilio's own queue has no start time yet.
    const recent = (await this.#options.metrics.twilio('list', () => client.calls.list({ to: phone, limit: 50 }))).filter(
      (placed) => placed.direction === 'outbound-api' && placed.dateCreated.getTime() >= call.createdAt.getTime() - 5_000,
    );
    if (!recent.length) return undefined;
    const sids = recent.map((placed) => placed.sid);
    const claimed = new Set((await db.select({ sid: calls.twilioSid }).from(calls).where(inArray(calls.twilioSid, sids))).map((row) => row.sid));
    return recent.filter((placed) => !claimed.has(placed.sid)).sort((a, b) => a.dateCreated.getTime() - b.dateCreated.getTime())[0];
  }
}
