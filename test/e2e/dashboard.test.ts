import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { CampaignInput, createCampaign } from '../../server/campaigns/campaigns.ts';
import { finishLeg, insertCall } from '../../server/calls/calls.ts';
import { openTestStore, type TestStore } from '../support/store.ts';
import { launchChromium } from '../support/browser.ts';
import { adminRead, fitsWidth, openDashboard } from '../support/dashboard.ts';
import { congress, startTestServer, type TestServer } from '../support/server.ts';
import { type Receiver, startReceiver, verifyCallPowerWebhook } from '../support/webhook-receiver.ts';

let store: TestStore;
let server: TestServer;
let browser: Browser;
let receiver: Receiver | undefined;

/** City hall: three offices reached 1, 3 and 2 times, so each sort order is visible. */
async function seedCityHall() {
  const offices = [
    { id: 'mayor', name: 'Mayor, "the boss"', phone: '+12125550100' },
    { id: 'clerk', name: 'Clerk', phone: '+12125550111' },
    { id: 'council', name: 'Council', phone: '+12125550122' },
  ];
  await createCampaign(store.db, CampaignInput.parse({ id: 'city-hall', name: 'City hall', targets: { custom: offices } }));
  const reached = { mayor: 1, clerk: 3, council: 2 };
  let n = 0;
  for (const [id, times] of Object.entries(reached)) {
    for (let i = 0; i < times; i++) {
      const office = offices.find((o) => o.id === id)!;
      const call = await insertCall(store.db, { id: `seed-${n++}`, campaignId: 'city-hall', phoneHash: `h${n}`, status: 'completed', targets: [{ ...office, title: '' }] });
      await finishLeg(store.db, call, 0, 'completed', 30);
    }
  }
}

before(async () => {
  assert.ok(existsSync('dist/admin.js'), 'the dashboard is not built: run npm run build (rollup -c rollup.admin.config.mjs)');
  store = await openTestStore();
  // Webhook deliveries are tried twice, 50 ms apart, so a failing receiver fails them within the test;
  // the receiver listens on 127.0.0.1, so private receivers are allowed.
  server = await startTestServer(store, { webhooks: { pollMs: 50, timeoutMs: 2000, backoff: { delaysMs: [50], jitter: 0 } } }, { WEBHOOK_ALLOW_PRIVATE: '1' });
  await seedCityHall();
  browser = await launchChromium();
});
after(async () => {
  await receiver?.close();
  await browser?.close();
  await server?.close();
  await store?.close();
});

const rowNames = (page: Page) => page.locator('#targets tbody th').allTextContents();

describe('the dashboard at /admin', () => {
  test('sign in, list, stats sorted by count, CSV, embed snippet, a test call that the count shows', async () => {
    const { page, problems } = await openDashboard(browser, server);
    const response = await page.goto(`${server.url}/admin`);
    assert.match(response!.headers()['content-security-policy'] ?? '', /script-src 'self'/);

    // Sign in with the keyboard; a wrong token is refused first.
    await page.getByLabel('Admin token').fill('not-the-token');
    await page.keyboard.press('Enter');
    await page.getByText('That token was not accepted.').waitFor();
    assert.deepEqual(problems.splice(0), ['401 /api/admin/orgs'], 'no session on arrival is not an error; the wrong token is');
    await page.getByLabel('Admin token').fill(server.config.adminToken);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Campaigns', exact: true }).waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('call-power-admin-token')), server.config.adminToken);
    await page.getByRole('link', { name: 'Call Congress (demo)' }).waitFor();

    // Stats of the seeded campaign, most completed first; the headers sort.
    await page.getByRole('link', { name: 'City hall' }).click();
    await page.locator('#targets tbody tr').first().waitFor();
    assert.deepEqual(await rowNames(page), ['Clerk', 'Council', 'Mayor, "the boss"']);
    assert.equal(await page.locator('[data-figure="calls"]').textContent(), '6');
    await page.getByRole('button', { name: /^Connections/ }).click();
    assert.deepEqual(await rowNames(page), ['Mayor, "the boss"', 'Council', 'Clerk']);
    assert.equal(await page.locator('th[aria-sort="ascending"]').count(), 1);
    await page.getByRole('button', { name: /^Office/ }).focus();
    await page.keyboard.press('Enter');
    assert.deepEqual(await rowNames(page), ['Clerk', 'Council', 'Mayor, "the boss"']);
    assert.ok(await page.locator('svg[role="img"] rect').count(), 'a chart of calls per day');
    await page.getByText('Calls per hour as a table').click();
    await page.getByRole('table', { name: 'Calls per hour' }).waitFor();

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download per-office CSV' }).click()]);
    assert.equal(download.suggestedFilename(), 'city-hall-targets.csv');

    // The embed snippet, copied.
    await page.getByRole('button', { name: 'Copy the snippet' }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied, `<script type="module" src="${server.url}/call-power.js"></script>\n<call-power campaign="city-hall"></call-power>`);

    // A test call on the demo campaign, through the emulator; the count rises.
    await page.goto(`${server.url}/admin#/`);
    await page.getByRole('link', { name: 'Call Congress (demo)' }).click();
    await page.locator('[data-figure="calls"]').waitFor();
    const before = Number(await page.locator('[data-figure="calls"]').textContent());
    await page.getByLabel('Your phone number').fill('+14155550123');
    await page.getByLabel('ZIP code').fill('05401');
    await page.getByRole('button', { name: 'Call me' }).click();
    await page.getByText(/Test call ended \(completed\); 3 of 3 offices reached/).waitFor({ timeout: 20_000 });
    await page.waitForFunction(
      (want) => {
        const root = document.querySelector('cpa-app')?.shadowRoot?.querySelector('cpa-campaign-stats')?.shadowRoot;
        return root?.querySelector('[data-figure="calls"]')?.textContent === String(want);
      },
      before + 1,
    );
    assert.equal(await page.locator('[data-figure="connections"]').textContent(), '3');

    assert.ok(await fitsWidth(page), 'no sideways scrolling at phone width');
    assert.deepEqual(problems, []);
  });

  test('a test call from a ZIP that spans districts offers each district with its representative, as the widget does', async () => {
    const { page, problems } = await openDashboard(browser, server, { signedIn: true });
    await page.goto(`${server.url}/admin#/`);
    await page.getByRole('link', { name: 'Call Congress (demo)' }).click();
    await page.getByLabel('Your phone number').fill('+14155550124');
    await page.getByLabel('ZIP code').fill('90210');
    await page.getByRole('button', { name: 'Call me' }).click();
    const [first, ...rest] = congress.locate('90210')!.districts;
    const seat = congress.representative(first!) as { title: string; name: string };
    const choice = page.getByRole('radio', { name: `${first} — ${seat.title} ${seat.name}` });
    await choice.waitFor();
    assert.equal(await page.getByRole('radio').count(), rest.length + 1);
    await choice.check();
    await page.getByRole('button', { name: 'Call me' }).click();
    await page.getByText(/Test call ended \(completed\); 3 of 3 offices reached/).waitFor({ timeout: 20_000 });
    assert.deepEqual(problems, ['422 /api/campaigns/demo/calls'], 'only the first try, which asked for the district');
  });

  test('create a campaign, see a field error, fix it, pause it; works at 320 px', async () => {
    const { page, problems } = await openDashboard(browser, server, { width: 320, signedIn: true });
    await page.goto(`${server.url}/admin#/new`);
    await page.getByLabel('Name', { exact: true }).fill('Library hours');
    await page.getByRole('button', { name: 'Add an office' }).click();
    await page.getByLabel('Name', { exact: true }).nth(1).fill('Head librarian');
    await page.getByLabel('Phone').fill('not a number');
    await page.getByRole('button', { name: 'Create campaign' }).click();
    const phone = page.getByLabel('Phone');
    await page.waitForFunction(() => {
      const form = document.querySelector('cpa-app')?.shadowRoot?.querySelector('cpa-campaign-form')?.shadowRoot;
      return form?.activeElement?.getAttribute('name') === 'targets.custom.0.phone';
    });
    assert.equal(await phone.getAttribute('aria-invalid'), 'true');
    assert.deepEqual(problems.splice(0), ['422 /api/admin/campaigns']);
    assert.match((await page.locator('#form-error').textContent()) ?? '', /\w/, 'the message is shown');
    await phone.fill('212-555-0199');
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.getByRole('heading', { name: /Library hours/ }).waitFor();
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByText('Campaign paused.').waitFor();
    const [campaign] = (await adminRead<{ campaigns: { name: string; status: string }[] }>(server, '/campaigns')).campaigns.filter((c) => c.name === 'Library hours');
    assert.equal(campaign.status, 'paused');
    assert.ok(await fitsWidth(page), 'no sideways scrolling at 320 px');
    assert.deepEqual(problems, []);
  });

  test("a campaign's webhook: a field error, the secret shown once, deliveries that fail and are retried", async () => {
    let healthy = false;
    receiver = await startReceiver(() => (healthy ? 200 : 500));
    const { page, problems } = await openDashboard(browser, server, { signedIn: true });
    await page.goto(`${server.url}/admin#/c/city-hall`);
    await page.getByText('No deliveries yet.').waitFor();

    // A plain-http URL off this machine is refused, naming the field.
    const url = page.getByLabel('Webhook URL');
    await url.fill('http://crm.example.org/hooks');
    await page.getByRole('button', { name: 'Add webhook' }).click();
    await page.getByRole('alert').filter({ hasText: /webhook\.url: must be an https URL/ }).waitFor();
    assert.equal(await url.getAttribute('aria-invalid'), 'true');
    assert.deepEqual(problems.splice(0), ['422 /api/admin/campaigns/city-hall']);

    // Every event but call.started; the secret is shown once.
    await url.fill(receiver.url);
    await page.getByLabel(/A call starts/).uncheck();
    await page.getByRole('button', { name: 'Add webhook' }).click();
    await page.getByText('Webhook saved.').waitFor();
    const secret = (await page.locator('.secret code').textContent())!.trim();
    assert.match(secret, /^[\w-]{43}$/);

    // A test call reaches the three offices: three leg.completed and one call.completed, all refused by the receiver.
    await page.getByLabel('Your phone number').fill('+14155550124');
    await page.getByRole('button', { name: 'Call me' }).click();
    await page.getByText(/Test call ended \(completed\)/).waitFor({ timeout: 20_000 });
    const refresh = page.getByRole('button', { name: 'Refresh' });
    const rows = (status: string) => page.locator(`cpa-webhook-panel tr[data-status="${status}"]`).count();
    const until = async (status: string, count: number) => {
      for (let i = 0; (await rows(status)) !== count; i++) {
        assert.ok(i < 100, `${count} deliveries ${status}: ${await rows(status)}`);
        await refresh.click();
        await page.waitForTimeout(100);
      }
    };
    await until('failed', 4);
    assert.equal(await page.getByRole('button', { name: /^Retry leg\.completed/ }).count(), 3);
    const types = receiver.requests.map((request) => (JSON.parse(request.body) as { type: string }).type);
    assert.deepEqual([...new Set(types)].sort(), ['call.completed', 'leg.completed'], 'no call.started was sent');
    assert.equal(types.length, 8, 'each event tried twice');
    assert.ok(receiver.requests.every((request) => verifyCallPowerWebhook(secret, request.headers, request.body)), 'signed with the secret shown');

    // The receiver is fixed: one retry, then the rest at once.
    healthy = true;
    await page.getByRole('button', { name: /^Retry call\.completed/ }).click();
    await page.getByText('The delivery will be tried again.').waitFor();
    await until('delivered', 1);
    await page.getByRole('button', { name: 'Retry all failed' }).click();
    await page.getByText('3 failed deliveries will be tried again.').waitFor();
    await until('delivered', 4);
    assert.equal(receiver.accepted().size, 4, 'each event accepted once');
    await page.getByLabel('Show').selectOption('failed');
    await page.getByText('No deliveries failed yet.').waitFor();

    // Back later, only the secret's end is shown.
    await page.reload();
    await page.getByText(`Signing secret ending …${secret.slice(-4)}`).waitFor();
    assert.equal(await page.locator('.secret').count(), 0);
    assert.ok(await fitsWidth(page), 'no sideways scrolling at phone width');
    assert.deepEqual(problems, []);
  });
});
