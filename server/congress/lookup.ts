import { type DatasetMeta, type MemberRow, readDataset } from './dataset.ts';
import { districtId, parseDistrict, stateOfDistrict } from './district.ts';
import { stateForZip } from './zip-prefixes.ts';
import { fromRoot } from '../paths.ts';

export interface CongressMember {
  /** Bioguide id. */
  id: string;
  name: string;
  title: 'Sen.' | 'Rep.' | 'Del.' | 'Res. Comm.';
  chamber: 'senate' | 'house';
  /** `D`, `R` or `I`. */
  party: string;
  /** The party an independent caucuses with; the party itself otherwise. */
  caucus: string;
  state: string;
  /** 0 = at-large, delegate or resident commissioner; null for senators. */
  district: number | null;
  /** Washington office, E.164; null when the data has none yet (the chamber switchboard is the fallback). */
  phone: string | null;
  termEnd: string;
  offices: readonly { city: string; phone: string }[];
}

export interface VacantSeat { vacant: true; district: string }

export interface ZipLocation {
  /** The 5-digit ZIP (a ZIP+4 is cut to it: no open data places ZIP+4 codes in districts). */
  zip: string;
  /** The state the ZIP's USPS prefix names when the ZCTA lies in it, else the first of `states`. */
  state: string;
  states: readonly string[];
  /** District ids (see district.ts), `state`'s first. */
  districts: readonly string[];
  /** `zip-prefix`: no ZCTA, placed by USPS prefix, so districts are known only for at-large states. */
  source: 'zcta' | 'zip-prefix' | 'territory';
  split: boolean;
}

export interface CongressLookup {
  meta: DatasetMeta;
  /** Time taken to read, validate and index the file. */
  loadMs: number;
  /** null when the input is not a ZIP or no state has its prefix. */
  locate(zip: string): ZipLocation | null;
  /** Senior senator first; none for DC and the territories. */
  senators(state: string): readonly CongressMember[];
  /** Takes any form `parseDistrict` reads; undefined for a district that does not exist. */
  representative(district: string): CongressMember | VacantSeat | undefined;
  member(id: string): CongressMember | undefined;
  /** Every ZIP with a ZCTA and where it lies (ZIPs placed only by prefix are not listed). */
  zctas(): Iterable<readonly [zip: string, place: Pick<ZipLocation, 'states' | 'districts'>]>;
  /** Today (YYYY-MM-DD, UTC) by the lookup's clock: terms are judged against it. */
  today(): string;
  /**
   * Whether a member's term (as the data has it) is over by the lookup's clock. Terms end at noon on their
   * last day (20th Amendment), so on that day the seat is already treated as changing hands.
   */
  termEnded(member: CongressMember): boolean;
  /** Members whose term has ended by the lookup's clock: the data is behind, and their seats go through the switchboard. */
  endedTerms(): readonly CongressMember[];
}

export interface LoadOptions {
  file?: string;
  /** Milliseconds since 1970, as `Date.now` (the default); set in tests, or by CONGRESS_CLOCK to rehearse a term's end. */
  clock?: () => number;
}

const DEFAULT_FILE = fromRoot('server/congress/congress-data.json');
/** The island territories have no ZCTAs: their ZIPs are placed by prefix, always in their one seat. */
const TERRITORIES = ['AS', 'GU', 'MP', 'VI'];
const ZIP = /^(\d{5})(?:-?\d{4})?$/;

/** `12345`, `12345-6789` or `123456789` (surrounding spaces allowed) → `12345`; anything else → null. */
export function normalizeZip(input: string): string | null {
  return ZIP.exec(input.trim())?.[1] ?? null;
}

function toMember([id, name, title, party, caucus, state, district, phone, termEnd, offices]: MemberRow): CongressMember {
  return Object.freeze({
    id, name, title, party, caucus, state, district, phone, termEnd,
    chamber: title === 'Sen.' ? 'senate' : 'house',
    offices: Object.freeze(offices.map(([city, officePhone]) => Object.freeze({ city, phone: officePhone }))),
  });
}

type Place = Omit<ZipLocation, 'zip' | 'source'>;

export function loadCongress({ file = DEFAULT_FILE, clock = Date.now }: LoadOptions = {}): CongressLookup {
  const started = performance.now();
  const today = () => new Date(clock()).toISOString().slice(0, 10);
  const data = readDataset(file);
  const members = data.members.map(toMember);
  const byId = new Map(members.map((member) => [member.id, member]));
  const senatorsByState = new Map<string, CongressMember[]>();
  const seats = new Map<string, CongressMember | VacantSeat>();
  for (const member of members) {
    if (member.district === null) senatorsByState.set(member.state, [...(senatorsByState.get(member.state) ?? []), member]);
    else seats.set(districtId(member.state, member.district), member);
  }
  senatorsByState.forEach((senators) => Object.freeze(senators));
  const addSeat = (district: string) => {
    if (!seats.has(district)) seats.set(district, Object.freeze({ vacant: true, district }));
  };
  TERRITORIES.forEach((state) => addSeat(districtId(state, 0)));

  const places = new Map<string, Place>();
  for (const [key, zips] of Object.entries(data.zctas)) {
    const districts = Object.freeze(key.split(' '));
    districts.forEach(addSeat);
    const states = Object.freeze([...new Set(districts.map(stateOfDistrict))]);
    const place = Object.freeze({ state: states[0]!, states, districts, split: districts.length > 1 });
    for (const zip of zips.split(' ')) places.set(zip, place);
  }
  const districtsByState = new Map<string, string[]>();
  for (const district of seats.keys()) {
    const state = stateOfDistrict(district);
    districtsByState.set(state, [...(districtsByState.get(state) ?? []), district]);
  }
  const atLarge = new Map([...districtsByState].filter(([, districts]) => districts.length === 1).map(([state, districts]) => [state, Object.freeze(districts)]));

  return {
    meta: data.meta,
    loadMs: performance.now() - started,
    locate(input) {
      const zip = normalizeZip(input);
      if (zip === null) return null;
      const place = places.get(zip);
      if (place) return { zip, ...place, source: 'zcta' };
      const state = stateForZip(zip);
      if (state === undefined) return null;
      return {
        zip, state, states: Object.freeze([state]), districts: atLarge.get(state) ?? Object.freeze([]), split: false,
        source: TERRITORIES.includes(state) ? 'territory' : 'zip-prefix',
      };
    },
    senators: (state) => senatorsByState.get(state.toUpperCase()) ?? [],
    representative(district) {
      const id = parseDistrict(district);
      return id === null ? undefined : seats.get(id);
    },
    member: (id) => byId.get(id),
    today,
    termEnded: (member) => member.termEnd <= today(),
    endedTerms() {
      const day = today();
      return members.filter((member) => member.termEnd <= day);
    },
    zctas: () => places.entries(),
  };
}
