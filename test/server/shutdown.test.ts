import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { socketAt } from '../support/app.ts';
import { json, startTestServer } from '../support/server.ts';
import { openTestStore, type TestStore } from '../support/store.ts';

let store: TestStore;
before(async () => {
  store = await openTestStore();
});
after(() => store.close());

test('a stopping server claims no new dials while requests in flight drain, and says it is not ready', async () => {
  const server = await startTestServer(store);
  // A request still arriving keeps the server draining (up to its drain limit).
  const slow = connect({ port: Number(new URL(server.url).port), host: '127.0.0.1' });
  await new Promise((resolve) => slow.once('connect', resolve));
  slow.write('POST /api/campaigns/demo/calls HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"phone":');
  slow.on('error', () => {});
  await sleep(100);

  const closing = server.close();
  await sleep(50);
  const ready = await server.app.request('/health/ready');
  assert.equal(ready.status, 503);
  assert.deepEqual(await ready.json(), { ready: false, reason: 'shutting down' });

  // Accepted by a request already inside this process: it waits in the store for another process's dial queue.
  const placed = await server.app.request('/api/campaigns/demo/calls', json({ phone: '+18025550177', zip: '05401' }), socketAt('192.0.2.10'));
  assert.equal(placed.status, 201);
  const { call } = (await placed.json()) as { call: { id: string } };
  await closing;
  slow.destroy();

  const status = await server.app.request(`/api/calls/${call.id}`, {}, socketAt('192.0.2.10'));
  assert.equal(((await status.json()) as { status: string }).status, 'queued', 'the stopping process did not dial it');
});
