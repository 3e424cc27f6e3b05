import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { CampaignInput, createCampaign } from '../../server/campaigns/campaigns.ts';
import { insertCall } from '../../server/calls/calls.ts';
import { Dialer } from '../../server/calls/dialer.ts';
import { CallNotifier } from '../../server/calls/notifier.ts';
import type { CongressLookup } from '../../server/congress/lookup.ts';
import { sweep, sweepUnlessSweeping } from '../../server/janitor.ts';
import { Blocklist } from '../../server/limits/blocklist.ts';
import { saveOrgTwilio } from '../../server/orgs/twilio-account.ts';
import { seal } from '../../server/sealed.ts';
import { openStore, type Store } from '../../server/store/db.ts';
import { CHANNELS } from '../../server/store/notifications.ts';
import { supporters } from '../../server/store/schema.ts';
import { CallAgainScheduler } from '../../server/supporters/scheduler.ts';
import { TwilioAccounts } from '../../server/telephony/accounts.ts';
import { WebhookDeliverer } from '../../server/webhooks/deliverer.ts';
import { recordEvent } from '../../server/webhooks/events.ts';
import { LOCAL_POSTGRES, postgresReachable, type ThrowawayDatabase, throwawayDatabase } from '../support/postgres.ts';
import { startReceiver } from '../support/webhook-receiver.ts';
import { createServer, type Socket } from 'node:net';

// Three replicas' workers on one PostgreSQL database, each with a pool of its own (as separate processes
// have): each piece of work is done once, whichever replica gets to it.
const BASE_URL = process.env.DATABASE_URL || LOCAL_POSTGRES;
const skip = (await postgresReachable(BASE_URL)) ? false : `needs PostgreSQL at ${BASE_URL}`;
const SECRET_KEY = 'replicas-test-secret-key-0123456789abcdef';
const OFFICES = [{ id: 'mayor', name: 'Mayor Ada', title: 'Mayor', phone: '+12125550100' }];

let database: ThrowawayDatabase | undefined;
let replicas: Store[] = [];

describe('workers on three replicas', { skip }, () => {
  before(async () => {
    database = await throwawayDatabase(BASE_URL, 'callpower_replicas');
    // One at a time: the first migrates, the others find it done.
    for (let i = 0; i < 3; i++) replicas.push(await openStore({ databaseUrl: database.url.toString(), dataDir: '' }));
  });
  after(async () => {
    await Promise.all(replicas.map((store) => store.close()));
    replicas = [];
    await database?.drop();
  });
  const db = () => replicas[0]!.db;
  const rows = async <T>(query: ReturnType<typeof sql>) => ((await db().execute(query)) as unknown as { rows: T[] }).rows;

  async function campaign(id: string, settings: object) {
    const input = CampaignInput.parse({ id, name: id, targets: { custom: OFFICES }, limits: { perIpPerHour: 100_000, perCampaignPerMinute: 100_000, perTargetPerHour: 1_000_000 }, ...settings });
    return createCampaign(db(), input, { allowPrivateWebhooks: true });
  }

  test('outbox events are each delivered once', async () => {
    const receiver = await startReceiver(() => 200);
    await campaign('outbox', { webhook: { url: receiver.url } });
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const call = await insertCall(db(), { id: `outbox-${i}`, campaignId: 'outbox', phone: '+18025550142', phoneHash: `hash-${i}`, targets: OFFICES, status: 'in-progress' });
      ids.push((await recordEvent(db(), { type: 'call.started', call }))!);
    }
    const workers = replicas.map((store) => new WebhookDeliverer({ db: store.db, log: () => {}, pollMs: 10, timeoutMs: 10_000, concurrency: 4, allowPrivate: true }));
    workers.forEach((worker) => worker.start());
    try {
      for (let i = 0; i < 1000; i++) {
        const [{ pending }] = (await rows<{ pending: number }>(sql`select count(*)::int as pending from webhook_events where status = 'pending'`)) as [{ pending: number }];
        if (!pending) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await Promise.all(workers.map((worker) => worker.stop()));
      await receiver.close();
    }
    assert.equal(receiver.requests.length, ids.length);
    assert.deepEqual([...receiver.accepted().values()], Array(ids.length).fill(1));
  });

  test('call-agains due are each queued once', async () => {
    await campaign('again', { callAgain: { timeZone: 'America/New_York' } });
    const due = 45; // more than one claim's batch, so the replicas' claims interleave
    for (let i = 0; i < due; i++) {
      await db()
        .insert(supporters)
        .values({ campaignId: 'again', phoneHash: `supporter-${i}`, phoneSealed: seal(SECRET_KEY, `+1802555${String(1000 + i)}`), zip: '05401', nextCallAt: new Date(Date.now() - 60_000) });
    }
    const schedulers = replicas.map(
      (store) => new CallAgainScheduler({ db: store.db, congress: {} as CongressLookup, blocklist: new Blocklist(store.db), secretKey: SECRET_KEY, log: () => {} }),
    );
    let queued = 0;
    for (let round = 0; round < 10; round++) {
      const ticks = await Promise.all(schedulers.map((scheduler) => scheduler.tick()));
      queued += ticks.reduce((sum, n) => sum + n, 0);
      if (ticks.every((n) => n === 0)) break;
    }
    const calls = await rows<{ phone_hash: string; n: number }>(sql`select phone_hash, count(*)::int as n from calls where campaign_id = 'again' group by phone_hash`);
    assert.equal(queued, due);
    assert.equal(calls.length, due);
    assert.ok(calls.every((row) => row.n === 1), JSON.stringify(calls.filter((row) => row.n !== 1)));
  });

  test('janitor sweeps at once on every replica are harmless', async () => {
    await campaign('swept', {});
    for (let i = 0; i < 30; i++) {
      await insertCall(db(), { id: `swept-${i}`, campaignId: 'swept', phone: '+18025550142', phoneHash: `swept-${i}`, targets: OFFICES, status: 'completed' });
    }
    await Promise.all(replicas.flatMap((store) => [sweep(store.db, 400), sweep(store.db, 400)]));
    const [{ kept }] = (await rows<{ kept: number }>(sql`select count(*)::int as kept from calls where campaign_id = 'swept' and phone is not null`)) as [{ kept: number }];
    assert.equal(kept, 0, 'every ended call lost its number');
  });

  test("a queued call wakes every dial queue with its lane; a replica whose lane cannot dial yet does not read the queue for it", async () => {
    const SERVER_SID = `AC${'5'.repeat(32)}`;
    const OWN_SID = `AC${'6'.repeat(32)}`;
    await campaign('lane-server', {});
    await campaign('lane-own', {});
    await db().execute(sql`insert into orgs (id, name) values ('lane-org', 'Lane org')`);
    await saveOrgTwilio(db(), SECRET_KEY, 'lane-org', { accountSid: OWN_SID, authToken: 'own-auth-token-0123456789abcdef', callerId: '+18025550101', cps: 1 });
    await db().execute(sql`update campaigns set org_id = 'lane-org' where id = 'lane-own'`);
    // Calls the tests above left queued are not this test's.
    await db().execute(sql`update calls set status = 'canceled' where status = 'queued'`);
    const queued = (id: string, campaignId: string) => insertCall(db(), { id, campaignId, phone: '+18025550142', phoneHash: `hash-${id}`, targets: OFFICES });

    // Twilio that takes a call create and never answers: the server's lane stays busy placing its first call.
    const sockets: Socket[] = [];
    let hangingUp = false;
    const twilio = createServer((socket) => (hangingUp ? socket.destroy() : sockets.push(socket)));
    await new Promise<void>((resolve) => twilio.listen(0, '127.0.0.1', resolve));
    const apiUrl = `http://127.0.0.1:${(twilio.address() as { port: number }).port}`;
    const store = replicas[2]!;
    const reads = { count: 0 };
    // The dialer's every look at the store: claims (update), due times and campaigns (select), CPS slots (execute).
    const counted = new Proxy(store.db, {
      get(target, name, receiver) {
        if (name === 'select' || name === 'update' || name === 'execute') reads.count++;
        return Reflect.get(target, name, receiver);
      },
    });
    const accounts = new TwilioAccounts({ db: store.db, secretKey: SECRET_KEY, server: { accountSid: SERVER_SID, authToken: 'token', callerId: '+18025550100', cps: 1 }, apiUrl });
    const dialer = new Dialer({ db: counted, accounts, publicUrl: 'http://127.0.0.1:1', notifier: new CallNotifier(), log: () => {}, pollMs: 60_000 });
    const heard: string[] = [];
    const unlisten = await store.listen(CHANNELS.dialQueue, (lane) => {
      heard.push(lane ?? '');
      dialer.wake(lane || SERVER_SID);
    });
    dialer.start();
    try {
      await queued('lane-1', 'lane-server');
      for (let i = 0; i < 200 && !sockets.length; i++) await new Promise((resolve) => setTimeout(resolve, 25));
      assert.equal(sockets.length, 1, 'the first call is being placed');

      reads.count = 0;
      for (let i = 2; i <= 6; i++) await queued(`lane-${i}`, 'lane-server');
      await queued('lane-own-1', 'lane-own');
      for (let i = 0; i < 200 && heard.length < 7; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.deepEqual(heard, ['', '', '', '', '', '', OWN_SID], "each wake names the call's lane: '' for the server's account");
      await new Promise((resolve) => setTimeout(resolve, 200));
      // The other organisation's lane is open: its call is claimed (a claim and its placing's reads), the server's five are not looked for.
      const own = await rows<{ dial_attempts: number }>(sql`select dial_attempts from calls where id = 'lane-own-1'`);
      assert.equal(own[0]!.dial_attempts, 1, "the open lane's call is claimed at once");
      const server = await rows<{ attempts: number }>(sql`select sum(dial_attempts)::int as attempts from calls where campaign_id = 'lane-server'`);
      assert.equal(server[0]!.attempts, 1, "the busy lane's calls wait");
      const afterOwn = reads.count;
      for (let i = 7; i <= 11; i++) await queued(`lane-${i}`, 'lane-server');
      for (let i = 0; i < 200 && heard.length < 12; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(reads.count - afterOwn, 0, 'five wakes for a busy lane read nothing');
    } finally {
      hangingUp = true;
      sockets.forEach((socket) => socket.destroy());
      await dialer.stop();
      await unlisten();
      await new Promise((resolve) => twilio.close(resolve));
    }
  });

  test('while one replica sweeps, the others skip their turn', async () => {
    const [first, second] = replicas as [Store, Store];
    let skipped: boolean | undefined;
    await first.db.transaction(async (tx) => {
      // Replica one is in the middle of a sweep (it holds the janitor's lock)...
      assert.equal(await sweepUnlessSweeping(tx, 400), true);
      // ...so replica two does not sweep the same rows again.
      skipped = !(await sweepUnlessSweeping(second.db, 400));
    });
    assert.equal(skipped, true);
    assert.equal(await sweepUnlessSweeping(second.db, 400), true, 'the next turn sweeps');
  });
});
