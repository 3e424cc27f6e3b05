import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import type { Hono } from 'hono';
import type { AppDeps } from '../../server/deps.ts';
import { openTestStore, type TestStore } from '../support/store.ts';
import { signedTwilioPost, testDeps } from '../support/app.ts';
import { json } from '../support/server.ts';

let store: TestStore;
let app: Hono;
let deps: AppDeps;

before(async () => {
  store = await openTestStore();
});
beforeEach(() => {
  ({ app, deps } = testDeps(store));
});
afterEach(() => store.reset());
after(() => store.close());

const auth = () => ({ Authorization: `Bearer ${deps.config.adminToken}` });
const create = (body: unknown) => app.request('/api/admin/campaigns', json(body, auth()));

describe('admin API', () => {
  test('a missing, malformed or wrong token gets 401 and no data', async () => {
    for (const authorization of [undefined, 'Basic abc', 'Bearer', `Bearer ${deps.config.adminToken}x`, deps.config.adminToken]) {
      const response = await app.request('/api/admin/campaigns', { headers: authorization ? { Authorization: authorization } : {} });
      assert.equal(response.status, 401, String(authorization));
      assert.deepEqual(Object.keys(await response.json()), ['error']);
    }
    const write = await app.request('/api/admin/campaigns', json({ name: 'x', targets: { congress: 'both' } }));
    assert.equal(write.status, 401);
  });

  test('creates a Congress campaign and a custom-list campaign', async () => {
    const congress = await create({ name: 'Save the Post Office!', targets: { congress: 'senate' }, locale: 'es' });
    assert.equal(congress.status, 201);
    const { campaign } = await congress.json();
    assert.match(campaign.id, /^save-the-post-office-[0-9a-f]{6}$/);
    assert.equal(campaign.settings.locale, 'es');
    assert.deepEqual(campaign.settings.countries, ['US']);

    const custom = await create({ id: 'city-hall', name: 'City hall', targets: { custom: [{ name: 'Mayor', phone: '212-555-0100' }] } });
    assert.equal(custom.status, 201);
    assert.deepEqual((await custom.json()).campaign.customTargets, [{ id: 't1', name: 'Mayor', title: '', phone: '+12125550100' }]);

    const listed = await (await app.request('/api/admin/campaigns', { headers: auth() })).json();
    assert.equal(listed.campaigns.length, 2);
    const one = await app.request('/api/admin/campaigns/city-hall', { headers: auth() });
    assert.equal((await one.json()).campaign.name, 'City hall');
  });

  test('every validation error names its field, and nothing is half-created', async () => {
    const cases: [unknown, string][] = [
      [{ targets: { congress: 'both' } }, 'name'],
      [{ name: 'x', targets: {} }, 'targets'],
      [{ name: 'x', targets: { congress: 'everyone' } }, 'targets.congress'],
      [{ name: 'x', targets: { custom: [{ name: 'A', phone: '+12125550100' }, { name: 'B', phone: 'nope' }] } }, 'targets.custom.1.phone'],
      [{ name: 'x', targets: { custom: [{ name: 'A', phone: '+12125550100', extension: 'abc' }] } }, 'targets.custom.0.extension'],
      [{ name: 'x', id: 'Bad Id', targets: { congress: 'both' } }, 'id'],
      [{ name: 'x', locale: 'fr', targets: { congress: 'both' } }, 'locale'],
    ];
    for (const [body, field] of cases) {
      const response = await create(body);
      assert.equal(response.status, 422, field);
      assert.equal((await response.json()).error.field, field);
    }
    const listed = await (await app.request('/api/admin/campaigns', { headers: auth() })).json();
    assert.deepEqual(listed.campaigns, []);
    assert.equal((await create({ id: 'dup', name: 'x', targets: { congress: 'both' } })).status, 201);
    const duplicate = await create({ id: 'dup', name: 'y', targets: { congress: 'both' } });
    assert.equal(duplicate.status, 409);
    assert.equal((await duplicate.json()).error.field, 'id');
  });

  test('stats add up per target and in total', async () => {
    await create({ id: 'tally', name: 'Tally', targets: { custom: [{ name: 'A', phone: '+12125550100' }, { name: 'B', phone: '+12125550111' }] } });
    const outcomes = [
      ['completed', 'busy'],
      ['completed', 'completed'],
      ['no-answer', 'failed'],
    ];
    for (const [a, b] of outcomes) {
      const { call } = await (await app.request('/api/campaigns/tally/calls', json({ phone: '+18025550142' }))).json();
      await app.request(signedTwilioPost(deps, `/twiml/calls/${call.id}/legs/0`, { DialCallStatus: a!, DialCallDuration: a === 'completed' ? '10' : '0' }));
      await app.request(signedTwilioPost(deps, `/twiml/calls/${call.id}/legs/1`, { DialCallStatus: b!, DialCallDuration: b === 'completed' ? '20' : '0' }));
    }
    const stats = await (await app.request('/api/admin/campaigns/tally/stats', { headers: auth() })).json();
    assert.deepEqual(stats.totals, { calls: 3, legs: 6, completed: 3 });
    const byId = Object.fromEntries(stats.targets.map((t: { id: string }) => [t.id, t]));
    assert.deepEqual(byId.t1, { id: 't1', name: 'A', legs: 3, completed: 2, busy: 0, noAnswer: 1, failed: 0, talkSeconds: 20 });
    assert.deepEqual(byId.t2, { id: 't2', name: 'B', legs: 3, completed: 1, busy: 1, noAnswer: 0, failed: 1, talkSeconds: 20 });
    const count = await (await app.request('/api/campaigns/tally/count')).json();
    assert.deepEqual(count, { calls: 3, completed: 3 });
  });
});
