import pg from 'pg';
import { describeError } from '../errors.ts';
import type { Logger } from '../log.ts';

/** The channels the store's triggers notify (migrations 0008_queue_notifications.sql, 0012_call_change_notifications.sql). */
export const CHANNELS = {
  /** A call joined the dial queue or came due sooner. */
  dialQueue: 'call_power_dial',
  /** A webhook event joined the outbox or came due sooner. */
  webhookOutbox: 'call_power_webhooks',
  /** A call, or one of its legs, changed in a way its event stream shows; the payload is the call's id. */
  callChanged: 'call_power_call',
} as const;

/**
 * Told of each NOTIFY on its channel, from this process or any other on the same database. `undefined`:
 * notifications may have been missed (the connection was lost and is back), so look for yourself.
 */
export type Listener = (payload: string | undefined) => void;

/** Stops one listener. */
export type Unlisten = () => Promise<void>;

/** Between attempts to re-make a lost connection: doubling from the first to the last. */
const RETRY_MS = { first: 250, last: 30_000 };

/**
 * PostgreSQL's notifications for the whole process over one connection of its own (a pooled client
 * cannot LISTEN: it goes back to the pool and its next user may end it), fanned out to every listener.
 * A lost connection is re-made with backoff; it LISTENs again, and listeners hear `undefined`.
 */
export class PostgresNotifications {
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #connectionString: string;
  readonly #log: Logger;
  /** The connection, once made and listening; undefined while down. */
  #client?: pg.Client;
  #connecting?: Promise<void>;
  #retry?: NodeJS.Timeout;
  #retryMs = RETRY_MS.first;
  #lost = false;
  #closed = false;

  constructor(connectionString: string, log: Logger) {
    this.#connectionString = connectionString;
    this.#log = log;
  }

  /** Resolves once `fn` is listening (or, with the connection down, will be as soon as it is back). */
  async listen(channel: string, fn: Listener): Promise<Unlisten> {
    const fns = this.#listeners.get(channel) ?? new Set();
    const first = !fns.size;
    this.#listeners.set(channel, fns.add(fn));
    if (first) {
      // The first listener connects; while the connection is lost, the reconnect LISTENs to every channel.
      if (!this.#client && !this.#lost) await (this.#connecting ??= this.#connect());
      // Connected before this channel was added, or LISTENing to it already (harmless): LISTEN now.
      await this.#client?.query(`LISTEN ${pg.escapeIdentifier(channel)}`).catch(() => {});
    }
    return async () => {
      fns.delete(fn);
      if (fns.size || this.#listeners.get(channel) !== fns) return;
      this.#listeners.delete(channel);
      await this.#client?.query(`UNLISTEN ${pg.escapeIdentifier(channel)}`).catch(() => {});
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    await this.#connecting;
    await this.#client?.end().catch(() => {});
    this.#client = undefined;
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.#connectionString,
      application_name: 'call-power notifications',
      // A connection that dies without a word (a dropped route) is noticed by TCP, not by a poll of ours.
      keepAlive: true,
    });
    client.on('notification', ({ channel, payload }) => this.#tell(channel, payload));
    client.on('error', () => this.#drop(client));
    client.on('end', () => this.#drop(client));
    try {
      await client.connect();
      for (const channel of this.#listeners.keys()) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (error) {
      await client.end().catch(() => {});
      this.#connecting = undefined;
      this.#retryLater(describeError(error).split('\n')[0]!);
      return;
    }
    this.#connecting = undefined;
    if (this.#closed) return void (await client.end().catch(() => {}));
    this.#client = client;
    this.#retryMs = RETRY_MS.first;
    if (this.#lost) {
      this.#lost = false;
      this.#log('store: notification connection back');
      for (const channel of this.#listeners.keys()) this.#tell(channel, undefined);
    }
  }

  #drop(client: pg.Client): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    void client.end().catch(() => {});
    this.#retryLater('connection lost');
  }

  #retryLater(why: string): void {
    if (this.#closed) return;
    if (!this.#lost) this.#log(`store: notification connection: ${why}; until it is back, workers find new work by polling`);
    this.#lost = true;
    const delay = this.#retryMs;
    this.#retryMs = Math.min(RETRY_MS.last, delay * 2);
    this.#retry = setTimeout(() => void (this.#connecting ??= this.#connect()), delay).unref();
  }

  #tell(channel: string, payload: string | undefined): void {
    for (const fn of this.#listeners.get(channel) ?? []) {
      try {
        fn(payload);
      } catch (error) {
        this.#log(`store: a listener on ${channel} failed: ${describeError(error).split('\n')[0]}`);
      }
    }
  }
}
