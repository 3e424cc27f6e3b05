import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ensureDemoCampaign } from '../../server/campaigns/demo.ts';
import { testDeps } from '../support/app.ts';
import { json } from '../support/server.ts';
import { storePerFile } from '../support/store.ts';

const store = storePerFile();

describe('X-Content-Type-Options: nosniff', () => {
  test('on every kind of answer: JSON, errors, CSV, static files, the demo pages and Twilio TwiML', async () => {
    const { app, deps } = testDeps(store);
    await ensureDemoCampaign(store.db);
    const admin = { Authorization: `Bearer ${deps.config.adminToken}` };
    const requests: [string, RequestInit?][] = [
      ['/health'],
      ['/api/campaigns/demo'],
      ['/api/campaigns/nope'],
      ['/api/campaigns/demo/calls', json({ phone: 'x' })],
      ['/api/admin/campaigns'],
      ['/api/admin/campaigns', { headers: admin }],
      ['/api/admin/campaigns/demo/stats/calls.csv', { headers: admin }],
      ['/twiml/calls/x/answer', { method: 'POST' }],
      ['/no/such/route'],
      ['/call-power.js'],
      ['/admin/'],
      ['/admin/admin.js'],
      ['/admin/admin.css'],
      ['/index.html'],
    ];
    for (const [path, init] of requests) {
      const response = await app.request(path, init);
      await response.arrayBuffer();
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff', `${init?.method ?? 'GET'} ${path} → ${response.status}`);
    }
  });
});
