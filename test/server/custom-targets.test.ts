import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import type { Hono } from 'hono';
import type { AppDeps } from '../../server/deps.ts';
import { storePerFile } from '../support/store.ts';
import { testDeps } from '../support/app.ts';
import { congress, json } from '../support/server.ts';

const store = storePerFile();

/** ZIPs (with a ZCTA) the committed data places in a state or district. */
const zctasIn = (place: string) => [...congress.zctas()].filter(([, at]) => (place.length === 2 ? at.states : at.districts).includes(place)).length;
let app: Hono;
let deps: AppDeps;

beforeEach(async () => {
  ({ app, deps } = testDeps(store));
  const created = await app.request(
    '/api/admin/campaigns',
    json({ id: 'council', name: 'City council', targets: { custom: [{ name: 'Clerk', phone: '+12125550100' }] } }, auth()),
  );
  assert.equal(created.status, 201);
});

function auth() {
  return { Authorization: `Bearer ${deps.config.adminToken}` };
}
const upload = (csv: string, type = 'text/csv') =>
  app.request('/api/admin/campaigns/council/targets.csv', { method: 'POST', headers: { ...auth(), 'Content-Type': type }, body: csv });
const current = async () => (await (await app.request('/api/admin/campaigns/council/targets', { headers: auth() })).json()).targets;

describe('CSV import of custom targets', () => {
  test('replaces the list, in file order, with quoted names and extensions', async () => {
    const csv = '\uFEFFName,Title,Phone,Extension\r\n"Smith, Jane","Council Member, District 1",(212) 555-0101,\r\n"Doe ""JD"" John",Chair,212-555-0102,1234\r\n\r\n';
    const response = await upload(csv);
    assert.equal(response.status, 200, await response.clone().text());
    assert.equal((await response.json()).imported, 2);
    assert.deepEqual(await current(), [
      { id: 't1', name: 'Smith, Jane', title: 'Council Member, District 1', phone: '+12125550101' },
      { id: 't2', name: 'Doe "JD" John', title: 'Chair', phone: '+12125550102', extension: '1234' },
    ]);
    const lookup = await (await app.request('/api/campaigns/council/targets')).json();
    assert.deepEqual(lookup.targets.map((t: { name: string }) => t.name), ['Smith, Jane', 'Doe "JD" John']);
  });

  test('every bad row is reported with its line number, and nothing is imported', async () => {
    const csv = ['name,phone,id', 'Good,+12125550101,aa', ',+12125550102,bb', 'Bad phone,12345,cc', 'Premium,+19005551234,dd', 'Dup,+12125550103,aa'].join('\n');
    const response = await upload(csv);
    assert.equal(response.status, 422);
    const { error } = await response.json();
    assert.equal(error.code, 'invalid_csv');
    assert.equal(error.field, 'line 3, name');
    assert.deepEqual(
      error.details.map((d: { line: number; column: string }) => `${d.line}:${d.column}`),
      ['3:name', '4:phone', '5:phone', '6:id'],
    );
    assert.match(error.message, /^line 3, name: a name is required \(and 3 more\)$/);
    assert.deepEqual((await current()).map((t: { name: string }) => t.name), ['Clerk']);
  });

  test('a wrong header, an empty file, broken quoting or a non-CSV body are refused clearly', async () => {
    const cases: [string, RegExp][] = [
      ['who,number\nA,+12125550101', /missing column name, phone; unknown column who, number/],
      ['name,phone\n', /no rows/],
      ['name,phone\n"Unclosed,+12125550101\n', /^line \d+: /],
    ];
    for (const [csv, message] of cases) {
      const response = await upload(csv);
      assert.equal(response.status, 422, csv);
      assert.match((await response.json()).error.message, message);
    }
    assert.equal((await upload('name,phone\nA,+12125550101', 'application/json')).status, 415);
    assert.equal((await app.request('/api/admin/campaigns/nope/targets.csv', { method: 'POST', headers: { ...auth(), 'Content-Type': 'text/csv' }, body: 'name,phone' })).status, 404);
    assert.deepEqual((await current()).map((t: { name: string }) => t.name), ['Clerk']);
  });

  test('state, district and zips columns route targets; ZIPs may be separated by spaces or semicolons', async () => {
    const csv = [
      'name,title,phone,state,district,zips',
      'Phil Scott,Governor,802-555-0100,vt,,',
      'CA-12 organiser,,415-555-0112,,ca12,',
      'Ward 1,Councillor,802-555-0101,,,05408 05401;05401 ; 05402',
      'Attorney General,,802-555-0109,,,',
    ].join('\n');
    const response = await upload(csv);
    assert.equal(response.status, 200, await response.clone().text());
    assert.deepEqual(await current(), [
      { id: 't1', name: 'Phil Scott', title: 'Governor', phone: '+18025550100', state: 'VT', coverage: { zips: zctasIn('VT'), states: ['VT'] } },
      { id: 't2', name: 'CA-12 organiser', title: '', phone: '+14155550112', district: 'CA-12', coverage: { zips: zctasIn('CA-12'), states: ['CA'] } },
      { id: 't3', name: 'Ward 1', title: 'Councillor', phone: '+18025550101', zips: ['05401', '05402', '05408'], coverage: { zips: 3, states: ['VT'] } },
      { id: 't4', name: 'Attorney General', title: '', phone: '+18025550109' },
    ]);
  });

  test('a bad state, district or ZIP is reported on its line and column, naming the value; nothing is imported', async () => {
    const csv = [
      'name,phone,state,district,zips',
      'Good,802-555-0100,VT,,',
      'Bad state,802-555-0101,Vermont,,',
      'Bad district,802-555-0102,,CA-twelve,',
      'Bad ZIP,802-555-0103,,,05401;5402',
      'Two ways,802-555-0104,VT,,05401',
      'Too many,802-555-0105,,,' + Array.from({ length: 3001 }, (_, i) => String(10000 + i)).join(' '),
    ].join('\n');
    const response = await upload(csv);
    assert.equal(response.status, 422);
    const { error } = await response.json();
    assert.deepEqual(
      error.details.map((d: { line: number; column: string; message: string }) => `${d.line}:${d.column}: ${d.message}`),
      [
        '3:state: "Vermont" is not a state\'s two-letter code, like VT',
        '4:district: "CA-twelve" is not a congressional district, like CA-12 or VT-AL',
        '5:zips: "5402" is not a 5-digit ZIP code',
        '6:zips: route by one of state, district or zips, not by state and zips',
        '7:zips: may list at most 3000 ZIP codes',
      ],
    );
    assert.deepEqual((await current()).map((t: { name: string }) => t.name), ['Clerk']);
  });

  test('an admin preview shows whom a caller at a ZIP would reach, from the list as stored now', async () => {
    assert.equal((await upload('name,phone,state,zips\nGovernor,802-555-0100,VT,\nWard 1,802-555-0101,,05401\nEveryone,212-555-0100,,')).status, 200);
    const preview = async (query: string) => app.request(`/api/admin/campaigns/council/lookup?${query}`, { headers: auth() });
    const burlington = await (await preview('zip=05401')).json();
    assert.deepEqual(burlington.targets.map((t: { name: string }) => t.name), ['Governor', 'Ward 1', 'Everyone']);
    assert.deepEqual(burlington.location, { zip: '05401', state: 'VT', districts: ['VT-AL'] });
    assert.deepEqual((await (await preview('zip=05403')).json()).targets.map((t: { name: string }) => t.name), ['Governor', 'Everyone']);
    const missing = await preview('zip=');
    assert.equal(missing.status, 422);
    assert.equal((await missing.json()).error.field, 'zip');
    assert.equal((await app.request('/api/admin/campaigns/council/lookup?zip=05401')).status, 401);
  });

  test('coverage flags what the data does not know: a ZIP no state has, a district that does not exist', async () => {
    assert.equal((await upload('name,phone,district,zips\nA,802-555-0100,,05401 00012\nB,802-555-0101,CA-99,')).status, 200);
    assert.deepEqual((await current()).map((t: { coverage: unknown }) => t.coverage), [
      { zips: 2, states: ['VT'], unknown: ['00012'] },
      { zips: 0, states: ['CA'], unknown: ['CA-99'] },
    ]);
  });

  test('needs the admin token', async () => {
    const response = await app.request('/api/admin/campaigns/council/targets.csv', { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: 'name,phone\nA,+12125550101' });
    assert.equal(response.status, 401);
    assert.equal((await app.request('/api/admin/campaigns/council/targets')).status, 401);
  });
});
