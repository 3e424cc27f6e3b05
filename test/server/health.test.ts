import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
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
