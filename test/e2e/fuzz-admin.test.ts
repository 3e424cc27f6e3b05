import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import type { Hono } from 'hono';
import { ensureDemoCampaign } from '../../server/campaigns/demo.ts';
import { generateSampleData } from '../../server/stats/sample-data.ts';
import { testDeps } from '../support/app.ts';
import {
  acceptBody,
  adminIdSegment,
  blockBody,
  campaignBody,
  copyBody,
  dayText,
  inviteBody,
  keyBody,
  numberText,
  orgBody,
  passwordBody,
  roleBody,
  signInBody,
  targetsCsvBody,
  twilioBody,
  zoneText,
} from '../support/fuzz-admin-arbitraries.ts';
import { anyText, contentType, method, mostly, queryString } from '../support/fuzz-arbitraries.ts';
import { assertPrototypesIntact, report, run, send as sendChecked, snapshotPrototypes } from '../support/fuzz.ts';
import { json } from '../support/server.ts';
import { openTestStore, type TestStore } from '../support/store.ts';

/**
 * The admin API under malformed ids, numbers, query strings and bodies, with a valid token (issue 11):
 * 0 5xx, and every error the JSON envelope. Valid bodies may create and change campaigns, lists and
 * blocks, so this file has its own store and asserts nothing about what is stored.
 */

type BodyKind = 'campaign' | 'copy' | 'block' | 'csv' | 'org' | 'key' | 'invite' | 'role' | 'signIn' | 'password' | 'accept' | 'twilio';
/** Every admin route, as the app names it under /api/admin (the first test checks that none is missing). */
const ROUTES: { method: string; path: string; body?: BodyKind; query?: string[] }[] = [
  { method: 'GET', path: '/campaigns' },
  { method: 'POST', path: '/campaigns', body: 'campaign' },
  { method: 'GET', path: '/campaigns/:id' },
  { method: 'PATCH', path: '/campaigns/:id', body: 'campaign' },
  { method: 'POST', path: '/campaigns/:id/:action{pause|resume|archive}' },
  { method: 'POST', path: '/campaigns/:id/copy', body: 'copy' },
  { method: 'GET', path: '/campaigns/:id/stats', query: ['from', 'to', 'tz'] },
  { method: 'GET', path: '/campaigns/:id/stats/targets.csv', query: ['from', 'to', 'tz'] },
  { method: 'GET', path: '/campaigns/:id/stats/calls.csv', query: ['from', 'to', 'tz'] },
  { method: 'GET', path: '/campaigns/:id/stats/offices.csv' },
  { method: 'GET', path: '/campaigns/:id/targets' },
  { method: 'GET', path: '/campaigns/:id/lookup', query: ['zip', 'district', 'lang'] },
  { method: 'POST', path: '/campaigns/:id/targets.csv', body: 'csv' },
  { method: 'POST', path: '/campaigns/:id/webhook/rotate' },
  { method: 'GET', path: '/campaigns/:id/webhook/deliveries', query: ['status', 'limit', 'cursor'] },
  { method: 'POST', path: '/campaigns/:id/webhook/deliveries/retry' },
  { method: 'GET', path: '/campaigns/:id/webhook/deliveries/:eventId' },
  { method: 'POST', path: '/campaigns/:id/webhook/deliveries/:eventId/retry' },
  { method: 'GET', path: '/blocks' },
  { method: 'POST', path: '/blocks', body: 'block' },
  { method: 'DELETE', path: '/blocks/:id' },
  { method: 'POST', path: '/session', body: 'signIn' },
  { method: 'GET', path: '/session' },
  { method: 'DELETE', path: '/session' },
  { method: 'POST', path: '/session/everywhere' },
  { method: 'PUT', path: '/me/password', body: 'password' },
  { method: 'GET', path: '/invites/:token' },
  { method: 'POST', path: '/invites/:token/accept', body: 'accept' },
  { method: 'GET', path: '/orgs' },
  { method: 'POST', path: '/orgs', body: 'org' },
  { method: 'GET', path: '/orgs/:orgId' },
  { method: 'PATCH', path: '/orgs/:orgId', body: 'org' },
  { method: 'GET', path: '/orgs/:orgId/keys' },
  { method: 'POST', path: '/orgs/:orgId/keys', body: 'key' },
  { method: 'DELETE', path: '/orgs/:orgId/keys/:keyId' },
  { method: 'GET', path: '/orgs/:orgId/members' },
  { method: 'PATCH', path: '/orgs/:orgId/members/:memberId', body: 'role' },
  { method: 'DELETE', path: '/orgs/:orgId/members/:memberId' },
  { method: 'POST', path: '/orgs/:orgId/invites', body: 'invite' },
  { method: 'DELETE', path: '/orgs/:orgId/invites/:inviteId' },
  { method: 'GET', path: '/audit', query: ['before', 'limit'] },
  { method: 'GET', path: '/audit.csv' },
  { method: 'GET', path: '/orgs/:orgId/twilio' },
  { method: 'PUT', path: '/orgs/:orgId/twilio', body: 'twilio' },
  { method: 'DELETE', path: '/orgs/:orgId/twilio' },
  { method: 'POST', path: '/orgs/:orgId/twilio/test', body: 'twilio' },
];

const BODIES: Record<BodyKind, { type: string; body: fc.Arbitrary<string | Uint8Array> }> = {
  campaign: { type: 'application/json', body: campaignBody },
  copy: { type: 'application/json', body: copyBody },
  block: { type: 'application/json', body: blockBody },
  csv: { type: 'text/csv', body: targetsCsvBody },
  org: { type: 'application/json', body: orgBody },
  key: { type: 'application/json', body: keyBody },
  invite: { type: 'application/json', body: inviteBody },
  role: { type: 'application/json', body: roleBody },
  signIn: { type: 'application/json', body: signInBody },
  password: { type: 'application/json', body: passwordBody },
  accept: { type: 'application/json', body: acceptBody },
  twilio: { type: 'application/json', body: twilioBody },
};

let store: TestStore;
let app: Hono;
let token: string;
/** A delivery that exists, so some requests find one. */
let eventId: string;
const prototypes = snapshotPrototypes();

before(async () => {
  store = await openTestStore();
  const route = testDeps(store);
  app = route.app;
  token = route.deps.config.adminToken;
  await ensureDemoCampaign(store.db);
  // A campaign with a list, a webhook and a delivery; another with calls, so stats and CSV downloads have rows.
  const campaign = { id: 'fuzz', name: 'Fuzz', targets: { custom: [{ name: 'Clerk', phone: '+12125550100' }] }, webhook: { url: 'https://example.org/hook' } };
  assert.equal((await admin('POST', '/campaigns', campaign)).status, 201);
  assert.equal((await app.request('/api/campaigns/fuzz/calls', json({ phone: '+18025550142' }))).status, 201);
  eventId = (await (await admin('GET', '/campaigns/fuzz/webhook/deliveries')).json()).deliveries[0].id;
  assert.equal((await admin('POST', '/blocks', { ip: '203.0.113.0/24' })).status, 201);
  await generateSampleData(store.db, { campaignId: 'sample', calls: 60, targets: 6, days: 2 });
});
after(async () => {
  console.log(report());
  await store.close();
  assertPrototypesIntact(prototypes);
});

const auth = () => ({ authorization: `Bearer ${token}` });
const admin = (method: string, path: string, body?: unknown) =>
  app.request(`/api/admin${path}`, { method, headers: { ...auth(), 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
const send = (method: string, path: string, headers: Record<string, string> = {}, body?: string | Uint8Array) =>
  sendChecked(app, 'admin', { method, path: `/api/admin${path}`, headers: { ...headers, ...auth() }, body });

describe('fuzzing the admin API with a valid token', () => {
  test('the routes fuzzed here are every admin route the app has', () => {
    const mounted = app.routes.filter((route) => route.method !== 'ALL' && route.path.startsWith('/api/admin/'));
    const listed = ROUTES.map((route) => `${route.method} /api/admin${route.path}`);
    assert.deepEqual([...new Set(mounted.map((route) => `${route.method} ${route.path}`))].sort(), listed.sort());
  });

  test('hand-picked: the shrunk cases past fuzz runs found, and their neighbours', async () => {
    const cases: [method: string, path: string, body?: unknown][] = [
      ...['9223372036854775808', '1e+308', '-1', '1.5', '0x10', '2147483648', '99999999999999999999'].map((id): [string, string] => ['DELETE', `/blocks/${id}`]),
      ['POST', '/blocks', { ip: '203.0.113.9', expiresAt: '0000-01-01T00:00:00Z' }],
      ['POST', '/campaigns', { name: 'x', script: 'x\ud800', targets: { congress: 'both' } }],
      ['PATCH', '/campaigns/fuzz', { strings: { submit: '\udfff' } }],
      ['GET', '/campaigns/fuzz/webhook/deliveries?cursor=9223372036854775808&limit=1e%2B308'],
      ['GET', '/campaigns/fuzz/webhook/deliveries/9223372036854775808'],
      ['POST', '/campaigns/fuzz/webhook/deliveries/..%2F..%2F/retry'],
      ['GET', '/campaigns/sample/stats?from=0000-01-01'],
      ['GET', '/campaigns/sample/stats/targets.csv?to=0000-12-31'],
      ['GET', '/campaigns/sample/stats/calls.csv?from=0001-01-01&to=9999-12-31&tz=Pacific/Kiritimati'],
      ['GET', `/campaigns/${'9'.repeat(5000)}/stats`],
    ];
    const failures: string[] = [];
    for (const [method, path, body] of cases) {
      const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
      await send(method, path, headers, body === undefined ? undefined : JSON.stringify(body)).catch((error: Error) => failures.push(error.message.split('\n')[0]!));
    }
    assert.deepEqual(failures, []);
  });

  test('every route: malformed ids, numbers and query strings', async () => {
    const value = fc.oneof(numberText, dayText, zoneText, fc.constantFrom('pending', 'delivered', 'failed'), anyText);
    const requests = fc.record({
      route: fc.constantFrom(...ROUTES),
      method: fc.option(method('GET'), { nil: undefined }),
      id: mostly('fuzz', fc.oneof(fc.constantFrom('demo', 'sample'), adminIdSegment)),
      action: mostly('pause', fc.oneof(fc.constantFrom('resume', 'archive', 'delete', 'PAUSE'), adminIdSegment)),
      eventId: fc.oneof(fc.constant(null), adminIdSegment),
      blockId: fc.oneof(fc.integer({ min: 1, max: 30 }).map(String), adminIdSegment),
      query: fc.oneof(queryString(['from', 'to', 'tz', 'status', 'limit', 'cursor', 'before'], value), fc.constant('')),
    });
    await run(requests, 800, async ({ route, method, id, action, eventId: event, blockId, query }) => {
      const path = route.path
        .replace(':action{pause|resume|archive}', action)
        .replace(':eventId', event ?? eventId)
        .replace(':orgId', id === 'fuzz' ? 'default' : id)
        .replace(/:(keyId|memberId|inviteId|token)/, blockId)
        .replace(':id', route.path.startsWith('/blocks') ? blockId : id);
      const body = route.body && BODIES[route.body];
      await send(method ?? route.method, path + query, body ? { 'content-type': body.type } : {}, body ? '' : undefined);
    });
  });

  test('JSON bodies: campaigns created, changed and copied, and blocks', async () => {
    const routes = ROUTES.filter((route) => route.body && route.body !== 'csv');
    const requests = fc.constantFrom(...routes).chain((route) =>
      fc.record({
        route: fc.constant(route),
        id: mostly('fuzz', fc.oneof(fc.constantFrom('demo', 'sample'), adminIdSegment)),
        type: mostly('application/json', contentType),
        body: BODIES[route.body!].body,
      }),
    );
    await run(requests, 700, async ({ route, id, type, body }) => {
      const path = route.path.replace(':id', id).replace(':orgId', id === 'fuzz' ? 'default' : id).replace(/:(memberId|token)/, id);
      await send(route.method, path, { 'content-type': type }, body);
    });
  });

  test('CSV bodies: a campaign list replaced from a file', async () => {
    const requests = fc.record({ id: mostly('fuzz', adminIdSegment), type: mostly('text/csv', contentType), body: targetsCsvBody });
    await run(requests, 300, async ({ id, type, body }) => {
      await send('POST', `/campaigns/${id}/targets.csv`, { 'content-type': type }, body);
    });
  });
});
