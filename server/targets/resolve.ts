import type { CampaignWithList } from '../campaigns/campaigns.ts';
import type { Targeting } from '../campaigns/settings.ts';
import type { CongressLookup, CongressMember, ZipLocation } from '../congress/lookup.ts';
import { normalizeZip } from '../congress/lookup.ts';
import { districtId, parseDistrict } from '../congress/district.ts';
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

export function locate(congress: CongressLookup, zip: string | undefined): ZipLocation {
  if (!zip) throw invalidZip('Enter your ZIP code so we can find your members of Congress.');
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
function congressTargets(congress: CongressLookup, targeting: Targeting, location: ZipLocation, district: string | undefined, seed: string | undefined) {
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
  const keep = (member: CongressMember) =>
    (!targeting.only || targeting.only.includes(member.id)) &&
    (targeting.party?.mode !== 'only' || member.caucus === targeting.party.party);
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
    members = [...members.filter((m) => m.caucus === party), ...members.filter((m) => m.caucus !== party)];
  }
  return { targets: members.map((member) => memberTarget(member, targeting.office)), notes };
}

/** Call-in: the representatives a split ZIP's caller chooses from by keypad, in district order. */
export function candidateRepresentatives(congress: CongressLookup, location: ZipLocation): Pick<Target, 'title' | 'name'>[] {
  return location.districts.map((district) => {
    const seat = congress.representative(district);
    return seat && !('vacant' in seat) ? { title: seat.title, name: seat.name } : { title: '', name: `the vacant seat for ${district}` };
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
 * Whom a caller at `where` dials for a campaign, decided on the server from the campaign's settings,
 * its own list and the caller's location only.
 */
export function resolveTargets(congress: CongressLookup, { campaign, custom: list }: CampaignWithList, where: Where): TargetLookup {
  const targeting = campaign.settings.targets;
  const custom = targeting.order === 'shuffle' && where.seed ? seededShuffle(list, where.seed) : list;
  const cap = (targets: Target[]) => targets.slice(0, targeting.max ?? targets.length);
  if (!targeting.congress) return { targets: cap(custom), location: null, split: false, notes: [] };

  const location = locate(congress, where.zip);
  const district = chooseDistrict(location, where.district);
  const local = congressTargets(congress, targeting, location, district, where.seed);
  if (location.split && !district && /\d{9}/.test(where.zip!.replace(/\D/g, ''))) {
    local.notes.push('Open district data stops at the 5-digit ZIP code, so your ZIP+4 cannot narrow it down: choose your district.');
  }
  const split = location.split && !district;
  return {
    targets: cap(combine(targeting.customPlacement, local.targets, custom)),
    location: { zip: location.zip, state: location.state, districts: [...location.districts] },
    split,
    notes: local.notes,
    ...(split && targeting.split === 'ask' && targeting.congress !== 'senate' ? { choices: districtChoices(congress, location) } : {}),
  };
}

/** A split ZIP's districts, each with its representative, for the caller to choose from. */
function districtChoices(congress: CongressLookup, location: ZipLocation): DistrictChoice[] {
  return location.districts.map((district) => {
    const seat = congress.representative(district);
    return { district, representative: seat && !('vacant' in seat) ? { id: seat.id, name: seat.name, title: seat.title, party: seat.party } : null };
  });
}
