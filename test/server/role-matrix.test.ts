import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { atLeast, ROLES, ROUTE_RULES, type Role, type RouteRule } from '../../server/auth/roles.ts';
import { createInvite } from '../../server/orgs/members.ts';
import { createKey } from '../../server/orgs/keys.ts';
import { campaigns, memberships, members } from '../../server/store/schema.ts';
import { AdminClient } from '../support/accounts.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { openTestStore, type TestStore } from '../support/store.ts';
import { blockIn, type Credential, failedDelivery, makeTenant, send, type Tenant, TRUSTED_CLIENTS } from '../support/tenants.ts';

/**
 * Issue 15's route × role matrix: every admin route in ROUTE_RULES, asked by every kind of caller, answers as
 * the table says. Expectations come from the table (so the table is what is tested); the spot checks at the
 * end hold a few entries fixed, so a wrong entry in the table fails too.
 */

let store: TestStore;
let server: TestServer;
let a: Tenant;
let bOwnerKey: string;
let revokedKey: string;
/** A member of A who is neither a caller here nor an owner: the one whose role is changed and who is removed. */
let spareMemberId: string;

before(async () => {
  store = await openTestStore();
  // Webhook receivers' names never resolve: a retried delivery fails again without leaving the machine.
  server = await startTestServer(store, { webhooks: { resolve: () => Promise.reject(new Error('no DNS in this test')) } }, TRUSTED_CLIENTS);
  const operator = new AdminClient(server.url, server.config.adminToken);
  a = await makeTenant(server.url, store.db, operator, 'Alpha');
  const b = await makeTenant(server.url, store.db, operator, 'Bravo');
  bOwnerKey = b.keys.owner.bearer!;
  const { key } = await a.owner.expect(201, 'POST', `/orgs/${a.org.id}/keys`, { name: 'Old script', role: 'owner' });
  await a.owner.expect(204, 'DELETE', `/orgs/${a.org.id}/keys/${key.id}`);
  revokedKey = key.secret;
  const [spare] = await store.db.insert(members).values({ id: 'mem_spare', email: 'spare@example.org', passwordHash: 'not-a-hash' }).returning();
  spareMemberId = spare!.id;
});

after(async () => {
  await server?.close();
  await store?.close();
});

const operatorActor = () => ({ kind: 'operator' as const, id: 'operator', label: 'operator', orgId: a.org.id, role: 'owner' as const });

interface Sample {
  path: string;
  body?: unknown;
  /** What a caller allowed to use the route gets. */
  status: number;
}

/**
 * A request to each route that succeeds when allowed, naming org A's own objects. Routes that destroy what
 * they name get a fresh object each time (built before each call).
 */
const SAMPLES: Record<string, () => Sample | Promise<Sample>> = {
  'GET /orgs': () => ({ path: '/orgs', status: 200 }),
  'POST /orgs': () => ({ path: '/orgs', body: { name: 'Another organisation' }, status: 201 }),
  'GET /orgs/:orgId': () => ({ path: `/orgs/${a.org.id}`, status: 200 }),
  'PATCH /orgs/:orgId': () => ({ path: `/orgs/${a.org.id}`, body: { name: 'Alpha Organisation' }, status: 200 }),
  'GET /orgs/:orgId/keys': () => ({ path: `/orgs/${a.org.id}/keys`, status: 200 }),
  'POST /orgs/:orgId/keys': () => ({ path: `/orgs/${a.org.id}/keys`, body: { name: 'New key', role: 'viewer' }, status: 201 }),
  'DELETE /orgs/:orgId/keys/:keyId': async () => {
    const key = await createKey(store.db, a.org.id, { name: 'To revoke', role: 'viewer' }, operatorActor());
    return { path: `/orgs/${a.org.id}/keys/${key.id}`, status: 204 };
  },
  'GET /orgs/:orgId/members': () => ({ path: `/orgs/${a.org.id}/members`, status: 200 }),
  'PATCH /orgs/:orgId/members/:memberId': async () => {
    await store.db.insert(memberships).values({ orgId: a.org.id, memberId: spareMemberId, role: 'viewer' }).onConflictDoNothing();
    return { path: `/orgs/${a.org.id}/members/${spareMemberId}`, body: { role: 'editor' }, status: 200 };
  },
  'DELETE /orgs/:orgId/members/:memberId': async () => {
    await store.db.insert(memberships).values({ orgId: a.org.id, memberId: spareMemberId, role: 'viewer' }).onConflictDoNothing();
    return { path: `/orgs/${a.org.id}/members/${spareMemberId}`, status: 204 };
  },
  'POST /orgs/:orgId/invites': () => ({ path: `/orgs/${a.org.id}/invites`, body: { email: 'new@example.org', role: 'viewer' }, status: 201 }),
  'DELETE /orgs/:orgId/invites/:inviteId': async () => {
    const { invite } = await createInvite(store.db, a.org.id, { email: 'revoked@example.org', role: 'viewer' }, operatorActor());
    return { path: `/orgs/${a.org.id}/invites/${invite.id}`, status: 204 };
  },
  // Another branch adds these routes (the rules are already in the table); see `twilio` below. The bodies are
  // invalid on purpose: nothing is saved, and no request goes to Twilio.
  'GET /orgs/:orgId/twilio': () => ({ path: `/orgs/${a.org.id}/twilio`, status: 200 }),
  'PUT /orgs/:orgId/twilio': () => ({ path: `/orgs/${a.org.id}/twilio`, body: {}, status: 422 }),
  'DELETE /orgs/:orgId/twilio': () => ({ path: `/orgs/${a.org.id}/twilio`, status: 204 }),
  'POST /orgs/:orgId/twilio/test': () => ({ path: `/orgs/${a.org.id}/twilio/test`, body: { accountSid: 'not a sid' }, status: 422 }),
  'GET /audit': () => ({ path: '/audit', status: 200 }),
  'GET /audit.csv': () => ({ path: '/audit.csv', status: 200 }),

  'GET /campaigns': () => ({ path: '/campaigns', status: 200 }),
  'POST /campaigns': () => ({ path: '/campaigns', body: { name: 'New campaign', targets: { custom: [{ name: 'Mayor', phone: '212-555-0100' }] } }, status: 201 }),
  'GET /campaigns/:id': () => ({ path: `/campaigns/${a.campaignId}`, status: 200 }),
  'PATCH /campaigns/:id': () => ({ path: `/campaigns/${a.campaignId}`, body: { script: 'Please back the tenant bill.' }, status: 200 }),
  'POST /campaigns/:id/pause': () => activeCampaign('pause'),
  'POST /campaigns/:id/resume': () => activeCampaign('resume'),
  'POST /campaigns/:id/archive': () => activeCampaign('archive'),
  'POST /campaigns/:id/copy': () => ({ path: `/campaigns/${a.campaignId}/copy`, body: {}, status: 201 }),
  'GET /campaigns/:id/stats': () => ({ path: `/campaigns/${a.campaignId}/stats`, status: 200 }),
  'GET /campaigns/:id/stats/targets.csv': () => ({ path: `/campaigns/${a.campaignId}/stats/targets.csv`, status: 200 }),
  'GET /campaigns/:id/stats/offices.csv': () => ({ path: `/campaigns/${a.campaignId}/stats/offices.csv`, status: 200 }),
  'GET /campaigns/:id/stats/calls.csv': () => ({ path: `/campaigns/${a.campaignId}/stats/calls.csv`, status: 200 }),
  'GET /campaigns/:id/targets': () => ({ path: `/campaigns/${a.campaignId}/targets`, status: 200 }),
  'GET /campaigns/:id/lookup': () => ({ path: `/campaigns/${a.campaignId}/lookup?zip=05401`, status: 200 }),
  'POST /campaigns/:id/targets.csv': () => ({ path: `/campaigns/${a.campaignId}/targets.csv`, body: `name,phone\n${a.offices.map((o) => `${o.name},${o.phone}`).join('\n')}\n`, status: 200 }),
  'POST /campaigns/:id/webhook/rotate': () => ({ path: `/campaigns/${a.campaignId}/webhook/rotate`, status: 200 }),
  'GET /campaigns/:id/webhook/deliveries': () => ({ path: `/campaigns/${a.campaignId}/webhook/deliveries`, status: 200 }),
  'POST /campaigns/:id/webhook/deliveries/retry': () => ({ path: `/campaigns/${a.campaignId}/webhook/deliveries/retry`, status: 200 }),
  'GET /campaigns/:id/webhook/deliveries/:eventId': () => ({ path: `/campaigns/${a.campaignId}/webhook/deliveries/${a.eventId}`, status: 200 }),
  'POST /campaigns/:id/webhook/deliveries/:eventId/retry': async () => ({
    path: `/campaigns/${a.campaignId}/webhook/deliveries/${await failedDelivery(store.db, a.campaignId)}/retry`,
    status: 200,
  }),

  'GET /blocks': () => ({ path: '/blocks', status: 200 }),
  'POST /blocks': () => ({ path: '/blocks', body: { ip: '203.0.113.0/24', reason: 'matrix' }, status: 201 }),
  'DELETE /blocks/:id': async () => ({ path: `/blocks/${await blockIn(store.db, a.org.id)}`, status: 204 }),
};

/** Pausing, resuming and archiving each start from an active campaign, whatever the case before did. */
async function activeCampaign(action: string): Promise<Sample> {
  await store.db.update(campaigns).set({ status: 'active' }).where(eq(campaigns.id, a.campaignId));
  return { path: `/campaigns/${a.campaignId}/${action}`, status: 200 };
}

/**
 * The Twilio routes may not be mounted yet (another branch adds them): the refusals are the middleware's and
 * hold either way; an allowed caller gets "No route" before they exist, and is let through after.
 */
const twilio = (rule: RouteRule) => rule.path.startsWith('/orgs/:orgId/twilio');

/** Sign-in routes need no credentials and are the session tests' (test/server/accounts.test.ts). */
const MATRIX = ROUTE_RULES.filter((rule) => rule.access !== 'signedOut');

type Caller =
  | { kind: 'operator' }
  | { kind: 'key' | 'member'; role: Role }
  | { kind: 'other-org' }
  | { kind: 'signed-out' };

const CALLERS: { name: string; caller: Caller; credential: () => Credential }[] = [
  { name: 'operator (in A)', caller: { kind: 'operator' }, credential: () => ({ name: 'operator', bearer: server.config.adminToken, org: a.org.id }) },
  ...ROLES.map((role) => ({ name: `A's ${role} key`, caller: { kind: 'key' as const, role }, credential: () => a.keys[role] })),
  ...ROLES.map((role) => ({ name: `A's ${role} member`, caller: { kind: 'member' as const, role }, credential: () => a.members[role] })),
  { name: "B's owner key", caller: { kind: 'other-org' }, credential: () => ({ name: 'B owner', bearer: bOwnerKey }) },
  { name: 'a revoked key', caller: { kind: 'signed-out' }, credential: () => ({ name: 'revoked', bearer: revokedKey }) },
  { name: 'no credentials', caller: { kind: 'signed-out' }, credential: () => ({ name: 'none' }) },
];

/** What the table says `caller` gets from `rule`: the sample's status, or a refusal. */
function expected(rule: RouteRule, caller: Caller, sample: Sample): { status: number; message?: RegExp } {
  switch (caller.kind) {
    case 'signed-out':
      return { status: 401 };
    case 'other-org':
      // B's key naming A's organisation or A's object; where the path names neither, it asks in A by the header (below).
      return { status: 404 };
    case 'operator':
      return { status: sample.status };
    default:
      if (rule.access === 'operator') return { status: 403, message: /operator/ };
      if (!atLeast(caller.role, rule.access as Role)) return { status: 403, message: new RegExp(`needs the ${rule.access} role; you are an? ${caller.role}`) };
      return { status: sample.status };
  }
}

describe('every admin route × every caller answers as ROUTE_RULES says', () => {
  let routesMounted: (rule: RouteRule) => boolean;
  before(() => {
    const mounted = server.app.routes.filter((route) => route.method !== 'ALL').map((route) => `${route.method} ${route.path}`);
    routesMounted = (rule) => mounted.includes(`${rule.method} /api/admin${rule.path}`);
  });

  test('every rule has a sample request, and the matrix covers every rule that needs credentials', () => {
    assert.deepEqual(
      MATRIX.map((rule) => `${rule.method} ${rule.path}`).filter((key) => !SAMPLES[key]),
      [],
      'a rule without a sample request: add one to SAMPLES',
    );
    assert.ok(MATRIX.length >= 40, `${MATRIX.length} rules`);
  });

  for (const rule of MATRIX) {
    test(`${rule.method} ${rule.path} (${rule.access})`, async () => {
      const ask = async ({ name, caller, credential }: (typeof CALLERS)[number]) => {
        const sample = await SAMPLES[`${rule.method} ${rule.path}`]!();
        const asking = credential();
        // A path naming no organisation or object of A's: B's key asks in A by the header instead.
        const who = caller.kind === 'other-org' && !rule.path.includes(':') ? { ...asking, org: a.org.id } : asking;
        const response = await send(server.url, who, rule.method, sample.path, sample.body);
        const text = await response.text();
        const want = expected(rule, caller, sample);
        const where = `${name}: ${rule.method} ${sample.path} → ${response.status} ${text.slice(0, 300)}`;
        if (twilio(rule) && want.status === sample.status) {
          if (!routesMounted(rule)) assert.match(text, /No route for/, where);
          // What these answer is the other branch's to define: here, that the caller was let through and nothing broke.
          else assert.ok(![401, 403, 404].includes(response.status) && response.status < 500, where);
          return;
        }
        assert.equal(response.status, want.status, where);
        if (want.status === 403) {
          const { error } = JSON.parse(text);
          assert.equal(error.code, 'forbidden', where);
          assert.match(error.message, want.message!, where);
        }
        if (want.status === 404) assert.equal(JSON.parse(text).error.code, 'not_found', where);
        if (want.status === 401) assert.equal(JSON.parse(text).error.code, 'unauthorized', where);
      };
      // One after another: a change's sample makes a fresh object for each caller.
      for (const caller of CALLERS) await ask(caller);
    });
  }
});

describe('spot checks that hold the table itself', () => {
  const status = async (credential: () => Credential, method: string, path: () => string, body?: unknown) =>
    (await send(server.url, credential(), method, path(), body)).status;
  const key = (role: Role) => () => a.keys[role];
  const campaign = (rest = '') => () => `/campaigns/${a.campaignId}${rest}`;

  test('a viewer reads stats and CSVs but changes nothing', async () => {
    assert.equal(await status(key('viewer'), 'GET', campaign('/stats')), 200);
    assert.equal(await status(key('viewer'), 'GET', campaign('/stats/calls.csv')), 200);
    assert.equal(await status(key('viewer'), 'PATCH', campaign(), { script: 'x' }), 403);
    assert.equal(await status(key('viewer'), 'POST', campaign('/targets.csv'), 'name,phone\nMayor,212-555-0100\n'), 403);
    assert.equal(await status(key('viewer'), 'GET', () => '/blocks'), 403);
    assert.equal(await status(key('viewer'), 'GET', () => '/audit'), 403);
  });

  test('an editor edits content and targets, but not status, webhooks, blocks or deliveries', async () => {
    assert.equal(await status(key('editor'), 'PATCH', campaign(), { script: 'Editor was here.' }), 200);
    assert.equal(await status(key('editor'), 'POST', campaign('/targets.csv'), `name,phone\n${a.offices.map((o) => `${o.name},${o.phone}`).join('\n')}\n`), 200);
    assert.equal(await status(key('editor'), 'POST', campaign('/pause')), 403);
    assert.equal(await status(key('editor'), 'POST', campaign('/webhook/rotate')), 403);
    assert.equal(await status(key('editor'), 'GET', campaign('/webhook/deliveries')), 403);
    assert.equal(await status(key('editor'), 'POST', () => '/campaigns', { name: 'No', targets: { custom: [{ name: 'Mayor', phone: '212-555-0100' }] } }), 403);
  });

  test('an admin runs campaigns, blocks and the audit log, but not keys or members; an owner does', async () => {
    assert.equal(await status(key('admin'), 'GET', () => '/audit'), 200);
    assert.equal(await status(key('admin'), 'GET', () => '/blocks'), 200);
    assert.equal(await status(key('admin'), 'GET', () => `/orgs/${a.org.id}/keys`), 403);
    assert.equal(await status(key('admin'), 'GET', () => `/orgs/${a.org.id}/members`), 403);
    assert.equal(await status(key('admin'), 'PATCH', () => `/orgs/${a.org.id}`, { name: 'Renamed' }), 403);
    assert.equal(await status(key('owner'), 'GET', () => `/orgs/${a.org.id}/keys`), 200);
    assert.equal(await status(key('owner'), 'POST', () => '/orgs', { name: 'Mine' }), 403);
  });
});
