import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { ensureDemoCampaign } from '../../server/campaigns/demo.ts';
import { sweep } from '../../server/janitor.ts';
import { reserve } from '../../server/limits/rate-limit.ts';
import { blocks, calls, invites, members, sessions } from '../../server/store/schema.ts';
import { openTestStore, type TestStore } from '../support/store.ts';

let store: TestStore;
before(async () => {
  store = await openTestStore();
  await ensureDemoCampaign(store.db);
});
after(() => store.close());

const call = (id: string, status: string, createdDaysAgo: number, phone: string | null) => ({
  id,
  campaignId: 'demo',
  status,
  phone,
  phoneHash: `hash-${id}`,
  zip: '05401',
  district: 'VT-AL',
  twilioSid: `CA${id}`,
  targets: [],
  createdAt: sql`now() - make_interval(days => ${createdDaysAgo})`,
});

describe('the janitor', () => {
  test('forgets numbers of ended or stuck calls, strips old records, sweeps windows and old blocks', async () => {
    await store.db.insert(calls).values([
      call('live', 'in-progress', 0, '+18025550001'),
      call('ended', 'completed', 0, '+18025550002'),
      call('stuck', 'ringing', 1, '+18025550003'),
      call('old', 'completed', 500, null),
    ]);
    await store.db.insert(blocks).values([
      { kind: 'ip', value: '10.0.0.1', expiresAt: sql`now() - interval '40 days'` },
      { kind: 'ip', value: '10.0.0.2', expiresAt: sql`now() - interval '1 day'` },
    ]);
    await reserve(store.db, [{ key: 'k', limit: 1, seconds: 60 }]);
    await store.db.execute(sql`update rate_limits set window_start = now() - interval '3 days'`);
    await reserve(store.db, [{ key: 'fresh', limit: 1, seconds: 60 }]);

    await sweep(store.db, 400);

    const { rows } = (await store.db.execute(sql`select id, phone, phone_hash, zip, twilio_sid from calls order by id`)) as unknown as {
      rows: { id: string; phone: string | null; phone_hash: string; zip: string | null; twilio_sid: string | null }[];
    };
    const byId = Object.fromEntries(rows.map((row) => [row.id, row]));
    assert.equal(byId.live!.phone, '+18025550001', 'a live call keeps what it needs');
    assert.equal(byId.ended!.phone, null);
    assert.equal(byId.stuck!.phone, null);
    assert.deepEqual([byId.old!.phone_hash, byId.old!.zip, byId.old!.twilio_sid], ['', null, null]);
    assert.equal(byId.ended!.phone_hash, 'hash-ended', 'recent records keep their hash (limits use it)');
    assert.equal(rows.length, 4, 'records are stripped, not deleted, so stats stay whole');

    const windows = (await store.db.execute(sql`select key from rate_limits`)) as unknown as { rows: { key: string }[] };
    assert.deepEqual(windows.rows.map((r) => r.key), ['fresh']);
    const left = (await store.db.execute(sql`select value from blocks`)) as unknown as { rows: { value: string }[] };
    assert.deepEqual(left.rows.map((r) => r.value), ['10.0.0.2']);
  });

  test('drops expired sessions and long-expired invitations, keeping live ones', async () => {
    await store.db.insert(members).values({ id: 'mem_a', email: 'a@example.org', passwordHash: 'x' });
    await store.db.insert(sessions).values([
      { tokenHash: 'live', memberId: 'mem_a', csrfToken: 'c', expiresAt: sql`now() + interval '1 day'` },
      { tokenHash: 'expired', memberId: 'mem_a', csrfToken: 'c', expiresAt: sql`now() - interval '1 minute'` },
    ]);
    const invite = (id: string, expiresAt: ReturnType<typeof sql>) => ({ id, tokenHash: id, orgId: 'default', email: 'b@example.org', role: 'viewer', invitedBy: 'operator', expiresAt });
    await store.db.insert(invites).values([invite('fresh', sql`now() + interval '1 day'`), invite('recent', sql`now() - interval '1 day'`), invite('old', sql`now() - interval '40 days'`)]);

    await sweep(store.db, 400);

    assert.deepEqual((await store.db.select({ hash: sessions.tokenHash }).from(sessions)).map((r) => r.hash), ['live']);
    assert.deepEqual((await store.db.select({ id: invites.id }).from(invites)).map((r) => r.id).sort(), ['fresh', 'recent']);
  });
});
