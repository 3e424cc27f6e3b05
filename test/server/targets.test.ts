import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CampaignInput, campaignWithList, createCampaign } from '../../server/campaigns/campaigns.ts';
import type { CongressMember } from '../../server/congress/lookup.ts';
import { ApiError } from '../../server/errors.ts';
import { CAPITOL_SWITCHBOARD, resolveTargets, type Where } from '../../server/targets/resolve.ts';
import { storePerFile } from '../support/store.ts';
import { congress } from '../support/server.ts';

const store = storePerFile();

let serial = 0;
const CUSTOM = [
  { id: 'chair', name: 'Committee Chair', title: 'Chair', phone: '+12025550101' },
  { id: 'leader', name: 'Majority Leader', title: 'Leader', phone: '+12025550102' },
];

async function lookup(targets: Record<string, unknown>, where: Where) {
  const campaign = await createCampaign(store.db, CampaignInput.parse({ id: `c${++serial}`, name: 'Test', targets }));
  return resolveTargets(congress, await campaignWithList(store.db, campaign.id), where);
}
const ids = (result: { targets: { id: string }[] }) => result.targets.map((t) => t.id);
const rep = (district: string) => congress.representative(district) as CongressMember;
const vtSenators = congress.senators('VT').map((m) => m.id);

/** A ZIP whose only district is `district` (searched in the committed data). */
function zipOnlyIn(district: string, from: number, to: number) {
  for (let n = from; n <= to; n++) {
    const zip = String(n).padStart(5, '0');
    const location = congress.locate(zip);
    if (location?.source === 'zcta' && location.districts.length === 1 && location.districts[0] === district) return zip;
  }
  throw new Error(`no ZIP only in ${district}`);
}

describe('Congress targets by ZIP', () => {
  test('one district: the two senators, senior first, then the representative', async () => {
    const result = await lookup({ congress: 'both' }, { zip: '05401' });
    assert.deepEqual(ids(result), [...vtSenators, rep('VT-AL').id]);
    assert.equal(result.split, false);
    assert.deepEqual(ids(await lookup({ congress: 'senate' }, { zip: '05401' })), vtSenators);
    assert.deepEqual(ids(await lookup({ congress: 'house' }, { zip: '05401' })), [rep('VT-AL').id]);
  });

  test('a split ZIP follows the campaign’s policy until a district is chosen', async () => {
    const districts = congress.locate('90210')!.districts;
    const senators = congress.senators('CA').map((m) => m.id);
    const everyone = [...senators, ...districts.map((d) => rep(d).id)];
    const ask = await lookup({ congress: 'both' }, { zip: '90210' });
    assert.equal(ask.split, true);
    assert.deepEqual(ids(ask), senators, 'before a choice, only the senators are certain');
    assert.deepEqual(
      ask.choices,
      districts.map((district) => ({ district, representative: { id: rep(district).id, name: rep(district).name, title: rep(district).title, party: rep(district).party } })),
      'each district to choose from names its representative',
    );
    assert.deepEqual(ids(await lookup({ congress: 'both', split: 'all' }, { zip: '90210' })), everyone);
    assert.equal((await lookup({ congress: 'both', split: 'all' }, { zip: '90210' })).choices, undefined, 'nothing to choose when all are called');
    assert.deepEqual(ids(await lookup({ congress: 'both', split: 'senate' }, { zip: '90210' })), senators);
    const chosen = await lookup({ congress: 'both', split: 'senate' }, { zip: '90210', district: districts[0]!.toLowerCase() });
    assert.equal(chosen.split, false);
    assert.deepEqual(ids(chosen), [...senators, rep(districts[0]!).id]);
    const plusFour = await lookup({ congress: 'both' }, { zip: '90210-1234' });
    assert.match(plusFour.notes.join(' '), /ZIP\+4/);
  });

  test('a chosen district must belong to the ZIP', async () => {
    await assert.rejects(lookup({ congress: 'both' }, { zip: '05401', district: 'NY-3' }), (e: ApiError) => e.field === 'district');
  });

  test('vacant seats say so and still give the senators', async () => {
    const zip = zipOnlyIn('TX-23', 78800, 79999);
    const result = await lookup({ congress: 'both' }, { zip });
    assert.deepEqual(ids(result), congress.senators('TX').map((m) => m.id));
    assert.match(result.notes.join(' '), /TX-23 is vacant/);
  });

  test('DC, Puerto Rico and the territories have a delegate and no senators', async () => {
    for (const [zip, district, title] of [
      ['20001', 'DC-AL', 'Del.'],
      ['00901', 'PR-AL', 'Res. Comm.'],
      ['96910', 'GU-AL', 'Del.'],
      ['00802', 'VI-AL', 'Del.'],
      ['96799', 'AS-AL', 'Del.'],
      ['96950', 'MP-AL', 'Del.'],
    ]) {
      const result = await lookup({ congress: 'both' }, { zip });
      assert.deepEqual(ids(result), [rep(district!).id], zip);
      assert.equal(result.targets[0]!.title, title);
    }
  });

  test('a ZIP with no ZCTA (PO boxes) falls back to its state’s senators, saying so', async () => {
    const result = await lookup({ congress: 'both' }, { zip: '73301' });
    assert.deepEqual(ids(result), congress.senators('TX').map((m) => m.id));
    assert.match(result.notes.join(' '), /only your senators/);
  });

  test('a member without a phone is reached through the Capitol switchboard', async () => {
    const gallagher = congress.member('G000607');
    assert.equal(gallagher?.phone, null);
    const zip = zipOnlyIn('CA-1', 95900, 96199);
    const result = await lookup({ congress: 'house' }, { zip });
    assert.deepEqual(result.targets.map((t) => [t.id, t.phone]), [['G000607', CAPITOL_SWITCHBOARD]]);
  });

  test('bad ZIPs are refused naming the zip field', async () => {
    for (const zip of [undefined, '', 'abcde', '1234', '00000', '123456']) {
      await assert.rejects(lookup({ congress: 'both' }, { zip }), (e: ApiError) => e.status === 422 && e.field === 'zip', String(zip));
    }
  });
});

describe('ordering, filters and combinations', () => {
  test('shuffles are per caller: stable for one seed, varied across seeds, plain in the preview', async () => {
    const where = { zip: '90210', district: 'CA-30' };
    const plain = ids(await lookup({ congress: 'both', order: 'shuffle' }, where));
    const a = ids(await lookup({ congress: 'both', order: 'shuffle' }, { ...where, seed: 'caller-a' }));
    assert.deepEqual(ids(await lookup({ congress: 'both', order: 'shuffle' }, { ...where, seed: 'caller-a' })), a);
    assert.deepEqual([...a].sort(), [...plain].sort());
    const orders = new Set<string>();
    for (let i = 0; i < 20; i++) orders.add(ids(await lookup({ congress: 'both', order: 'shuffle' }, { ...where, seed: `caller-${i}` })).join());
    assert.ok(orders.size >= 4, `only ${orders.size} orders from 20 callers`);
  });

  test('chamber orders keep chambers together and shuffle within them', async () => {
    const where = { zip: '90210', seed: 'x' };
    const senators = new Set(congress.senators('CA').map((m) => m.id));
    const senateFirst = ids(await lookup({ congress: 'both', order: 'senate-first', split: 'all' }, where));
    assert.deepEqual(senateFirst.map((id) => senators.has(id)), [true, true, false, false, false]);
    const houseFirst = ids(await lookup({ congress: 'both', order: 'house-first', split: 'all' }, where));
    assert.deepEqual(houseFirst.map((id) => senators.has(id)), [false, false, false, true, true]);
    const withinHouse = new Set<string>();
    for (let i = 0; i < 12; i++) withinHouse.add(ids(await lookup({ congress: 'both', order: 'senate-first', split: 'all' }, { ...where, seed: `s${i}` })).slice(2).join());
    assert.ok(withinHouse.size > 1);
  });

  test('by party: first, or only (independents count with the party they caucus with)', async () => {
    const vt = [...congress.senators('VT'), rep('VT-AL')];
    const first = ids(await lookup({ congress: 'both', party: { party: 'R', mode: 'first' } }, { zip: '05401' }));
    assert.deepEqual(first.slice(0, vt.filter((m) => m.caucus === 'R').length).sort(), vt.filter((m) => m.caucus === 'R').map((m) => m.id).sort());
    const only = ids(await lookup({ congress: 'both', party: { party: 'D', mode: 'only' } }, { zip: '05401' }));
    assert.deepEqual(only, vt.filter((m) => m.caucus === 'D').map((m) => m.id));
  });

  test('custom targets before, after, instead of, or as a fallback for the location targets', async () => {
    const where = { zip: '05401' };
    const local = [...vtSenators, rep('VT-AL').id];
    assert.deepEqual(ids(await lookup({ congress: 'both', custom: CUSTOM }, where)), [...local, 'chair', 'leader']);
    assert.deepEqual(ids(await lookup({ congress: 'both', customPlacement: 'before', custom: CUSTOM }, where)), ['chair', 'leader', ...local]);
    assert.deepEqual(ids(await lookup({ congress: 'both', customPlacement: 'instead', custom: CUSTOM }, where)), ['chair', 'leader']);
    // "Call your own senator if they sit on the committee, otherwise the chair."
    const committee = { congress: 'senate', only: [vtSenators[0]], customPlacement: 'fallback', custom: CUSTOM.slice(0, 1) };
    assert.deepEqual(ids(await lookup(committee, where)), [vtSenators[0]]);
    assert.deepEqual(ids(await lookup(committee, { zip: '02139' })), ['chair']);
  });

  test('a maximum number of targets per call', async () => {
    assert.deepEqual(ids(await lookup({ congress: 'both', max: 2, custom: CUSTOM }, { zip: '05401' })), vtSenators);
    assert.deepEqual(ids(await lookup({ custom: CUSTOM, max: 1 }, {})), ['chair']);
  });

  test('district offices are dialed, and named, when the campaign asks', async () => {
    const result = await lookup({ congress: 'house', office: 'district' }, { zip: '05401' });
    const member = rep('VT-AL');
    const [office] = member.offices;
    assert.ok(office, 'the VT representative has a district office');
    assert.deepEqual([result.targets[0]!.phone, result.targets[0]!.office], [office.phone, `district office in ${office.city}`]);
  });
});
