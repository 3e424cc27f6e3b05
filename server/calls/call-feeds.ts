import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log.ts';
import { describeError } from '../errors.ts';
import type { CallNotifier } from './notifier.ts';

/** What every watcher of one call is told: the call as the widget sees it (undefined: no such call). */
export type Snapshot<View> = { view: View | undefined; json: string };

export interface CallFeedsOptions<View> {
  load(callId: string): Promise<View | undefined>;
  notifier: CallNotifier;
  log: Logger;
  /**
   * Re-read a watched call this often even when not told of a change: a safety net only. Every change,
   * from any process, is told through the store's `call_changed` notifications (migration 0012), and a
   * lost listening connection wakes every feed when it is back.
   */
  pollMs?: number;
}

interface Feed<View> {
  listeners: Set<(snapshot: Snapshot<View>) => void>;
  stop(): void;
}

/**
 * One source per watched call, shared by all its event streams: a call is read from the store once
 * per change (or poll), however many streams follow it, and not at all once nobody does.
 */
export class CallFeeds<View> {
  readonly #feeds = new Map<string, Feed<View>>();
  readonly #options: Required<CallFeedsOptions<View>>;

  constructor(options: CallFeedsOptions<View>) {
    this.#options = { pollMs: 60_000, ...options };
  }

  /** Calls `listener` with each read of the call until the returned function is called. */
  watch(callId: string, listener: (snapshot: Snapshot<View>) => void): () => void {
    let feed = this.#feeds.get(callId);
    if (!feed) {
      feed = this.#start(callId);
      this.#feeds.set(callId, feed);
    }
    const watched = feed;
    watched.listeners.add(listener);
    return () => {
      watched.listeners.delete(listener);
      if (watched.listeners.size || this.#feeds.get(callId) !== watched) return;
      this.#feeds.delete(callId);
      watched.stop();
    };
  }

  /** Calls being watched now (for tests and health checks). */
  get size(): number {
    return this.#feeds.size;
  }

  #start(callId: string): Feed<View> {
    const { load, notifier, log, pollMs } = this.#options;
    const listeners = new Set<(snapshot: Snapshot<View>) => void>();
    let stopped = false;
    let wake = new AbortController();
    const unsubscribe = notifier.subscribe(callId, () => wake.abort());
    void (async () => {
      while (!stopped) {
        try {
          const view = await load(callId);
          const snapshot = { view, json: view === undefined ? '' : JSON.stringify(view) };
          for (const listener of listeners) listener(snapshot);
        } catch (error) {
          log(`events: cannot read call ${callId}: ${describeError(error).split('\n')[0]}`); // try again at the next poll
        }
        await sleep(pollMs, undefined, { signal: wake.signal }).catch(() => {});
        wake = new AbortController();
      }
      unsubscribe();
    })();
    return {
      listeners,
      stop() {
        stopped = true;
        wake.abort();
      },
    };
  }
}
