import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ensureDemoCampaign } from '../../server/campaigns/demo.ts';
import { LOCAL_POSTGRES, openTestStore, type TestStore } from '../support/store.ts';
import { testDeps } from '../support/app.ts';
import { json } from '../support/server.ts';
import { TcpProxy } from '../support/tcp-proxy.ts';

const proxy = new TcpProxy();
let store: TestStore;

before(async () => {
  await proxy.open();
  store = await openTestStore({
    url: LOCAL_POSTGRES,
    connectVia: proxy.route,
  });
  await ensureDemoCampaign(store.db);
});
after(async () => {
  await store.close();
  await proxy.cut();
});

describe('PostgreSQL going away', () => {
  test('readiness turns 503 while the store is unreachable, liveness stays 200', async () => {
    const { app } = testDeps(store);
    assert.equal((await app.request('/health/ready')).status, 200);
    await proxy.cut();
    const ready = await app.request('/health/ready');
    assert.equal(ready.status, 503);
    const body = await ready.json();
    assert.equal(body.ready, false);
    assert.match(body.reason, /store/);
    assert.equal((await app.request('/health')).status, 200);
    await proxy.open();
    assert.equal((await app.request('/health/ready')).status, 200);
  });

  test('public endpoints answer 503 with a clear error, and recover when it returns', async () => {
    const { app } = testDeps(store);
    assert.equal((await app.request('/api/calls/some-call-id')).status, 404, 'the store answers');

    await proxy.cut();
    for (const request of [
      app.request('/api/campaigns/demo'),
      app.request('/api/campaigns/demo/targets?zip=05401'),
      app.request('/api/campaigns/demo/calls', json({ phone: '+18025550142', zip: '05401' })),
      app.request('/api/calls/some-call-id'),
      app.request('/api/campaigns/demo/count'),
    ]) {
      const response = await request;
      assert.equal(response.status, 503);
      assert.equal(response.headers.get('retry-after'), '10');
      assert.equal((await response.json()).error.code, 'unavailable');
    }

    await proxy.open();
    assert.equal((await app.request('/api/campaigns/demo')).status, 200);
    const placed = await app.request('/api/campaigns/demo/calls', json({ phone: '+18025550142', zip: '05401' }));
    assert.equal(placed.status, 201);
  });
});
