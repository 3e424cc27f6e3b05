import type { DatasetMeta } from './dataset.ts';

const DAY_MS = 86_400_000;

export interface Freshness {
  congress: number;
  asOf: string;
  ageDays: number;
  stale: boolean;
  /** Why the data should be rebuilt (`npm run data:build -- --download`), if it should. */
  warning?: string;
}

/** How old the Congress data is, and whether members may have changed since (a new Congress, or too many days). */
export function congressFreshness(meta: DatasetMeta, maxAgeDays: number, now = new Date()): Freshness {
  const ageDays = Math.floor((now.getTime() - Date.parse(meta.asOf)) / DAY_MS);
  const ended = now.getTime() >= Date.parse(meta.congress.end);
  const tooOld = ageDays > maxAgeDays;
  const reasons = [
    ended ? `the ${meta.congress.number}th Congress ended on ${meta.congress.end}` : '',
    tooOld ? `the member data is ${ageDays} days old (as of ${meta.asOf}; limit ${maxAgeDays})` : '',
  ].filter(Boolean);
  return {
    congress: meta.congress.number,
    asOf: meta.asOf,
    ageDays,
    stale: reasons.length > 0,
    ...(reasons.length ? { warning: `${reasons.join(' and ')}: rebuild it with npm run data:build -- --download` } : {}),
  };
}
