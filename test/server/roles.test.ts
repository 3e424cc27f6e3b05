import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ROUTE_RULES, ruleFor } from '../../server/auth/roles.ts';
import { testDeps } from '../support/app.ts';
import { openTestStore } from '../support/store.ts';

test('every admin route has a rule in the one table, and every change is audited', async () => {
  const store = await openTestStore();
  try {
    const { app } = testDeps(store);
    const routes = app.routes.filter((r) => r.path.startsWith('/api/admin/') && r.method !== 'ALL');
    assert.ok(routes.length > 40, `${routes.length} admin routes`);
    for (const { method, path } of routes) {
      const sample = path.slice('/api/admin'.length).replace(/:action\{pause\|resume\|archive\}/, 'pause').replace(/:(\w+)/g, 'x-$1');
      const { rule } = ruleFor(method, sample);
      assert.notEqual(rule.path, '', `${method} ${path} has no rule in server/auth/roles.ts`);
      if (method !== 'GET' && rule.access !== 'signedOut' && !rule.path.endsWith('/twilio/test')) assert.ok(rule.audit, `${method} ${path} changes something but is not audited`);
    }
    // And no rule is left over from a route that no longer exists.
    for (const rule of ROUTE_RULES) {
      const hono = routes.some((r) => r.method === rule.method && ruleFor(r.method, r.path.slice('/api/admin'.length).replace(/:action\{pause\|resume\|archive\}/, rule.path.split('/').at(-1)!)).rule === rule);
      assert.ok(hono, `rule ${rule.method} ${rule.path} matches no route`);
    }
  } finally {
    await store.close();
  }
});

test("the dashboard's idea of each role is the server's table", async () => {
  const { minimum } = await import('../../admin/roles.ts');
  const routeOf = {
    read: ['GET', '/campaigns/x/stats'],
    editCampaign: ['PATCH', '/campaigns/x'],
    createCampaign: ['POST', '/campaigns'],
    changeStatus: ['POST', '/campaigns/x/pause'],
    webhook: ['GET', '/campaigns/x/webhook/deliveries'],
    blocklist: ['POST', '/blocks'],
    audit: ['GET', '/audit'],
    members: ['POST', '/orgs/x/invites'],
    keys: ['POST', '/orgs/x/keys'],
    twilio: ['PUT', '/orgs/x/twilio'],
  } as const;
  for (const [action, [method, path]] of Object.entries(routeOf)) {
    assert.equal(minimum(action as keyof typeof routeOf), ruleFor(method, path).rule.access, `${action}: ${method} ${path}`);
  }
});
