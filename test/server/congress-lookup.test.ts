import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { parseDistrict } from '../../server/congress/district.ts';
import { type CongressMember, loadCongress, normalizeZip } from '../../server/congress/lookup.ts';

const congress = loadCongress();
const RAW = resolve(import.meta.dirname, '../../../shared/data');
const noRaw = existsSync(RAW) ? false : `needs the raw data in ${RAW}`;
const SNAPSHOT = '2026-06-15';

/** The answer computed straight from the raw files, sharing no code with the build or the lookup. */
function oracle() {
  const rows = readFileSync(resolve(RAW, 'zccd.csv'), 'utf8').trim().split(/\r?\n/).slice(1).map((line) => line.split(','));
  const districts = new Map<string, Set<string>>();
  for (const [, state, zcta, cd] of rows) {
    districts.set(zcta!, (districts.get(zcta!) ?? new Set()).add(`${state}-${cd === '0' ? 'AL' : cd}`));
  }
  const states = (zcta: string) => new Set([...districts.get(zcta)!].map((d) => d.slice(0, 2)));
  const prefixStates = new Map<string, Map<string, number>>();
  for (const zcta of districts.keys()) {
    const [state, ...others] = states(zcta);
    if (others.length > 0) continue;
    const counts = prefixStates.get(zcta.slice(0, 3)) ?? new Map<string, number>();
    prefixStates.set(zcta.slice(0, 3), counts.set(state!, (counts.get(state!) ?? 0) + 1));
  }
  /** The state most single-state ZCTAs with this 3-digit prefix lie in. */
  const prefixState = (zip: string) => [...(prefixStates.get(zip.slice(0, 3)) ?? [])].sort((a, b) => b[1] - a[1])[0]?.[0];

  type Term = { type: string; end: string; state: string; district?: number; party: string; caucus?: string; phone?: string; state_rank?: string };
  type Person = { id: { bioguide: string }; name: { first: string; last: string; official_full?: string }; terms: Term[] };
  type Offices = { id: { bioguide: string }; offices: { city?: string; phone?: string }[] };
  const people = (JSON.parse(readFileSync(resolve(RAW, 'legislators-current.json'), 'utf8')) as Person[])
    .filter((person) => person.terms.at(-1)!.end > SNAPSHOT);
  const offices = new Map((JSON.parse(readFileSync(resolve(RAW, 'legislators-district-offices.json'), 'utf8')) as Offices[])
    .map((person) => [person.id.bioguide, person.offices]));
  const term = (person: Person) => person.terms.at(-1)!;
  const e164 = (phone: string) => `+1${phone.replace(/\D/g, '')}`;
  const letter = (party: string) => ({ Democrat: 'D', Republican: 'R', Independent: 'I' })[party];
  const expected = (person: Person): CongressMember => {
    const t = term(person);
    return {
      id: person.id.bioguide,
      name: person.name.official_full ?? `${person.name.first} ${person.name.last}`,
      title: t.type === 'sen' ? 'Sen.' : t.state === 'PR' ? 'Res. Comm.' : ['DC', 'GU', 'VI', 'AS', 'MP'].includes(t.state) ? 'Del.' : 'Rep.',
      chamber: t.type === 'sen' ? 'senate' : 'house',
      party: letter(t.party)!,
      caucus: letter(t.caucus ?? t.party)!,
      state: t.state,
      district: t.type === 'sen' ? null : t.district!,
      phone: t.phone ? e164(t.phone) : null,
      termEnd: t.end,
      offices: (offices.get(person.id.bioguide) ?? []).filter((o) => o.phone).map((o) => ({ city: o.city!, phone: e164(o.phone!) })),
    };
  };
  const senators = (state: string) => people.filter((p) => term(p).type === 'sen' && term(p).state === state)
    .sort((a, b) => (term(a).state_rank === 'senior' ? -1 : term(b).state_rank === 'senior' ? 1 : 0));
  const representative = (district: string) => people.find((p) => {
    const t = term(p);
    return t.type === 'rep' && `${t.state}-${t.district === 0 ? 'AL' : t.district}` === district;
  });
  return { districts, states, prefixState, people, expected, senators, representative };
}
const raw = noRaw ? undefined : oracle();

/** mulberry32: a fixed seed gives the same sample on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sorted = (items: Iterable<string>) => [...items].sort();
const seat = (district: string) => congress.representative(district);
const memberAt = (district: string) => {
  const found = seat(district);
  assert.ok(found && !('vacant' in found), `${district} should have a member`);
  return found;
};

describe('locate against the raw ZCTA table', { skip: noRaw }, () => {
  test('every ZCTA gets exactly its districts and states', () => {
    for (const [zcta, districts] of raw!.districts) {
      const location = congress.locate(zcta)!;
      assert.equal(location.source, 'zcta');
      assert.deepEqual(sorted(location.districts), sorted(districts), zcta);
      assert.deepEqual(sorted(location.states), sorted(raw!.states(zcta)), zcta);
      assert.equal(location.split, districts.size > 1, zcta);
      assert.equal(location.districts[0]!.slice(0, 2), location.state, `${zcta}: the primary state's districts come first`);
    }
  });

  test('a cross-state ZCTA is placed in the state of its ZIP prefix', () => {
    const crossState = [...raw!.districts.keys()].filter((zcta) => raw!.states(zcta).size > 1);
    assert.equal(crossState.length, 109);
    for (const zcta of crossState) {
      const states = raw!.states(zcta);
      const prefix = raw!.prefixState(zcta);
      assert.equal(congress.locate(zcta)!.state, prefix && states.has(prefix) ? prefix : sorted(states)[0], zcta);
    }
    assert.deepEqual(congress.locate('02861')!.states, ['RI', 'MA']);
    assert.equal(congress.locate('89019')!.state, 'NV');
  });

  test('a seeded sample of 5,000 ZCTAs resolves to the same senators and representatives as the raw files', () => {
    const zctas = [...raw!.districts.keys()];
    const next = random(4);
    for (let i = 0; i < 5000; i++) {
      const zcta = zctas[Math.floor(next() * zctas.length)]!;
      const location = congress.locate(zcta)!;
      for (const state of location.states) {
        assert.deepEqual(congress.senators(state), raw!.senators(state).map(raw!.expected), `${zcta} senators of ${state}`);
      }
      for (const district of location.districts) {
        const person = raw!.representative(district);
        assert.deepEqual(seat(district), person ? raw!.expected(person) : { vacant: true, district }, `${zcta} ${district}`);
      }
    }
  });

  test('every current member is there as the raw files have them', () => {
    assert.equal(raw!.people.length, 537);
    for (const person of raw!.people) assert.deepEqual(congress.member(person.id.bioguide), raw!.expected(person));
  });

  test('a ZIP with no ZCTA falls back to the state its prefix is used for, senators only', () => {
    const next = random(11);
    const atLarge = new Set(['AK', 'DE', 'ND', 'SD', 'VT', 'WY', 'DC', 'PR']);
    let checked = 0;
    while (checked < 3000) {
      const zip = String(Math.floor(next() * 100000)).padStart(5, '0');
      const expectedState = raw!.prefixState(zip);
      if (raw!.districts.has(zip) || expectedState === undefined) continue;
      const location = congress.locate(zip)!;
      assert.equal(location.source, 'zip-prefix', zip);
      assert.equal(location.state, expectedState, zip);
      assert.deepEqual(location.districts, atLarge.has(expectedState) ? [`${expectedState}-AL`] : [], zip);
      assert.equal(location.split, false);
      checked++;
    }
  });

  test('271 ZCTAs touch a vacant seat and 94 lie only in vacant seats, as the data README counts', () => {
    const vacant = (district: string) => seat(district) !== undefined && 'vacant' in seat(district)!;
    const touching = [...raw!.districts.keys()].filter((zcta) => congress.locate(zcta)!.districts.some(vacant));
    assert.equal(touching.length, 271);
    assert.equal(touching.filter((zcta) => congress.locate(zcta)!.districts.every(vacant)).length, 94);
  });
});

describe('special cases', () => {
  test('a single-district ZIP: two senators and one representative', () => {
    const location = congress.locate('05401')!;
    assert.deepEqual(location, { zip: '05401', state: 'VT', states: ['VT'], districts: ['VT-AL'], split: false, source: 'zcta' });
    assert.deepEqual(congress.senators('VT').map((m) => m.name), ['Bernard Sanders', 'Peter Welch']);
    assert.deepEqual(congress.senators('VT').map((m) => [m.party, m.caucus]), [['I', 'D'], ['D', 'D']]);
    assert.equal(memberAt('VT-AL').name, 'Becca Balint');
  });

  test('split ZIPs list every candidate', () => {
    assert.deepEqual(congress.locate('90210')!.districts, ['CA-30', 'CA-32', 'CA-36']);
    assert.deepEqual(congress.locate('02139')!.districts, ['MA-5', 'MA-7']);
    assert.equal(congress.locate('02139')!.split, true);
  });

  test('each vacant seat is reported vacant and its state keeps two senators', () => {
    for (const [district, zcta] of [['CA-14', '94541'], ['FL-20', '33311'], ['GA-13', '30236'], ['TX-23', '78840']] as const) {
      assert.deepEqual(seat(district), { vacant: true, district });
      assert.ok(congress.locate(zcta)!.districts.includes(district), `${zcta} in ${district}`);
      assert.equal(congress.senators(district.slice(0, 2)).length, 2);
    }
  });

  test('a member without a phone keeps phone null', () => {
    const gallagher = congress.member('G000607')!;
    assert.equal(gallagher.phone, null);
    assert.deepEqual(gallagher.offices, []);
    assert.equal(memberAt('CA-1').id, 'G000607');
  });

  test('appointed senators whose term ends at the special election are current', () => {
    for (const [state, last] of [['OH', 'Husted'], ['FL', 'Moody']]) {
      const appointed = congress.senators(state!).find((m) => m.name.includes(last!))!;
      assert.equal(appointed.termEnd, '2026-11-03');
    }
  });

  test('at-large states have one district', () => {
    for (const [state, zcta] of [['AK', '99501'], ['DE', '19901'], ['ND', '58501'], ['SD', '57501'], ['VT', '05602'], ['WY', '82001']]) {
      assert.deepEqual(congress.locate(zcta!)!.districts, [`${state}-AL`]);
      assert.equal(memberAt(`${state}-AL`).district, 0);
      assert.equal(memberAt(`${state}-AL`).title, 'Rep.');
      assert.equal(congress.senators(state!).length, 2);
    }
  });

  test('DC and Puerto Rico: a delegate or resident commissioner, no senators', () => {
    assert.deepEqual(congress.locate('20001')!.districts, ['DC-AL']);
    assert.equal(memberAt('DC-AL').title, 'Del.');
    assert.deepEqual(congress.locate('00901')!.districts, ['PR-AL']);
    assert.equal(memberAt('PR-AL').title, 'Res. Comm.');
    assert.deepEqual(congress.senators('DC'), []);
    assert.deepEqual(congress.senators('PR'), []);
  });

  test('the island territories are placed by ZIP prefix', () => {
    const cases = [['96799', 'AS'], ['96910', 'GU'], ['96929', 'GU'], ['96932', 'GU'], ['96950', 'MP'], ['96952', 'MP'],
      ['00801', 'VI'], ['00820', 'VI'], ['00851', 'VI']] as const;
    for (const [zip, state] of cases) {
      assert.deepEqual(congress.locate(zip), { zip, state, states: [state], districts: [`${state}-AL`], split: false, source: 'territory' });
      assert.equal(memberAt(`${state}-AL`).title, 'Del.');
      assert.deepEqual(congress.senators(state), []);
    }
    for (const zip of ['96941', '96960', '96970']) assert.equal(congress.locate(zip), null, `${zip} is FM, MH or PW`);
  });

  test('PO-box and single-organisation ZIPs fall back to their state', () => {
    assert.deepEqual(congress.locate('20500'), { zip: '20500', state: 'DC', states: ['DC'], districts: ['DC-AL'], split: false, source: 'zip-prefix' });
    for (const [zip, state] of [['00501', 'NY'], ['05501', 'MA'], ['73301', 'TX'], ['39901', 'GA'], ['56901', 'DC'], ['88510', 'TX']]) {
      const location = congress.locate(zip!)!;
      assert.equal(location.source, 'zip-prefix');
      assert.equal(location.state, state, zip);
    }
    assert.deepEqual(congress.locate('05501')!.districts, []);
  });

  test('malformed and unplaceable input gives null; ZIP+4 and spaces are accepted', () => {
    for (const input of ['', '1234', '123456', 'abcde', '2139', '12345-', '12345-678', '1234a', '00000', '00300', '09001', '34001', '96201']) {
      assert.equal(congress.locate(input), null, JSON.stringify(input));
    }
    assert.equal(congress.locate(' 02139 ')!.zip, '02139');
    assert.equal(congress.locate('02139-4307')!.zip, '02139');
    assert.equal(normalizeZip('021394307'), '02139');
  });

  test('district ids: one canonical form, read leniently', () => {
    for (const [input, id] of [['CA-12', 'CA-12'], ['ca12', 'CA-12'], ['CA-05', 'CA-5'], ['VT-0', 'VT-AL'], ['vt-al', 'VT-AL'], ['VT at-large', 'VT-AL']]) {
      assert.equal(parseDistrict(input!), id);
    }
    for (const input of ['CA', 'CA-123', 'California-12', '12']) assert.equal(parseDistrict(input), null);
    assert.equal(memberAt('ca-05').district, 5);
    assert.equal(seat('CA-99'), undefined);
    assert.equal(seat('nonsense'), undefined);
    assert.equal(congress.member('X000000'), undefined);
  });

  test('every state has two senators, every House seat is filled or vacant', () => {
    const states = ['AK', 'AL', 'AR', 'AZ', 'CA', 'CO', 'CT', 'DE', 'FL', 'GA', 'HI', 'IA', 'ID', 'IL', 'IN', 'KS', 'KY', 'LA', 'MA', 'MD', 'ME',
      'MI', 'MN', 'MO', 'MS', 'MT', 'NC', 'ND', 'NE', 'NH', 'NJ', 'NM', 'NV', 'NY', 'OH', 'OK', 'OR', 'PA', 'RI', 'SC', 'SD', 'TN', 'TX',
      'UT', 'VA', 'VT', 'WA', 'WI', 'WV', 'WY'];
    for (const state of states) assert.equal(congress.senators(state).length, 2, state);
    assert.deepEqual(congress.senators('tx'), congress.senators('TX'));
    assert.deepEqual(congress.meta.congress, { number: 119, start: '2025-01-03', end: '2027-01-03' });
    assert.equal(congress.meta.asOf, SNAPSHOT);
  });

  test('what the lookup hands out cannot be changed by a caller', () => {
    assert.throws(() => (congress.senators('VT') as CongressMember[]).pop());
    assert.throws(() => (congress.locate('90210')!.districts as string[]).push('CA-1'));
    assert.throws(() => Object.assign(congress.member('S000033')!, { phone: '+15555550100' }));
  });
});
