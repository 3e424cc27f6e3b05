import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { asc, eq, sql } from 'drizzle-orm';
import { CampaignInput, createCampaign } from '../../server/campaigns/campaigns.ts';
import { advanceCallStatus, type Call, failCall, finishLeg, insertCall, startLeg } from '../../server/calls/calls.ts';
import { sweep } from '../../server/janitor.ts';
import { webhookAttempts, webhookEvents } from '../../server/store/schema.ts';
import { WebhookDeliverer } from '../../server/webhooks/deliverer.ts';
import { recordEvent } from '../../server/webhooks/events.ts';
import { openTestStore, type TestStore } from '../support/store.ts';
import { type Answer, type Receiver, startReceiver, verifyCallPowerWebhook } from '../support/webhook-receiver.ts';

const CALLER = '+18025550142';
const OFFICES = [
  { id: 'mayor', name: 'Mayor Ada', title: 'Mayor', phone: '+12125550100' },
  { id: 'clerk', name: 'Clerk Bo', title: 'Clerk', phone: '+12125550111' },
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

/** Receivers listen on 127.0.0.1: private ones are allowed here (webhook-ssrf.test.ts is about refusing them). */
async function campaignWith(webhook: object | undefined, id = 'city-hall') {
  const input = CampaignInput.parse({ id, name: 'City hall', targets: { custom: OFFICES }, ...(webhook ? { webhook } : {}) });
  return createCampaign(store.db, input, { allowPrivateWebhooks: true });
}

async function newCall(id = 'call-1', campaignId = 'city-hall'): Promise<Call> {
  return insertCall(store.db, {
    id,
    campaignId,
    phone: CALLER,
    phoneHash: `hash-${id}`,
    zip: '10007',
    targets: OFFICES,
    status: 'in-progress',
    ref: 'newsletter',
    meta: { page: 'petition' },
  });
}

const events = () => store.db.select().from(webhookEvents).orderBy(asc(webhookEvents.seq));

/**
 * A worker with short waits between attempts. The request timeout stays generous unless a test is about
 * it: PGlite runs on this thread, and a busy loop can hold a reply past a short timeout, which makes a
 * (legitimate, at-least-once) second delivery where a test counts one.
 */
function deliverer(options: Partial<ConstructorParameters<typeof WebhookDeliverer>[0]> = {}) {
  const logs: string[] = [];
  const started = new WebhookDeliverer({ db: store.db, log: (line) => logs.push(line), pollMs: 10, timeoutMs: 5000, backoff: { delaysMs: [20, 20], jitter: 0 }, allowPrivate: true, ...options });
  started.start();
  deliverers.push(started);
  return { deliverer: started, logs };
}

async function settled(ids: string[], timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = (await events()).filter((row) => ids.includes(row.id));
    if (rows.length === ids.length && rows.every((row) => row.status !== 'pending')) return rows;
    if (Date.now() > deadline) throw new Error(`not settled: ${JSON.stringify(rows.map((row) => [row.id, row.status, row.attempts]))}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('recording webhook events', () => {
  test('nothing is stored for a campaign without a webhook, or for kinds its webhook does not want', async () => {
    await campaignWith(undefined);
    await campaignWith({ url: 'https://crm.example.org/hook', events: ['call.completed'] }, 'picky');
    const call = await newCall();
    const picky = await newCall('call-2', 'picky');
    await finishLeg(store.db, call, 0, 'completed', 30);
    await finishLeg(store.db, picky, 0, 'completed', 30);
    assert.equal(await recordEvent(store.db, { type: 'call.started', call }), undefined);
    assert.deepEqual(await events(), []);
    await advanceCallStatus(store.db, picky.id, 'completed', 60);
    assert.deepEqual((await events()).map((row) => row.type), ['call.completed']);
  });

  test('a leg reported twice, and a final status reported twice, each make one event', async () => {
    await campaignWith({ url: 'https://crm.example.org/hook' });
    const call = await newCall();
    await startLeg(store.db, call, 0);
    assert.equal(await finishLeg(store.db, call, 0, 'completed', 42), true);
    assert.equal(await finishLeg(store.db, call, 0, 'completed', 42), false);
    await finishLeg(store.db, call, 1, 'busy', 0);
    assert.equal(await advanceCallStatus(store.db, call.id, 'completed', 90), true);
    assert.equal(await advanceCallStatus(store.db, call.id, 'completed', 90), false);
    assert.equal(await advanceCallStatus(store.db, call.id, 'no-answer'), false);

    const rows = await events();
    assert.deepEqual(rows.map((row) => row.type), ['leg.completed', 'leg.completed', 'call.completed']);
    const [first, second, completed] = rows.map((row) => row.payload as Record<string, any>);
    assert.deepEqual(first!.leg, { position: 0, targetId: 'mayor', status: 'completed', duration: 42, outcome: null });
    assert.deepEqual(second!.leg, { position: 1, targetId: 'clerk', status: 'busy', duration: 0, outcome: null });
    assert.equal(second!.call.legs.length, 2, 'the call as it stood, legs so far included');
    assert.equal(completed!.call.status, 'completed');
    assert.equal(completed!.call.duration, 90);
    assert.deepEqual(completed!.call.targets, OFFICES.map(({ id, name, title }) => ({ id, name, title })));
    assert.deepEqual([completed!.call.ref, completed!.call.meta], ['newsletter', { page: 'petition' }]);
    assert.deepEqual(completed!.campaign, { id: 'city-hall', name: 'City hall' });
    assert.ok(rows.every((row) => row.phone === null && !row.withPhone), 'no number without the opt-in');
    assert.ok(!JSON.stringify(rows.map((row) => row.payload)).includes('5550142'), 'nor anywhere in the payload');
  });

  test('with includePhone, events carry the number while the call holds it, call.completed included', async () => {
    await campaignWith({ url: 'https://crm.example.org/hook', includePhone: true });
    const call = await newCall();
    await finishLeg(store.db, call, 0, 'completed', 5);
    await advanceCallStatus(store.db, call.id, 'completed', 10);
    const [leg, completed] = await events();
    assert.equal(leg!.phone, CALLER);
    assert.equal(completed!.phone, CALLER, 'read before the final status forgets it');
    assert.ok(completed!.withPhone);
    const { rows } = (await store.db.execute(sql`select phone from calls where id = ${call.id}`)) as unknown as { rows: { phone: string | null }[] };
    assert.equal(rows[0]!.phone, null, 'the call itself forgot the number');
    assert.ok(!JSON.stringify(completed!.payload).includes(CALLER), 'the number is kept apart from the payload');
  });

  test('a call that could not be placed reports call.completed as failed, once', async () => {
    await campaignWith({ url: 'https://crm.example.org/hook' });
    const call = await newCall();
    await store.db.execute(sql`update calls set status = 'queued' where id = ${call.id}`);
    await failCall(store.db, call.id, 'dial_failed', 'We could not place the call.');
    await failCall(store.db, call.id, 'dial_failed', 'We could not place the call.');
    const rows = await events();
    assert.deepEqual(rows.map((row) => [row.type, (row.payload as any).call.status]), [['call.completed', 'failed']]);
  });

  test('supporter.opted_in carries the consent, the call if there is one, and with the opt-in the number', async () => {
    const campaign = await campaignWith({ url: 'https://crm.example.org/hook', includePhone: true });
    const call = await newCall();
    const supporter = {
      optedInAt: new Date('2026-03-02T15:00:00Z'),
      nextCallAt: new Date('2026-03-03T15:00:00Z'),
      schedule: { days: [1, 2, 3, 4, 5], from: 10, to: 16, everyDays: 1 },
    };
    await recordEvent(store.db, { type: 'supporter.opted_in', campaign, call, supporter });
    await recordEvent(store.db, { type: 'supporter.opted_in', campaign, phone: '+18025550199', supporter });
    const [byPhone, byWidget] = await events();
    const expected = { optedInAt: '2026-03-02T15:00:00.000Z', nextCallAt: '2026-03-03T15:00:00.000Z', schedule: supporter.schedule };
    assert.deepEqual((byPhone!.payload as any).supporter, expected);
    assert.equal((byPhone!.payload as any).call.id, call.id);
    assert.equal(byPhone!.phone, CALLER);
    assert.equal((byWidget!.payload as any).call, undefined);
    assert.equal(byWidget!.phone, '+18025550199');
  });

  test('an event is stored with its change or not at all', async () => {
    const campaign = await campaignWith({ url: 'https://crm.example.org/hook' });
    await assert.rejects(
      store.db.transaction(async (tx) => {
        const call = await insertCall(tx, { id: 'doomed', campaignId: campaign.id, phoneHash: 'h', targets: OFFICES });
        await recordEvent(tx, { type: 'call.started', call, campaign });
        throw new Error('the request failed after the event was written');
      }),
    );
    assert.deepEqual(await events(), []);
  });
});

describe('the delivery worker', () => {
  test('delivers signed, records each attempt, retries failures and drops the number once done', async () => {
    const answers: Answer[] = [500, 'reset'];
    receiver = await startReceiver((n) => answers[n - 1] ?? 204);
    const campaign = await campaignWith({ url: receiver.url, includePhone: true });
    const call = await newCall();
    const id = (await recordEvent(store.db, { type: 'call.started', call }))!;
    const { logs } = deliverer();

    const [event] = await settled([id]);
    assert.equal(event!.status, 'delivered');
    assert.equal(event!.attempts, 3);
    assert.equal(event!.phone, null, 'dropped once delivered');
    assert.equal(event!.withPhone, true);
    const attempts = await store.db.select().from(webhookAttempts).where(eq(webhookAttempts.eventId, id)).orderBy(asc(webhookAttempts.attempt));
    assert.deepEqual(
      attempts.map(({ attempt, statusCode, error }) => ({ attempt, statusCode, error: error?.replace(/\(.*\)/, '(…)') })),
      [
        { attempt: 1, statusCode: 500, error: 'HTTP 500' },
        { attempt: 2, statusCode: null, error: 'connection failed (…)' },
        { attempt: 3, statusCode: 204, error: undefined },
      ],
    );
    const secret = campaign.settings.webhook!.secret;
    for (const request of receiver.requests) {
      assert.ok(verifyCallPowerWebhook(secret, request.headers, request.body));
      assert.equal(request.headers['x-callpower-delivery'], id);
      assert.equal(JSON.parse(request.body).phone, CALLER);
    }
    assert.equal(logs.length, 2, logs.join('\n'));
    assert.ok(logs.every((line) => !line.includes('5550142') && !line.includes('t0k3n')), 'no number, no URL token in logs');
  });

  test('a receiver that never answers in time leaves the event failed after the last attempt', async () => {
    receiver = await startReceiver(() => 'hang');
    await campaignWith({ url: receiver.url, includePhone: true });
    const id = (await recordEvent(store.db, { type: 'call.started', call: await newCall() }))!;
    deliverer({ timeoutMs: 100 });
    const [event] = await settled([id]);
    assert.deepEqual([event!.status, event!.attempts, event!.lastError, event!.phone], ['failed', 3, 'no answer within 0.1 s', null]);
  });

  test('an event whose campaign dropped its webhook fails at once', async () => {
    await campaignWith({ url: 'https://crm.example.org/hook' });
    const id = (await recordEvent(store.db, { type: 'call.started', call: await newCall() }))!;
    await store.db.execute(sql`update campaigns set settings = settings - 'webhook'`);
    deliverer();
    const [event] = await settled([id]);
    assert.deepEqual([event!.status, event!.attempts, event!.lastError], ['failed', 1, 'the campaign no longer has a webhook']);
  });

  test('workers sharing the outbox deliver each event once', async () => {
    receiver = await startReceiver(() => 200);
    await campaignWith({ url: receiver.url });
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push((await recordEvent(store.db, { type: 'call.started', call: await newCall(`call-${i}`) }))!);
    deliverer({ concurrency: 3 });
    deliverer({ concurrency: 3 });
    deliverer({ concurrency: 3 });
    await settled(ids);
    assert.equal(receiver.requests.length, 30);
    assert.deepEqual([...receiver.accepted().values()], Array(30).fill(1));
  });
});

describe('outbox retention', () => {
  test('settled events go after RETENTION_DAYS with their attempts; a number is never held past two days', async () => {
    await campaignWith({ url: 'https://crm.example.org/hook', includePhone: true });
    const at = (days: number) => sql`now() - make_interval(hours => ${Math.round(days * 24)})`;
    const rows = [
      { id: 'old-delivered', status: 'delivered', createdAt: at(31) },
      { id: 'old-failed', status: 'failed', createdAt: at(31) },
      { id: 'recent-failed', status: 'failed', createdAt: at(29) },
      { id: 'stale-pending', status: 'pending', createdAt: at(3), phone: CALLER, withPhone: true },
      { id: 'fresh-pending', status: 'pending', createdAt: at(0.5), phone: CALLER, withPhone: true },
    ];
    await store.db.insert(webhookEvents).values(rows.map((row) => ({ campaignId: 'city-hall', type: 'call.started', payload: {}, ...row })));
    await store.db.insert(webhookAttempts).values({ eventId: 'old-delivered', attempt: 1, statusCode: 200, durationMs: 3 });

    await sweep(store.db, 30);

    const left = await events();
    assert.deepEqual(left.map((row) => [row.id, row.phone]), [
      ['recent-failed', null],
      ['stale-pending', null],
      ['fresh-pending', CALLER],
    ]);
    assert.deepEqual(await store.db.select().from(webhookAttempts), []);
  });
});
