import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { CampaignInput, createCampaign } from '../../server/campaigns/campaigns.ts';
import { type DialCallStatus, finishLeg, insertCall, type Outcome, recordOutcome } from '../../server/calls/calls.ts';
import { axeViolations } from '../support/axe.ts';
import { launchChromium } from '../support/browser.ts';
import { fitsWidth, openDashboard } from '../support/dashboard.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { openTestStore, type TestStore } from '../support/store.ts';

let store: TestStore;
let server: TestServer;
let browser: Browser;

const OFFICES = [
  { id: 'mayor', name: 'Mayor', title: '', phone: '+12125550100' },
  { id: 'clerk', name: 'Clerk', title: '', phone: '+12125550111' },
];

/**
 * Four supporters' calls: three on 1 March 2025 (10:20, 10:40 and 12:10 in Los Angeles) through
 * referral codes and page metadata, one on 4 March; five offices dialed, four connected.
 */
async function seedRally() {
  await createCampaign(store.db, CampaignInput.parse({ id: 'rally', name: 'Rally', targets: { custom: OFFICES } }));
  const calls: [string, string | null, Record<string, string> | null, [DialCallStatus, Outcome?][]][] = [
    ['2025-03-01T18:20:00Z', 'alice', { source: 'newsletter' }, [['completed', 'spoke'], ['completed', 'voicemail']]],
    ['2025-03-01T18:40:00Z', 'alice', { source: 'newsletter', page: 'home' }, [['completed', 'unavailable'], ['busy']]],
    ['2025-03-01T20:10:00Z', 'bob', { source: 'twitter' }, [['completed', 'spoke']]],
    ['2025-03-04T16:00:00Z', null, null, [['no-answer']]],
  ];
  for (const [i, [at, ref, meta, legs]] of calls.entries()) {
    const call = await insertCall(store.db, { id: `rally-${i}`, campaignId: 'rally', phoneHash: `h${i}`, status: 'completed', ref, meta, targets: OFFICES.slice(0, legs.length), createdAt: new Date(at), answeredAt: new Date(at) });
    for (const [position, [status, outcome]] of legs.entries()) {
      await finishLeg(store.db, call, position, status, status === 'completed' ? 40 : 0);
      if (outcome) await recordOutcome(store.db, call, position, outcome);
    }
  }
}

before(async () => {
  assert.ok(existsSync('dist/admin.js'), 'the dashboard is not built: run npm run build (rollup -c rollup.admin.config.mjs)');
  store = await openTestStore();
  server = await startTestServer(store);
  await seedRally();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
  await store?.close();
});

/** A table's body as text, a row per line and `|` between cells. */
const cells = (page: Page, name: string) =>
  page
    .getByRole('table', { name, exact: true })
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((row) => [...row.children].map((cell) => cell.textContent!.trim()).join(' | ')));

async function downloaded(page: Page, button: string): Promise<Record<string, string>[]> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
  return parse(await readFile((await download.path())!, 'utf8'), { bom: true, columns: true });
}

describe('the dashboard: stats', () => {
  test("outcomes per office, referral codes and page metadata, calls over time in the browser's zone, the CSVs; calls counted as the public counter counts them", async () => {
    const { page, problems } = await openDashboard(browser, server, { width: 390, signedIn: true, timezoneId: 'America/Los_Angeles' });
    await page.goto(`${server.url}/admin#/c/rally`);
    await page.locator('#targets tbody tr').first().waitFor();

    // A call is a supporter's call, as the public counter says; connections to offices are apart, and named so.
    const counter = (await (await fetch(`${server.url}/api/campaigns/rally/count`)).json()) as { calls: number; completed: number };
    assert.deepEqual(counter, { calls: 4, completed: 4 });
    const figure = (label: string) => page.locator(`dt:text-is("${label}") + dd`).textContent();
    assert.equal(await figure('Calls'), String(counter.calls));
    assert.equal(await figure('Connections to offices'), String(counter.completed));

    assert.deepEqual(await cells(page, 'Connections and outcomes per office; the column headers sort the table.'), [
      // Office | Connections | Dialed | Busy | No answer | Failed | Skipped | Spoke to someone | Voicemail | No one | Avg. talk
      'Mayor | 3 | 4 | 0 | 1 | 0 | 0 | 2 | 0 | 1 | 0:40',
      'Clerk | 1 | 2 | 1 | 0 | 0 | 0 | 0 | 1 | 0 | 0:40',
    ]);
    await page.getByRole('button', { name: /^Spoke to someone/ }).click();
    assert.equal(await page.locator('th[aria-sort="descending"]').textContent().then((text) => text?.trim()), 'Spoke to someone ▼');
    assert.deepEqual(await cells(page, 'Referral codes'), ['alice | 2 | 3', 'bob | 1 | 1']);
    assert.deepEqual(await cells(page, 'Page metadata'), ['source | newsletter | 2 | 3', 'page | home | 1 | 1', 'source | twitter | 1 | 1']);

    // The browser's zone by default: the whole campaign day by day, one day hour by hour.
    assert.equal(await page.getByLabel('Time zone').inputValue(), 'America/Los_Angeles');
    await page.getByText('Calls per day as a table').click();
    assert.deepEqual(await cells(page, 'Calls per day'), [
      '2025-03-01 | 3 | 3 | 4',
      '2025-03-02 | 0 | 0 | 0',
      '2025-03-03 | 0 | 0 | 0',
      '2025-03-04 | 1 | 1 | 0',
    ]);
    await page.getByLabel('From', { exact: true }).fill('2025-03-01');
    await page.getByLabel('To', { exact: true }).fill('2025-03-01');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByText('Calls per hour as a table').waitFor(); // the table stays open
    assert.deepEqual(await cells(page, 'Calls per hour'), ['Mar 1, 10:00 | 2 | 2 | 3', 'Mar 1, 11:00 | 0 | 0 | 0', 'Mar 1, 12:00 | 1 | 1 | 1']);
    await page.getByText('Calls started per hour, America/Los_Angeles time.').waitFor();
    assert.equal(await page.locator('svg[role="img"] rect').count(), 3);
    assert.deepEqual(await axeViolations(page), []);
    assert.ok(await fitsWidth(page), 'no sideways scrolling at 390 px');

    const offices = await downloaded(page, 'Download per-office CSV');
    assert.deepEqual(
      offices.map(({ target_id, spoke, voicemail, unavailable }) => [target_id, spoke, voicemail, unavailable]),
      [
        ['mayor', '2', '0', '1'],
        ['clerk', '0', '1', '0'],
      ],
    );
    const log = await downloaded(page, 'Download call log CSV');
    assert.deepEqual(
      log.map(({ call_id, ref, meta }) => [call_id, ref, meta]),
      [
        ['rally-0', 'alice', '{"source":"newsletter"}'],
        ['rally-1', 'alice', '{"page":"home","source":"newsletter"}'],
        ['rally-2', 'bob', '{"source":"twitter"}'],
      ],
    );
    assert.deepEqual(problems, []);
  });
});
