import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A worker loop's idle wait, cut short by `wake()`. A wake that comes while the loop is busy (reading
 * its queue, which may have missed the row that caused the wake) ends the next sleep at once: no
 * wake is lost between a look at the queue and the sleep after it.
 */
export class Sleeper {
  #woken = false;
  #alarm = new AbortController();

  wake(): void {
    this.#woken = true;
    this.#alarm.abort();
  }

  async sleep(ms: number): Promise<void> {
    if (!this.#woken) await sleep(ms, undefined, { signal: this.#alarm.signal }).catch(() => {});
    this.#woken = false;
    this.#alarm = new AbortController();
  }
}

/**
 * A queue's next due row is already due but was not claimable: another process has it locked while
 * claiming it (the claim then moves its due time on). Look again after this, not in a tight loop.
 */
const CLAIMED_ELSEWHERE_MS = 250;

/**
 * How long an idle worker sleeps: until its queue's next row comes due (`dueInMs`, from the store;
 * undefined when the queue is empty), but no longer than `fallbackMs`, the poll for anything a lost
 * notification did not tell it of.
 */
export function untilDue(dueInMs: number | null | undefined, fallbackMs: number): number {
  if (dueInMs === null || dueInMs === undefined) return fallbackMs;
  return Math.min(fallbackMs, dueInMs > 0 ? Math.ceil(dueInMs) : CLAIMED_ELSEWHERE_MS);
}
