import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
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
    const heard = await page.locator('#phone').innerText();
    assert.match(heard, /Connecting you to Senator Bernard Sanders/);
    assert.deepEqual(problems, []);
  });
});
