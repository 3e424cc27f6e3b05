import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import twilio from 'twilio';
import type { CallView } from '../../server/calls/calls.ts';
import { storePerFile } from '../support/store.ts';
import { json, startTestServer, type TestServer } from '../support/server.ts';

const CALLER = '+14155550123';
/** Burlington, Vermont: one at-large district, so exactly two senators and one representative. */
const ZIP = '05401';

let server: TestServer | undefined;
const store = storePerFile(async () => {
  await server?.close();
  server = undefined;
});

async function placeCall(running: TestServer, body: object = { phone: CALLER, zip: ZIP }) {
  const response = await fetch(`${running.url}/api/campaigns/demo/calls`, json(body));
  assert.equal(response.status, 201, await response.clone().text());
  const { call } = (await response.json()) as { call: { id: string; targets: { id: string; name: string }[] } };
  return call;
}

/** Follows the call until it has ended and every leg has its Dial result. */
async function waitForSettled(running: TestServer, id: string): Promise<CallView> {
  for (let i = 0; i < 400; i++) {
    const view = (await (await fetch(`${running.url}/api/calls/${id}`)).json()) as CallView;
    const legsDone = view.legs.every((leg) => !['ringing', 'in-progress'].includes(leg.status));
    if (['completed', 'busy', 'no-answer', 'failed', 'canceled'].includes(view.status) && legsDone) return view;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`call ${id} did not settle`);
}

async function stats(running: TestServer, campaign = 'demo') {
  const response = await fetch(`${running.url}/api/admin/campaigns/${campaign}/stats`, {
    headers: { Authorization: `Bearer ${running.config.adminToken}` },
  });
  assert.equal(response.status, 200);
  const body = (await response.json()) as {
    totals: { calls: number; legs: number; completed: number };
    targets: { id: string; legs: number; completed: number; busy: number; noAnswer: number; failed: number }[];
  };
  // The contract's core figures; stats carry more (conversion, talk time…) checked in stats.test.ts.
  const { calls, legs, completed } = body.totals;
  return { ...body, totals: { calls, legs, completed } };
}

describe('a bridge call through the emulator', () => {
  test('rings the caller, gates on 1, bridges each target in turn and counts every leg once', async () => {
    server = await startTestServer(store, { emulator: { duplicateDialActions: true } });
    const call = await placeCall(server);
    assert.equal(call.targets.length, 3);
    assert.deepEqual(
      call.targets.map((target) => target.id),
      [...server.deps.congress.senators('VT').map((m) => m.id), (server.deps.congress.representative('VT-AL') as { id: string }).id],
    );

    const view = await waitForSettled(server, call.id);
    assert.equal(view.status, 'completed');
    assert.deepEqual(
      view.legs.map((leg) => [leg.targetId, leg.status]),
      call.targets.map((target) => [target.id, 'completed']),
    );
    assert.ok(view.legs.every((leg) => leg.duration! > 0));

    const [emulated] = [...server.emulator!.calls.values()];
    assert.ok(emulated);
    const sequence = emulated.requests.filter((r) => r.kind !== 'status' && r.kind !== 'number-status').map((r) => `${r.kind} ${new URL(r.url).pathname.replace(call.id, ':id')}`);
    // The emulated supporter presses 1 at every prompt: the gate, "I spoke to someone" after each office,
    // and yes to being called again (the demo campaign offers it).
    assert.deepEqual(sequence, [
      'answer /twiml/calls/:id/answer',
      'gather /twiml/calls/:id/gate',
      'dial-action /twiml/calls/:id/legs/0',
      'dial-action /twiml/calls/:id/legs/0',
      'gather /twiml/calls/:id/legs/0/outcome',
      'dial-action /twiml/calls/:id/legs/1',
      'dial-action /twiml/calls/:id/legs/1',
      'gather /twiml/calls/:id/legs/1/outcome',
      'dial-action /twiml/calls/:id/legs/2',
      'dial-action /twiml/calls/:id/legs/2',
      'gather /twiml/calls/:id/legs/2/outcome',
      'gather /twiml/calls/:id/again',
    ]);
    assert.deepEqual(view.legs.map((leg) => leg.outcome), ['spoke', 'spoke', 'spoke']);
    assert.ok(emulated.requests.every((r) => r.responseStatus === 200 || r.responseStatus === 204), 'every webhook accepted');
    const said = emulated.transcript.filter((entry) => entry.kind === 'say').map((entry) => entry.text);
    assert.match(said[0]!, /Call Congress \(demo\).*3 offices/);
    assert.ok(said.some((text) => text.includes(call.targets[2]!.name)));
    assert.match(said.at(-1)!, /last call/);
    const dialed = emulated.transcript.filter((entry) => entry.kind === 'dial').map((entry) => entry.number);
    assert.equal(dialed.length, 3);
    assert.ok(dialed.every((number) => /^\+1202\d{7}$/.test(number)), 'dials the offices in Washington');

    const { totals, targets } = await stats(server);
    assert.deepEqual(totals, { calls: 1, legs: 3, completed: 3 });
    for (const target of targets) assert.deepEqual([target.legs, target.completed], [1, 1], target.id);
  });

  test('busy in Washington: the district office, then the next member, each Dial action sent twice and counted once', async () => {
    const busy = new Set<string>();
    server = await startTestServer(store, {
      emulator: { office: (number) => (busy.has(number) ? { status: 'busy' } : {}), duplicateDialActions: true },
    });
    const [senator] = server.deps.congress.senators('VT');
    const district = senator!.offices[0]!;
    busy.add(senator!.phone!);
    const call = await placeCall(server);
    const view = await waitForSettled(server, call.id);
    assert.deepEqual(
      view.legs.map((leg) => [leg.targetId, leg.status, (leg as { office?: string }).office]),
      call.targets.map((target, i) => [target.id, 'completed', i ? undefined : `district office in ${district.city}`]),
    );

    const emulated = [...server.emulator!.calls.values()][0]!;
    const dialed = emulated.transcript.filter((entry) => entry.kind === 'dial').map((entry) => entry.number);
    assert.deepEqual(dialed.slice(0, 2), [senator!.phone, district.phone], 'Washington, then the district office, once each');
    assert.equal(dialed.length, 4);
    const actions = emulated.requests.filter((r) => r.kind === 'dial-action').map((r) => new URL(r.url).pathname.replace(call.id, ':id'));
    assert.deepEqual(actions.slice(0, 4), ['/twiml/calls/:id/legs/0', '/twiml/calls/:id/legs/0', '/twiml/calls/:id/legs/0/1', '/twiml/calls/:id/legs/0/1']);
    const said = emulated.transcript.filter((entry) => entry.kind === 'say').map((entry) => entry.text);
    assert.ok(said.includes(`Trying their district office in ${district.city}.`), said.join('\n'));

    const { totals, targets } = await stats(server);
    assert.deepEqual(totals, { calls: 1, legs: 4, completed: 3 });
    const member = targets.find((target) => target.id === senator!.id) as (typeof targets)[number] & { offices: { phone: string; legs: number; completed: number; busy: number }[] };
    assert.deepEqual([member.legs, member.completed, member.busy], [2, 1, 1]);
    assert.deepEqual(
      member.offices.map((office) => [office.phone, office.legs, office.completed, office.busy]),
      [[district.phone, 1, 1, 0], [senator!.phone, 1, 0, 1]],
    );
  });

  test('busy everywhere: one extra office per member, counted as busy, then on to the next', async () => {
    server = await startTestServer(store, { emulator: { office: () => ({ status: 'busy' }) } });
    const call = await placeCall(server);
    const view = await waitForSettled(server, call.id);
    assert.deepEqual(view.legs.map((leg) => [leg.status, (leg as { attempt?: number }).attempt]), [['busy', 1], ['busy', 1], ['busy', 1]]);
    const { totals, targets } = await stats(server);
    assert.deepEqual(totals, { calls: 1, legs: 6, completed: 0 });
    for (const target of targets) assert.deepEqual([target.legs, target.busy], [2, 2], target.id);
  });

  test('a caller who does not press 1 is never connected to anyone', async () => {
    server = await startTestServer(store, { emulator: { caller: () => ({ digits: ['', ''] }) } });
    const call = await placeCall(server);
    const view = await waitForSettled(server, call.id);
    assert.equal(view.status, 'completed');
    assert.deepEqual(view.legs, []);
    const emulated = [...server.emulator!.calls.values()][0]!;
    assert.ok(!emulated.transcript.some((entry) => entry.kind === 'dial'));
  });

  test('a caller who does not answer ends as no-answer with nothing dialed', async () => {
    server = await startTestServer(store, { emulator: { caller: () => ({ answer: 'no-answer' }) } });
    const call = await placeCall(server);
    const view = await waitForSettled(server, call.id);
    assert.equal(view.status, 'no-answer');
    assert.deepEqual((await stats(server)).totals, { calls: 1, legs: 0, completed: 0 });
  });

  test('forged or replayed-with-changes webhooks are refused and change no count', async () => {
    server = await startTestServer(store);
    const call = await placeCall(server);
    await waitForSettled(server, call.id);
    const url = `${server.config.publicUrl}/twiml/calls/${call.id}/legs/0`;
    const params = { DialCallStatus: 'completed', DialCallDuration: '60' };
    const post = (headers: Record<string, string>, body = params) =>
      fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(body),
      });

    assert.equal((await post({})).status, 403, 'unsigned');
    assert.equal((await post({ 'X-Twilio-Signature': twilio.getExpectedTwilioSignature('wrong-token', url, params) })).status, 403, 'signed with another token');
    const signature = twilio.getExpectedTwilioSignature(server.config.twilio.authToken, url, params);
    assert.equal((await post({ 'X-Twilio-Signature': signature }, { ...params, DialCallDuration: '999' })).status, 403, 'body changed after signing');
    const replay = await post({ 'X-Twilio-Signature': signature });
    assert.equal(replay.status, 200, 'a genuine retry is answered');

    assert.deepEqual((await stats(server)).totals, { calls: 1, legs: 3, completed: 3 });
  });

  test('the caller’s number is forgotten when the call ends and never logged', async () => {
    server = await startTestServer(store);
    const call = await placeCall(server);
    await waitForSettled(server, call.id);
    const { rows } = (await store.db.execute(`select phone, phone_hash from calls`)) as unknown as { rows: { phone: string | null; phone_hash: string }[] };
    assert.deepEqual(rows.map((row) => row.phone), [null]);
    assert.ok(!rows[0]!.phone_hash.includes('4155550123'));
    const digits = CALLER.slice(2);
    assert.ok(server.logs.every((line) => !line.replace(/\D/g, '').includes(digits)), server.logs.join('\n'));
  });
});
