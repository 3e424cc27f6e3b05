import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import type { Hono } from 'hono';
import type { AppDeps } from '../../server/deps.ts';
import { storePerFile } from '../support/store.ts';
import { testDeps } from '../support/app.ts';
import { json } from '../support/server.ts';

const store = storePerFile();
let app: Hono;
let deps: AppDeps;

beforeEach(() => {
  ({ app, deps } = testDeps(store));
});

const send = (method: string, path: string, body?: unknown, token = deps.config.adminToken) =>
  app.request(`/api/admin${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const HOOK = 'https://crm.example.org/hooks/call-power';

/** Rows of a raw query (drizzle types them per driver). */
const rows = async <Row>(query: ReturnType<typeof sql>) => ((await store.db.execute(query)) as unknown as { rows: Row[] }).rows;
const cityHall = (webhook?: unknown) => ({
  id: 'city-hall',
  name: 'City hall',
  targets: { custom: [{ name: 'Mayor', title: 'Mayor', phone: '212-555-0100' }, { name: 'Clerk', phone: '212-555-0111' }] },
  ...(webhook === undefined ? {} : { webhook }),
});

async function expectError(response: Response, status: number, code: string, field?: string) {
  const body = await response.json();
  assert.equal(response.status, status, JSON.stringify(body));
  assert.equal(body.error.code, code, JSON.stringify(body));
  assert.equal(body.error.field, field, JSON.stringify(body));
  return body.error.message as string;
}

async function created(webhook: unknown) {
  const response = await send('POST', '/campaigns', cityHall(webhook));
  const body = await response.json();
  assert.equal(response.status, 201, JSON.stringify(body));
  return body.campaign;
}

/** Places calls through the public API, as the widget would: each stores its call.started event. */
async function placeCalls(count: number) {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const response = await app.request('/api/campaigns/city-hall/calls', json({ phone: `+1802555014${i}` }));
    assert.equal(response.status, 201, await response.clone().text());
    ids.push((await response.json()).call.id);
  }
  return ids;
}

describe('webhook admin API: auth', () => {
  test('every webhook route answers 401 without the admin token', async () => {
    await created({ url: HOOK });
    for (const [method, path] of [
      ['POST', '/campaigns/city-hall/webhook/rotate'],
      ['GET', '/campaigns/city-hall/webhook/deliveries'],
      ['GET', '/campaigns/city-hall/webhook/deliveries/some-id'],
      ['POST', '/campaigns/city-hall/webhook/deliveries/some-id/retry'],
      ['POST', '/campaigns/city-hall/webhook/deliveries/retry'],
    ] as const) {
      const response = await send(method, path, undefined, 'wrong-token-wrong-token');
      assert.equal(response.status, 401, `${method} ${path}`);
      assert.doesNotMatch(await response.text(), /secret|crm\.example/);
    }
  });
});

describe('webhook settings', () => {
  test('are validated on create and PATCH, each error naming its field', async () => {
    const cases: [unknown, string, RegExp][] = [
      [{ url: 'http://crm.example.org/hook' }, 'webhook.url', /https.*private or loopback/],
      [{ url: 'ftp://crm.example.org/hook' }, 'webhook.url', /https/],
      [{ url: 'not a url' }, 'webhook.url', /URL/],
      [{ url: 'https://user:pass@crm.example.org/hook' }, 'webhook.url', /user name or password/],
      [{}, 'webhook.url', /required/],
      [{ url: HOOK, events: ['call.started', 'call.nope'] }, 'webhook.events.1', /./],
      [{ url: HOOK, events: [] }, 'webhook.events', /at least one/],
      [{ url: HOOK, includePhone: 'yes' }, 'webhook.includePhone', /./],
      [{ url: HOOK, secret: 'short' }, 'webhook.secret', /24 characters/],
      ['https://crm.example.org', 'webhook', /./],
    ];
    for (const [webhook, field, message] of cases) {
      assert.match(await expectError(await send('POST', '/campaigns', cityHall(webhook)), 422, 'invalid_body', field), message, field);
    }
    await created(undefined);
    for (const [webhook, field] of cases) await expectError(await send('PATCH', '/campaigns/city-hall', { webhook }), 422, 'invalid_body', field);
  });

  test('plain http is allowed for a receiver on this machine, where the server allows private receivers', async () => {
    ({ app, deps } = testDeps(store, { WEBHOOK_ALLOW_PRIVATE: '1' }));
    for (const url of ['http://localhost:8080/hook', 'http://127.0.0.1:9000/', 'http://[::1]:9000/hook']) {
      assert.equal((await send('POST', '/campaigns', { ...cityHall({ url }), id: undefined })).status, 201, url);
    }
  });

  test('a generated secret is shown once, then only its last four characters', async () => {
    const campaign = await created({ url: HOOK, events: ['call.completed'] });
    const { secret, secretHint, ...rest } = campaign.settings.webhook;
    assert.match(secret, /^[A-Za-z0-9_-]{43}$/, '32 random bytes, base64url');
    assert.equal(secretHint, `…${secret.slice(-4)}`);
    assert.deepEqual(rest, { url: HOOK, events: ['call.completed'], includePhone: false });

    const reads = [
      await send('GET', '/campaigns/city-hall'),
      await send('GET', '/campaigns'),
      await send('PATCH', '/campaigns/city-hall', { webhook: { includePhone: true } }),
      await send('PATCH', '/campaigns/city-hall', { name: 'City hall!' }),
      await send('POST', '/campaigns/city-hall/pause'),
      await send('POST', '/campaigns/city-hall/copy', { id: 'city-hall-2' }),
    ];
    for (const response of reads) {
      const text = await response.text();
      assert.ok(response.ok, text);
      assert.ok(!text.includes(secret), `${response.url} must not show the secret`);
      assert.ok(text.includes(secretHint));
    }
    const { webhook } = (await (await send('GET', '/campaigns/city-hall')).json()).campaign.settings;
    assert.deepEqual(webhook, { url: HOOK, events: ['call.completed'], includePhone: true, secretHint }, 'PATCH merged, secret kept');
  });

  test('a first URL set by PATCH gets a secret, shown in that response; a given secret is kept', async () => {
    await created(undefined);
    const first = (await (await send('PATCH', '/campaigns/city-hall', { webhook: { url: HOOK } })).json()).campaign.settings.webhook;
    assert.match(first.secret, /^[A-Za-z0-9_-]{43}$/);
    const moved = (await (await send('PATCH', '/campaigns/city-hall', { webhook: { url: `${HOOK}/v2` } })).json()).campaign.settings.webhook;
    assert.deepEqual(moved, { url: `${HOOK}/v2`, includePhone: false, secretHint: first.secretHint });

    const chosen = 'my-own-secret-of-enough-length';
    const set = (await (await send('PATCH', '/campaigns/city-hall', { webhook: { secret: chosen } })).json()).campaign.settings.webhook;
    assert.equal(set.secretHint, '…ngth');
    const removed = await send('PATCH', '/campaigns/city-hall', { webhook: null });
    assert.equal((await removed.json()).campaign.settings.webhook, undefined);
  });

  test('events left out or null mean every event: on create, on a first PATCH, and to widen a list again', async () => {
    const stored = async () => (await (await send('GET', '/campaigns/city-hall')).json()).campaign.settings.webhook;
    assert.equal((await created({ url: HOOK, events: null })).settings.webhook.events, undefined);
    await send('PATCH', '/campaigns/city-hall', { webhook: null });
    const added = await send('PATCH', '/campaigns/city-hall', { webhook: { url: HOOK, events: null, includePhone: false } });
    assert.equal(added.status, 200, await added.clone().text());
    assert.equal((await stored()).events, undefined);
    await send('PATCH', '/campaigns/city-hall', { webhook: { events: ['call.completed'] } });
    assert.deepEqual((await stored()).events, ['call.completed']);
    await send('PATCH', '/campaigns/city-hall', { webhook: { events: null } });
    assert.equal((await stored()).events, undefined, 'every event again');
    const [row] = await rows<{ settings: { webhook: object } }>(sql`select settings from campaigns where id = 'city-hall'`);
    assert.ok(!('events' in row!.settings.webhook), 'no null is stored');
  });

  test('rotate makes a new secret, shown once; pending deliveries are signed with it from then on', async () => {
    const before = (await created({ url: HOOK })).settings.webhook;
    const response = await send('POST', '/campaigns/city-hall/webhook/rotate');
    assert.equal(response.status, 200);
    const { webhook } = await response.json();
    assert.match(webhook.secret, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(webhook.secret, before.secret);
    assert.equal(webhook.secretHint, `…${webhook.secret.slice(-4)}`);
    const stored = (await (await send('GET', '/campaigns/city-hall')).json()).campaign.settings.webhook;
    assert.equal(stored.secretHint, webhook.secretHint);
    const [row] = await rows<{ settings: { webhook: { secret: string } } }>(sql`select settings from campaigns where id = 'city-hall'`);
    assert.equal(row!.settings.webhook.secret, webhook.secret, 'the store has the new secret');

    await expectError(await send('POST', '/campaigns/nope/webhook/rotate'), 404, 'not_found');
    await send('PATCH', '/campaigns/city-hall', { webhook: null });
    await expectError(await send('POST', '/campaigns/city-hall/webhook/rotate'), 409, 'no_webhook', 'webhook');
  });
});

describe('webhook deliveries', () => {
  test('are listed newest first, filtered by status and paged; they show that a number went, never the number', async () => {
    await created({ url: HOOK, includePhone: true });
    const calls = await placeCalls(3);
    const list = async (query = '') => {
      const response = await send('GET', `/campaigns/city-hall/webhook/deliveries${query}`);
      const text = await response.text();
      assert.equal(response.status, 200, text);
      assert.doesNotMatch(text, /555014/, 'no caller number');
      return JSON.parse(text) as { deliveries: Record<string, unknown>[]; nextCursor: string | null };
    };
    const all = await list();
    assert.equal(all.deliveries.length, 3);
    assert.equal(all.nextCursor, null);
    const [newest] = all.deliveries;
    assert.deepEqual(Object.keys(newest!).sort(), ['attempts', 'createdAt', 'deliveredAt', 'id', 'lastError', 'nextAttemptAt', 'phoneIncluded', 'status', 'type']);
    assert.deepEqual([newest!.type, newest!.status, newest!.attempts, newest!.phoneIncluded], ['call.started', 'pending', 0, true]);

    const first = await list('?limit=2');
    assert.equal(first.deliveries.length, 2);
    assert.ok(first.nextCursor);
    const second = await list(`?limit=2&cursor=${first.nextCursor}`);
    assert.equal(second.deliveries.length, 1);
    assert.equal(second.nextCursor, null);
    assert.deepEqual([...first.deliveries, ...second.deliveries].map((d) => d.id), all.deliveries.map((d) => d.id));
    for (const junk of ['?limit=0x10', '?limit=1e1', '?limit=0', '?limit=201', '?cursor=0x10', '?cursor=1.0', '?cursor=-1', '?cursor=99999999999999999999']) {
      const refused = await send('GET', `/campaigns/city-hall/webhook/deliveries${junk}`);
      assert.equal(refused.status, 422, junk);
      assert.match((await refused.json()).error.field, /^(limit|cursor)$/, junk);
    }

    await store.db.execute(sql`update webhook_events set status = 'failed', phone = null where id = ${all.deliveries[1]!.id}`);
    assert.deepEqual((await list('?status=failed')).deliveries.map((d) => d.id), [all.deliveries[1]!.id]);
    assert.equal((await list('?status=pending')).deliveries.length, 2);
    assert.equal((await list('?status=delivered')).deliveries.length, 0);

    await expectError(await send('GET', '/campaigns/city-hall/webhook/deliveries?status=lost'), 422, 'invalid_body', 'status');
    await expectError(await send('GET', '/campaigns/city-hall/webhook/deliveries?limit=0'), 422, 'invalid_body', 'limit');
    await expectError(await send('GET', '/campaigns/nope/webhook/deliveries'), 404, 'not_found');

    const detail = await send('GET', `/campaigns/city-hall/webhook/deliveries/${newest!.id}`);
    const text = await detail.text();
    assert.equal(detail.status, 200, text);
    assert.doesNotMatch(text, /555014/);
    const { delivery, payload, attempts } = JSON.parse(text);
    assert.equal(delivery.id, newest!.id);
    assert.deepEqual(attempts, []);
    assert.deepEqual([payload.id, payload.type, payload.campaign], [newest!.id, 'call.started', { id: 'city-hall', name: 'City hall' }]);
    assert.equal(payload.call.id, calls[2]);
    assert.equal(payload.phone, undefined);
    await expectError(await send('GET', '/campaigns/city-hall/webhook/deliveries/nope'), 404, 'not_found');
  });

  test('a delivery shows its attempts', async () => {
    await created({ url: HOOK });
    await placeCalls(1);
    const [event] = await rows<{ id: string }>(sql`select id from webhook_events`);
    await store.db.execute(sql`update webhook_events set status = 'failed', attempts = 2, last_error = 'HTTP 503' where id = ${event!.id}`);
    await store.db.execute(sql`insert into webhook_attempts (event_id, attempt, status_code, error, duration_ms)
      values (${event!.id}, 1, null, 'no answer within 10 s', 10000), (${event!.id}, 2, 503, 'HTTP 503', 12)`);
    const { delivery, attempts } = await (await send('GET', `/campaigns/city-hall/webhook/deliveries/${event!.id}`)).json();
    assert.deepEqual([delivery.status, delivery.attempts, delivery.lastError], ['failed', 2, 'HTTP 503']);
    assert.deepEqual(
      attempts.map(({ attempt, statusCode, error, durationMs }: Record<string, unknown>) => ({ attempt, statusCode, error, durationMs })),
      [
        { attempt: 1, statusCode: null, error: 'no answer within 10 s', durationMs: 10000 },
        { attempt: 2, statusCode: 503, error: 'HTTP 503', durationMs: 12 },
      ],
    );
    assert.ok(attempts.every((attempt: { at: string }) => !Number.isNaN(Date.parse(attempt.at))));
  });

  test('only a failed delivery can be retried; retrying all re-queues every failed one', async () => {
    await created({ url: HOOK });
    await placeCalls(3);
    const ids = (await rows<{ id: string }>(sql`select id from webhook_events order by seq`)).map((row) => row.id);
    const retry = (id: string) => send('POST', `/campaigns/city-hall/webhook/deliveries/${id}/retry`);
    await expectError(await retry(ids[0]!), 409, 'not_failed');
    await expectError(await retry('nope'), 404, 'not_found');

    await store.db.execute(sql`update webhook_events set status = 'failed', attempts = 8, next_attempt_at = now() + interval '1 day'`);
    const response = await retry(ids[0]!);
    assert.equal(response.status, 200);
    const { delivery } = await response.json();
    assert.equal(delivery.status, 'pending');
    assert.ok(Date.parse(delivery.nextAttemptAt) <= Date.now() + 1000, 'due now');
    await expectError(await retry(ids[0]!), 409, 'not_failed');

    const all = await send('POST', '/campaigns/city-hall/webhook/deliveries/retry');
    assert.deepEqual(await all.json(), { retried: 2 });
    assert.deepEqual(await rows(sql`select distinct status from webhook_events`), [{ status: 'pending' }]);
  });
});
