import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { CampaignInput, createCampaign } from '../../server/campaigns/campaigns.ts';
import type { CallerBehaviour } from '../../server/emulator/index.ts';
import { storePerFile } from '../support/store.ts';
import { congress, startTestServer, type TestServer } from '../support/server.ts';

const LINE = '+12025550199';
const SUPPORTER = '+18025550142';

let server: TestServer | undefined;
const store = storePerFile(async () => {
  await server?.close();
  server = undefined;
});

async function campaign(fields: Record<string, unknown>) {
  await createCampaign(store.db, CampaignInput.parse({ id: 'line', name: 'Save the Parks', callInNumber: LINE, targets: { congress: 'both' }, ...fields }));
}

/** Rings the call-in number the way Twilio would, and waits for the call to end. */
async function ringIn(running: TestServer, caller: CallerBehaviour) {
  const emulated = await running.emulator!.placeInboundCall({
    from: SUPPORTER,
    to: LINE,
    url: `${running.config.publicUrl}/twiml/inbound`,
    statusCallback: `${running.config.publicUrl}/twiml/inbound/status`,
    caller,
  });
  const ended = await running.emulator!.waitForEnd(emulated.sid, 10_000);
  const said = ended.transcript.flatMap((entry) => (entry.kind === 'say' ? [entry.text] : []));
  const dialed = ended.transcript.flatMap((entry) => (entry.kind === 'dial' ? [entry.number] : []));
  return { ended, said, dialed };
}

async function storedCalls() {
  const { rows } = (await store.db.execute(sql`select id, direction, status, zip, district, phone, phone_hash from calls`)) as unknown as {
    rows: Record<string, string | null>[];
  };
  return rows;
}

async function legStatuses() {
  const { rows } = (await store.db.execute(sql`select target_id, status from legs order by position`)) as unknown as { rows: { target_id: string; status: string }[] };
  return rows.map((row) => [row.target_id, row.status]);
}

describe('call-in', () => {
  test('a caller keys in their ZIP and is bridged to their members, counted like any call', async () => {
    await campaign({});
    server = await startTestServer(store);
    const { said, dialed } = await ringIn(server, { digits: ['05401'] });
    assert.match(said[0]!, /Thank you for calling Save the Parks/);
    assert.ok(said.some((text) => /five-digit ZIP code/.test(text)));
    const expected = [...congress.senators('VT'), congress.representative('VT-AL') as { id: string; phone: string }];
    assert.deepEqual(dialed, expected.map((member) => member.phone));
    assert.deepEqual(await legStatuses(), expected.map((member) => [member.id, 'completed']));
    const [call] = await storedCalls();
    assert.equal(call!.direction, 'inbound');
    assert.equal(call!.status, 'completed');
    assert.equal(call!.zip, '05401');
    assert.equal(call!.district, 'VT-AL');
    assert.equal(call!.phone, null, 'the number is never stored for call-in');
  });

  test('a bad or unknown ZIP is asked again; three misses end the call', async () => {
    await campaign({});
    server = await startTestServer(store);
    const retried = await ringIn(server, { digits: ['00000', '', '05401'] });
    assert.ok(retried.said.some((text) => /could not find that ZIP/.test(text)));
    assert.equal(retried.dialed.length, 3);
    await store.reset();
    await campaign({});
    const givenUp = await ringIn(server, { digits: ['00000', '00100', '12'] });
    assert.deepEqual(givenUp.dialed, []);
    assert.match(givenUp.said.at(-1)!, /Goodbye/);
  });

  test('a split ZIP offers its representatives by keypad', async () => {
    await campaign({});
    server = await startTestServer(store);
    const location = congress.locate('90210')!;
    const { said, dialed } = await ringIn(server, { digits: ['90210', '2'] });
    assert.ok(said.some((text) => /more than one district/.test(text)));
    const second = congress.representative(location.districts[1]!) as { name: string; phone: string };
    assert.ok(said.some((text) => text === `For Representative ${second.name}, press 2.`));
    assert.deepEqual(dialed, [...congress.senators('CA').map((m) => m.phone), second.phone]);
    const [call] = await storedCalls();
    assert.equal(call!.district, location.districts[1]);
  });

  test('a campaign with its own list connects at once; a paused or ended one says so and dials nobody', async () => {
    await campaign({ targets: { custom: [{ name: 'Parks Director', phone: '+12125550100' }] } });
    server = await startTestServer(store);
    const custom = await ringIn(server, {});
    assert.deepEqual(custom.dialed, ['+12125550100']);
    assert.ok(!custom.said.some((text) => /ZIP/.test(text)));

    await store.db.execute(sql`update campaigns set status = 'paused'`);
    const paused = await ringIn(server, {});
    assert.deepEqual(paused.dialed, []);
    assert.match(paused.said.join(' '), /paused/);

    await store.db.execute(sql`update campaigns set status = 'archived'`);
    const closed = await ringIn(server, {});
    assert.match(closed.said.join(' '), /has ended/);
    assert.equal((await storedCalls()).length, 1, 'only the call to the active campaign is recorded');
  });

  test('an own list routed by place asks for the ZIP, never for a district, and dials whom that ZIP reaches', async () => {
    const custom = [
      { name: 'Governor of Massachusetts', phone: '+16175550100', state: 'MA' },
      { name: 'Governor of Vermont', phone: '+18025550100', state: 'VT' },
      { name: 'Attorney General', phone: '+12025550109' },
    ];
    await campaign({ targets: { custom } });
    server = await startTestServer(store);
    assert.ok(congress.locate('02139')!.split);
    const { said, dialed } = await ringIn(server, { digits: ['02139'] });
    assert.ok(said.some((text) => /five-digit ZIP code/.test(text)));
    assert.ok(!said.some((text) => /more than one district/.test(text)));
    assert.deepEqual(dialed, ['+16175550100', '+12025550109']);
    assert.equal((await storedCalls())[0]!.zip, '02139');
  });
});
