import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import type { Hono } from 'hono';
import type { AppDeps } from '../../server/deps.ts';
import { storePerFile } from '../support/store.ts';
import { testDeps } from '../support/app.ts';
import { json } from '../support/server.ts';

const store = storePerFile();
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

  test('needs the admin token', async () => {
    const response = await app.request('/api/admin/campaigns/council/targets.csv', { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: 'name,phone\nA,+12125550101' });
    assert.equal(response.status, 401);
    assert.equal((await app.request('/api/admin/campaigns/council/targets')).status, 401);
  });
});
