import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { createApp } from '../../server/app.ts';
import { congressFreshness } from '../../server/congress/freshness.ts';
import { loadCongress } from '../../server/congress/lookup.ts';
import { openTestStore, type TestStore } from '../support/store.ts';
import { testDeps } from '../support/app.ts';
import { congress } from '../support/server.ts';

let store: TestStore;
before(async () => {
  store = await openTestStore();
});
after(() => store.close());

describe('GET /health', () => {
  test('names the store, the telephony and the Congress data', async () => {
    const { app } = testDeps(store);
    const body = await (await app.request('/health')).json();
    assert.equal(body.ok, true);
    assert.equal(body.store, process.env.DATABASE_URL ? 'postgres' : 'pglite');
    assert.equal(body.telephony, 'emulator');
    assert.equal(body.congress.congress, congress.meta.congress.number);
    assert.equal(body.congress.asOf, congress.meta.asOf);
    assert.equal(typeof body.congress.stale, 'boolean');
  });
});

describe('GET /health/ready', () => {
  const readiness = async (stopping = new AbortController().signal) => {
    const { deps } = testDeps(store);
    const response = await createApp({ ...deps, stopping }).request('/health/ready');
    return { status: response.status, body: await response.json() };
  };

  test('is ready when the store answers and every migration is applied', async () => {
    assert.deepEqual(await readiness(), { status: 200, body: { ready: true } });
  });

  test('is not ready while the latest migration is missing (another replica has not finished it)', async () => {
    const latest = sql`(select max(created_at) from drizzle.__drizzle_migrations)`;
    await store.db.execute(sql`update drizzle.__drizzle_migrations set created_at = created_at - 1 where created_at = ${latest}`);
    try {
      const { status, body } = await readiness();
      assert.equal(status, 503);
      assert.equal(body.ready, false);
      assert.match(body.reason, /migration/);
    } finally {
      await store.db.execute(sql`update drizzle.__drizzle_migrations set created_at = created_at + 1 where created_at = ${latest}`);
    }
    assert.equal((await readiness()).status, 200);
  });

  test('is not ready once the process is stopping, so a load balancer sends no new requests', async () => {
    const stopping = new AbortController();
    stopping.abort();
    const { status, body } = await readiness(stopping.signal);
    assert.equal(status, 503);
    assert.deepEqual(body, { ready: false, reason: 'shutting down' });
  });
});

describe('Congress data freshness', () => {
  // The committed data: the 119th Congress as of 2026-06-15.
  const on = (day: string) => loadCongress({ clock: () => Date.parse(day) });

  test('fresh data has no warning', () => {
    const fresh = congressFreshness(on('2026-07-01T00:00:00Z'), 120);
    assert.deepEqual([fresh.ageDays, fresh.stale, fresh.warning, fresh.endedTerms], [16, false, undefined, []]);
  });

  test('old data, or a Congress that has ended, says to rebuild', () => {
    const old = congressFreshness(on('2026-10-26T00:00:00Z'), 120);
    assert.equal(old.stale, true);
    assert.match(old.warning!, /133 days old .*npm run data:build -- --download/);
    const ended = congressFreshness(on('2027-01-04T00:00:00Z'), 3650);
    assert.match(ended.warning!, /^REBUILD THE CONGRESS DATA: the 119th Congress ended on 2027-01-03; \d+ members' terms have ended/);
  });
});
