import { districtId } from './district.ts';
import type { CongressLookup } from './lookup.ts';
import { ordinal } from './ordinal.ts';

const DAY_MS = 86_400_000;

/** A member the data still lists whose term is over: their seat is dialed through the Capitol switchboard. */
export interface EndedTerm {
  /** Bioguide id. */
  id: string;
  name: string;
  title: string;
  state: string;
  /** The House district id; absent for senators. */
  district?: string;
  termEnd: string;
}

export interface Freshness {
  congress: number;
  asOf: string;
  /** The date terms are judged against (the server's clock, or CONGRESS_CLOCK). */
  today: string;
  ageDays: number;
  stale: boolean;
  endedTerms: EndedTerm[];
  /** Why the data should be rebuilt (`npm run data:build -- --download`), if it should. */
  warning?: string;
}

/**
 * How old the Congress data is, and whether members may have changed since: a new Congress, too many days,
 * or terms that have ended while the data still lists their holders.
 */
export function congressFreshness(congress: Pick<CongressLookup, 'meta' | 'today' | 'endedTerms'>, maxAgeDays: number): Freshness {
  const { meta } = congress;
  const today = congress.today();
  const ageDays = Math.floor((Date.parse(today) - Date.parse(meta.asOf)) / DAY_MS);
  const endedTerms = congress.endedTerms().map((member): EndedTerm => {
    const { id, name, title, state, district, termEnd } = member;
    return { id, name, title, state, ...(district === null ? {} : { district: districtId(state, district) }), termEnd };
  });
  const ended = today >= meta.congress.end;
  const tooOld = ageDays > maxAgeDays;
  const terms = endedTerms.length === 1 ? "member's term has ended, so the seat is" : "members' terms have ended, so their seats are";
  const reasons = [
    ended ? `the ${ordinal(meta.congress.number)} Congress ended on ${meta.congress.end}` : '',
    tooOld ? `the member data is ${ageDays} days old (as of ${meta.asOf}; limit ${maxAgeDays})` : '',
    endedTerms.length ? `${endedTerms.length} ${terms} dialed through the Capitol switchboard` : '',
  ].filter(Boolean);
  return {
    congress: meta.congress.number,
    asOf: meta.asOf,
    today,
    ageDays,
    stale: reasons.length > 0,
    endedTerms,
    ...(reasons.length ? { warning: `REBUILD THE CONGRESS DATA: ${reasons.join('; ')}. Run npm run data:build -- --download and restart.` } : {}),
  };
}
