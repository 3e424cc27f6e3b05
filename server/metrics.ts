import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ApiError } from './errors.ts';

/** What `/metrics` reads from the store on each scrape (the dial queue), and its pool when on PostgreSQL. */
export interface MetricSources {
  dialQueue?: () => Promise<{ depth: number; oldestSeconds: number }>;
  pool?: { totalCount: number; idleCount: number; waitingCount: number };
}

/** Seconds: most requests and REST calls take milliseconds, a slow store or Twilio a few seconds. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * This process's counters for `/metrics`. Each app gets its own registry (not prom-client's global one),
 * so tests can run several servers in one process. Labels are bounded sets only — route patterns, statuses,
 * reasons — never ids, tokens or numbers.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({ name: 'callpower_http_requests_total', help: 'HTTP requests by route pattern and status', labelNames: ['method', 'route', 'status'] as const, registers: [this.registry] });
  readonly httpDuration = new Histogram({ name: 'callpower_http_request_duration_seconds', help: 'HTTP request latency by route pattern', labelNames: ['method', 'route'] as const, buckets: LATENCY_BUCKETS, registers: [this.registry] });
  readonly callsCreated = new Counter({ name: 'callpower_calls_created_total', help: 'Calls accepted', labelNames: ['direction'] as const, registers: [this.registry] });
  readonly callsCompleted = new Counter({ name: 'callpower_calls_completed_total', help: 'Calls that ended completed', labelNames: ['direction'] as const, registers: [this.registry] });
  readonly callsFailed = new Counter({ name: 'callpower_calls_failed_total', help: 'Calls that ended otherwise (busy, no-answer, failed, canceled)', labelNames: ['direction', 'status'] as const, registers: [this.registry] });
  readonly legs = new Counter({ name: 'callpower_legs_total', help: 'Office legs ended, by DialCallStatus', labelNames: ['status'] as const, registers: [this.registry] });
  readonly twilioDuration = new Histogram({ name: 'callpower_twilio_rest_duration_seconds', help: 'Twilio REST request latency', labelNames: ['operation'] as const, buckets: LATENCY_BUCKETS, registers: [this.registry] });
  readonly twilioErrors = new Counter({ name: 'callpower_twilio_rest_errors_total', help: 'Twilio REST errors by Twilio error code (or "network")', labelNames: ['operation', 'code'] as const, registers: [this.registry] });
  readonly webhookDeliveries = new Counter({ name: 'callpower_webhook_deliveries_total', help: 'Campaign webhook delivery attempts by outcome', labelNames: ['outcome'] as const, registers: [this.registry] });
  readonly refusals = new Counter({ name: 'callpower_rate_limit_refusals_total', help: 'Calls refused by a limit (phone, network, campaign, offices) or the blocklist (blocked)', labelNames: ['reason'] as const, registers: [this.registry] });
  readonly eventStreams = new Gauge({ name: 'callpower_event_streams_open', help: 'Call event streams open in this process', registers: [this.registry] });

  /** Registers what is read on scrape: the dial queue (one query), the store's pool, and Node's process metrics. */
  observe({ dialQueue, pool }: MetricSources): void {
    collectDefaultMetrics({ register: this.registry });
    if (dialQueue) {
      // One query serves both gauges: the first collected reads it, the second reuses it within the scrape.
      let reading: Promise<{ depth: number; oldestSeconds: number }> | undefined;
      const read = () => (reading ??= dialQueue().finally(() => setImmediate(() => (reading = undefined))));
      new Gauge({ name: 'callpower_dial_queue_depth', help: 'Calls waiting to be dialed', registers: [this.registry], async collect() { this.set((await read()).depth); } });
      new Gauge({ name: 'callpower_dial_queue_oldest_seconds', help: 'Age of the oldest call waiting to be dialed', registers: [this.registry], async collect() { this.set((await read()).oldestSeconds); } });
    }
    if (pool) {
      const gauge = (name: string, help: string, value: () => number) => new Gauge({ name, help, registers: [this.registry], collect() { this.set(value()); } });
      gauge('callpower_store_pool_connections', 'PostgreSQL pool connections open', () => pool.totalCount);
      gauge('callpower_store_pool_idle', 'PostgreSQL pool connections idle', () => pool.idleCount);
      gauge('callpower_store_pool_waiting', 'Queries waiting for a PostgreSQL pool connection', () => pool.waitingCount);
    }
  }

  /** A call reached a final status. */
  callEnded(direction: 'inbound' | 'outbound', status: string): void {
    if (status === 'completed') this.callsCompleted.inc({ direction });
    else this.callsFailed.inc({ direction, status });
  }

  /** Counts an admission refusal (429 by reason, 403 as `blocked`) and rethrows it: for `.catch()` after `admitCall`. */
  readonly refused = (error: unknown): never => {
    if (error instanceof ApiError && (error.status === 429 || error.status === 403)) {
      this.refusals.inc({ reason: error.status === 403 ? 'blocked' : String(error.facts?.reason ?? 'unknown') });
    }
    throw error;
  };

  /** Times one Twilio REST request, counting its error code if it fails. */
  async twilio<T>(operation: string, request: () => Promise<T>): Promise<T> {
    const end = this.twilioDuration.startTimer({ operation });
    try {
      return await request();
    } catch (error) {
      const { code } = error as { code?: unknown };
      this.twilioErrors.inc({ operation, code: typeof code === 'number' ? String(code) : 'network' });
      throw error;
    } finally {
      end();
    }
  }
}
