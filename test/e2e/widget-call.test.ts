import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser.ts';
import { openTestStore, type TestStore } from '../support/store.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let store: TestStore;
let server: TestServer;
let browser: Browser;

before(async () => {
  assert.ok(existsSync('dist/call-power.js'), 'the widget is not built: run npm run build');
  store = await openTestStore();
  server = await startTestServer(store);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
  await store?.close();
});

type Ended = { status: string; legs: { name: string; status: string; outcome: string | null }[] };

describe('the demo page, end to end', () => {
  test('a newcomer places a call with the widget, watches it, and is led to the next step', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${server.url}/`);
    // What a host page would do: listen for the end of the call.
    await page.evaluate(() => {
      document.addEventListener('call-power-call-ended', (event) => {
        (window as unknown as { ended: unknown }).ended = (event as CustomEvent).detail;
      });
    });
    await recordStatuses(page);

    await page.getByLabel('Your phone number').fill('415 555 0123');
    await page.getByLabel('ZIP code').fill('05401');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Call me now' }).click();

    const ended = (await (await page.waitForFunction(() => (window as unknown as { ended?: unknown }).ended, undefined, { timeout: 30_000 })).jsonValue()) as Ended;
    assert.equal(ended.status, 'completed');
    assert.deepEqual(
      ended.legs.map((leg) => [leg.status, leg.outcome]),
      [
        ['completed', 'spoke'],
        ['completed', 'spoke'],
        ['completed', 'spoke'],
      ],
      'each office answered, and the emulated supporter pressed 1 ("I spoke to someone")',
    );
    assert.match(ended.legs.map((leg) => leg.name).join(), /Sanders.*Welch.*Balint/);

    // The campaign's next step (share, with its text) is offered; the outcomes keyed in show as chosen.
    const widget = page.locator('call-power');
    const email = widget.getByRole('link', { name: 'Email' });
    await email.waitFor({ timeout: 10_000 });
    assert.match(decodeURIComponent((await email.getAttribute('href'))!), /Will you call too\?/);
    assert.equal(await widget.getByRole('button', { name: 'I spoke to someone', pressed: true }).count(), 3);
    // And the page's own counters caught up.
    await page.waitForFunction(() => document.querySelectorAll('#counts tr').length === 3, undefined, { timeout: 15_000 });
    await page.locator('#total', { hasText: /^1 call started, 3 connections to offices\.$/ }).waitFor({ timeout: 10_000 });
    const heard = await page.locator('#phone').innerText();
    assert.match(heard, /Connecting you to Senator Bernard Sanders/);
    // The status followed the phone's phases, never a step ahead of it, and ends counting offices reached.
    const statuses = await page.evaluate(() => (window as unknown as { statuses: string[] }).statuses);
    const phases = [
      /^Looking up who to call…$/,
      /^Placing your call…$/,
      /^We’re calling you at \(415\) 555-0123\. Answer, then press 1\.$/,
      /^Listen, then press 1 to be connected\.$/,
      /^(Connecting you to .+…|You’re connected to .+\.)$/,
      /^How did your call to .+ go\? Answer on your phone or here\.$/,
      /^Your phone is asking if we may call you again\.$/,
      /^That was the last office\. Thank you!$/,
      /^Offices reached: 3 of 3\.$/,
    ];
    for (const shown of statuses) assert.ok(phases.some((phase) => phase.test(shown)), `an unexpected status: ${shown}`);
    assert.equal(statuses.at(-1), 'Offices reached: 3 of 3.');
    statuses.forEach((shown, i) => {
      assert.notEqual(statuses[i + 1], shown.replace(/^You’re connected to (.+)\.$/, 'Connecting you to $1…'), 'connected, then connecting again');
    });
    assert.deepEqual(problems, []);
  });

  test('in Spanish, the widget reads the campaign and the phone speaks in Spanish', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await page.evaluate(() => {
      document.querySelector('call-power')!.lang = 'es';
      document.addEventListener('call-power-call-ended', () => ((window as unknown as { ended: boolean }).ended = true));
    });
    await page.getByLabel('Tu número de teléfono').fill('415 555 0123');
    await page.getByLabel('Código postal (ZIP)').fill('05401');
    await page.getByRole('button', { name: 'Continuar' }).click();
    await page.getByRole('button', { name: 'Llámame ahora' }).click();
    await page.waitForFunction(() => (window as unknown as { ended?: boolean }).ended, undefined, { timeout: 30_000 });
    const widget = page.locator('call-power');
    await widget.getByText('Oficinas contactadas: 3 de 3.').waitFor({ timeout: 10_000 });
    await page.locator('#phone li', { hasText: 'Le conectamos con' }).first().waitFor({ timeout: 10_000 });
  });

  test('the demo page does not shift as the widget loads on a phone (CLS < 0.05)', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    // As on a slow network: the page paints its fallback before the embed arrives.
    await page.route('**/call-power.js', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      await route.continue();
    });
    await page.addInitScript(() => {
      const scores: number[] = [];
      (window as unknown as { shifts: number[] }).shifts = scores;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) {
          if (!entry.hadRecentInput) scores.push(entry.value);
        }
      }).observe({ type: 'layout-shift', buffered: true });
    });
    await page.goto(`${server.url}/`);
    await page.locator('call-power form button:enabled').waitFor({ timeout: 10_000 });
    await page.waitForTimeout(1000);
    const shifts = await page.evaluate(() => (window as unknown as { shifts: number[] }).shifts);
    assert.ok(shifts.reduce((sum, value) => sum + value, 0) < 0.05, `layout shifts: ${shifts.join(', ')}`);
  });
});

/** Keeps every text the widget's status region shows, in `window.statuses`. */
async function recordStatuses(page: Page) {
  await page.locator('call-power form').waitFor();
  await page.evaluate(() => {
    const region = document.querySelector('call-power')!.shadowRoot!.querySelector('[part~="status"]')!;
    const statuses: string[] = ((window as unknown as { statuses: string[] }).statuses = []);
    new MutationObserver(() => {
      const shown = region.textContent!.replace(/\s+/g, ' ').trim();
      if (shown && shown !== statuses.at(-1)) statuses.push(shown);
    }).observe(region, { subtree: true, childList: true, characterData: true });
  });
}
