import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import type { CallView } from '../../server/calls/calls.ts';
import { storePerFile } from '../support/store.ts';
import { json, startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer | undefined;
const store = storePerFile(async () => {
  await server?.close();
  server = undefined;
});

async function placeAndFollow(running: TestServer, until: (view: CallView) => boolean) {
  const response = await fetch(`${running.url}/api/campaigns/demo/calls`, json({ phone: '+18025550142', zip: '05401' }));
  const { call } = await response.json();
  for (let i = 0; i < 400; i++) {
    const view = (await (await fetch(`${running.url}/api/calls/${call.id}`)).json()) as CallView;
    if (until(view)) return view;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the call never got there');
}

const ended = (view: CallView) => ['completed', 'failed', 'busy', 'no-answer', 'canceled'].includes(view.status);

describe('the dial queue', () => {
  test('retries Twilio’s 20429 and 5xx answers, then places the call', async () => {
    server = await startTestServer(store);
    server.emulator!.failNextCreate({ status: 429, code: 20429, message: 'Too Many Requests' });
    const view = await placeAndFollow(server, ended);
    assert.equal(view.status, 'completed');
    assert.equal(server.emulator!.calls.size, 1);
    assert.ok(server.logs.some((line) => line.includes('Twilio error 20429 (HTTP 429)')), server.logs.join('\n'));
  });

  test('an invalid number from Twilio (21211) ends the call with a status the caller can read', async () => {
    server = await startTestServer(store);
    server.emulator!.failNextCreate({ status: 400, code: 21211, message: "Invalid 'To' Phone Number: +18025550142" });
    const view = await placeAndFollow(server, ended);
    assert.equal(view.status, 'failed');
    assert.deepEqual(view.error, { code: '21211', message: 'The phone network would not accept this number.' });
    assert.equal(server.emulator!.calls.size, 0);
    const { rows } = (await store.db.execute(`select phone from calls`)) as unknown as { rows: { phone: string | null }[] };
    assert.equal(rows[0]!.phone, null);
    assert.ok(server.logs.every((line) => !line.includes('8025550142')), 'Twilio’s message quoting the number is not logged');
  });

  test('gives up after repeated server errors instead of retrying forever', async () => {
    server = await startTestServer(store, { dialer: { pollMs: 20, retryBaseMs: 1 } });
    for (let i = 0; i < 5; i++) server.emulator!.failNextCreate({ status: 503, code: 20503, message: 'Service Unavailable' });
    const view = await placeAndFollow(server, ended);
    assert.equal(view.status, 'failed');
    assert.equal(view.error?.code, '20503');
  });

  test('Twilio unreachable is retried like a server error', async () => {
    server = await startTestServer(store, { dialer: { pollMs: 20, retryBaseMs: 1 } }, { TWILIO_API_URL: 'http://127.0.0.1:9' });
    const view = await placeAndFollow(server, ended);
    assert.equal(view.status, 'failed');
    assert.equal(view.error?.code, 'dial_failed');
  });

  test('a live call Twilio no longer knows (the emulator restarted) ends as failed instead of staying live forever', async () => {
    server = await startTestServer(store, { dialer: { pollMs: 20, reconcileEveryMs: 20 } });
    for (const id of ['lost-1', 'lost-2']) {
      await store.db.execute(
        sql`insert into calls (id, campaign_id, status, phone_hash, targets, twilio_sid, updated_at)
            values (${id}, 'demo', 'in-progress', ${id}, '[]'::jsonb, ${`CA${id.padEnd(32, '0')}`}, now() - interval '11 minutes')`,
      );
    }
    for (let i = 0; i < 200; i++) {
      const views = await Promise.all(['lost-1', 'lost-2'].map(async (id) => (await (await fetch(`${server!.url}/api/calls/${id}`)).json()) as CallView));
      if (views.every((view) => view.status === 'failed')) {
        assert.deepEqual(views[0]!.error?.code, 'call_lost');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.fail('the lost calls stayed live');
  });
});
