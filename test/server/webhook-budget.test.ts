import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import type { Hono } from 'hono';
import { ensureDemoCampaign } from '../../server/campaigns/demo.ts';
import type { AppDeps } from '../../server/deps.ts';
import { LOCAL_POSTGRES, openTestStore, type TestStore } from '../support/store.ts';
import { signedTwilioPost, testDeps } from '../support/app.ts';
import { json } from '../support/server.ts';
import { TcpProxy } from '../support/tcp-proxy.ts';

const proxy = new TcpProxy();
let store: TestStore;
let app: Hono;
let deps: AppDeps;
let callId: string;

before(async () => {
  await proxy.open();
  store = await openTestStore({ url: LOCAL_POSTGRES, connectVia: proxy.route });
  await ensureDemoCampaign(store.db);
  ({ app, deps } = testDeps(store, { WEBHOOK_BUDGET_MS: '100' }));
  const response = await app.request('/api/campaigns/demo/calls', json({ phone: '+18025550142', zip: '05401' }));
  callId = (await response.json()).call.id;
});
after(async () => {
  proxy.delayMs = 0;
  await store.close();
  await proxy.cut();
});

const twilio = (path: string, params: Record<string, string> = {}) => app.request(signedTwilioPost(deps, path.replace(':id', callId), params));
const totals = async () =>
  (await (await app.request('/api/admin/campaigns/demo/stats', { headers: { Authorization: `Bearer ${deps.config.adminToken}` } })).json()).totals;

describe('a slow store', () => {
  test('a webhook is answered in time with a hold, the write finishes after, and the retry carries on', async () => {
    proxy.delayMs = 400;
    const held = await (await twilio('/twiml/calls/:id/legs/0', { DialCallStatus: 'completed', DialCallDuration: '42', CallSid: 'CA1' })).text();
    const redirect = /<Pause length="1"\/><Redirect method="POST">([^<]+)<\/Redirect>/.exec(held);
    assert.ok(redirect, held);
    const retryUrl = new URL(redirect[1]!.replaceAll('&amp;', '&'));
    assert.equal(retryUrl.pathname, `/twiml/calls/${callId}/legs/0`);
    assert.deepEqual(Object.fromEntries(retryUrl.searchParams), { DialCallStatus: 'completed', DialCallDuration: '42', hold: '1' });

    const acknowledged = await twilio('/twiml/calls/:id/status', { CallStatus: 'in-progress' });
    assert.equal(acknowledged.status, 204, 'status callbacks are acknowledged at once');

    proxy.delayMs = 0;
    for (let i = 0; i < 100 && (await totals()).legs === 0; i++) await sleep(50);
    assert.deepEqual([(await totals()).legs, (await totals()).completed], [1, 1], 'the held write finished in the background');

    // Twilio follows the Redirect: same step, parameters from the query; the leg is not counted again.
    const next = await (await twilio(`${retryUrl.pathname}${retryUrl.search}`, { CallSid: 'CA1' })).text();
    assert.match(next, /How did it go\?.*<Redirect method="POST">[^<]+\/legs\/0\/outcome<\/Redirect>/, 'the step after the leg: its outcome question');
    assert.deepEqual([(await totals()).legs, (await totals()).completed], [1, 1]);
    const status = async () => (await (await app.request(`/api/calls/${callId}`)).json()).status;
    for (let i = 0; i < 100 && (await status()) === 'queued'; i++) await sleep(50);
    assert.equal(await status(), 'in-progress', 'the acknowledged status callback was applied too');
  });

  test('after five holds in a row the caller is told and the call ends', async () => {
    proxy.delayMs = 400;
    const gaveUp = await (await twilio('/twiml/calls/:id/gate?hold=5', { Digits: '1' })).text();
    proxy.delayMs = 0;
    assert.match(gaveUp, /trouble connecting.*<Hangup\/>/);
  });
});
