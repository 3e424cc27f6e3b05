import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import { describeError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { Metrics } from '../metrics.ts';
import { Sleeper, untilDue } from '../sleeper.ts';
import type { Db } from '../store/db.ts';
import { campaigns, webhookAttempts, webhookEvents } from '../store/schema.ts';
import type { OutboxEvent } from './events.ts';
import { lookupAll, PrivateAddressError, type Resolve } from './address.ts';
import { type Backoff, DEFAULT_BACKOFF, maxAttempts, retryDelayMs } from './backoff.ts';
import { postWebhook } from './post.ts';
import type { WebhookSettings } from './settings.ts';
import { webhookHeaders } from './signature.ts';

export interface DelivererOptions {
  db: Db;
  log: Logger;
  /** Where to count what it does (`/metrics`); by default counts nobody reads. */
  metrics?: Metrics;
  /**
   * The fallback poll: how often to look for due events if nothing wakes us. A new event wakes every
   * process (the store notifies), and a retry's own due time ends the sleep; this is for a lost notification.
   */
  pollMs?: number;
  /** A receiver that has not answered by then has failed this attempt. */
  timeoutMs?: number;
  backoff?: Backoff;
  /** Deliveries in flight at once, so one slow receiver does not hold up the others. */
  concurrency?: number;
  /** WEBHOOK_ALLOW_PRIVATE: deliver to private and loopback addresses too (on-premises receivers, tests). */
  allowPrivate?: boolean;
  /** How receivers' names resolve (tests point one at loopback); each address it gives is checked unless `allowPrivate`. */
  resolve?: Resolve;
}

/** After a store error, look at the outbox again this soon: the store may be back. */
const STORE_RETRY_MS = 1000;

/** How long a claimed event is reserved for this process; well over the request timeout. */
const LEASE_SECONDS = 60;

/** What one attempt came to. */
interface Outcome {
  statusCode?: number;
  error?: string;
  /** No later attempt can succeed (the campaign dropped its webhook). */
  final?: boolean;
}

const succeeded = ({ statusCode }: Outcome) => statusCode !== undefined && statusCode >= 200 && statusCode < 300;

/** Why a request got no answer, in our words: error messages may quote the URL, which may hold a token. */
function describeFailure(error: unknown): string {
  if (error instanceof PrivateAddressError) return error.message;
  const { code } = error as { code?: unknown };
  return typeof code === 'string' ? `connection failed (${code})` : 'connection failed';
}

/**
 * The webhook delivery worker: claims due events from the outbox (SKIP LOCKED, so every server process
 * can run one), POSTs them signed to their campaign's URL, and records each attempt; failures are
 * retried with backoff until the last attempt, then the event is `failed`.
 */
export class WebhookDeliverer {
  readonly #options: Required<DelivererOptions>;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #stopping = new AbortController();
  #running = false;
  #loop?: Promise<void>;
  readonly #sleeper = new Sleeper();

  constructor(options: DelivererOptions) {
    this.#options = { pollMs: 60_000, timeoutMs: 10_000, backoff: DEFAULT_BACKOFF, concurrency: 8, allowPrivate: false, resolve: lookupAll, metrics: new Metrics(), ...options };
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Look now instead of at the next poll (a delivery finished, or we are stopping). */
  wake(): void {
    this.#sleeper.wake();
  }

  /** Stops claiming, interrupts requests in flight (recorded as failed attempts, retried later) and waits for them. */
  async stop(): Promise<void> {
    this.#running = false;
    this.wake();
    await this.#loop;
    this.#stopping.abort();
    await Promise.allSettled(this.#inFlight);
  }

  async #run(): Promise<void> {
    const { concurrency, log, pollMs } = this.#options;
    while (this.#running) {
      const free = concurrency - this.#inFlight.size;
      // Every slot busy: a finished delivery wakes us.
      if (free <= 0) {
        await this.#sleeper.sleep(pollMs);
        continue;
      }
      let claimed;
      try {
        claimed = await this.#claim(free);
      } catch (error) {
        log(`webhooks: cannot read the outbox: ${describeError(error).split('\n')[0]}`);
        await this.#sleeper.sleep(STORE_RETRY_MS);
        continue;
      }
      for (const { event, webhook } of claimed) {
        const delivery = this.#deliver(event, webhook)
          .catch((error) => log(`webhooks: event ${event.id}: ${describeError(error).split('\n')[0]}`))
          .finally(() => {
            this.#inFlight.delete(delivery);
            this.wake();
          });
        this.#inFlight.add(delivery);
      }
      // Fewer due than free slots: nothing else is due until the outbox's next due time.
      if (claimed.length < free) await this.#sleeper.sleep(untilDue(await this.#nextDueInMs().catch(() => STORE_RETRY_MS), pollMs));
    }
  }

  /** In how many ms the earliest pending event is due (a retry's backoff, an expired lease); null: none pending. */
  async #nextDueInMs(): Promise<number | null> {
    const [row] = await this.#options.db
      .select({ inMs: sql<number | null>`extract(epoch from min(${webhookEvents.nextAttemptAt}) - now()) * 1000`.mapWith(Number) })
      .from(webhookEvents)
      .where(eq(webhookEvents.status, 'pending'));
    return row?.inMs ?? null;
  }

  /** Reserves up to `limit` due events, oldest first, with their campaign's current webhook. */
  async #claim(limit: number): Promise<{ event: OutboxEvent; webhook?: WebhookSettings }[]> {
    const { db } = this.#options;
    const due = db
      .select({ id: webhookEvents.id })
      .from(webhookEvents)
      .where(and(eq(webhookEvents.status, 'pending'), lte(webhookEvents.nextAttemptAt, sql`now()`)))
      .orderBy(asc(webhookEvents.nextAttemptAt), asc(webhookEvents.seq))
      .limit(limit)
      .for('update', { skipLocked: true });
    const events = await db
      .update(webhookEvents)
      .set({
        attempts: sql`${webhookEvents.attempts} + 1`,
        nextAttemptAt: sql`now() + make_interval(secs => ${LEASE_SECONDS})`,
        updatedAt: sql`now()`,
      })
      .where(inArray(webhookEvents.id, due))
      .returning();
    if (!events.length) return [];
    const owners = await db
      .select({ id: campaigns.id, settings: campaigns.settings })
      .from(campaigns)
      .where(inArray(campaigns.id, [...new Set(events.map((event) => event.campaignId))]));
    const webhookOf = new Map(owners.map((owner) => [owner.id, owner.settings.webhook]));
    return events.map((event) => ({ event, webhook: webhookOf.get(event.campaignId) }));
  }

  /** One attempt: the campaign's current URL and secret (a rotated secret signs pending events too). */
  async #deliver(event: OutboxEvent, webhook: WebhookSettings | undefined): Promise<void> {
    const started = performance.now();
    const outcome = webhook ? await this.#post(event, webhook) : { error: 'the campaign no longer has a webhook', final: true };
    await this.#settle(event, outcome, Math.round(performance.now() - started));
  }

  async #post(event: OutboxEvent, { url, secret }: WebhookSettings): Promise<Outcome> {
    const { timeoutMs, allowPrivate, resolve } = this.#options;
    const body = JSON.stringify(event.phone ? { ...event.payload, phone: event.phone } : event.payload);
    // Our own timer, not AbortSignal.any([AbortSignal.timeout(…), …]): Node's timeout holds its signal
    // weakly (https://github.com/whatwg/dom/pull/1032), and with only the request holding the composed
    // signal it was collected before firing here, leaving a request to a silent receiver hanging for good.
    const abort = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, timeoutMs);
    const stop = () => abort.abort();
    this.#stopping.signal.addEventListener('abort', stop);
    try {
      // A redirect is not a delivery (postWebhook does not follow it): a receiver that moved must be re-configured.
      const statusCode = await postWebhook(new URL(url), {
        headers: webhookHeaders({ secret, type: event.type, eventId: event.id, body }),
        body,
        signal: abort.signal,
        allowPrivate,
        resolve,
      });
      return { statusCode, ...(succeeded({ statusCode }) ? {} : { error: `HTTP ${statusCode}` }) };
    } catch (error) {
      if (timedOut) return { error: `no answer within ${timeoutMs / 1000} s` };
      return { error: abort.signal.aborted ? 'interrupted: the server was stopping' : describeFailure(error) };
    } finally {
      clearTimeout(timer);
      this.#stopping.signal.removeEventListener('abort', stop);
    }
  }

  /**
   * Records the attempt and moves the event on: delivered, retried later, or failed after the last
   * attempt. A delivered or failed event no longer needs the caller's number, so it is dropped then.
   */
  async #settle(event: OutboxEvent, outcome: Outcome, durationMs: number): Promise<void> {
    const { db, backoff, log, metrics } = this.#options;
    const delay = succeeded(outcome) || outcome.final ? undefined : retryDelayMs(event.attempts, backoff);
    const status = succeeded(outcome) ? 'delivered' : delay === undefined ? 'failed' : 'pending';
    await db.transaction(async (tx) => {
      await tx.insert(webhookAttempts).values({ eventId: event.id, attempt: event.attempts, statusCode: outcome.statusCode, error: outcome.error, durationMs });
      await tx
        .update(webhookEvents)
        .set({
          status,
          lastError: outcome.error ?? null,
          updatedAt: sql`now()`,
          ...(status === 'pending' ? { nextAttemptAt: sql`now() + make_interval(secs => ${delay! / 1000})` } : { phone: null }),
          ...(status === 'delivered' ? { deliveredAt: sql`now()` } : {}),
        })
        // Only while our claim stands: past its lease another process may own the event.
        .where(and(eq(webhookEvents.id, event.id), eq(webhookEvents.status, 'pending'), eq(webhookEvents.attempts, event.attempts)));
    });
    metrics.webhookDeliveries.inc({ outcome: status === 'pending' ? 'retried' : status });
    if (status === 'delivered') return;
    const next = status === 'failed' ? 'failed' : `retry in ${Math.round(delay! / 1000)} s`;
    log(`webhooks: ${event.type} ${event.id} of ${event.campaignId}: ${outcome.error} (attempt ${event.attempts} of ${maxAttempts(backoff)}; ${next})`);
  }
}
