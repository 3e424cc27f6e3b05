import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import twilio from 'twilio';
import { insertCall } from '../../server/calls/calls.ts';
import type { StartOptions } from '../../server/server.ts';
import { recordEvent } from '../../server/webhooks/events.ts';
import { storePerFile } from '../support/store.ts';
import { json, startTestServer, type TestServer } from '../support/server.ts';
import { type Answer, type Receiver, startReceiver, verifyCallPowerWebhook } from '../support/webhook-receiver.ts';

const CALLER = '+14155550123';
/** Burlington, Vermont: two senators and one representative. */
const ZIP = '05401';
const FINAL = ['completed', 'busy', 'no-answer', 'failed', 'canceled'];

let server: TestServer | undefined;
let receiver: Receiver | undefined;
const store = storePerFile(async () => {
  // The receiver first: a delivery hanging on it would hold up the server's shutdown.
  await receiver?.close();
  receiver = undefined;
  await server?.close();
  server = undefined;
});

/**
 * Fast polling and short waits between attempts. `timeoutMs` (per attempt) is kept well above what a
 * reply takes on a busy machine: a reply held past it makes a second delivery (at least once, as
 * documented), and these tests count exactly one.
 */
/** The receiver listens on 127.0.0.1, where a server delivers only with WEBHOOK_ALLOW_PRIVATE. */
const LOCAL_RECEIVERS = { WEBHOOK_ALLOW_PRIVATE: '1' };

const fastWebhooks = (timeoutMs: number, delaysMs = [20, 40, 80, 160]): StartOptions['webhooks'] => ({
  pollMs: 10,
  timeoutMs,
  backoff: { delaysMs, jitter: 0.2 },
});

async function admin(running: TestServer, method: string, path: string, body?: unknown) {
  const response = await fetch(`${running.url}/api/admin${path}`, {
    method,
    headers: { Authorization: `Bearer ${running.config.adminToken}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
  return { text, body: JSON.parse(text) };
}

/** Points the demo campaign's webhook at the receiver; returns the secret (shown this once). */
async function subscribe(running: TestServer, webhook: object): Promise<string> {
  const { body } = await admin(running, 'PATCH', '/campaigns/demo', { webhook: { url: receiver!.url, ...webhook } });
  return body.campaign.settings.webhook.secret;
}

async function placeCall(running: TestServer) {
  const response = await fetch(`${running.url}/api/campaigns/demo/calls`, json({ phone: CALLER, zip: ZIP }));
  assert.equal(response.status, 201, await response.clone().text());
  return ((await response.json()) as { call: { id: string; targets: { id: string }[] } }).call;
}

async function waitFor<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

type Delivery = { id: string; type: string; status: string; attempts: number; lastError: string | null; phoneIncluded: boolean };

const deliveries = async (running: TestServer) => (await admin(running, 'GET', '/campaigns/demo/webhook/deliveries')).body.deliveries as Delivery[];

const settledCall = (running: TestServer, id: string) =>
  waitFor(
    `call ${id} to end`,
    async () => (await (await fetch(`${running.url}/api/calls/${id}`)).json()) as { status: string; legs: { status: string }[] },
    (view) => FINAL.includes(view.status) && view.legs.every((leg) => !['ringing', 'in-progress'].includes(leg.status)),
  );

const count = (values: string[]) => Object.fromEntries([...new Set(values)].map((value) => [value, values.filter((v) => v === value).length]));

describe('webhooks through a whole call', () => {
  test('every event reaches a flaky receiver exactly once, signed, after retries', async () => {
    const failures: Answer[] = [500, 'hang', 'reset'];
    receiver = await startReceiver((n) => failures[n - 1] ?? 200);
    server = await startTestServer(store, { emulator: { duplicateDialActions: true }, webhooks: fastWebhooks(2000) }, LOCAL_RECEIVERS);
    const secret = await subscribe(server, {});
    const call = await placeCall(server);
    await settledCall(server, call.id);

    const delivered = await waitFor('six deliveries', () => deliveries(server!), (list) => list.length === 6 && list.every((d) => d.status === 'delivered'));
    const accepted = receiver.accepted();
    assert.deepEqual([...accepted.keys()].sort(), delivered.map((d) => d.id).sort(), 'each event accepted…');
    assert.deepEqual([...accepted.values()], [1, 1, 1, 1, 1, 1], '…once');

    const bodies = receiver.requests.filter((request) => request.answer === 200).map((request) => JSON.parse(request.body));
    // The emulated supporter also says yes to being called again (the demo campaign offers it).
    assert.deepEqual(count(bodies.map((body) => body.type)), { 'call.started': 1, 'leg.completed': 3, 'supporter.opted_in': 1, 'call.completed': 1 });
    for (const request of receiver.requests) {
      assert.ok(verifyCallPowerWebhook(secret, request.headers, request.body), 'signed with the campaign secret, timestamp in the window');
      assert.ok(Math.abs(Date.now() / 1000 - Number(request.headers['x-callpower-timestamp'])) < 60);
      assert.equal(request.headers['user-agent'], 'call-power');
      assert.equal(request.headers['content-type'], 'application/json');
      assert.equal(request.headers['x-callpower-event'], JSON.parse(request.body).type);
      assert.equal(request.headers['x-callpower-delivery'], JSON.parse(request.body).id);
      assert.ok(!request.body.includes('4155550123'), 'no number: the campaign did not opt in');
    }
    for (const body of bodies) {
      assert.equal(body.phone, undefined);
      assert.deepEqual(body.campaign, { id: 'demo', name: 'Call Congress (demo)' });
      assert.equal(body.call.id, call.id);
      assert.deepEqual(body.call.targets.map((target: { id: string }) => target.id), call.targets.map((target) => target.id));
    }
    const legEvents = bodies.filter((body) => body.type === 'leg.completed');
    assert.deepEqual(legEvents.map((body) => body.leg.position).sort(), [0, 1, 2]);
    assert.ok(legEvents.every((body) => body.leg.status === 'completed' && body.leg.duration > 0));
    const completed = bodies.find((body) => body.type === 'call.completed');
    assert.equal(completed.call.status, 'completed');
    assert.deepEqual(completed.call.legs.map((leg: { status: string }) => leg.status), ['completed', 'completed', 'completed']);

    // The admin API shows the three failed attempts before each success.
    assert.equal(delivered.reduce((sum, d) => sum + d.attempts, 0), 6 + failures.length);
    const retried = delivered.filter((d) => d.attempts > 1);
    const errors = [];
    for (const delivery of retried) {
      const { body } = await admin(server, 'GET', `/campaigns/demo/webhook/deliveries/${delivery.id}`);
      assert.equal(body.attempts.length, delivery.attempts);
      assert.equal(body.attempts.at(-1).statusCode, 200);
      errors.push(...body.attempts.slice(0, -1).map((attempt: { error: string }) => attempt.error.replace(/ \(.*\)$/, '')));
    }
    assert.deepEqual(errors.sort(), ['HTTP 500', 'connection failed', 'no answer within 2 s']);
    assert.ok(server.logs.every((line) => !line.replace(/\D/g, '').includes('4155550123')), server.logs.join('\n'));
  });

  test('a campaign that opted in gets the E.164 number on every event; the admin API never shows it', async () => {
    receiver = await startReceiver(() => 204);
    server = await startTestServer(store, { webhooks: fastWebhooks(1000) }, LOCAL_RECEIVERS);
    await subscribe(server, { includePhone: true });
    const call = await placeCall(server);
    await settledCall(server, call.id);
    const delivered = await waitFor('six deliveries', () => deliveries(server!), (list) => list.length === 6 && list.every((d) => d.status === 'delivered'));

    assert.deepEqual(receiver.requests.map((request) => JSON.parse(request.body).phone), Array(6).fill(CALLER));
    assert.ok(delivered.every((d) => d.phoneIncluded));
    const { text: listed } = await admin(server, 'GET', '/campaigns/demo/webhook/deliveries');
    const { text: detail } = await admin(server, 'GET', `/campaigns/demo/webhook/deliveries/${delivered[0]!.id}`);
    for (const text of [listed, detail]) assert.ok(!text.includes('4155550123'));
    const { rows } = (await store.db.execute('select count(*)::int as held from webhook_events where phone is not null')) as unknown as { rows: { held: number }[] };
    assert.equal(rows[0]!.held, 0, 'the outbox dropped every number once delivered');
  });

  test('a receiver that never answers leaves the delivery failed after the last attempt; retry sends it again', async () => {
    let answer: Answer = 'hang';
    receiver = await startReceiver(() => answer);
    server = await startTestServer(store, { webhooks: fastWebhooks(1000, [10, 10]) }, LOCAL_RECEIVERS);
    await subscribe(server, { events: ['call.started'] });
    await placeCall(server);

    const [failed] = await waitFor('the delivery to fail', () => deliveries(server!), (list) => list[0]?.status === 'failed');
    assert.deepEqual([failed!.attempts, failed!.lastError], [3, 'no answer within 1 s']);
    const { body: detail } = await admin(server, 'GET', `/campaigns/demo/webhook/deliveries/${failed!.id}`);
    assert.deepEqual(
      detail.attempts.map((attempt: { statusCode: number | null; error: string }) => [attempt.statusCode, attempt.error]),
      Array(3).fill([null, 'no answer within 1 s']),
    );
    assert.equal(receiver.requests.length, 3);

    answer = 200;
    const { body: retried } = await admin(server, 'POST', `/campaigns/demo/webhook/deliveries/${failed!.id}/retry`);
    assert.equal(retried.delivery.status, 'pending');
    const [delivered] = await waitFor('the retry to be delivered', () => deliveries(server!), (list) => list[0]?.status === 'delivered');
    assert.equal(delivered!.attempts, 4);
    assert.deepEqual([...receiver.accepted()], [[failed!.id, 1]]);
  });
});

describe('Twilio webhooks never wait on a delivery', () => {
  test('the Dial action and the status callback are answered while the receiver hangs on earlier events', async () => {
    receiver = await startReceiver(() => 'hang');
    server = await startTestServer(store, { webhooks: fastWebhooks(60_000) }, LOCAL_RECEIVERS);
    await subscribe(server, {});
    const running = server;
    // A call already placed and answered (the dial queue leaves a call with a Twilio sid alone).
    const targets = [
      { id: 'mayor', name: 'Mayor Ada', title: 'Mayor', phone: '+12125550100' },
      { id: 'clerk', name: 'Clerk Bo', title: 'Clerk', phone: '+12125550111' },
    ];
    const call = await store.db.transaction(async (tx) => {
      const inserted = await insertCall(tx, { id: 'hanging-hook-call', campaignId: 'demo', status: 'in-progress', twilioSid: 'CA0123', phone: CALLER, phoneHash: 'h', targets });
      await recordEvent(tx, { type: 'call.started', call: inserted });
      return inserted;
    });
    const twilioPost = (path: string, params: Record<string, string>) =>
      fetch(`${running.url}${path}`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          'X-Twilio-Signature': twilio.getExpectedTwilioSignature(running.config.twilio.authToken, running.config.publicUrl + path, params),
        },
        body: new URLSearchParams(params),
      });
    // At least the first `n` events are held, none answered: the next event may already be on its way (the worker
    // is woken as soon as the webhook's write commits), which is the point — the webhook did not wait for it.
    const stillHanging = (n: number) => receiver!.hanging() >= n && receiver!.requests.every((request) => request.answer === undefined);

    await receiver.until(() => receiver!.hanging() === 1, 'call.started to reach the receiver');
    const dialAction = await twilioPost(`/twiml/calls/${call.id}/legs/0`, { DialCallStatus: 'completed', DialCallDuration: '30' });
    assert.equal(dialAction.status, 200);
    assert.doesNotMatch(await dialAction.text(), /hold=/, 'answered by the handler, not by the time budget');
    assert.ok(stillHanging(1), 'the receiver still holds call.started');

    await receiver.until(() => receiver!.hanging() === 2, 'leg.completed to reach the receiver');
    const status = await twilioPost(`/twiml/calls/${call.id}/status`, { CallStatus: 'completed', CallDuration: '45' });
    assert.equal(status.status, 204);
    assert.ok(stillHanging(2), 'the receiver still holds call.started and leg.completed');

    await receiver.until(() => receiver!.hanging() === 3, 'call.completed to reach the receiver');
    receiver.release(200);
    const list = await waitFor('three deliveries', () => deliveries(running), (items) => items.length === 3 && items.every((d) => d.status === 'delivered'));
    assert.deepEqual(count(list.map((d) => d.type)), { 'call.started': 1, 'leg.completed': 1, 'call.completed': 1 });
  });
});
