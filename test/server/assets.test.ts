import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { Hono } from 'hono';
import { createApp } from '../../server/app.ts';
import type { AppDeps } from '../../server/deps.ts';
import { ensureDemoCampaign } from '../../server/campaigns/demo.ts';
import { testDeps } from '../support/app.ts';
import { openTestStore, type TestStore } from '../support/store.ts';

/** Needs a build (npm test builds first): the bundles and their precompressed copies in dist/. */
const built = readFileSync(new URL('../../dist/call-power.js', import.meta.url));

let store: TestStore;
let app: Hono;
let deps: AppDeps;
before(async () => {
  store = await openTestStore();
  await ensureDemoCampaign(store.db);
  ({ app, deps } = testDeps(store));
});
after(() => store.close());

const get = (path: string, encoding?: string) => app.request(path, { headers: encoding ? { 'Accept-Encoding': encoding } : {} });
const bytes = async (response: Response) => Buffer.from(await response.arrayBuffer());

describe('the embed and the pages are served compressed and cacheable', () => {
  test('/call-power.js: brotli or gzip as accepted, always Vary: Accept-Encoding, CORS, a short cache', async () => {
    const br = await get('/call-power.js', 'gzip, deflate, br');
    assert.equal(br.headers.get('content-encoding'), 'br');
    assert.ok(brotliDecompressSync(await bytes(br)).equals(built));
    const gzip = await get('/call-power.js', 'gzip');
    assert.equal(gzip.headers.get('content-encoding'), 'gzip');
    assert.ok(gunzipSync(await bytes(gzip)).equals(built));
    const plain = await get('/call-power.js');
    assert.equal(plain.headers.get('content-encoding'), null);
    assert.ok((await bytes(plain)).equals(built));
    for (const response of [br, gzip, plain]) {
      assert.match(response.headers.get('vary') ?? '', /Accept-Encoding/);
      assert.equal(response.headers.get('access-control-allow-origin'), '*');
      assert.equal(response.headers.get('cache-control'), 'public, max-age=300');
      assert.match(response.headers.get('content-type') ?? '', /javascript/);
    }
  });

  test('the same file under its content hash is immutable; another hash is a 404', async () => {
    const { widget } = await (await get('/health')).json();
    assert.match(widget, /^\/call-power\.[0-9a-f]{12}\.js$/);
    const versioned = await get(widget, 'br');
    assert.equal(versioned.status, 200);
    assert.equal(versioned.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.ok(brotliDecompressSync(await bytes(versioned)).equals(built));
    assert.equal((await get('/call-power.000000000000.js')).status, 404);
  });

  test('JSON and pages are gzipped when they are worth it (1 KB and up); counters are not', async () => {
    // The demo campaign and its lookup are about 500 bytes: compressing them would cost more than it saves.
    const small = await get('/api/campaigns/demo', 'gzip');
    assert.ok((await small.clone().arrayBuffer()).byteLength < 1024);
    assert.equal(small.headers.get('content-encoding'), null);
    assert.equal(JSON.parse(await small.text()).id, 'demo');
    assert.equal((await get('/api/campaigns/demo/targets?zip=05401', 'gzip')).headers.get('content-encoding'), null);
    assert.equal((await get('/api/campaigns/demo/count', 'gzip')).headers.get('content-encoding'), null);
    // A campaign with a real script is well past 1 KB: gzipped for a client that takes it, plain for one that does not.
    const script = 'Hello, my name is {name} and I live in {zip}. '.repeat(40);
    const created = await app.request('/api/admin/campaigns', {
      method: 'POST',
      headers: { Authorization: `Bearer ${deps.config.adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ id: 'long-script', name: 'Long script', script, targets: { congress: 'both' } }),
    });
    assert.equal(created.status, 201);
    for (const path of ['/api/campaigns/long-script', '/api/campaigns/long-script?ref=x']) {
      const gzipped = await get(path, 'gzip, br');
      assert.equal(gzipped.headers.get('content-encoding'), 'gzip', path);
      assert.match(gzipped.headers.get('vary') ?? '', /Accept-Encoding/);
      const plain = await get(path);
      assert.equal(plain.headers.get('content-encoding'), null, path);
      assert.ok(gunzipSync(await bytes(gzipped)).equals(await bytes(plain)), path);
    }
    assert.equal((await get('/admin/admin.js', 'br')).headers.get('content-encoding'), 'br');
    assert.equal((await get('/', 'gzip')).headers.get('content-encoding'), 'gzip', 'the demo page');
  });

  test('a favicon, so no page logs a 404 for it', async () => {
    for (const path of ['/favicon.ico', '/favicon.svg']) {
      const icon = await get(path);
      assert.equal(icon.status, 200);
      assert.equal(icon.headers.get('content-type'), 'image/svg+xml');
      assert.match(await icon.text(), /^<svg /);
    }
  });

  test('a live server serves the embed the same way', async () => {
    const { deps } = testDeps(store);
    const live = createApp({ ...deps, config: { ...deps.config, demo: false } });
    const response = await live.request('/call-power.js', { headers: { 'Accept-Encoding': 'br' } }, { incoming: { socket: { remoteAddress: '192.0.2.1' } } });
    assert.equal(response.headers.get('content-encoding'), 'br');
  });
});
