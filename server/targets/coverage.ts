import type { CustomTarget } from '../campaigns/campaigns.ts';
import { stateOfDistrict } from '../congress/district.ts';
import type { CongressLookup } from '../congress/lookup.ts';

/** How far a routed target reaches, for organisers checking their list. */
export interface Coverage {
  /** ZIPs it is offered at: those listed, or those (with a ZCTA) the data places in its state or district. */
  zips: number;
  states: string[];
  /** Listed ZIPs no state has, or a district the data does not have: no caller reaches the target through them. */
  unknown?: string[];
}

interface ZipCounts {
  byState: Map<string, number>;
  byDistrict: Map<string, number>;
}

const counted = new WeakMap<CongressLookup, ZipCounts>();

/** ZIPs per state and per district, counted once per dataset. */
function zipCounts(congress: CongressLookup): ZipCounts {
  const known = counted.get(congress);
  if (known) return known;
  const counts: ZipCounts = { byState: new Map(), byDistrict: new Map() };
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  for (const [, place] of congress.zctas()) {
    place.states.forEach((state) => bump(counts.byState, state));
    place.districts.forEach((district) => bump(counts.byDistrict, district));
  }
  counted.set(congress, counts);
  return counts;
}

/** A routed target's reach; undefined for a target offered to every caller. */
export function coverage(congress: CongressLookup, target: CustomTarget): Coverage | undefined {
  if (target.zips) {
    const places = target.zips.map((zip) => congress.locate(zip));
    const unknown = target.zips.filter((_, i) => !places[i]);
    const states = [...new Set(places.flatMap((place) => place?.states ?? []))];
    return { zips: target.zips.length, states, ...(unknown.length ? { unknown } : {}) };
  }
  if (target.district) {
    const zips = zipCounts(congress).byDistrict.get(target.district) ?? 0;
    return { zips, states: [stateOfDistrict(target.district)], ...(congress.representative(target.district) ? {} : { unknown: [target.district] }) };
  }
  if (target.state) return { zips: zipCounts(congress).byState.get(target.state) ?? 0, states: [target.state] };
  return undefined;
}
