import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CampaignInput, campaignWithList, createCampaign, MAX_ZIPS } from '../../server/campaigns/campaigns.ts';
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

describe('custom targets routed by the caller’s location', () => {
  const GOVERNORS = [
    { id: 'gov-vt', name: 'Governor of Vermont', title: 'Gov.', phone: '+18025550100', state: 'VT' },
    { id: 'gov-ri', name: 'Governor of Rhode Island', title: 'Gov.', phone: '+14015550100', state: 'RI' },
    { id: 'gov-ma', name: 'Governor of Massachusetts', title: 'Gov.', phone: '+16175550100', state: 'MA' },
  ];
  const EVERYONE = { id: 'ag', name: 'Attorney General', title: 'AG', phone: '+12025550109' };

  test('by state: only callers in that state; a ZIP spanning states reaches each, a chosen district its own', async () => {
    const targets = { custom: [...GOVERNORS, EVERYONE] };
    assert.deepEqual(ids(await lookup(targets, { zip: '05401' })), ['gov-vt', 'ag']);
    assert.deepEqual(ids(await lookup(targets, { zip: '02139' })), ['gov-ma', 'ag']);
    assert.deepEqual(ids(await lookup(targets, { zip: '03301' })), ['ag'], 'nobody routed to NH: only the list for everyone');
    assert.deepEqual(congress.locate('02861')!.states, ['RI', 'MA']);
    assert.deepEqual(ids(await lookup(targets, { zip: '02861' })), ['gov-ri', 'gov-ma', 'ag']);
    assert.deepEqual(ids(await lookup(targets, { zip: '02861', district: 'MA-4' })), ['gov-ma', 'ag']);
  });

  test('by district: the chosen one, or any of a split ZIP’s districts until one is chosen', async () => {
    const [first, second, third] = congress.locate('90210')!.districts;
    const reps = [first!, second!, third!, 'CA-12'].map((district) => ({ id: `office-${district.toLowerCase()}`, name: `Office ${district}`, phone: '+12135550100', district }));
    const targets = { custom: reps };
    assert.deepEqual(ids(await lookup(targets, { zip: '90210' })), reps.slice(0, 3).map((t) => t.id));
    const chosen = await lookup(targets, { zip: '90210', district: second });
    assert.deepEqual(ids(chosen), [`office-${second!.toLowerCase()}`]);
    assert.equal(chosen.targets[0]!.district, second, 'the district is carried, for the widget to show');
    const vt = await lookup({ custom: [{ name: 'VT office', phone: '+18025550111', district: 'vt at-large' }] }, { zip: '05401' });
    assert.deepEqual(vt.targets.map((t) => t.district), ['VT-AL'], 'stored in the canonical form');
  });

  test('by ZIP: only callers at one of its ZIPs (a ZIP+4 is cut to its ZIP); the list is not shown to callers', async () => {
    const council = { id: 'council-1', name: 'Council Member, Ward 1', phone: '+18025550123', zips: ['05401', '05408'] };
    const targets = { custom: [council, EVERYONE] };
    const burlington = await lookup(targets, { zip: '05401-1234' });
    assert.deepEqual(ids(burlington), ['council-1', 'ag']);
    assert.equal('zips' in burlington.targets[0]!, false, 'a call stores whom it dials, not the routing list');
    assert.deepEqual(ids(await lookup(targets, { zip: '05403' })), ['ag']);
  });

  test('a routed list needs the caller’s ZIP even without Congress; an unrouted one does not', async () => {
    const routed = { custom: [GOVERNORS[0]!, EVERYONE] };
    await assert.rejects(lookup(routed, {}), (e: ApiError) => e.status === 422 && e.code === 'invalid_zip' && e.field === 'zip' && !/Congress/.test(e.message));
    const located = await lookup(routed, { zip: '05401' });
    assert.deepEqual(located.location, { zip: '05401', state: 'VT', districts: ['VT-AL'] });
    assert.equal(located.choices, undefined, 'no Congress seat to choose');
    const split = await lookup(routed, { zip: '02139' });
    assert.equal(split.choices, undefined, 'a custom list never asks for a district');
    assert.deepEqual(ids(await lookup({ custom: [EVERYONE] }, {})), ['ag']);
  });

  test('routed targets mix with the members of Congress as the placement says', async () => {
    const custom = [GOVERNORS[0]!, GOVERNORS[2]!, EVERYONE];
    const local = [...vtSenators, rep('VT-AL').id];
    assert.deepEqual(ids(await lookup({ congress: 'both', custom }, { zip: '05401' })), [...local, 'gov-vt', 'ag']);
    assert.deepEqual(ids(await lookup({ congress: 'both', customPlacement: 'before', custom }, { zip: '05401' })), ['gov-vt', 'ag', ...local]);
    assert.deepEqual(ids(await lookup({ congress: 'both', customPlacement: 'instead', custom }, { zip: '05401' })), ['gov-vt', 'ag']);
    const fallback = { congress: 'senate', only: [vtSenators[0]], customPlacement: 'fallback', custom: [GOVERNORS[2]!] };
    assert.deepEqual(ids(await lookup(fallback, { zip: '05401' })), [vtSenators[0]]);
    assert.deepEqual(ids(await lookup(fallback, { zip: '02139', district: 'MA-7' })), ['gov-ma']);
    assert.deepEqual(ids(await lookup(fallback, { zip: '03301' })), [], 'neither a member nor a routed target for NH');
    assert.deepEqual(ids(await lookup({ congress: 'senate', max: 3, custom }, { zip: '05401' })), [...vtSenators, 'gov-vt']);
  });

  test('each routing field is checked: known states, districts that parse, 5-digit ZIPs, one way of routing', () => {
    const field = (target: Record<string, unknown>) => {
      const parsed = CampaignInput.safeParse({ name: 'x', targets: { custom: [{ name: 'A', phone: '+18025550100' }, { name: 'B', phone: '+18025550101', ...target }] } });
      return parsed.success ? 'ok' : parsed.error.issues.map((issue) => issue.path.join('.')).join(' ');
    };
    assert.equal(field({ state: 'vt' }), 'ok');
    assert.equal(field({ state: 'ZZ' }), 'targets.custom.1.state');
    assert.equal(field({ state: 'Vermont' }), 'targets.custom.1.state');
    assert.equal(field({ district: 'CA12' }), 'ok');
    assert.equal(field({ district: 'California 12' }), 'targets.custom.1.district');
    assert.equal(field({ district: 'ZZ-3' }), 'targets.custom.1.district');
    assert.equal(field({ zips: ['05401', '5402'] }), 'targets.custom.1.zips.1');
    assert.equal(field({ zips: ['05401-1234'] }), 'targets.custom.1.zips.0');
    assert.equal(field({ zips: [] }), 'targets.custom.1.zips');
    assert.equal(field({ zips: Array.from({ length: MAX_ZIPS + 1 }, (_, i) => String(10000 + i)) }), 'targets.custom.1.zips');
    assert.equal(field({ zips: Array.from({ length: MAX_ZIPS }, (_, i) => String(10000 + i)) }), 'ok');
    assert.equal(field({ state: 'VT', zips: ['05401'] }), 'targets.custom.1.zips');
    assert.deepEqual(CampaignInput.parse({ name: 'x', targets: { custom: [{ name: 'A', phone: '+18025550100', zips: ['05408', '05401', '05408'] }] } }).targets.custom![0]!.zips, ['05401', '05408'], 'sorted, once each');
  });
});
