import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { load, percentile } from '../../bench/lib/load.ts';
import { type BenchServer, startBenchServer } from '../../bench/lib/server.ts';
import { formatNumber } from '../../bench/lib/table.ts';
import { startFloor } from '../../bench/lib/floor.ts';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

// The harness only: timings are printed by `npm run bench`, never asserted.
describe('bench harness', () => {
  let server: BenchServer;
  before(async () => {
    server = await startBenchServer({ databaseUrl: process.env.DATABASE_URL });
  });
  after(() => server.stop());

  it('runs the server in its own demo-mode process and reports on it', async () => {
    assert.notEqual(server.pid, process.pid);
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal((await server.liveMemory()).heapUsed > 0, true);
    const health = await (await fetch(`${server.url}/health`)).json();
    assert.equal(health.telephony, 'emulator');
  });

  it('starts the floors every route is compared with, each in its own process', async () => {
    for (const kind of ['bare', 'hono'] as const) {
      const floor = await startFloor(kind);
      try {
        assert.ok(alive(floor.pid) && floor.pid !== process.pid);
        const result = await load(floor, { paths: '/', connections: 2, amount: 20 });
        assert.deepEqual(result.statuses, { 200: 20 });
        assert.deepEqual(await (await fetch(floor.url)).json(), { ok: true, floor: kind });
      } finally {
        await floor.stop();
      }
      assert.equal(alive(floor.pid), false);
    }
  });

  it('loads routes by count, cycling paths, and counts every response', async () => {
    const result = await load(server, { paths: ['/health', '/api/campaigns/demo/targets?zip=05401', '/nope'], connections: 2, amount: 60 });
    assert.equal(result.requests, 60);
    assert.deepEqual(result.statuses, { 200: 40, 404: 20 });
    assert.equal(result.non2xx, 20);
    assert.equal(result.errors, 0);
    assert.ok(result.p50 <= result.p99 && result.p99 <= result.max);
    assert.ok(result.peakRss > 0);
  });

  it('restarts on the same store and stops for good', async () => {
    const first = server.pid;
    server = await server.restart();
    assert.equal(alive(first), false);
    assert.equal((await fetch(`${server.url}/health`)).status, 200);
  });

  it('starts a replica on the same PostgreSQL database, which outlives it (PGlite refuses one)', async () => {
    if (server.store === 'pglite') {
      await assert.rejects(server.replica(), /PGlite is for one process/);
      return;
    }
    const replica = await server.replica();
    const created = await fetch(`${server.url}/api/admin/campaigns`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${server.adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Seen by the replica', targets: { custom: [{ name: 'Office', title: 'Senator', phone: '+12025550161' }] } }),
    });
    assert.equal(created.status, 201);
    const { campaign } = (await created.json()) as { campaign: { id: string } };
    assert.equal((await fetch(`${replica.url}/api/campaigns/${campaign.id}`)).status, 200);
    await replica.stop();
    assert.equal(alive(replica.pid), false);
    assert.equal((await fetch(`${server.url}/api/campaigns/${campaign.id}`)).status, 200, 'stopping a replica leaves the database');
  });
});

describe('bench figures', () => {
  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(values, 0.5), 50);
    assert.equal(percentile(values, 0.99), 99);
    assert.equal(percentile([7], 0.99), 7);
  });

  it('formats numbers for tables', () => {
    assert.equal(formatNumber(12345.6), '12,346');
    assert.equal(formatNumber(42.25), '42.3');
    assert.equal(formatNumber(1.234), '1.23');
  });
});
