/**
 * Waits after each failed attempt: 8 attempts over about a day, so a receiver that is down for an
 * afternoon (a deploy, an outage) still gets every event.
 */
export const RETRY_DELAYS_MS = [30_000, 120_000, 600_000, 3_600_000, 3 * 3_600_000, 6 * 3_600_000, 12 * 3_600_000] as const;

export interface Backoff {
  delaysMs: readonly number[];
  /** Each wait is spread by up to ±this fraction, so a receiver's backlog does not return all at once. */
  jitter: number;
}

export const DEFAULT_BACKOFF: Backoff = { delaysMs: RETRY_DELAYS_MS, jitter: 0.2 };

/** Attempts in all: the first plus one per delay. */
export const maxAttempts = ({ delaysMs }: Backoff) => delaysMs.length + 1;

/** The wait after failed attempt `attempt` (1-based), or undefined when it was the last. */
export function retryDelayMs(attempt: number, { delaysMs, jitter }: Backoff, random: () => number = Math.random): number | undefined {
  const base = delaysMs[attempt - 1];
  if (base === undefined) return undefined;
  return Math.round(base * (1 + jitter * (2 * random() - 1)));
}
