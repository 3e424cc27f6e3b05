import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CampaignInput, createCampaign } from '../../server/campaigns/campaigns.ts';
import type { EmulatedCall } from '../../server/emulator/index.ts';
import { storePerFile } from '../support/store.ts';
import { congress, json, startTestServer, type TestServer } from '../support/server.ts';

const SUPPORTER = '+18025550142';
const LINE = '+12025550199';
/** Burlington, Vermont: two senators and one at-large representative. */
const ZIP = '05401';
const VERMONT = [...congress.senators('VT'), congress.representative('VT-AL') as { phone: string }].map((member) => member.phone);

let server: TestServer | undefined;
const store = storePerFile(async () => {
  await server?.close();
  server = undefined;
});

async function setMode(running: TestServer, campaign: string, callerIdMode: string) {
  const response = await fetch(`${running.url}/api/admin/campaigns/${campaign}`, {
    method: 'PATCH',
    headers: { Authorization: `Bearer ${running.config.adminToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ callerIdMode }),
  });
  assert.equal(response.status, 200, await response.clone().text());
}

/** A supporter asks the widget to call them; resolves with their phone's call once it has ended. */
async function callFromWidget(running: TestServer): Promise<EmulatedCall> {
  const rung = () => [...running.emulator!.calls.values()].filter((call) => call.to === SUPPORTER);
  const before = rung().length;
  const response = await fetch(`${running.url}/api/campaigns/demo/calls`, json({ phone: SUPPORTER, zip: ZIP }));
  assert.equal(response.status, 201, await response.clone().text());
  for (let i = 0; i < 400; i++) {
    const placed = rung()[before];
    if (placed) return running.emulator!.waitForEnd(placed.sid, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the supporter was never rung');
}

/** A supporter rings the call-in line (from `from`, which may be withheld) and keys in their ZIP. */
async function ringIn(running: TestServer, from: string): Promise<EmulatedCall> {
  const { publicUrl } = running.config;
  const call = await running.emulator!.placeInboundCall({ from, to: LINE, url: `${publicUrl}/twiml/inbound`, caller: { digits: [ZIP] } });
  return running.emulator!.waitForEnd(call.sid, 10_000);
}

/** What each office saw calling: its number and the caller ID, in dialing order. */
const seen = (call: EmulatedCall) => call.dialed.map(({ number, callerId }) => [number, callerId]);
const legStatuses = (call: EmulatedCall) => call.transcript.flatMap((entry) => (entry.kind === 'leg-status' ? [entry.status] : []));

describe('the caller ID offices see, through the emulator', () => {
  test('a widget call shows offices the campaign’s number, or with callerIdMode "supporter" the supporter’s own', async () => {
    server = await startTestServer(store);
    const ours = server.config.twilio.callerId;
    const campaignMode = await callFromWidget(server);
    assert.deepEqual(seen(campaignMode), VERMONT.map((phone) => [phone, ours]));

    await setMode(server, 'demo', 'supporter');
    const supporterMode = await callFromWidget(server);
    assert.deepEqual(seen(supporterMode), VERMONT.map((phone) => [phone, SUPPORTER]));
    assert.deepEqual(legStatuses(supporterMode), ['completed', 'completed', 'completed'], 'Twilio allows the number it rang');
    assert.ok(server.logs.every((line) => !line.includes(SUPPORTER.slice(2))), 'the number stays out of the logs');
  });

  test('a call-in shows offices the line that was rung, or the caller’s own number; a withheld number falls back to the line', async () => {
    await createCampaign(store.db, CampaignInput.parse({ id: 'line', name: 'Save the Parks', callInNumber: LINE, targets: { congress: 'both' } }));
    server = await startTestServer(store);
    assert.deepEqual(seen(await ringIn(server, SUPPORTER)), VERMONT.map((phone) => [phone, LINE]));

    await setMode(server, 'line', 'supporter');
    const shown = await ringIn(server, SUPPORTER);
    assert.deepEqual(seen(shown), VERMONT.map((phone) => [phone, SUPPORTER]));
    assert.deepEqual(legStatuses(shown), ['completed', 'completed', 'completed']);
    assert.deepEqual(seen(await ringIn(server, 'anonymous')), VERMONT.map((phone) => [phone, LINE]));
    assert.ok(server.logs.every((line) => !line.includes(SUPPORTER.slice(2))), 'the number stays out of the logs');
  });
});
