import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { CampaignSettings } from '../../server/campaigns/settings.ts';
import { fromRoot } from '../../server/paths.ts';
import { hashPhone, normalizePhone } from '../../server/phone.ts';
import { rebuildRollups } from '../../server/stats/sample-data.ts';
import { type Db, openStore, type Store } from '../../server/store/db.ts';
import { AdminClient } from '../support/accounts.ts';
import { throwawayDatabase } from '../support/postgres.ts';
import { json, startTestServer } from '../support/server.ts';
import type { TestStore } from '../support/store.ts';

/**
 * Issue 15: a deployment of the main before organisations (migrations 0000–0010) upgrades with no change:
 * everything it had is the `default` organisation's, and the operator's token sees and does all it did.
 * Runs on PGlite (a data folder on disk, as a deployment has) or on PostgreSQL when DATABASE_URL is set.
 */

const LAST_BEFORE_ORGANISATIONS = 10;
const SECRET_KEY = 'upgrade-test-secret-key-0123456789abcdef';
const BLOCKED_CALLER = '+18025550199';

const cleanups: (() => unknown)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** The migrations folder as the main before organisations had it: 0000–0010 and their journal entries. */
function oldMigrations(): string {
  const source = fromRoot('server/store/migrations');
  const folder = mkdtempSync(join(tmpdir(), 'callpower-migrations-'));
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
  mkdirSync(join(folder, 'meta'));
  const journal = JSON.parse(readFileSync(join(source, 'meta/_journal.json'), 'utf8'));
  journal.entries = journal.entries.filter((entry: { idx: number }) => entry.idx <= LAST_BEFORE_ORGANISATIONS);
  assert.equal(journal.entries.at(-1).tag, '0010_office_fallback');
  writeFileSync(join(folder, 'meta/_journal.json'), JSON.stringify(journal));
  for (const entry of journal.entries as { tag: string }[]) copyFileSync(join(source, `${entry.tag}.sql`), join(folder, `${entry.tag}.sql`));
  assert.ok(readdirSync(source).includes('0011_organisations.sql'), 'the organisations migration this test upgrades across');
  return folder;
}

/**
 * A database migrated to 0010 and filled by `fill`, then opened the way the server opens its store
 * (which runs 0011 on it).
 */
async function upgradedStore(fill: (db: Db) => Promise<void>): Promise<Store> {
  const migrationsFolder = oldMigrations();
  const url = process.env.DATABASE_URL;
  if (url) {
    const database = await throwawayDatabase(url, 'callpower_upgrade');
    cleanups.push(() => database.drop());
    const [{ default: pg }, { drizzle }, { migrate }] = await Promise.all([import('pg'), import('drizzle-orm/node-postgres'), import('drizzle-orm/node-postgres/migrator')]);
    const pool = new pg.Pool({ connectionString: database.url.toString() });
    const db = drizzle(pool);
    await migrate(db, { migrationsFolder });
    await fill(db as unknown as Db);
    await pool.end();
    return openStore({ databaseUrl: database.url.toString(), dataDir: '' });
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'callpower-upgrade-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  // As the server makes a new data folder (store/db.ts), in a process of its own.
  const init = spawnSync(process.execPath, [...process.execArgv, fromRoot('server/store/pglite-init.ts'), dataDir], { encoding: 'utf8' });
  assert.equal(init.status, 0, init.stderr);
  const [{ PGlite }, { drizzle }, { migrate }] = await Promise.all([import('@electric-sql/pglite'), import('drizzle-orm/pglite'), import('drizzle-orm/pglite/migrator')]);
  const client = await PGlite.create(dataDir);
  const db = drizzle(client);
  await migrate(db, { migrationsFolder });
  await fill(db as unknown as Db);
  await client.close();
  return openStore({ dataDir });
}

/**
 * What a deployment of the old main had written, in its own columns (none of them knows organisations):
 * a campaign with its own offices, blocks, a finished call with its legs and rollups, webhook events and
 * a supporter who opted in.
 */
async function oldDeployment(db: Db): Promise<void> {
  const settings = CampaignSettings.parse({ targets: {}, script: 'Please call your council.' });
  await db.execute(sql`insert into campaigns (id, name, status, settings) values ('rent-strike', 'Rent strike', 'active', ${JSON.stringify(settings)}::jsonb)`);
  await db.execute(sql`insert into custom_targets (campaign_id, id, position, name, title, phone) values
    ('rent-strike', 'mayor', 0, 'Mayor Ana', 'Mayor', '+12125550100'),
    ('rent-strike', 'council', 1, 'Council Bo', 'Councillor', '+12125550111')`);
  await db.execute(sql`insert into blocks (kind, value, reason) values
    ('phone', ${hashPhone(SECRET_KEY, normalizePhone(BLOCKED_CALLER))}, 'abusive caller'),
    ('ip', '192.0.2.0/24', 'abusive network')`);
  await db.execute(sql`insert into calls (id, campaign_id, status, phone_hash, targets, twilio_sid, duration, answered_at, ended_at, completed_legs)
    values ('old-call', 'rent-strike', 'completed', 'old-hash',
      ${JSON.stringify([{ id: 'mayor', name: 'Mayor Ana', title: 'Mayor', phone: '+12125550100' }, { id: 'council', name: 'Council Bo', title: 'Councillor', phone: '+12125550111' }])}::jsonb,
      'CAold', 120, now(), now(), 1)`);
  await db.execute(sql`insert into legs (call_id, position, campaign_id, target_id, status, duration) values
    ('old-call', 0, 'rent-strike', 'mayor', 'completed', 60), ('old-call', 1, 'rent-strike', 'council', 'busy', 0)`);
  await rebuildRollups(db, 'rent-strike');
  await db.execute(sql`insert into webhook_events (id, campaign_id, type, payload, status, attempts, last_error) values
    ('old-event-1', 'rent-strike', 'call.completed', '{"type":"call.completed"}', 'failed', 8, 'refused'),
    ('old-event-2', 'rent-strike', 'call.started', '{"type":"call.started"}', 'delivered', 1, null)`);
  await db.execute(sql`insert into supporters (campaign_id, phone_hash, zip) values ('rent-strike', 'old-hash', '05401')`);
}

test('a database of the main before organisations upgrades into `default`, and the operator sees and does all it did', async () => {
  const store = await upgradedStore(oldDeployment);
  cleanups.push(() => store.close());
  const rows = async (query: ReturnType<typeof sql>) => ((await store.db.execute(query)) as unknown as { rows: Record<string, unknown>[] }).rows;

  assert.deepEqual(await rows(sql`select id, name from orgs`), [{ id: 'default', name: 'Default' }]);
  assert.deepEqual(await rows(sql`select id, org_id from campaigns`), [{ id: 'rent-strike', org_id: 'default' }]);
  assert.deepEqual(await rows(sql`select kind, org_id from blocks order by id`), [{ kind: 'phone', org_id: 'default' }, { kind: 'ip', org_id: 'default' }]);
  assert.deepEqual(await rows(sql`select count(*)::int as n from supporters`), [{ n: 1 }]);

  const server = await startTestServer({ ...store, reset: async () => {} } satisfies TestStore, {}, { SECRET_KEY, TRUSTED_PROXY_HEADER: 'X-Test-Client' });
  cleanups.push(() => server.close());
  const operator = new AdminClient(server.url, server.config.adminToken);
  assert.deepEqual((await operator.expect(200, 'GET', '/orgs')).orgs.map((org: { id: string }) => org.id), ['default']);
  assert.ok((await operator.expect(200, 'GET', '/campaigns')).campaigns.some((c: { id: string }) => c.id === 'rent-strike'));
  const { campaign } = await operator.expect(200, 'GET', '/campaigns/rent-strike');
  assert.equal(campaign.settings.script, 'Please call your council.');
  assert.deepEqual(campaign.customTargets.map((t: { name: string }) => t.name), ['Mayor Ana', 'Council Bo']);
  assert.deepEqual((await operator.expect(200, 'GET', '/blocks')).blocks.map((b: { reason: string }) => b.reason).sort(), ['abusive caller', 'abusive network']);
  const deliveries = (await operator.expect(200, 'GET', '/campaigns/rent-strike/webhook/deliveries')).deliveries;
  assert.deepEqual(deliveries.map((d: { id: string }) => d.id).sort(), ['old-event-1', 'old-event-2']);
  const before = await operator.expect(200, 'GET', '/campaigns/rent-strike/stats');
  assert.equal(before.totals.calls, 1);
  assert.equal(before.totals.legs, 2);
  const csv = await operator.send('GET', '/campaigns/rent-strike/stats/calls.csv');
  assert.equal(csv.status, 200);
  assert.match(await csv.text(), /old-call/);

  // Changes work as before, and are now audited as the operator's in `default`.
  await operator.expect(200, 'PATCH', '/campaigns/rent-strike', { script: 'Please call the council today.' });
  assert.equal((await operator.expect(200, 'GET', '/audit')).events[0].action, 'campaign.update');

  // The old blocks still stop calls; anyone else's call goes through, ends, and is counted.
  const place = (phone: string, from: string) => fetch(`${server.url}/api/campaigns/rent-strike/calls`, json({ phone }, { 'X-Test-Client': from }));
  assert.equal((await place(BLOCKED_CALLER, '203.0.113.1')).status, 403);
  assert.equal((await place('+18025550142', '192.0.2.9')).status, 403);
  const placed = await place('+18025550142', '203.0.113.2');
  assert.equal(placed.status, 201, await placed.clone().text());
  const { call } = await placed.json();
  const deadline = Date.now() + 15_000;
  for (;;) {
    const stats = await operator.expect(200, 'GET', '/campaigns/rent-strike/stats');
    if (stats.totals.calls === 2 && stats.totals.legs >= 3) break;
    assert.ok(Date.now() < deadline, `call ${call.id} not counted: ${JSON.stringify(stats.totals)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
});
