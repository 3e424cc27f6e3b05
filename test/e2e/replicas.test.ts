import assert from 'node:assert/strict';
import { after, afterEach, describe, test } from 'node:test';
import type { CallView } from '../../server/calls/calls.ts';
import { createDatabase, type Database, killAll, type ServerProcess, startEmulatorProcess, startServerProcess } from '../support/processes.ts';
import { LOCAL_POSTGRES, postgresReachable } from '../support/postgres.ts';

// Replicas behind a load balancer: one PostgreSQL, no sticky sessions. A call's webhooks land on one
// process while its caller's event stream is held by another.
const BASE_URL = process.env.DATABASE_URL || LOCAL_POSTGRES;
const skip = (await postgresReachable(BASE_URL)) ? false : `needs PostgreSQL at ${BASE_URL}`;

const ADMIN_TOKEN = 'replicas-admin-token-0123456789';
/** Generous: two servers and the emulator start as tsx processes, on a machine that may be busy. */
const TEST_TIMEOUT_MS = 180_000;
/** The bound: a change made on one replica reaches a stream on another within this long. */
const CARRIED_WITHIN_MS = 500;

let database: Database | undefined;
afterEach(async () => {
  await killAll();
  await database?.drop();
  database = undefined;
});
after(killAll);

interface Seen {
  at: number;
  json: string;
  view: CallView;
}

/** Every `event: call` of a server's stream, with when it arrived, until the server ends the stream. */
async function follow(server: ServerProcess, callId: string) {
  const response = await fetch(`${server.url}/api/calls/${callId}/events`, { headers: { Accept: 'text/event-stream' } });
  assert.equal(response.status, 200);
  const seen: Seen[] = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const ended = (async () => {
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return seen;
      buffer += value;
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const data = buffer
          .slice(0, end)
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trim())
          .join('\n');
        buffer = buffer.slice(end + 2);
        if (data) seen.push({ at: Date.now(), json: data, view: JSON.parse(data) as CallView });
      }
    }
  })();
  /** Stops reading `ms` from now if the server has not ended the stream by then. */
  const within = async (ms: number) => {
    const timer = setTimeout(() => void reader.cancel().catch(() => {}), ms);
    await ended.catch(() => {});
    clearTimeout(timer);
    return seen;
  };
  /** Resolves once the stream's first view (the call as it stood when opened) has arrived. */
  const first = (async () => {
    while (!seen.length) await new Promise((resolve) => setTimeout(resolve, 10));
  })();
  return { ended, within, first };
}

describe('replicas on one PostgreSQL', { skip, timeout: TEST_TIMEOUT_MS }, () => {
  test('a stream on server B follows a call placed on A, and its webhooks landing on A, within 0.5 s of each change', async () => {
    const emulator = await startEmulatorProcess({ timeScale: 0 });
    database = await createDatabase(BASE_URL);
    const settings = { emulator, databaseUrl: database.url, adminToken: ADMIN_TOKEN, cps: 10 };
    const a = await startServerProcess(settings);
    // One address for both, as behind a load balancer: whichever process dials, Twilio's webhooks land on A.
    const b = await startServerProcess({ ...settings, env: { PUBLIC_URL: a.url } });

    const created = await fetch(`${a.url}/api/admin/campaigns`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Replicas', targets: { custom: [{ name: 'Office A', title: 'Senator', phone: '+12025550161' }, { name: 'Office B', title: 'Representative', phone: '+12025550162' }] } }),
    });
    assert.equal(created.status, 201, await created.clone().text());
    const campaign = ((await created.json()) as { campaign: { id: string } }).campaign.id;

    // The call waits at Twilio's door until both streams are open, so they see it from the start.
    const dialed = emulator.holdNextCreate();
    const placed = await fetch(`${a.url}/api/campaigns/${campaign}/calls`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ phone: '+18025550101' }) });
    assert.equal(placed.status, 201, await placed.clone().text());
    const callId = ((await placed.json()) as { call: { id: string } }).call.id;

    // A hears its own changes at once (it made them): its stream stands for when each change was committed.
    const [onA, onB] = await Promise.all([follow(a, callId), follow(b, callId)]);
    await dialed.held;
    await Promise.all([onA.first, onB.first]);
    await dialed.release();
    const seenA = await onA.within(60_000);
    // A stream the change never reaches would wait for its fallback poll: give B a little longer than A, no more.
    const seenB = await onB.within(3000);

    const last = seenA.at(-1)!.view;
    assert.equal(last.status, 'completed', JSON.stringify(last));
    assert.ok(seenA.length >= 4, `A saw the call move: ${seenA.map((s) => s.json).join('\n')}`);
    const order = (json: string) => seenA.findLastIndex((s) => s.json === json);
    for (const [i, change] of seenA.entries()) {
      // B shows this state or a later one (a read may catch two quick changes at once)...
      const caught = seenB.find((s) => (order(s.json) >= 0 ? order(s.json) >= i : s.at >= change.at));
      assert.ok(caught, `B never caught up with ${change.json}\nB saw:\n${seenB.map((s) => s.json).join('\n')}`);
      // ...within the bound of A showing it (B's fallback poll is far longer, so only a notification can do it).
      assert.ok(caught.at - change.at <= CARRIED_WITHIN_MS, `B showed ${change.json} ${caught.at - change.at} ms after A`);
    }
    assert.deepEqual(seenB.at(-1)!.view, last);
  });
});
