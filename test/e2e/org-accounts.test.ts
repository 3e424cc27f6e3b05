import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import twilio from 'twilio';
import { CampaignInput, createCampaign } from '../../server/campaigns/campaigns.ts';
import type { EmulatedCall } from '../../server/emulator/index.ts';
import { storePerFile } from '../support/store.ts';
import { json, startTestServer, type TestServer } from '../support/server.ts';
import { AdminClient } from '../support/accounts.ts';

let server: TestServer | undefined;
const store = storePerFile(async () => {
  await server?.close();
  server = undefined;
});

const ORG = {
  a: { accountSid: `AC${'a1'.repeat(16)}`, authToken: 'org-a-auth-token-0123456789abcdef', callerId: '+12025550171', cps: 1 },
  b: { accountSid: `AC${'b2'.repeat(16)}`, authToken: 'org-b-auth-token-0123456789abcdef', callerId: '+12025550172', cps: 1 },
};
const OFFICE = '+12025550142';
const LINE = '+12025550199';

/** Organisations a and b, each with a campaign (`camp-a`, `camp-b`) and, if asked, its own account known to the emulator. */
async function setUp(own: ('a' | 'b')[], options: Parameters<typeof startTestServer>[1] = {}) {
  const running = (server = await startTestServer(store, options));
  for (const org of ['a', 'b'] as const) {
    await store.db.execute(sql`insert into orgs (id, name) values (${`org-${org}`}, ${`Org ${org}`})`);
    await createCampaign(
      store.db,
      CampaignInput.parse({ id: `camp-${org}`, name: `Campaign ${org}`, targets: { custom: [{ name: 'Office', phone: OFFICE }] }, ...(org === 'a' ? { callInNumber: LINE } : {}) }),
    );
    await store.db.execute(sql`update campaigns set org_id = ${`org-${org}`} where id = ${`camp-${org}`}`);
    running.emulator!.addAccount(ORG[org]);
    if (own.includes(org)) assert.equal((await admin('PUT', `/orgs/org-${org}/twilio`, ORG[org])).status, 200);
  }
  return running;
}

/** The operator, over the socket. */
const admin = (method: string, path: string, body?: unknown) => new AdminClient(server!.url, server!.config.adminToken).send(method, path, body);

async function placeCall(campaign: string, phone = '+18025550142') {
  const response = await fetch(`${server!.url}/api/campaigns/${campaign}/calls`, json({ phone }));
  assert.equal(response.status, 201, await response.clone().text());
  const { call } = await response.json();
  return call.id as string;
}

async function emulated(callId: string): Promise<EmulatedCall> {
  for (let i = 0; i < 400; i++) {
    const { rows } = (await store.db.execute(sql`select twilio_sid from calls where id = ${callId}`)) as unknown as { rows: { twilio_sid: string | null }[] };
    const sid = rows[0]?.twilio_sid;
    if (sid) return server!.emulator!.waitForEnd(sid, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`call ${callId} was never placed`);
}

/** A status callback for the call, signed with `token` and naming `accountSid`. */
function statusCallback(callId: string, accountSid: string, token: string) {
  const url = `${server!.config.publicUrl}/twiml/calls/${callId}/status`;
  const params = { AccountSid: accountSid, CallStatus: 'completed', CallDuration: '5' };
  return fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': twilio.getExpectedTwilioSignature(token, url, params) },
    body: new URLSearchParams(params),
  });
}

describe('organisations with their own Twilio accounts', () => {
  test('a call of an organisation with its own account is placed with it, from its number, and its webhooks answer only to it', async () => {
    const running = await setUp(['a', 'b']);
    const id = await placeCall('camp-a');
    const call = await emulated(id);
    assert.equal(call.accountSid, ORG.a.accountSid);
    assert.equal(call.from, ORG.a.callerId);
    assert.equal(call.status, 'completed', 'its webhooks, signed with its token, were accepted');
    assert.ok(call.requests.length > 2 && call.requests.every((request) => request.responseStatus < 300), JSON.stringify(call.requests.map((r) => r.responseStatus)));
    assert.ok(call.dialed.length === 1 && call.dialed[0]!.number === OFFICE);

    assert.equal((await statusCallback(id, ORG.a.accountSid, ORG.a.authToken)).status, 204);
    assert.equal((await statusCallback(id, ORG.b.accountSid, ORG.b.authToken)).status, 403, 'another organisation’s account');
    assert.equal((await statusCallback(id, running.config.twilio.accountSid, running.config.twilio.authToken)).status, 403, 'the server’s account');
    assert.equal((await statusCallback(id, ORG.a.accountSid, ORG.b.authToken)).status, 403, 'naming a, signed by b');
  });

  test('DELETE returns the organisation to the server’s account for its next call', async () => {
    const running = await setUp(['a']);
    assert.equal((await emulated(await placeCall('camp-a'))).accountSid, ORG.a.accountSid);
    assert.equal((await admin('DELETE', '/orgs/org-a/twilio')).status, 204);
    const call = await emulated(await placeCall('camp-a', '+18025550143'));
    assert.equal(call.accountSid, running.config.twilio.accountSid);
    assert.equal(call.from, running.config.twilio.callerId);
    assert.equal(call.status, 'completed');
  });

  test('one organisation’s backlog at 1 call/s does not hold up another’s call on its own account', async () => {
    const running = await setUp(['a', 'b']);
    for (let i = 0; i < 8; i++) {
      await store.db.execute(
        sql`insert into calls (id, campaign_id, status, phone, phone_hash, targets) values (${`a-${i}`}, 'camp-a', 'queued', ${`+1802555020${i}`}, ${`a-${i}`}, '[]'::jsonb)`,
      );
    }
    await store.db.execute(sql`insert into calls (id, campaign_id, status, phone, phone_hash, targets) values ('b-0', 'camp-b', 'queued', '+18025550299', 'b-0', '[]'::jsonb)`);
    const b = await emulated('b-0');
    assert.equal(b.accountSid, ORG.b.accountSid);
    const order = [...running.emulator!.calls.values()].map((call) => call.accountSid);
    const placedBeforeB = order.slice(0, order.indexOf(ORG.b.accountSid)).length;
    assert.ok(placedBeforeB < 3, `b's call was placed after ${placedBeforeB} of a's: ${order.join(', ')}`);
  });

  test('a call-in number answers only to its organisation’s account', async () => {
    const running = await setUp(['a']);
    const ring = async (accountSid: string) => {
      const call = await running.emulator!.placeInboundCall({
        accountSid,
        from: '+18025550142',
        to: LINE,
        url: `${running.config.publicUrl}/twiml/inbound`,
        caller: { digits: ['1'] },
      });
      return running.emulator!.waitForEnd(call.sid, 10_000);
    };
    const own = await ring(ORG.a.accountSid);
    assert.equal(own.requests[0]!.responseStatus, 200);
    assert.ok(own.dialed.some((leg) => leg.number === OFFICE));
    const other = await ring(running.config.twilio.accountSid);
    assert.equal(other.requests[0]!.responseStatus, 403);
  });

  test('a call whose callbacks were lost is looked up at its own organisation’s account', async () => {
    const running = await setUp(['a'], { dialer: { pollMs: 20, reconcileEveryMs: 50 } });
    const placed = await emulated(await placeCall('camp-a'));
    // As if its last callbacks were lost: live by our records, silent for a while.
    await store.db.execute(sql`update calls set status = 'in-progress', ended_at = null, updated_at = now() - interval '11 minutes' where twilio_sid = ${placed.sid}`);
    for (let i = 0; i < 200; i++) {
      const { rows } = (await store.db.execute(sql`select status from calls where twilio_sid = ${placed.sid}`)) as unknown as { rows: { status: string }[] };
      if (rows[0]!.status !== 'in-progress') {
        assert.equal(rows[0]!.status, 'completed', 'Twilio (account a) knew the call; the server’s account would not have');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.fail(`the call was never reconciled: ${running.logs.join('\n')}`);
  });
});
