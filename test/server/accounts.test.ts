import assert from 'node:assert/strict';
import { after, afterEach, describe, test } from 'node:test';
import { AdminClient, orgWithOwner } from '../support/accounts.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { storePerFile } from '../support/store.ts';

let server: TestServer | undefined;
const store = storePerFile(async () => {
  await server?.close();
  server = undefined;
});
after(() => server?.close());

async function start(env: Record<string, string> = {}) {
  server = await startTestServer(store, {}, env);
  return { base: server.url, operator: new AdminClient(server.url, server.config.adminToken) };
}

const inviteToken = (url: string) => new URL(url).hash.replace('#invite=', '');

describe('accounts: organisations, invitations and sessions', () => {
  afterEach(() => {});

  test('the operator makes an organisation; its invited owner signs in with a cookie that is HttpOnly, SameSite=Strict and scoped to the admin API', async () => {
    const { base, operator } = await start();
    const { org } = await operator.expect(201, 'POST', '/orgs', { name: 'Tenants United' });
    assert.match(org.id, /^org_/);
    assert.deepEqual(Object.keys(org).sort(), ['id', 'name']);
    const { invite } = await operator.expect(201, 'POST', `/orgs/${org.id}/invites`, { email: 'Ana@Example.org', role: 'owner' });
    assert.equal(invite.email, 'ana@example.org');
    assert.ok(invite.url.startsWith(`${server!.config.publicUrl}/admin/#invite=cpi_`));

    const browser = new AdminClient(base);
    assert.deepEqual(await browser.expect(200, 'GET', '/session'), { member: null, orgs: [], csrfToken: null }, 'signed out is an answer, not an error');
    const preview = await browser.expect(200, 'GET', `/invites/${inviteToken(invite.url)}`);
    assert.deepEqual(preview.invite.org, { id: org.id, name: 'Tenants United' });
    const response = await browser.send('POST', `/invites/${inviteToken(invite.url)}/accept`, { password: 'correct horse battery', name: 'Ana' });
    assert.equal(response.status, 200);
    const cookie = response.headers.get('set-cookie')!;
    assert.match(cookie, /^callpower_session=/);
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Strict/i);
    assert.match(cookie, /Path=\/api\/admin/i);
    const session = await response.json();
    assert.deepEqual(session.orgs, [{ id: org.id, name: 'Tenants United', role: 'owner' }]);
    assert.ok(session.csrfToken);

    // The link works once.
    await browser.expect(404, 'POST', `/invites/${inviteToken(invite.url)}/accept`, { password: 'another password 1' });

    // Signing in again with the password, in a fresh browser.
    const again = new AdminClient(base);
    await again.expect(401, 'POST', '/session', { email: 'ana@example.org', password: 'wrong password!!' });
    const signedIn = await again.signIn('ANA@example.org', 'correct horse battery');
    assert.equal(signedIn.member.email, 'ana@example.org');
    assert.deepEqual((await again.expect(200, 'GET', '/campaigns')).campaigns, []);
  });

  test('the session cookie is Secure when the server is served over https, and is cleared the same way', async () => {
    const { base, operator } = await start({ PUBLIC_URL: 'https://calls.example.org' });
    const { org } = await operator.expect(201, 'POST', '/orgs', { name: 'Tenants United' });
    const { invite } = await operator.expect(201, 'POST', `/orgs/${org.id}/invites`, { email: 'ana@example.org', role: 'owner' });
    assert.ok(invite.url.startsWith('https://calls.example.org/admin/#invite='));
    const browser = new AdminClient(base);
    const accepted = await browser.send('POST', `/invites/${inviteToken(invite.url)}/accept`, { password: 'correct horse battery' });
    assert.equal(accepted.status, 200);
    const flags = (cookie: string) => cookie.split(';').slice(1).map((flag) => flag.trim().split('=')[0]!.toLowerCase());
    assert.ok(flags(accepted.headers.get('set-cookie')!).includes('secure'), accepted.headers.get('set-cookie')!);
    browser.csrfToken = (await accepted.json()).csrfToken;
    const signedIn = await browser.send('POST', '/session', { email: 'ana@example.org', password: 'correct horse battery' });
    assert.ok(flags(signedIn.headers.get('set-cookie')!).includes('secure'));
    browser.csrfToken = (await signedIn.json()).csrfToken;
    const signedOut = await browser.send('DELETE', '/session');
    assert.equal(signedOut.status, 204);
    const cleared = signedOut.headers.get('set-cookie')!;
    assert.match(cleared, /^callpower_session=;/);
    assert.ok(flags(cleared).includes('secure') && flags(cleared).includes('httponly'), cleared);
  });

  test('over plain http (a local install) the cookie is not Secure, or no browser would send it back', async () => {
    const { base, operator } = await start();
    const { invite } = await operator.expect(201, 'POST', `/orgs/${(await operator.expect(201, 'POST', '/orgs', { name: 'Local' })).org.id}/invites`, { email: 'bo@example.org', role: 'owner' });
    const accepted = await new AdminClient(base).send('POST', `/invites/${inviteToken(invite.url)}/accept`, { password: 'correct horse battery' });
    assert.doesNotMatch(accepted.headers.get('set-cookie')!, /;\s*Secure/i);
  });

  test('a session change without its CSRF token is refused; with it, it goes through', async () => {
    const { base, operator } = await start();
    const { owner } = await orgWithOwner(base, operator, 'Org A', 'a@example.org');
    const csrf = owner.csrfToken;
    owner.csrfToken = undefined;
    const refused = await owner.expect(403, 'POST', '/campaigns', { name: 'Rent strike', targets: { custom: [{ name: 'Mayor', phone: '212-555-0100' }] } });
    assert.equal(refused.error.code, 'csrf_failed');
    owner.csrfToken = 'not-the-token';
    await owner.expect(403, 'POST', '/campaigns', { name: 'Rent strike', targets: { custom: [{ name: 'Mayor', phone: '212-555-0100' }] } });
    owner.csrfToken = csrf;
    await owner.expect(201, 'POST', '/campaigns', { name: 'Rent strike', targets: { custom: [{ name: 'Mayor', phone: '212-555-0100' }] } });
    // Reading needs no token.
    owner.csrfToken = undefined;
    assert.equal((await owner.expect(200, 'GET', '/campaigns')).campaigns.length, 1);
  });

  test('sign-out ends the session; sign-out everywhere ends every session; a password change ends the others', async () => {
    const { base, operator } = await start();
    const { owner } = await orgWithOwner(base, operator, 'Org A', 'a@example.org');
    const laptop = new AdminClient(base);
    await laptop.signIn('a@example.org', 'correct horse battery');
    const phone = new AdminClient(base);
    await phone.signIn('a@example.org', 'correct horse battery');

    await owner.expect(422, 'PUT', '/me/password', { currentPassword: 'wrong one here', newPassword: 'a new long password' });
    const short = await owner.expect(422, 'PUT', '/me/password', { currentPassword: 'correct horse battery', newPassword: 'short' });
    assert.equal(short.error.field, 'newPassword');
    await owner.expect(204, 'PUT', '/me/password', { currentPassword: 'correct horse battery', newPassword: 'a new long password' });
    await owner.expect(200, 'GET', '/campaigns');
    await laptop.expect(401, 'GET', '/campaigns');
    await new AdminClient(base).expect(401, 'POST', '/session', { email: 'a@example.org', password: 'correct horse battery' });
    await laptop.signIn('a@example.org', 'a new long password');
    await phone.signIn('a@example.org', 'a new long password');

    const stale = phone.cookie;
    await phone.expect(204, 'DELETE', '/session');
    phone.cookie = stale;
    await phone.expect(401, 'GET', '/campaigns');

    await owner.expect(204, 'POST', '/session/everywhere');
    await laptop.expect(401, 'GET', '/campaigns');
    // A browser still open after signing out elsewhere keeps asking; that does not lock its network out.
    for (let i = 0; i < 12; i++) await laptop.expect(401, 'GET', '/campaigns');
    await new AdminClient(base).signIn('a@example.org', 'a new long password');
    // Guessing tokens does.
    const guesser = new AdminClient(base, 'not-the-admin-token');
    for (let i = 0; i < 10; i++) await guesser.expect(401, 'GET', '/campaigns');
    await guesser.expect(429, 'GET', '/campaigns');
  });

  test('an API key acts in its organisation with its role, shows its secret once, and stops working the moment it is revoked', async () => {
    const { base, operator } = await start();
    const { org, owner } = await orgWithOwner(base, operator, 'Org A', 'a@example.org');
    const { key } = await owner.expect(201, 'POST', `/orgs/${org.id}/keys`, { name: 'CRM sync', role: 'viewer' });
    assert.match(key.secret, /^cpk_/);
    const listed = (await owner.expect(200, 'GET', `/orgs/${org.id}/keys`)).keys;
    assert.equal(listed.length, 1);
    assert.equal(listed[0].secret, undefined);
    assert.equal(listed[0].hint, key.secret.slice(-4));

    const script = new AdminClient(base, key.secret);
    await script.expect(200, 'GET', '/campaigns');
    const refused = await script.expect(403, 'POST', '/campaigns', { name: 'X', targets: { custom: [{ name: 'Mayor', phone: '212-555-0100' }] } });
    assert.match(refused.error.message, /needs the admin role; you are a viewer/);
    assert.ok((await owner.expect(200, 'GET', `/orgs/${org.id}/keys`)).keys[0].lastUsedAt);

    await owner.expect(204, 'DELETE', `/orgs/${org.id}/keys/${key.id}`);
    await script.expect(401, 'GET', '/campaigns');
    await owner.expect(404, 'DELETE', `/orgs/${org.id}/keys/${key.id}`);
  });

  test('another organisation is a 404 whoever asks, and only the operator may make organisations', async () => {
    const { base, operator } = await start();
    const a = await orgWithOwner(base, operator, 'Org A', 'a@example.org');
    const b = await orgWithOwner(base, operator, 'Org B', 'b@example.org');
    const made = await a.owner.expect(201, 'POST', '/campaigns', { id: 'a-campaign', name: 'A', targets: { custom: [{ name: 'Mayor', phone: '212-555-0100' }] } });
    assert.equal(made.campaign.id, 'a-campaign');

    for (const path of ['/campaigns/a-campaign', '/campaigns/a-campaign/stats', '/campaigns/a-campaign/stats/calls.csv', `/orgs/${a.org.id}/keys`, `/orgs/${a.org.id}`]) {
      const body = await b.owner.expect(404, 'GET', path);
      assert.equal(body.error.code, 'not_found');
    }
    assert.deepEqual((await b.owner.expect(200, 'GET', '/campaigns')).campaigns, []);
    b.owner.org = a.org.id;
    await b.owner.expect(404, 'GET', '/campaigns');
    // The operator sees every organisation, and acts in one when it names it (else in `default`, with the demo campaign).
    assert.equal((await operator.expect(200, 'GET', '/orgs')).orgs.length, 3);
    assert.deepEqual((await operator.expect(200, 'GET', '/campaigns')).campaigns.map((c: { id: string }) => c.id), ['demo']);
    operator.org = a.org.id;
    assert.equal((await operator.expect(200, 'GET', '/campaigns')).campaigns.length, 1);

    const refused = await a.owner.expect(403, 'POST', '/orgs', { name: 'Mine' });
    assert.match(refused.error.message, /operator/);
  });

  test('the last owner cannot be removed or demoted; roles are changed by owners', async () => {
    const { base, operator } = await start();
    const { org, owner } = await orgWithOwner(base, operator, 'Org A', 'a@example.org');
    const me = (await owner.expect(200, 'GET', '/session')).member;
    assert.equal((await owner.expect(409, 'PATCH', `/orgs/${org.id}/members/${me.id}`, { role: 'admin' })).error.code, 'last_owner');
    await owner.expect(409, 'DELETE', `/orgs/${org.id}/members/${me.id}`);
    const { invite } = await owner.expect(201, 'POST', `/orgs/${org.id}/invites`, { email: 'v@example.org', role: 'viewer' });
    const viewer = new AdminClient(base);
    const session = await viewer.expect(200, 'POST', `/invites/${inviteToken(invite.url)}/accept`, { password: 'viewer password 1' });
    viewer.csrfToken = session.csrfToken;
    await viewer.expect(403, 'GET', `/orgs/${org.id}/members`);
    await owner.expect(200, 'PATCH', `/orgs/${org.id}/members/${session.member.id}`, { role: 'owner' });
    await viewer.expect(200, 'GET', `/orgs/${org.id}/members`);
    await owner.expect(200, 'PATCH', `/orgs/${org.id}/members/${me.id}`, { role: 'admin' });
    await owner.expect(403, 'GET', `/orgs/${org.id}/members`);
  });

  test('the audit log says who changed what, without secrets or numbers, and downloads as CSV', async () => {
    const { base, operator } = await start();
    const { org, owner } = await orgWithOwner(base, operator, 'Org A', 'a@example.org');
    await owner.expect(201, 'POST', '/campaigns', { id: 'rent', name: 'Rent', targets: { custom: [{ name: 'Mayor', phone: '212-555-0100' }] } });
    await owner.expect(200, 'PATCH', '/campaigns/rent', { script: 'Please back the tenant bill.', callerId: '+12025550123', callerIdMode: 'campaign' });
    await owner.expect(201, 'POST', '/blocks', { phone: '+18025550142', reason: 'asked' });
    await owner.expect(201, 'POST', `/orgs/${org.id}/keys`, { name: 'CRM', role: 'editor' });
    const { events } = await owner.expect(200, 'GET', '/audit');
    assert.deepEqual(
      events.map((e: { action: string }) => e.action),
      ['key.create', 'block.create', 'campaign.update', 'campaign.create', 'invite.accept', 'invite.create', 'org.create'],
    );
    const update = events.find((e: { action: string }) => e.action === 'campaign.update');
    assert.deepEqual(update.actor, { kind: 'member', id: update.actor.id, label: 'a@example.org' });
    assert.equal(update.objectId, 'rent');
    assert.equal(update.changes.script, 'Please back the tenant bill.');
    assert.equal(update.changes.callerId, '[redacted]');
    assert.equal(update.changes.callerIdMode, 'campaign', 'a setting named like a number is not one');
    const text = JSON.stringify(events);
    for (const secret of ['212', '555-0100', '8025550142', 'cpk_']) assert.ok(!text.includes(secret), `${secret} in ${text}`);

    const csv = await owner.send('GET', '/audit.csv');
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type')!, /text\/csv/);
    const lines = (await csv.text()).trim().split('\n');
    assert.match(lines[0]!, /id,at,actor_kind,actor,action/);
    assert.equal(lines.length, 8);
    // Another organisation's log is its own.
    assert.deepEqual((await operator.expect(200, 'GET', '/audit')).events, []);
  });
});
