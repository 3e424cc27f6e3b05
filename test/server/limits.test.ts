import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import type { Hono } from 'hono';
import { CampaignInput, createCampaign } from '../../server/campaigns/campaigns.ts';
import { ensureDemoCampaign } from '../../server/campaigns/demo.ts';
import type { AppDeps } from '../../server/deps.ts';
import { storePerFile } from '../support/store.ts';
import { testDeps } from '../support/app.ts';
import { congress, json } from '../support/server.ts';

const store = storePerFile();

/** A campaign with the default limits (the demo campaign's are looser, for tryouts). */
async function ensureStandardCampaign() {
  await ensureDemoCampaign(store.db);
  await createCampaign(store.db, CampaignInput.parse({ id: 'standard', name: 'Standard', targets: { congress: 'both' } }));
}

/** A fresh app behind a proxy that reports the client in X-Forwarded-For. */
async function setup(env: Record<string, string> = {}) {
  const { app, deps } = testDeps(store, { TRUSTED_PROXY_HEADER: 'X-Forwarded-For', ...env });
  await ensureStandardCampaign();
  return { app, deps };
}

const phone = (n: number) => `+1802555${String(1000 + n).padStart(4, '0')}`;
const call = (app: Hono, n: number, ip = '198.51.100.7', campaign = 'standard', zip = '05401') =>
  app.request(`/api/campaigns/${campaign}/calls`, json({ phone: phone(n), zip }, { 'X-Forwarded-For': ip }));
const admin = (deps: AppDeps) => ({ Authorization: `Bearer ${deps.config.adminToken}` });
const callCount = async () => Number(((await store.db.execute(sql`select count(*) as n from calls`)) as unknown as { rows: { n: string }[] }).rows[0]!.n);

async function expectLimited(response: Response, message: RegExp) {
  assert.equal(response.status, 429, await response.clone().text());
  const retryAfter = Number(response.headers.get('retry-after'));
  assert.ok(retryAfter >= 1, `Retry-After ${retryAfter}`);
  const { error } = await response.json();
  assert.equal(error.code, 'rate_limited');
  assert.match(error.message, message);
  return retryAfter;
}

describe('rate limits', () => {
  test('a caller may start three calls a day, then hears when to come back', async () => {
    const { app } = await setup();
    for (let i = 0; i < 3; i++) assert.equal((await call(app, 1, `203.0.113.${i}`)).status, 201);
    const refused = await call(app, 1, '203.0.113.9');
    const { error } = await refused.clone().json();
    const retryAfter = await expectLimited(refused, /already called 3 times today with this number.*again in/);
    assert.ok(retryAfter <= 86_400);
    assert.deepEqual([error.reason, error.limit, error.retryAfter], ['phone', 3, retryAfter], 'the widget words it by reason, in its own language');
    assert.equal((await call(app, 2, '203.0.113.9')).status, 201, 'another caller is not affected');
    assert.equal(await callCount(), 4);
  });

  test('an IP may start ten calls an hour; only the trusted proxy’s own entry counts', async () => {
    const { app } = await setup();
    for (let i = 0; i < 10; i++) assert.equal((await call(app, i, `10.9.9.${i}, 192.0.2.1`)).status, 201);
    const refused = await call(app, 50, '192.0.2.1');
    assert.equal((await refused.clone().json()).error.reason, 'network');
    await expectLimited(refused, /Too many calls from your network/);
    assert.equal((await call(app, 51, '192.0.2.2')).status, 201);
  });

  test('without a trusted proxy header, X-Forwarded-For is ignored: the socket’s address is limited', async () => {
    const { app } = testDeps(store);
    await ensureStandardCampaign();
    const statuses = [];
    for (let i = 0; i < 12; i++) statuses.push((await call(app, i, `192.0.2.${i}`)).status);
    assert.deepEqual(statuses, [...Array(10).fill(201), 429, 429]);
  });

  test('behind a trusted proxy, a request without its header is limited by the socket’s address', async () => {
    const { app } = await setup();
    const bare = (n: number) => app.request('/api/campaigns/standard/calls', json({ phone: phone(n), zip: '05401' }));
    const statuses = [];
    for (let i = 0; i < 11; i++) statuses.push((await bare(i)).status);
    assert.deepEqual(statuses, [...Array(10).fill(201), 429]);
  });

  test('IPv6 clients are counted per /64', async () => {
    const { app } = await setup();
    const statuses = [];
    for (let i = 0; i < 12; i++) statuses.push((await call(app, i, `2001:db8:aa:bb:${i.toString(16)}::${i + 1}`)).status);
    assert.deepEqual(statuses, [...Array(10).fill(201), 429, 429]);
    assert.equal((await call(app, 20, '2001:db8:aa:bc::1')).status, 201, 'the next /64 has its own budget');
  });

  test('refused attempts count against no budget: resending one over-limit number locks nobody out', async () => {
    const { app, deps } = await setup();
    const created = await app.request(
      '/api/admin/campaigns',
      json({ id: 'small', name: 'Small', targets: { congress: 'both' }, limits: { perCampaignPerMinute: 5, perPhonePerDay: 1 } }, admin(deps)),
    );
    assert.equal(created.status, 201);
    assert.equal((await call(app, 1, '198.51.100.1', 'small')).status, 201);
    for (let i = 0; i < 30; i++) assert.equal((await call(app, 1, `198.51.100.${(i % 5) + 2}`, 'small')).status, 429);
    const others = [];
    for (let i = 2; i <= 5; i++) others.push((await call(app, i, `203.0.113.${i}`, 'small')).status);
    assert.deepEqual(others, [201, 201, 201, 201], 'the campaign’s minute still has room for four more');
    assert.equal((await call(app, 9, '203.0.113.9', 'small')).status, 429);
  });

  test('a campaign’s calls per minute are capped, with the campaign’s own setting', async () => {
    const { app, deps } = await setup();
    const created = await app.request(
      '/api/admin/campaigns',
      json({ id: 'small', name: 'Small', targets: { congress: 'both' }, limits: { perCampaignPerMinute: 2 } }, admin(deps)),
    );
    assert.equal(created.status, 201);
    assert.equal((await call(app, 1, '192.0.2.1', 'small')).status, 201);
    assert.equal((await call(app, 2, '192.0.2.2', 'small')).status, 201);
    const retryAfter = await expectLimited(await call(app, 3, '192.0.2.3', 'small'), /Lots of people are calling/);
    assert.ok(retryAfter <= 60);
  });

  test('an office past its hourly cap is left out, and nobody left means 429', async () => {
    const { app, deps } = await setup();
    await app.request(
      '/api/admin/campaigns',
      json(
        {
          id: 'chair',
          name: 'Chair',
          targets: { congress: 'senate', custom: [{ id: 'chair', name: 'Chair', phone: '+12025550111' }] },
          limits: { perTargetPerHour: 1 },
        },
        admin(deps),
      ),
    );
    const first = await (await call(app, 1, '192.0.2.1', 'chair', '05401')).json();
    assert.deepEqual(first.call.targets.map((t: { id: string }) => t.id), [...congress.senators('VT').map((m) => m.id), 'chair']);
    const second = await (await call(app, 2, '192.0.2.2', 'chair', '03301')).json();
    assert.deepEqual(second.call.targets.map((t: { id: string }) => t.id), congress.senators('NH').map((m) => m.id), 'the chair is left out');
    await expectLimited(await call(app, 3, '192.0.2.3', 'chair', '05401'), /offices are getting a lot of calls/);
  });

  test('the widget can read Retry-After across origins', async () => {
    const { app } = await setup();
    const response = await app.request('/api/campaigns/standard/calls', { method: 'OPTIONS', headers: { Origin: 'https://a.example', 'Access-Control-Request-Method': 'POST' } });
    assert.equal(response.status, 204);
    for (let i = 0; i < 4; i++) await call(app, 1, `203.0.113.${i}`);
    const limited = await app.request('/api/campaigns/standard/calls', json({ phone: phone(1), zip: '05401' }, { Origin: 'https://a.example', 'X-Forwarded-For': '203.0.113.50' }));
    assert.equal(limited.status, 429);
    assert.match(limited.headers.get('access-control-expose-headers') ?? '', /Retry-After/i);
  });
});

test('the demo campaign is looser, so a tryout with the README’s number does not hit a limit', async () => {
  const { app } = await setup();
  for (let i = 0; i < 8; i++) assert.equal((await call(app, 1, '192.0.2.77', 'demo')).status, 201);
});

describe('blocklist', () => {
  test('a blocked number cannot place calls; the number itself is never stored', async () => {
    const { app, deps } = await setup();
    const added = await app.request('/api/admin/blocks', json({ phone: '(802) 555-1001', reason: 'asked us to stop' }, admin(deps)));
    assert.equal(added.status, 201);
    const { block } = await added.json();
    assert.equal(block.kind, 'phone');
    assert.equal(JSON.stringify(block).includes('5551001'), false);
    const stored = (await store.db.execute(sql`select value from blocks`)) as unknown as { rows: { value: string }[] };
    assert.ok(!stored.rows[0]!.value.includes('5551001'));

    const refused = await call(app, 1);
    assert.equal(refused.status, 403);
    assert.equal((await refused.json()).error.code, 'blocked');
    assert.equal((await call(app, 2)).status, 201);

    assert.equal((await app.request(`/api/admin/blocks/${block.id}`, { method: 'DELETE', headers: admin(deps) })).status, 204);
    assert.equal((await call(app, 1)).status, 201);
  });

  test('IP addresses and CIDR ranges, IPv4 and IPv6, with expiry', async () => {
    const { app, deps } = await setup();
    const block = (body: object) => app.request('/api/admin/blocks', json(body, admin(deps)));
    assert.equal((await block({ ip: '203.0.113.0/24' })).status, 201);
    assert.equal((await block({ ip: '2001:db8::/32' })).status, 201);
    assert.equal((await block({ ip: '198.51.100.9', expiresAt: '2000-01-01T00:00:00Z' })).status, 201);
    assert.equal((await call(app, 1, '203.0.113.77')).status, 403);
    assert.equal((await call(app, 2, '2001:db8:1::5')).status, 403);
    assert.equal((await call(app, 3, '198.51.100.9')).status, 201, 'an expired block no longer applies');
    assert.equal((await call(app, 4, '203.0.114.1')).status, 201);

    const listed = await (await app.request('/api/admin/blocks', { headers: admin(deps) })).json();
    assert.deepEqual(listed.blocks.map((b: { ip?: string }) => b.ip).sort(), ['198.51.100.9', '2001:db8::/32', '203.0.113.0/24']);
  });

  test('bad entries name their field; the API needs the admin token', async () => {
    const { app, deps } = await setup();
    const bad = async (body: object, field: string) => {
      const response = await app.request('/api/admin/blocks', json(body, admin(deps)));
      assert.equal(response.status, 422);
      assert.equal((await response.json()).error.field, field);
    };
    await bad({ ip: '300.1.1.1' }, 'ip');
    await bad({ ip: '10.0.0.0/33' }, 'ip');
    await bad({ phone: 'nope' }, 'phone');
    await bad({}, 'phone');
    await bad({ phone: '+18025551001', ip: '10.0.0.1' }, 'phone');
    await bad({ ip: '10.0.0.1', expiresAt: 'tomorrow' }, 'expiresAt');
    assert.equal((await app.request('/api/admin/blocks')).status, 401);
    assert.equal((await app.request('/api/admin/blocks/1', { method: 'DELETE' })).status, 401);
    assert.equal((await app.request('/api/admin/blocks/999', { method: 'DELETE', headers: admin(deps) })).status, 404);
  });
});
