import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { CampaignInput, createCampaign } from '../../server/campaigns/campaigns.ts';
import { ensureDemoCampaign } from '../../server/campaigns/demo.ts';
import { insertCall } from '../../server/calls/calls.ts';
import { openStore, type Store } from '../../server/store/db.ts';
import { CHANNELS } from '../../server/store/notifications.ts';
import { recordEvent } from '../../server/webhooks/events.ts';
import { LOCAL_POSTGRES, postgresReachable, type ThrowawayDatabase, throwawayDatabase } from '../support/postgres.ts';
import { json, startTestServer, type TestServer } from '../support/server.ts';
import { storePerFile } from '../support/store.ts';
import { type Receiver, startReceiver } from '../support/webhook-receiver.ts';

// The workers' fallback poll is a minute here: whatever they do within seconds, something woke them for.
const NO_POLLING = { dialer: { pollMs: 60_000 }, webhooks: { pollMs: 60_000, allowPrivate: true, backoff: { delaysMs: [300], jitter: 0 } } };
/** Generous against a busy machine, and far below the fallback poll. */
const PROMPTLY_MS = 10_000;

const OFFICES = [{ name: 'Mayor Ada', title: 'Mayor', phone: '+12125550100' }];

let server: TestServer | undefined;
let receiver: Receiver | undefined;
const store = storePerFile(async () => {
  await server?.close();
  server = undefined;
  await receiver?.close();
  receiver = undefined;
});

/** A campaign (custom targets, so no ZIP needed) whose webhook is `receiver`. */
async function campaignWithWebhook(on: Store, url: string) {
  const input = CampaignInput.parse({ id: 'city-hall', name: 'City hall', targets: { custom: OFFICES }, webhook: { url } });
  return createCampaign(on.db, input, { allowPrivateWebhooks: true });
}

const delivered = (types: string[]) => () => {
  const got = receiver!.requests.filter(({ answer }) => answer === 200).map(({ body }) => JSON.parse(body).type as string);
  return types.every((type) => got.includes(type));
};

async function until(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = PROMPTLY_MS) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await sleep(20);
  }
}

describe('the workers wake on work, not on a poll', () => {
  test('a call placed through the API is dialed, and its webhook events delivered, without waiting for a poll', async () => {
    receiver = await startReceiver(() => 200);
    await campaignWithWebhook(store, receiver.url);
    server = await startTestServer(store, NO_POLLING);
    const response = await fetch(`${server.url}/api/campaigns/city-hall/calls`, json({ phone: '+18025550142' }));
    assert.equal(response.status, 201, await response.clone().text());
    await until(() => server!.emulator!.calls.size === 1, 'the call is dialed');
    await receiver.until(delivered(['call.started', 'leg.completed', 'call.completed']), 'the call’s events are delivered', PROMPTLY_MS);
  });

  test('a dial retried after backoff is placed when due, with nothing to wake the queue', async () => {
    // Longer than the dialer's own spacing between claims (1 s at 1 CPS), which would find the retry due anyway.
    server = await startTestServer(store, { dialer: { pollMs: 60_000, retryBaseMs: 2000 } });
    server.emulator!.failNextCreate({ status: 429, code: 20429, message: 'Too Many Requests' });
    await fetch(`${server.url}/api/campaigns/demo/calls`, json({ phone: '+18025550142', zip: '05401' }));
    await until(() => server!.emulator!.calls.size === 1, 'the retry is placed');
    assert.ok(server.logs.some((line) => line.includes('Twilio error 20429')), server.logs.join('\n'));
  });

  test('a webhook delivery retried after backoff is sent when due, with nothing to wake the deliverer', async () => {
    receiver = await startReceiver((n) => (n === 1 ? 500 : 200));
    await campaignWithWebhook(store, receiver.url);
    server = await startTestServer(store, NO_POLLING, { WEBHOOK_ALLOW_PRIVATE: '1' });
    await fetch(`${server.url}/api/campaigns/city-hall/calls`, json({ phone: '+18025550142' }));
    await receiver.until(() => receiver!.requests.some(({ answer, body }) => answer === 200 && JSON.parse(body).type === 'call.started'), 'the retry is delivered', PROMPTLY_MS);
    assert.equal(receiver.requests.filter(({ answer }) => answer === 500).length, 1);
  });
});

// Several processes share one database: what one stores, another's workers must hear of.
const BASE_URL = process.env.DATABASE_URL || LOCAL_POSTGRES;
const skip = (await postgresReachable(BASE_URL)) ? false : `needs PostgreSQL at ${BASE_URL}`;

describe('across processes on PostgreSQL', { skip }, () => {
  let database: ThrowawayDatabase;
  /** What "another process" writes through, and the store of the process under test. */
  let elsewhere: Store;
  let here: Store;
  let remote: TestServer | undefined;

  before(async () => {
    database = await throwawayDatabase(BASE_URL, 'callpower_test');
    elsewhere = await openStore({ databaseUrl: database.url.toString(), dataDir: '' });
    here = await openStore({ databaseUrl: database.url.toString(), dataDir: '' });
  });
  afterEach(async () => {
    await remote?.close();
    remote = undefined;
    await receiver?.close();
    receiver = undefined;
  });
  after(async () => {
    await Promise.all([elsewhere?.close(), here?.close()]);
    await database?.drop();
  });

  test('a call queued and an event recorded by another process wake this one’s dial queue and deliverer', async () => {
    receiver = await startReceiver(() => 200);
    const campaign = await campaignWithWebhook(elsewhere, receiver.url);
    remote = await startTestServer({ ...here, reset: async () => {} }, NO_POLLING, { WEBHOOK_ALLOW_PRIVATE: '1' });
    // Let the workers find the queue empty and go to sleep.
    await sleep(300);
    await elsewhere.db.transaction(async (tx) => {
      const call = await insertCall(tx, { id: 'from-elsewhere', campaignId: campaign.id, phone: '+18025550142', phoneHash: 'hash', targets: OFFICES.map((office, i) => ({ id: `office-${i}`, ...office })) });
      await recordEvent(tx, { type: 'call.started', call, campaign });
    });
    await until(() => remote!.emulator!.calls.size === 1, 'the call is dialed by the other process');
    await receiver.until(delivered(['call.started']), 'the event is delivered by the other process', PROMPTLY_MS);
  });

  test('the listening connection, once killed, is made again and hears notifications', async () => {
    const heard: (string | undefined)[] = [];
    const unlisten = await here.listen(CHANNELS.dialQueue, (payload) => heard.push(payload));
    try {
      const { rows } = (await elsewhere.db.execute(
        sql`select pg_terminate_backend(pid) as killed from pg_stat_activity where application_name = 'call-power notifications' and datname = current_database()`,
      )) as unknown as { rows: { killed: boolean }[] };
      assert.deepEqual(rows.map(({ killed }) => killed), [true], 'one listening connection, this process’s');
      await until(() => heard.includes(undefined), 'listeners are told they may have missed notifications once it is back');

      await ensureDemoCampaign(elsewhere.db);
      await insertCall(elsewhere.db, { id: 'after-reconnect', campaignId: 'demo', phoneHash: 'hash', targets: [] });
      await until(() => heard.includes(''), 'a call queued afterwards is heard of');
    } finally {
      await unlisten();
    }
  });
});
