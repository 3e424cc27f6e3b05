import { type CampaignWithList, type CustomTarget, isRouted } from '../campaigns/campaigns.ts';
import type { Targeting } from '../campaigns/settings.ts';
import type { CongressLookup, CongressMember, ZipLocation } from '../congress/lookup.ts';
import { normalizeZip } from '../congress/lookup.ts';
import { districtId, parseDistrict, stateOfDistrict } from '../congress/district.ts';
import { ordinal } from '../congress/ordinal.ts';
import { stateName } from '../congress/states.ts';
import { ApiError } from '../errors.ts';
import { seededShuffle } from './order.ts';
import type { Office, Target } from './target.ts';

/** The Capitol switchboard: it transfers to any member's office when we have no direct number. */
export const CAPITOL_SWITCHBOARD = '+12022243121';

export interface TargetLookup {
  targets: Target[];
  location: { zip: string; state: string; districts: string[] } | null;
  /** The ZIP spans districts and none was chosen. */
  split: boolean;
  /** Anything the caller should know: a vacant seat, a ZIP placed only by state. */
  notes: string[];
  /** A split ZIP under the `ask` policy: each district to choose from, with its representative (null: vacant). */
  choices?: DistrictChoice[];
}

export interface DistrictChoice {
  district: string;
  representative: Pick<Target, 'id' | 'name' | 'title' | 'party'> | null;
}

export interface Where {
  zip?: string;
  district?: string;
  /** Seeds "shuffle" orders (the caller's number hash); without it the preview keeps the plain order. */
  seed?: string;
  /** The language names and notes are written in (the campaign's when unset). */
  lang?: 'en' | 'es';
}

const invalidZip = (message: string) => new ApiError(422, 'invalid_zip', message, 'zip');

/**
 * A member as a target: the office the campaign dials first (Washington, or the first district office),
 * with their other offices as `fallbacks` (district offices in the data's order, then Washington), which
 * the call is planned with (targets/offices.ts).
 */
export function memberTarget(member: CongressMember, office: Targeting['office']): Target {
  // Offices sharing a line (one number for two cities) are one office to try.
  const districts = member.offices
    .filter(({ phone }, i) => phone !== member.phone && member.offices.findIndex((other) => other.phone === phone) === i)
    .map(({ city, phone }): Office => ({ phone, office: `district office in ${city}` }));
  const washington = member.phone ? [{ phone: member.phone, office: 'Washington office' }] : [];
  const [first, ...fallbacks] =
    office === 'district' && districts.length ? [...districts, ...washington] : [{ phone: member.phone ?? CAPITOL_SWITCHBOARD }, ...districts];
  return {
    id: member.id,
    name: member.name,
    title: member.title,
    party: member.party,
    state: member.state,
    ...(member.district === null ? {} : { district: districtId(member.state, member.district) }),
    ...first!,
    ...(fallbacks.length ? { fallbacks } : {}),
  };
}

/** "the office of the Senator from Florida", "la oficina del distrito 20 de Florida en la Cámara de Representantes". */
function seatName(member: CongressMember, lang: 'en' | 'es'): string {
  const state = stateName(member.state, lang);
  if (lang === 'es') {
    if (member.district === null) return `la oficina de ${state} en el Senado`;
    return member.district === 0 ? `la oficina de ${state} en la Cámara de Representantes` : `la oficina del distrito ${member.district} de ${state} en la Cámara de Representantes`;
  }
  if (member.district === null) return `the office of the Senator from ${state}`;
  const role = { 'Del.': 'Delegate', 'Res. Comm.': 'Resident Commissioner' }[member.title as string] ?? 'Representative';
  if (member.district === 0) return `the office of the ${role} for ${state}`;
  return `the office of the ${role} for ${state}'s ${ordinal(member.district)} district`;
}

/**
 * A seat whose holder's term (as the data has it) is over: we do not know who holds it now, so we reach its
 * office through the Capitol switchboard, which transfers by seat. The id names the seat, not the person:
 * `FL-S2` (the state's second senator in the data), or the district id.
 */
function seatTarget(congress: CongressLookup, member: CongressMember, lang: 'en' | 'es'): Target {
  const seat = member.district === null
    ? `${member.state}-S${congress.senators(member.state).indexOf(member) + 1}`
    : districtId(member.state, member.district);
  return {
    id: seat,
    name: seatName(member, lang),
    title: '',
    state: member.state,
    ...(member.district === null ? {} : { district: seat }),
    phone: CAPITOL_SWITCHBOARD,
    office: lang === 'es' ? 'a través de la centralita del Capitolio' : 'through the Capitol switchboard',
  };
}

function endedTermNote(member: CongressMember, lang: 'en' | 'es'): string {
  return lang === 'es'
    ? `El mandato de ${member.name} terminó el ${member.termEnd} y nuestros datos aún no dicen quién ocupa el escaño: le comunicaremos con ${seatName(member, 'es')} a través de la centralita del Capitolio.`
    : `${member.name}'s term ended on ${member.termEnd} and our data does not yet say who holds the seat now: you will reach ${seatName(member, 'en')} through the Capitol switchboard.`;
}

export function locate(congress: CongressLookup, zip: string | undefined): ZipLocation {
  if (!zip) throw invalidZip('Enter your ZIP code so we can find whom you should call.');
  const five = normalizeZip(zip);
  if (!five) throw invalidZip('A ZIP code has 5 digits, like 94110.');
  const location = congress.locate(five);
  if (!location) throw invalidZip(`We could not find ZIP code ${five}.`);
  return location;
}

function chooseDistrict(location: ZipLocation, input: string | undefined): string | undefined {
  if (input === undefined || input === '') return undefined;
  const district = parseDistrict(input);
  if (!district || !location.districts.includes(district)) {
    const choices = location.districts.join(', ') || 'none';
    throw new ApiError(422, 'invalid_district', `District ${input} is not one of ZIP ${location.zip}'s (${choices}).`, 'district');
  }
  return district;
}

/** The caller's members of Congress, filtered and ordered as the campaign says. */
function congressTargets(congress: CongressLookup, targeting: Targeting, location: ZipLocation, district: string | undefined, { seed, lang = 'en' }: Where) {
  const notes: string[] = [];
  const senate = targeting.congress === 'house' ? [] : [...congress.senators(location.state)];
  const house: CongressMember[] = [];
  if (targeting.congress !== 'senate') {
    // A split ZIP lists its representatives only when the campaign calls them all; otherwise they are the caller's choice.
    const candidates = district ? [district] : location.split && targeting.split !== 'all' ? [] : location.districts;
    if (location.source === 'zip-prefix' && !location.districts.length) {
      notes.push(`ZIP ${location.zip} could not be placed in a district, so only your senators are listed.`);
    }
    for (const id of candidates) {
      const seat = congress.representative(id);
      if (seat && 'vacant' in seat) notes.push(`The House seat for ${id} is vacant.`);
      else if (seat) house.push(seat);
    }
  }
  // Whoever holds a seat whose term has ended is unknown, so is their party: a party's own list leaves the seat out.
  const inParty = (member: CongressMember, party: string) => member.caucus === party && !congress.termEnded(member);
  const keep = (member: CongressMember) =>
    (!targeting.only || targeting.only.includes(member.id)) &&
    (targeting.party?.mode !== 'only' || inParty(member, targeting.party.party));
  const shuffled = (members: CongressMember[]) => (seed ? seededShuffle(members, seed) : members);
  let members: CongressMember[];
  switch (targeting.order) {
    case 'shuffle':
      members = shuffled([...senate, ...house]);
      break;
    case 'senate-first':
      members = [...shuffled(senate), ...shuffled(house)];
      break;
    case 'house-first':
      members = [...shuffled(house), ...shuffled(senate)];
      break;
    default:
      members = [...senate, ...house];
  }
  members = members.filter(keep);
  if (targeting.party?.mode === 'first') {
    const party = targeting.party.party;
    members = [...members.filter((m) => inParty(m, party)), ...members.filter((m) => !inParty(m, party))];
  }
  const targets = members.map((member) => {
    if (!congress.termEnded(member)) return memberTarget(member, targeting.office);
    notes.push(endedTermNote(member, lang));
    return seatTarget(congress, member, lang);
  });
  return { targets, notes };
}

/** Call-in: the representatives a split ZIP's caller chooses from by keypad, in district order. */
export function candidateRepresentatives(congress: CongressLookup, location: ZipLocation): Pick<Target, 'title' | 'name'>[] {
  return location.districts.map((district) => {
    const seat = congress.representative(district);
    if (!seat || 'vacant' in seat) return { title: '', name: `the vacant seat for ${district}` };
    return congress.termEnded(seat) ? { title: '', name: seatName(seat, 'en') } : { title: seat.title, name: seat.name };
  });
}

function combine(placement: Targeting['customPlacement'], local: Target[], custom: Target[]): Target[] {
  switch (placement) {
    case 'before':
      return [...custom, ...local];
    case 'instead':
      return custom;
    case 'fallback':
      return local.length ? local : custom;
    default:
      return [...local, ...custom];
  }
}

/**
 * Whether a caller at a split ZIP must choose a district before calling. Only Congress campaigns ask: an own
 * list routed by district reaches all of the ZIP's districts until one is chosen.
 */
export function asksForDistrict(targeting: Targeting): boolean {
  // A Senate campaign dials the state's senators whatever the district: asking would be a question with no use.
  return targeting.split === 'ask' && (targeting.congress === 'both' || targeting.congress === 'house');
}

/** Whether whom a caller reaches depends on where they are: their members of Congress, or an own list routed by place. */
export function needsLocation({ campaign, custom }: CampaignWithList): boolean {
  return Boolean(campaign.settings.targets.congress) || custom.some(isRouted);
}

/**
 * Whether a routed target serves a caller at `location`. Before a split ZIP's caller chooses a district,
 * any of its districts (and states) counts: they are all where the caller may be.
 */
function serves(target: CustomTarget, location: ZipLocation, district: string | undefined): boolean {
  if (target.zips) return target.zips.includes(location.zip);
  if (target.district) return district ? target.district === district : location.districts.includes(target.district);
  if (target.state) return district ? target.state === stateOfDistrict(district) : location.states.includes(target.state);
  return true;
}

/** What a call stores and the widget sees of an own target: the routing list stays behind. */
const asTarget = ({ zips: _zips, ...target }: CustomTarget): Target => target;

/**
 * Whom a caller at `where` dials for a campaign, decided on the server from the campaign's settings,
 * its own list and the caller's location only.
 */
export function resolveTargets(congress: CongressLookup, snapshot: CampaignWithList, where: Where): TargetLookup {
  const targeting = snapshot.campaign.settings.targets;
  const ordered = (list: CustomTarget[]) => (targeting.order === 'shuffle' && where.seed ? seededShuffle(list, where.seed) : list).map(asTarget);
  const cap = (targets: Target[]) => targets.slice(0, targeting.max ?? targets.length);
  if (!needsLocation(snapshot)) return { targets: cap(ordered(snapshot.custom)), location: null, split: false, notes: [] };

  const location = locate(congress, where.zip);
  const district = chooseDistrict(location, where.district);
  const custom = ordered(snapshot.custom.filter((target) => serves(target, location, district)));
  const local = targeting.congress
    ? congressTargets(congress, targeting, location, district, { lang: snapshot.campaign.settings.locale, ...where })
    : { targets: [], notes: [] };
  if (targeting.congress && location.split && !district && /\d{9}/.test(where.zip!.replace(/\D/g, ''))) {
    local.notes.push('Open district data stops at the 5-digit ZIP code, so your ZIP+4 cannot narrow it down: choose your district.');
  }
  const split = location.split && !district;
  return {
    targets: cap(targeting.congress ? combine(targeting.customPlacement, local.targets, custom) : custom),
    location: { zip: location.zip, state: location.state, districts: [...location.districts] },
    split,
    notes: local.notes,
    ...(split && asksForDistrict(targeting)
      ? { choices: districtChoices(congress, location, where.lang ?? snapshot.campaign.settings.locale) }
      : {}),
  };
}

/** A split ZIP's districts, each with its representative, for the caller to choose from. */
function districtChoices(congress: CongressLookup, location: ZipLocation, lang: 'en' | 'es'): DistrictChoice[] {
  return location.districts.map((district) => {
    const seat = congress.representative(district);
    if (!seat || 'vacant' in seat) return { district, representative: null };
    if (congress.termEnded(seat)) return { district, representative: { id: district, name: seatName(seat, lang), title: '' } };
    return { district, representative: { id: seat.id, name: seat.name, title: seat.title, party: seat.party } };
  });
}
