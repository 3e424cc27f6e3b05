import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { congressFreshness } from '../../server/congress/freshness.ts';
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

describe('Congress data freshness', () => {
  const meta = { ...congress.meta, asOf: '2026-06-15', congress: { number: 119, start: '2025-01-03', end: '2027-01-03' } };

  test('fresh data has no warning', () => {
    const fresh = congressFreshness(meta, 120, new Date('2026-07-01T00:00:00Z'));
    assert.deepEqual([fresh.ageDays, fresh.stale, fresh.warning], [16, false, undefined]);
  });

  test('old data, or a Congress that has ended, says to rebuild', () => {
    const old = congressFreshness(meta, 120, new Date('2026-11-26T00:00:00Z'));
    assert.equal(old.stale, true);
    assert.match(old.warning!, /164 days old .*npm run data:build -- --download/);
    const ended = congressFreshness(meta, 3650, new Date('2027-01-04T00:00:00Z'));
    assert.match(ended.warning!, /119th Congress ended on 2027-01-03/);
  });
});
