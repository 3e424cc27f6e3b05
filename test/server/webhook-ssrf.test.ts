import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { after, afterEach, before, describe, test } from 'node:test';
import { eq, sql } from 'drizzle-orm';
import { webhookEvents } from '../../server/store/schema.ts';
import { WebhookDeliverer } from '../../server/webhooks/deliverer.ts';
import { publicOnlyLookup } from '../../server/webhooks/address.ts';
import { recordEvent } from '../../server/webhooks/events.ts';
import { insertCall } from '../../server/calls/calls.ts';
import { testDeps } from '../support/app.ts';
import { openTestStore, type TestStore } from '../support/store.ts';
import { type Receiver, startReceiver } from '../support/webhook-receiver.ts';

/** Every way we know to spell an address that is not on the public internet. */
const INWARD = [
  'http://127.0.0.1/hook',
  'https://127.0.0.1/hook',
  'http://127.1/hook',
  'https://0x7f000001/hook',
  'https://[::7f00:1]/hook',
  'https://2130706433/hook',
  'http://[::1]/hook',
  'https://[::1]:8443/hook',
  'https://[::ffff:127.0.0.1]/hook',
  'http://[::]/hook',
  'https://0.0.0.0/hook',
  'https://10.0.0.1/hook',
  'https://192.168.1.1/hook',
  'https://172.16.0.1/hook',
  'https://100.64.0.1/hook',
  'https://169.254.169.254/latest/meta-data',
  'https://[fd00:ec2::254]/latest/meta-data',
  'https://[fe80::1]/hook',
  'https://[fc00::1]/hook',
  'https://localhost/hook',
  'http://localhost:8080/hook',
  'https://LOCALHOST./hook',
  'https://foo.localhost/hook',
];

let store: TestStore;
let receiver: Receiver | undefined;
let deliverers: WebhookDeliverer[] = [];

before(async () => {
  store = await openTestStore();
});
afterEach(async () => {
  await Promise.all(deliverers.map((deliverer) => deliverer.stop()));
  deliverers = [];
  await receiver?.close();
  receiver = undefined;
  await store.reset();
});
after(() => store.close());

function admin(env: Record<string, string> = {}) {
  const { app, deps } = testDeps(store, env);
  return (method: string, path: string, body?: unknown) =>
    app.request(`/api/admin${path}`, {
      method,
      headers: { Authorization: `Bearer ${deps.config.adminToken}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
}

const cityHall = (url?: string, id = 'city-hall') => ({
  id,
  name: 'City hall',
  targets: { custom: [{ name: 'Mayor', phone: '212-555-0100' }] },
  ...(url ? { webhook: { url } } : {}),
});

async function refusedUrl(response: Response, what: string) {
  const body = await response.json();
  assert.equal(response.status, 422, `${what}: ${JSON.stringify(body)}`);
  assert.deepEqual([body.error.code, body.error.field], ['invalid_body', 'webhook.url'], what);
  return body.error.message as string;
}

describe('a webhook URL is refused when it points inward', () => {
  test('on create, PATCH and copy, in every spelling, naming webhook.url', async () => {
    const send = admin();
    for (const url of INWARD) {
      const message = await refusedUrl(await send('POST', '/campaigns', cityHall(url)), `POST ${url}`);
      assert.match(message, /^webhook\.url: must (be a public address|not point)/, url);
    }
    assert.equal((await send('POST', '/campaigns', cityHall())).status, 201);
    for (const url of INWARD) await refusedUrl(await send('PATCH', '/campaigns/city-hall', { webhook: { url } }), `PATCH ${url}`);

    // A copy takes its webhook from the original, set while this server allowed private receivers.
    await admin({ WEBHOOK_ALLOW_PRIVATE: '1' })('PATCH', '/campaigns/city-hall', { webhook: { url: 'http://10.0.0.7/hook' } });
    await refusedUrl(await send('POST', '/campaigns/city-hall/copy', { id: 'city-hall-2' }), 'copy');
  });

  test('a public https URL is accepted; public plain http is not', async () => {
    const send = admin();
    assert.equal((await send('POST', '/campaigns', cityHall('https://hooks.example.org/x'))).status, 201);
    assert.match(await refusedUrl(await send('PATCH', '/campaigns/city-hall', { webhook: { url: 'http://hooks.example.org/x' } }), 'http'), /https/);
    assert.match(
      await refusedUrl(await send('PATCH', '/campaigns/city-hall', { webhook: { url: 'https://user:pw@hooks.example.org/x' } }), 'credentials'),
      /user name or password/,
    );
  });

  test('with WEBHOOK_ALLOW_PRIVATE=1, private and loopback receivers may use plain http; public ones still need https', async () => {
    const send = admin({ WEBHOOK_ALLOW_PRIVATE: '1' });
    assert.equal((await send('POST', '/campaigns', cityHall('http://127.0.0.1:9000/hook'))).status, 201);
    for (const url of ['http://localhost:8080/hook', 'http://[::1]:9000/hook', 'https://10.0.0.1/hook', 'http://192.168.1.1/hook']) {
      assert.equal((await send('PATCH', '/campaigns/city-hall', { webhook: { url } })).status, 200, url);
    }
    assert.equal((await send('POST', '/campaigns/city-hall/copy', { id: 'city-hall-2' })).status, 201);
    await refusedUrl(await send('PATCH', '/campaigns/city-hall', { webhook: { url: 'http://hooks.example.org/x' } }), 'public http');
  });
});

describe('a delivery connects only to a public address', () => {
  /** A campaign whose webhook URL is written straight to the store, as if set before these checks (or under WEBHOOK_ALLOW_PRIVATE). */
  async function pendingEventFor(url: string, campaignId = 'city-hall'): Promise<string> {
    assert.equal((await admin()('POST', '/campaigns', cityHall('https://hooks.example.org/x', campaignId))).status, 201);
    await store.db.execute(sql`update campaigns set settings = jsonb_set(settings, '{webhook,url}', to_jsonb(${url}::text)) where id = ${campaignId}`);
    const call = await insertCall(store.db, { id: `call-${campaignId}`, campaignId, phoneHash: 'h', status: 'in-progress', targets: [] });
    return (await recordEvent(store.db, { type: 'call.started', call }))!;
  }

  function deliverer(options: Partial<ConstructorParameters<typeof WebhookDeliverer>[0]> = {}) {
    const logs: string[] = [];
    const started = new WebhookDeliverer({ db: store.db, log: (line) => logs.push(line), pollMs: 10, timeoutMs: 5000, backoff: { delaysMs: [], jitter: 0 }, ...options });
    started.start();
    deliverers.push(started);
    return logs;
  }

  async function settled(id: string) {
    for (let i = 0; ; i++) {
      const [event] = await store.db.select().from(webhookEvents).where(eq(webhookEvents.id, id));
      if (event!.status !== 'pending') return event!;
      assert.ok(i < 500, `event ${id} still pending`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  test('an IP literal or localhost: refused before connecting, and lastError says why', async () => {
    receiver = await startReceiver(() => 200);
    const port = new URL(receiver.url).port;
    const hosts = ['127.0.0.1', 'localhost', '[::ffff:7f00:1]'];
    const ids: string[] = [];
    for (const [i, host] of hosts.entries()) ids.push(await pendingEventFor(`http://${host}:${port}/hooks/call-power?token=t0k3n`, `hall-${i}`));
    const logs = deliverer();
    for (const [i, id] of ids.entries()) {
      const event = await settled(id);
      assert.deepEqual([event.status, event.lastError], ['failed', `refused: ${hosts[i]} is a private or loopback address`], hosts[i]);
    }
    assert.equal(receiver.requests.length, 0, 'nothing reached the receiver');
    assert.ok(logs.every((line) => !line.includes('t0k3n')), 'no URL token in the logs');
  });

  test('a name that resolves to loopback: refused at connect time (DNS rebinding), nothing reaches the receiver', async () => {
    receiver = await startReceiver(() => 200);
    const id = await pendingEventFor(`http://rebound.example.org:${new URL(receiver.url).port}/hooks/call-power?token=t0k3n`);
    const resolve = async (): Promise<LookupAddress[]> => [{ address: '127.0.0.1', family: 4 }];
    deliverer({ resolve });
    const event = await settled(id);
    assert.deepEqual([event.status, event.lastError], ['failed', 'refused: rebound.example.org resolves to a private or loopback address']);
    assert.equal(receiver.requests.length, 0);
  });

  test('with allowPrivate (WEBHOOK_ALLOW_PRIVATE=1) a loopback receiver gets the delivery', async () => {
    receiver = await startReceiver(() => 204);
    const id = await pendingEventFor(receiver.url);
    deliverer({ allowPrivate: true });
    assert.equal((await settled(id)).status, 'delivered');
    assert.equal(receiver.requests.length, 1);
  });

  test('a redirect is a failed attempt, not followed', async () => {
    receiver = await startReceiver(() => 302);
    const id = await pendingEventFor(receiver.url);
    deliverer({ allowPrivate: true });
    assert.deepEqual([(await settled(id)).lastError, receiver.requests.length], ['HTTP 302', 1]);
  });
});

describe('the connect-time lookup', () => {
  const lookup = (addresses: LookupAddress[]) => publicOnlyLookup(async () => addresses);
  const call = (addresses: LookupAddress[], all: boolean) =>
    new Promise<{ error: Error | null; address: unknown; family?: number }>((resolve) =>
      lookup(addresses)('hooks.example.org', { all }, (error, address, family) => resolve({ error, address, family })),
    );

  test('passes public addresses through, in both callback shapes', async () => {
    const addresses = [{ address: '93.184.215.14', family: 4 }, { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 }];
    assert.deepEqual(await call(addresses, true), { error: null, address: addresses, family: undefined });
    assert.deepEqual(await call(addresses, false), { error: null, address: '93.184.215.14', family: 4 });
  });

  test('refuses a name when any of its addresses is not public', async () => {
    for (const inward of ['127.0.0.1', '::1', '::ffff:10.0.0.1', '169.254.169.254', 'fd00:ec2::254']) {
      const { error } = await call([{ address: '93.184.215.14', family: 4 }, { address: inward, family: inward.includes(':') ? 6 : 4 }], false);
      assert.match(String(error?.message), /hooks\.example\.org resolves to a private or loopback address/, inward);
    }
  });
});
