import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { axeViolations } from '../support/axe.ts';
import { launchChromium } from '../support/browser.ts';
import { adminRead, type DashboardPage, fitsWidth, openDashboard } from '../support/dashboard.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { openTestStore, type TestStore } from '../support/store.ts';

let store: TestStore;
let server: TestServer;
let browser: Browser;

before(async () => {
  assert.ok(existsSync('dist/admin.js'), 'the dashboard is not built: run npm run build (rollup -c rollup.admin.config.mjs)');
  store = await openTestStore();
  server = await startTestServer(store);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
  await store?.close();
});

const OWNER = { email: 'rosa@riverside.example', name: 'Rosa Parks', password: 'correct horse battery' };
const VIEWER = { email: 'vic@riverside.example', name: 'Vic', password: 'viewer password 1', newPassword: 'viewer password 2' };

/** Shared by the tests below, in order: the owner's page stays signed in. */
let owner: DashboardPage;
let viewerInvite = '';

/** The invite link the members page shows once, as a path on the test server (PUBLIC_URL is not its address). */
async function inviteLink(page: Page, email: string, role: string): Promise<string> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Role', { exact: true }).selectOption(role);
  await page.getByRole('button', { name: 'Invite', exact: true }).click();
  const shown = page.locator('#invite-link code');
  await shown.waitFor();
  const url = new URL((await shown.textContent())!.trim());
  assert.match(url.hash, /^#invite=[\w-]{20,}$/);
  return `/admin/${url.hash}`;
}

/** Opens an invite in a fresh browser context and joins with a name and password; the new member lands signed in. */
async function acceptInvite(path: string, person: { name: string; password: string }, org: string): Promise<DashboardPage> {
  const opened = await openDashboard(browser, server);
  const { page } = opened;
  await page.goto(`${server.url}${path}`);
  await page.getByRole('heading', { name: `Join ${org}` }).waitFor();
  await page.getByLabel('Your name').fill(person.name);
  await page.getByLabel('Password', { exact: true }).fill(person.password);
  await page.getByLabel('Confirm the password').fill(`${person.password}x`);
  await page.getByRole('button', { name: `Join ${org}` }).click();
  await page.getByText('The two passwords differ.').waitFor();
  await page.getByLabel('Confirm the password').fill(person.password);
  await page.getByRole('button', { name: `Join ${org}` }).click();
  await page.getByRole('heading', { name: 'Campaigns', exact: true }).waitFor();
  assert.equal(new URL(page.url()).hash, '#/', 'the token leaves the address bar');
  return opened;
}

/** A member's id, from the owner's list (as the operator sees it). */
async function memberId(email: string): Promise<string> {
  const orgId = await owner.page.evaluate(() => sessionStorage.getItem('call-power-admin-org'));
  const { members } = await adminRead<{ members: { id: string; email: string }[] }>(server, `/orgs/${orgId}/members`);
  return members.find((member) => member.email === email)!.id;
}

async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

describe('the dashboard: organisations, members, keys and the audit log', () => {
  test('the operator creates an organisation and invites its owner, who joins through the link', async () => {
    const { page, problems } = await openDashboard(browser, server, { signedIn: true });
    await page.goto(`${server.url}/admin#/orgs`);
    await page.getByRole('heading', { name: 'Organisations' }).waitFor();
    await page.getByLabel('Name').fill('Riverside Tenants');
    await page.getByRole('button', { name: 'Create organisation' }).click();
    await page.getByRole('heading', { name: 'Members' }).waitFor();
    assert.match(await page.getByLabel('Organisation', { exact: true }).locator('option:checked').textContent() ?? '', /Riverside Tenants/);
    assert.deepEqual(await axeViolations(page), []);

    const path = await inviteLink(page, OWNER.email, 'owner');
    await page.getByRole('table', { name: 'Pending invites' }).getByText(OWNER.email).waitFor();
    await page.getByRole('button', { name: 'Copy the invite link' }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    assert.equal(new URL(await page.evaluate(() => navigator.clipboard.readText())).hash, path.replace('/admin/', ''));

    owner = await acceptInvite(path, OWNER, 'Riverside Tenants');
    await owner.page.getByText('Riverside Tenants (owner)').waitFor();
    assert.deepEqual(owner.problems.splice(0), [], 'the check for a session before joining is not an error');
    assert.ok(await fitsWidth(owner.page));
    assert.deepEqual(problems, []);
  });

  test('the owner creates a campaign and invites a viewer, who sees no edit buttons anywhere', async () => {
    const { page, problems } = owner;
    await page.getByRole('link', { name: 'New campaign' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Fix the lifts');
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.getByRole('heading', { name: /Fix the lifts/ }).waitFor();
    await page.getByRole('link', { name: 'Members' }).click();
    await page.getByRole('table', { name: 'Members' }).getByText(`${OWNER.email} (you)`).waitFor();
    viewerInvite = await inviteLink(page, VIEWER.email, 'viewer');

    const viewer = await acceptInvite(viewerInvite, VIEWER, 'Riverside Tenants');
    const v = viewer.page;
    await v.getByRole('link', { name: 'Fix the lifts' }).waitFor();
    assert.equal(await v.getByRole('link', { name: 'New campaign' }).count(), 0);
    const nav = v.getByRole('navigation', { name: 'Dashboard' });
    assert.deepEqual(await nav.getByRole('link').allTextContents(), ['Campaigns', 'Account']);
    await v.getByRole('link', { name: 'Fix the lifts' }).click();
    await v.locator('[data-figure="calls"]').waitFor();
    for (const name of ['Edit', 'Pause', 'Archive', 'Copy', 'Add webhook', 'Retry all failed'])
      assert.equal(await v.getByRole('button', { name, exact: true }).or(v.getByRole('link', { name, exact: true })).count(), 0, `no ${name}`);
    assert.equal(await v.getByRole('heading', { name: 'Webhook' }).count(), 0, 'deliveries need the admin role');
    await v.goto(`${server.url}/admin#/members`);
    await v.getByText('This page needs the owner role; yours here is viewer.').waitFor();
    assert.deepEqual(await axeViolations(v), []);
    assert.deepEqual(viewer.problems, []);
    assert.deepEqual(problems, []);
    await viewer.page.context().close();
  });

  test('the viewer signs in with a password, changes it, and only the new one works after', async () => {
    const { page, problems } = await openDashboard(browser, server);
    await page.goto(`${server.url}/admin`);
    await signIn(page, VIEWER.email, VIEWER.password);
    await page.getByRole('link', { name: 'Fix the lifts' }).waitFor();

    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByLabel('Current password').fill('not my password');
    await page.getByLabel('New password', { exact: true }).fill(VIEWER.newPassword);
    await page.getByLabel('Confirm the new password').fill(VIEWER.newPassword);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('That is not your current password.').waitFor();
    await page.getByLabel('Current password').fill(VIEWER.password);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed.', { exact: false }).waitFor();
    assert.deepEqual(await axeViolations(page), []);

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await signIn(page, VIEWER.email, VIEWER.password);
    await page.getByText('That email and password do not match an account.').waitFor();
    await signIn(page, VIEWER.email, VIEWER.newPassword);
    await page.getByRole('link', { name: 'Fix the lifts' }).waitFor();
    const refusals = problems.splice(0);
    assert.equal(refusals.filter((p) => p === '401 /api/admin/session').length, 1, `the old password: ${refusals}`);

    // Sign out everywhere: this tab is signed out too, and a reload finds no session.
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await page.getByText('You are signed out on every device.').waitFor();
    await page.reload();
    await page.getByLabel('Email').waitFor();
    await page.context().close();
  });

  test('the owner revokes a spare invite, makes the viewer an editor, and cannot demote the last owner', async () => {
    const { page, problems } = owner;
    await page.reload();
    await page.getByRole('table', { name: 'Members' }).getByText(VIEWER.email).waitFor();
    assert.equal(await page.getByRole('table', { name: 'Pending invites' }).count(), 0, 'both invites were accepted');
    const spare = await inviteLink(page, 'spare@riverside.example', 'admin');
    await page.getByRole('button', { name: 'Revoke the invite for spare@riverside.example' }).click();
    await page.getByText('The invite for spare@riverside.example no longer works.').waitFor();
    assert.equal(await page.locator('#invite-link').count(), 0, 'the revoked link is no longer shown');
    const late = await openDashboard(browser, server);
    await late.page.goto(`${server.url}${spare}`);
    await late.page.getByText('This invite link is unknown, expired or already used. Ask for a new one.').waitFor();
    assert.deepEqual(late.problems.filter((p) => !p.endsWith('/api/admin/session')).map((p) => p.replace(/invites\/.*/, 'invites/…')), ['404 /api/admin/invites/…']);
    await late.page.context().close();

    await page.getByLabel(`Role of ${VIEWER.name}`, { exact: true }).selectOption('editor');
    await page.getByRole('button', { name: `Change the role of ${VIEWER.name}` }).click();
    await page.getByText(`${VIEWER.name} is now an editor.`).waitFor();
    await page.getByLabel(`Role of ${OWNER.name}`, { exact: true }).selectOption('admin');
    await page.getByRole('button', { name: `Change the role of ${OWNER.name}` }).click();
    await page.getByRole('alert').getByText(/only owner/).waitFor();
    assert.equal(await page.getByLabel(`Role of ${OWNER.name}`, { exact: true }).inputValue(), 'owner', 'the refused role is not left showing');
    assert.deepEqual(problems.splice(0), ['409 /api/admin/orgs/' + (await page.evaluate(() => sessionStorage.getItem('call-power-admin-org'))) + `/members/${await memberId(OWNER.email)}`]);

    // The editor may change what the campaign says, not whether it runs.
    const editor = await openDashboard(browser, server);
    const e = editor.page;
    await e.goto(`${server.url}/admin`);
    await signIn(e, VIEWER.email, VIEWER.newPassword);
    await e.getByRole('link', { name: 'Fix the lifts' }).click();
    await e.getByRole('link', { name: 'Edit' }).waitFor();
    assert.equal(await e.getByRole('button', { name: 'Pause' }).count(), 0);
    await e.getByRole('link', { name: 'Edit' }).click();
    assert.ok(await e.getByLabel('Status').isDisabled(), 'pausing needs the admin role');
    await e.getByRole('textbox', { name: 'Script', exact: true }).fill('Tell them the lifts have been out since March.');
    await e.getByRole('button', { name: 'Save changes' }).click();
    await e.getByRole('heading', { name: /Fix the lifts/ }).waitFor();
    assert.deepEqual(editor.problems, []);
    await e.context().close();
    assert.deepEqual(problems, []);
  });

  test('the owner makes an API key, whose secret is shown once and works until revoked', async () => {
    const { page, problems } = owner;
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByText('No keys yet.').waitFor();
    const heading = page.getByRole('heading', { name: 'API keys' });
    assert.ok(await heading.evaluate((h) => (h.getRootNode() as ShadowRoot).activeElement === h), "focus moves to the new page's heading");
    await page.getByLabel('Name').fill('CRM sync');
    await page.getByLabel('Role').selectOption('viewer');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = (await page.locator('#key-secret code').textContent())!.trim();
    assert.match(secret, /^cpk_/);
    await page.getByRole('button', { name: 'Copy the key' }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);

    const withKey = () => fetch(`${server.url}/api/admin/campaigns`, { headers: { Authorization: `Bearer ${secret}` } });
    const listed = (await (await withKey()).json()) as { campaigns: { name: string }[] };
    assert.deepEqual(listed.campaigns.map((c) => c.name), ['Fix the lifts'], 'the key sees its organisation only');

    await page.reload();
    const row = page.getByRole('table', { name: 'API keys' }).getByRole('row', { name: /CRM sync/ });
    await row.waitFor();
    assert.equal(await page.locator('#key-secret').count(), 0, 'not shown again');
    assert.ok((await row.textContent())!.includes(secret.slice(-4)), 'the end of the secret tells keys apart');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Revoke the key CRM sync' }).click();
    await page.getByText('The key “CRM sync” is revoked.').waitFor();
    assert.equal((await withKey()).status, 401);
    assert.deepEqual(problems, []);
  });

  test("the owner tests the organisation's own Twilio account, saves it (never shown again) and goes back to the server's", async () => {
    const { page, problems } = owner;
    const account = { accountSid: `AC${'c3'.repeat(16)}`, authToken: 'riverside-auth-token-0123456789ab', friendlyName: 'Riverside Tenants' };
    server.emulator!.addAccount(account);
    await page.getByRole('link', { name: 'Twilio' }).click();
    await page.getByText("This organisation uses the server's Twilio account.", { exact: false }).waitFor();
    await page.getByLabel('Account SID').fill(account.accountSid);
    await page.getByLabel('Auth token').fill('not-the-right-auth-token-000000');
    await page.getByLabel('Caller id').fill('+12025550173');
    await page.getByRole('button', { name: 'Test credentials' }).click();
    await page.getByRole('alert').getByText(/Twilio refused these credentials/).waitFor();
    assert.deepEqual(problems.splice(0).map((p) => p.replace(/orgs\/[^/]+/, 'orgs/…')), ['422 /api/admin/orgs/…/twilio/test']);

    await page.getByLabel('Auth token').fill(account.authToken);
    await page.getByRole('button', { name: 'Test credentials' }).click();
    await page.getByText('Twilio accepted the credentials: account “Riverside Tenants”, active.').waitFor();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved. Calls of this organisation now go through its own Twilio account.').waitFor();
    await page.reload();
    await page.getByText(`Saved: ending ${account.authToken.slice(-4)}.`, { exact: false }).waitFor();
    assert.equal(await page.getByLabel('Auth token').inputValue(), '', 'the saved token is never sent back');
    assert.ok(!(await page.locator('cpa-twilio-page').evaluate((el) => el.shadowRoot!.innerHTML)).includes(account.authToken));
    assert.deepEqual(await axeViolations(page), []);

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: "Use the server's account" }).click();
    await page.getByText("This organisation now uses the server's Twilio account.").waitFor();
    assert.deepEqual(problems, []);
  });

  test('the audit log shows who did each of these, pages back, and downloads as CSV', async () => {
    const { page, problems } = owner;
    // More than a page of events: 50 keys made by the operator.
    const orgId = (await page.evaluate(() => sessionStorage.getItem('call-power-admin-org')))!;
    for (let i = 0; i < 50; i++) {
      const made = await fetch(`${server.url}/api/admin/orgs/${orgId}/keys`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${server.config.adminToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: `bulk ${i}`, role: 'viewer' }),
      });
      assert.equal(made.status, 201);
    }
    await page.getByRole('link', { name: 'Audit log' }).click();
    const table = page.getByRole('table', { name: 'Audit log' });
    const rows = table.locator('tbody tr');
    await table.waitFor();
    assert.equal(await rows.count(), 50);
    await page.getByRole('button', { name: 'Load more' }).click();
    await page.getByRole('button', { name: 'Load more' }).waitFor({ state: 'detached' });
    assert.ok((await rows.count()) > 50);
    assert.ok(await rows.nth(50).evaluate((row) => (row.getRootNode() as ShadowRoot).activeElement === row), 'focus on the first row that arrived');
    const text = (await table.textContent()) ?? '';
    for (const seen of [`${OWNER.email} (member)`, 'operator (operator)', 'name: CRM sync', 'name: Fix the lifts', `email: ${VIEWER.email}`]) assert.ok(text.includes(seen), `${seen} in the log`);
    const actions = await table.locator('tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-action')));
    for (const action of ['org.create', 'campaign.create', 'invite.create', 'invite.accept', 'invite.revoke', 'member.update', 'campaign.update', 'key.create', 'key.revoke', 'twilio.update', 'twilio.remove']) assert.ok(actions.includes(action), `${action} in ${actions}`);
    assert.ok(!text.includes(OWNER.password) && !text.includes('cpk_'), 'no secrets');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    const csv = await readFile((await download.path())!, 'utf8');
    assert.match(csv, /key\.revoke/);
    assert.deepEqual(await axeViolations(page), []);
    assert.ok(await fitsWidth(page));
    assert.deepEqual(problems, []);
  });

  test('an owner invited to a second organisation joins with her own password and switches between the two', async () => {
    const operator = await openDashboard(browser, server, { signedIn: true });
    await operator.page.goto(`${server.url}/admin#/members`);
    await operator.page.getByLabel('Organisation', { exact: true }).selectOption('default');
    await operator.page.getByRole('link', { name: 'Members' }).click();
    const path = await inviteLink(operator.page, OWNER.email, 'editor');
    assert.deepEqual(operator.problems, []);
    await operator.page.context().close();

    const { page, problems } = owner;
    await page.goto(`${server.url}${path}`);
    await page.getByRole('heading', { name: 'Join Default' }).waitFor();
    await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await page.getByLabel('Confirm the password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Join Default' }).click();
    await page.getByRole('link', { name: 'Fix the lifts' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Dashboard' });
    await page.getByLabel('Organisation', { exact: true }).selectOption('default');
    await page.getByRole('link', { name: 'Call Congress (demo)' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Fix the lifts' }).count(), 0);
    assert.deepEqual(await nav.getByRole('link').allTextContents(), ['Campaigns', 'Account'], 'an editor here');
    await page.getByLabel('Organisation', { exact: true }).selectOption({ label: 'Riverside Tenants (owner)' });
    await page.getByRole('link', { name: 'Fix the lifts' }).waitFor();
    assert.ok((await nav.getByRole('link').allTextContents()).includes('Members'));
    assert.deepEqual(problems, []);
  });

  test('the owner renames the organisation: the switcher follows at once, an empty name is refused by its field', async () => {
    const { page, problems } = owner;
    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Members' }).click();
    const name = page.getByLabel('Organisation name');
    assert.equal(await name.inputValue(), 'Riverside Tenants');
    await name.fill('   ');
    await page.getByRole('button', { name: 'Rename' }).click();
    await page.locator('#org-name-error').waitFor();
    assert.equal(await name.getAttribute('aria-invalid'), 'true');
    assert.ok(await name.evaluate((input) => (input.getRootNode() as ShadowRoot).activeElement === input), 'focus on the refused field');
    const orgId = (await page.evaluate(() => sessionStorage.getItem('call-power-admin-org')))!;
    assert.deepEqual(problems.splice(0), [`422 /api/admin/orgs/${orgId}`]);

    await name.fill('Riverside Tenants Union');
    await page.getByRole('button', { name: 'Rename' }).click();
    await page.getByText('The organisation is now called Riverside Tenants Union.').waitFor();
    assert.match((await page.getByLabel('Organisation', { exact: true }).locator('option:checked').textContent()) ?? '', /^Riverside Tenants Union \(owner\)$/);
    await page.reload();
    await page.getByLabel('Organisation', { exact: true }).locator('option:checked', { hasText: 'Riverside Tenants Union (owner)' }).waitFor({ state: 'attached' });
    const audit = await fetch(`${server.url}/api/admin/audit`, { headers: { Authorization: `Bearer ${server.config.adminToken}`, 'CallPower-Org': orgId } });
    const { events } = (await audit.json()) as { events: { action: string; actor: { label: string }; changes: unknown }[] };
    const renamed = events.find((event) => event.action === 'org.update');
    assert.equal(renamed?.actor.label, OWNER.email);
    assert.match(JSON.stringify(renamed?.changes), /Riverside Tenants Union/);
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(problems, []);
  });
});
