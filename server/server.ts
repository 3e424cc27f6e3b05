import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { createApp } from './app.ts';
import { ensureDemoCampaign } from './campaigns/demo.ts';
import { Dialer, type DialerOptions, dialQueue } from './calls/dialer.ts';
import { CallNotifier } from './calls/notifier.ts';
import type { Config } from './config.ts';
import { type CongressLookup, loadCongress } from './congress/lookup.ts';
import type { AppDeps } from './deps.ts';
import { createEmulator, type Emulator, type EmulatorOptions } from './emulator/index.ts';
import { createLogger, type Logger } from './log.ts';
import { Metrics } from './metrics.ts';
import { Janitor } from './janitor.ts';
import { Blocklist } from './limits/blocklist.ts';
import { capConnectionsPerAddress } from './limits/connections.ts';
import { loadSecretKey } from './secret.ts';
import { CallAgainScheduler } from './supporters/scheduler.ts';
import { openStore, type Store } from './store/db.ts';
import { CHANNELS } from './store/notifications.ts';
import { TwilioAccounts } from './telephony/accounts.ts';
import { type DelivererOptions, WebhookDeliverer } from './webhooks/deliverer.ts';

export interface StartOptions {
  /** An open store to use (tests share one per file); otherwise one is opened from the config. */
  store?: Store;
  congress?: CongressLookup;
  log?: Logger;
  /** Tune the emulator (demo mode only): speed, how callers and offices behave. */
  emulator?: Partial<EmulatorOptions>;
  dialer?: Pick<DialerOptions, 'pollMs' | 'retryBaseMs' | 'leaseSeconds' | 'reconcileEveryMs'>;
  /** Tune webhook delivery (tests: fast polling, short backoff and timeout). */
  webhooks?: Omit<DelivererOptions, 'db' | 'log'>;
  /** The call-again schedule's clock and polling (tests move the clock and call `scheduler.tick()`). */
  scheduler?: { now?: () => Date; pollMs?: number };
}

export interface RunningServer {
  url: string;
  config: Config;
  app: Hono;
  deps: AppDeps;
  emulator?: Emulator;
  scheduler: CallAgainScheduler;
  close(): Promise<void>;
}

/**
 * How often the dial queue and webhook worker look at the store with nothing waking them: for
 * notifications lost while PostgreSQL's listening connection was down. PGlite's come in-process and
 * cannot be lost, and each look costs its own CPU (the store runs in this process): a rare safety net only.
 */
const FALLBACK_POLL_MS = { postgres: 60_000, pglite: 10 * 60_000 };

/** How long a stopping server lets requests in flight finish before it cuts their connections. */
const DRAIN_MS = 5000;

/**
 * A request (headers and body) must arrive within 15 s, not Node's 300 s: a client trickling bytes
 * would otherwise hold a connection for minutes. Responses (event streams) are not limited by this.
 * Node checks every `connectionsCheckingInterval`, so a trickler is cut within 15–20 s; checking every
 * second, even with no connection open, cost an idle server 0.1 % of a core (half its budget, issue 13).
 */
const SLOW_CLIENT_LIMITS = { requestTimeout: 15_000, headersTimeout: 15_000, connectionsCheckingInterval: 5000 };

/**
 * How long a request that arrives while the server is starting waits for it. Twilio retries a webhook
 * whose connection is refused but not one answered 503, and waits 15 s for an answer: within that, a
 * restart's webhooks are served late rather than lost.
 */
const STARTING_WAIT_MS = 10_000;

/**
 * Listens, then wires everything. With `PORT=0` the real port is known only after listening,
 * and webhook URLs (and their signatures) are built from it. Requests that arrive in between wait.
 */
export async function startServer(initial: Config, options: StartOptions = {}): Promise<RunningServer> {
  const log = options.log ?? createLogger(initial.logFormat);
  let app: Hono | undefined;
  let started!: (app: Hono) => void;
  const whenStarted = new Promise<Hono>((resolve) => (started = resolve));
  const afterStart = async (request: Request, env: unknown) => {
    const ready = await Promise.race([whenStarted, sleep(STARTING_WAIT_MS, undefined, { ref: false })]);
    return ready ? ready.fetch(request, env) : new Response('starting', { status: 503, headers: { 'Retry-After': '5' } });
  };
  const server = serve({
    // `env` carries Node's request and socket: the client's address is read from it.
    fetch: (request, env) => (app ? app.fetch(request, env) : afterStart(request, env)),
    port: initial.port,
    hostname: initial.host,
    serverOptions: SLOW_CLIENT_LIMITS,
  }) as Server;
  if (!initial.trustedProxyHeader) capConnectionsPerAddress(server, initial.maxConnectionsPerIp, log);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const { port } = server.address() as AddressInfo;
  const config = initial.port === 0 ? withPort(initial, port) : initial;

  const ownStore = !options.store;
  const store = options.store ?? (await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, log }));
  const congress = options.congress ?? loadCongress({ clock: config.congressClock });
  const secretKey = await loadSecretKey(store.db, config.secretKey);
  const emulator = config.demo
    ? createEmulator({
        accountSid: config.twilio.accountSid,
        authToken: config.twilio.authToken,
        legSeconds: config.demoLegSeconds,
        log,
        ...options.emulator,
      })
    : undefined;
  if (config.demo) await ensureDemoCampaign(store.db);

  const metrics = new Metrics();
  metrics.observe({ pool: store.pool, dialQueue: () => dialQueue(store.db) });
  const notifier = new CallNotifier();
  const accounts = new TwilioAccounts({ db: store.db, secretKey, server: config.twilio, apiUrl: config.twilio.apiUrl });
  const dialer = new Dialer({
    db: store.db,
    accounts,
    publicUrl: config.publicUrl,
    notifier,
    log,
    metrics,
    pollMs: FALLBACK_POLL_MS[store.kind],
    ...options.dialer,
  });
  const blocklist = new Blocklist(store.db);
  const stopping = new AbortController();
  const deps: AppDeps = { config, store, notifier, accounts, congress, blocklist, secretKey, log, metrics, stopping: stopping.signal };
  const deliverer = new WebhookDeliverer({ db: store.db, log, metrics, allowPrivate: config.allowPrivateWebhooks, pollMs: FALLBACK_POLL_MS[store.kind], ...options.webhooks });
  // Work queued by any process (this one included) wakes the workers, so they need not poll for it.
  // Listening before they start: nothing queued from then on waits for their fallback poll.
  const unlisten = await Promise.all([
    // The payload is the queued call's lane: its organisation's Twilio account, '' for the server's.
    store.listen(CHANNELS.dialQueue, (lane) => dialer.wake(lane || accounts.server.accountSid)),
    store.listen(CHANNELS.webhookOutbox, () => deliverer.wake()),
    // A call changed on any replica: its event streams here re-read it (a webhook may land on another process).
    store.listen(CHANNELS.callChanged, (callId) => (callId ? notifier.changed(callId) : notifier.everyChanged())),
  ]);
  app = createApp(deps, { emulator });
  started(app);
  dialer.start();
  const scheduler = new CallAgainScheduler({ db: store.db, congress, blocklist, secretKey, log, metrics, ...options.scheduler });
  scheduler.start();
  deliverer.start();
  const janitor = new Janitor({ db: store.db, log, retentionDays: config.retentionDays });
  janitor.start();

  return {
    url: `http://localhost:${port}`,
    config,
    app,
    deps,
    emulator,
    scheduler,
    async close() {
      // Readiness turns 503 and the event streams end with a retry hint (their clients reconnect to
      // whichever process serves next); no new dial is claimed, so calls still queued wait in the store
      // for another process; then no new connections, and requests in flight get a few seconds to finish.
      stopping.abort();
      const dialsStopped = Promise.all([scheduler.stop(), dialer.stop()]);
      const closed = new Promise((resolve) => server.close(resolve));
      // Keep-alive connections go idle between requests: close each as soon as it does.
      const closeIdle = setInterval(() => server.closeIdleConnections(), 50);
      server.closeIdleConnections();
      const drained = await Promise.race([closed.then(() => true), sleep(DRAIN_MS, undefined, { ref: false }).then(() => false)]);
      clearInterval(closeIdle);
      if (!drained) server.closeAllConnections();
      await Promise.all(unlisten.map((stop) => stop()));
      await Promise.all([dialsStopped, janitor.stop(), deliverer.stop()]);
      await emulator?.close();
      await closed;
      if (ownStore) await store.close();
      if ('flush' in log && typeof log.flush === 'function') log.flush();
    },
  };
}

function withPort(config: Config, port: number): Config {
  const atPort = (url?: string) => url?.replace(/:0$/, `:${port}`);
  return { ...config, port, publicUrl: atPort(config.publicUrl)!, twilio: { ...config.twilio, apiUrl: atPort(config.twilio.apiUrl) } };
}
