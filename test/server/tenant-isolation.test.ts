import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { ROUTE_RULES, type RouteRule } from '../../server/auth/roles.ts';
import { createInvite } from '../../server/orgs/members.ts';
import { webhookEvents } from '../../server/store/schema.ts';
import { AdminClient } from '../support/accounts.ts';
import { json, startTestServer, type TestServer } from '../support/server.ts';
import { openTestStore, type TestStore } from '../support/store.ts';
import { CLIENT_HEADER, type Credential, makeTenant, send, type Tenant, TRUSTED_CLIENTS } from '../support/tenants.ts';

/**
 * Issue 15: one organisation never sees another's data. Two organisations with one of everything (campaigns
 * with their own offices and calls, blocks, webhook deliveries, keys, members, invitations, audit events);
 * B asks every admin route and every CSV, naming A's objects and its own, and no answer carries anything of A's.
 */

let store: TestStore;
let server: TestServer;
let operator: AdminClient;
let a: Tenant & { callIds: string[]; inviteId: string };
let b: Tenant & { callIds: string[]; inviteId: string };

const FINAL = ['completed', 'busy', 'no-answer', 'failed', 'canceled'];

/** A supporter's call through the public API, as the widget places it. */
async function placeCall(campaignId: string, phone: string, from = '203.0.113.10') {
  return fetch(`${server.url}/api/campaigns/${campaignId}/calls`, json({ phone }, { [CLIENT_HEADER]: from }));
}

async function settled(callId: string) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const view = await (await fetch(`${server.url}/api/calls/${callId}`)).json();
    if (FINAL.includes(view.status) && view.legs.every((leg: { status: string }) => !['ringing', 'in-progress'].includes(leg.status))) return view;
    assert.ok(Date.now() < deadline, `call ${callId} did not end: ${JSON.stringify(view)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A tenant whose campaign has had two calls (so stats, CSVs and deliveries have rows) and whose owner has a pending invitation. */
async function tenantWithCalls(prefix: string, phones: string[]) {
  const tenant = await makeTenant(server.url, store.db, operator, prefix);
  const callIds: string[] = [];
  for (const phone of phones) {
    const response = await placeCall(tenant.campaignId, phone);
    assert.equal(response.status, 201, await response.clone().text());
    callIds.push((await response.json()).call.id);
  }
  await Promise.all(callIds.map(settled));
  const { invite } = await createInvite(store.db, tenant.org.id, { email: `${prefix.toLowerCase()}-pending@example.org`, role: 'viewer' }, { kind: 'operator', id: 'operator', label: 'operator', orgId: tenant.org.id, role: 'owner' });
  return { ...tenant, callIds, inviteId: invite.id };
}

before(async () => {
  store = await openTestStore();
  // Receivers never resolve: every delivery fails, so both campaigns have deliveries to list.
  server = await startTestServer(store, { webhooks: { resolve: () => Promise.reject(new Error('no DNS in this test')), backoff: { delaysMs: [10], jitter: 0 } } }, TRUSTED_CLIENTS);
  operator = new AdminClient(server.url, server.config.adminToken);
  a = await tenantWithCalls('Alpha', ['+18025550101', '+18025550102']);
  b = await tenantWithCalls('Bravo', ['+18025550201', '+18025550202']);
});

after(async () => {
  await server?.close();
  await store?.close();
});

/** A's own objects in `rule`'s path (or B's), with a query a read route needs. */
function pathFor(rule: RouteRule, tenant: typeof a): string {
  const objects: Record<string, string> = {
    orgId: tenant.org.id,
    id: rule.path.startsWith('/blocks') ? String(tenant.blockId) : tenant.campaignId,
    keyId: tenant.keys.viewer.id,
    memberId: tenant.members.viewer.id,
    inviteId: tenant.inviteId,
    eventId: tenant.eventId,
  };
  const path = rule.path.replace(/:(\w+)/g, (_, name: string) => objects[name]!);
  return rule.path.endsWith('/lookup') ? `${path}?zip=05401` : path;
}

/** Everything of A's that could leak: its name prefix (in every name and email), ids and the numbers of its offices and callers. */
function leaksOf(tenant: typeof a, phones: string[]): string[] {
  return [
    tenant.org.id,
    tenant.campaignId,
    tenant.eventId,
    ...tenant.callIds,
    ...Object.values(tenant.keys).map((key) => key.id),
    ...Object.values(tenant.members).map((member) => member.id),
    tenant.inviteId,
    ...tenant.offices.flatMap((office) => [office.phone, office.phone.slice(2)]),
    ...phones.map((phone) => phone.slice(2)),
  ];
}

const CREDENTIALS = (): [string, Credential][] => [
  ["B's owner key", b.keys.owner],
  ["B's owner's session", b.members.owner],
  ["B's viewer key", b.keys.viewer],
];

/** B's routes that need credentials: all but signing in. */
const ADMIN_RULES = ROUTE_RULES.filter((rule) => rule.access !== 'signedOut');

describe('tenant isolation', () => {
  test('every admin route naming one of A’s objects is a 404 to B, whatever B’s role, and leaves it as it was', async () => {
    for (const [name, credential] of CREDENTIALS()) {
      for (const rule of ADMIN_RULES.filter((each) => each.path.includes(':'))) {
        const body = rule.method === 'GET' || rule.method === 'DELETE' ? undefined : rule.path.endsWith('targets.csv') ? 'name,phone\nMallory,212-555-0199\n' : { name: 'Mallory', role: 'owner', script: 'Mallory', email: 'm@example.org' };
        const response = await send(server.url, credential, rule.method, pathFor(rule, a), body);
        const text = await response.text();
        const where = `${name}: ${rule.method} ${pathFor(rule, a)} → ${response.status} ${text}`;
        // A role below the route's is refused before the object is looked at: the same 403 whether A's object exists or not.
        const refused = credential === b.keys.viewer && response.status === 403 && JSON.parse(text).error.code === 'forbidden';
        if (!refused) {
          assert.equal(response.status, 404, where);
          assert.equal(JSON.parse(text).error.code, 'not_found', where);
        }
        assert.ok(!/alpha/i.test(text), `${name}: ${rule.method} ${rule.path}: ${text}`);
      }
    }
    // Nothing of A's was changed, revoked, removed or retried.
    const campaign = (await a.owner.expect(200, 'GET', `/campaigns/${a.campaignId}`)).campaign;
    assert.equal(campaign.name, 'Alpha Campaign');
    assert.equal(campaign.status, 'active');
    assert.deepEqual(campaign.customTargets.map((t: { name: string }) => t.name), a.offices.map((o) => o.name));
    assert.equal((await a.owner.expect(200, 'GET', `/orgs/${a.org.id}`)).org.name, 'Alpha Organisation');
    const members = await a.owner.expect(200, 'GET', `/orgs/${a.org.id}/members`);
    assert.equal(members.members.length, 4);
    assert.equal(members.members.find((m: { id: string }) => m.id === a.members.viewer.id).role, 'viewer');
    assert.ok(members.invites.some((i: { id: string }) => i.id === a.inviteId));
    assert.equal((await a.owner.expect(200, 'GET', `/orgs/${a.org.id}/keys`)).keys.length, 4);
    assert.equal((await a.owner.expect(200, 'GET', '/blocks')).blocks.length, 1);
    const [event] = await store.db.select().from(webhookEvents).where(eq(webhookEvents.id, a.eventId));
    assert.equal(event!.status, 'failed');
    const audit = (await a.owner.expect(200, 'GET', '/audit')).events;
    assert.ok(!JSON.stringify(audit).includes('Mallory'));
  });

  test('every read route and every CSV, asked by B about its own, shows B’s data and none of A’s', async () => {
    const leaks = leaksOf(a, ['+18025550101', '+18025550102']);
    const reads = ADMIN_RULES.filter((rule) => rule.method === 'GET');
    for (const [name, credential] of CREDENTIALS().slice(0, 2)) {
      const seen: string[] = [];
      for (const rule of reads) {
        const response = await send(server.url, credential, 'GET', pathFor(rule, b));
        const text = await response.text();
        if (rule.path.startsWith('/orgs/:orgId/twilio') && response.status === 404 && /No route for/.test(text)) continue; // not mounted yet (another branch)
        assert.equal(response.status, 200, `${name}: GET ${pathFor(rule, b)} → ${response.status} ${text}`);
        for (const leak of leaks) assert.ok(!text.includes(leak), `${name}: GET ${rule.path} shows A's ${leak}: ${text.slice(0, 500)}`);
        assert.ok(!/alpha/i.test(text), `${name}: GET ${rule.path} shows something of A's: ${text.slice(0, 500)}`);
        seen.push(text);
      }
      // And the answers are B's, not empty: every CSV has B's rows.
      const all = seen.join('\n');
      for (const mark of [b.campaignId, ...b.offices.map((o) => o.name), ...b.callIds, b.eventId, 'Bravo block', 'bravo-viewer@example.org', 'Bravo viewer key']) {
        assert.ok(all.includes(mark), `${name}: B's ${mark} shown nowhere`);
      }
    }
  });

  test('every list holds only B’s own', async () => {
    const owner = b.keys.owner;
    const list = async (path: string) => (await send(server.url, owner, 'GET', path)).json();
    assert.deepEqual((await list('/campaigns')).campaigns.map((c: { id: string }) => c.id), [b.campaignId]);
    assert.deepEqual((await list('/blocks')).blocks.map((x: { id: number }) => x.id), [b.blockId]);
    assert.deepEqual(
      (await list(`/orgs/${b.org.id}/keys`)).keys.map((k: { id: string }) => k.id).sort(),
      Object.values(b.keys).map((k) => k.id).sort(),
    );
    const members = await list(`/orgs/${b.org.id}/members`);
    assert.deepEqual(members.members.map((m: { id: string }) => m.id).sort(), Object.values(b.members).map((m) => m.id).sort());
    assert.deepEqual(members.invites.map((i: { id: string }) => i.id), [b.inviteId]);
    assert.deepEqual((await list('/orgs')).orgs.map((o: { id: string }) => o.id), [b.org.id]);
    const deliveries = (await list(`/campaigns/${b.campaignId}/webhook/deliveries`)).deliveries;
    assert.ok(deliveries.length > 1, 'the calls made deliveries');
    assert.ok(deliveries.some((d: { id: string }) => d.id === b.eventId));
    const audit = (await list('/audit')).events as { objectId: string | null; actor: { label: string } }[];
    assert.ok(audit.length >= 8);
    assert.ok(audit.every((event) => !/alpha/i.test(event.actor.label)));
    // A's view is A's (the same check from the other side).
    assert.deepEqual((await a.owner.expect(200, 'GET', '/campaigns')).campaigns.map((c: { id: string }) => c.id), [a.campaignId]);
  });

  test("an organisation's block stops calls to its own campaigns only; the operator's (in default) stops them everywhere", async () => {
    await b.owner.expect(201, 'POST', '/blocks', { phone: '+18025550301', reason: 'B does not want this caller' });
    const toA = await placeCall(a.campaignId, '+18025550301', '203.0.113.31');
    assert.equal(toA.status, 201, `B's block stopped a call to A: ${await toA.clone().text()}`);
    const toB = await placeCall(b.campaignId, '+18025550301', '203.0.113.32');
    assert.equal(toB.status, 403);
    assert.equal((await toB.json()).error.code, 'blocked');

    await operator.expect(201, 'POST', '/blocks', { phone: '+18025550302', reason: 'abusive everywhere' });
    for (const campaignId of [a.campaignId, b.campaignId]) {
      const response = await placeCall(campaignId, '+18025550302', '203.0.113.33');
      assert.equal(response.status, 403, `the operator's block let a call to ${campaignId} through`);
      assert.equal((await response.json()).error.code, 'blocked');
    }
    // An IP block works the same way: B's range is B's alone (each tenant blocked 198.51.100.0/24 in its own list).
    await b.owner.expect(201, 'POST', '/blocks', { ip: '192.0.2.0/24', reason: 'B only' });
    assert.equal((await placeCall(a.campaignId, '+18025550303', '192.0.2.5')).status, 201);
    assert.equal((await placeCall(b.campaignId, '+18025550304', '192.0.2.6')).status, 403);
  });
});
