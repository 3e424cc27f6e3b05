import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { axeViolations } from '../support/axe.ts';
import { launchChromium } from '../support/browser.ts';
import { openTestStore, type TestStore } from '../support/store.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** Every page the project ships, as a first visitor sees it: accessible, no console errors, no 404s. */
const PAGES = ['/', '/plain.html', '/cms.html', '/themed.html', '/admin'];

let store: TestStore;
let server: TestServer;
let browser: Browser;

before(async () => {
  store = await openTestStore();
  server = await startTestServer(store);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
  await store?.close();
});

describe('the shipped pages', () => {
  for (const width of [390, 1280]) {
    test(`are axe-clean and load without errors or 404s at ${width} px`, async () => {
      const context = await browser.newContext({ viewport: { width, height: 800 } });
      const found: string[] = [];
      try {
        for (const path of PAGES) {
          const page = await context.newPage();
          const problems: string[] = [];
          page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
          page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
          page.on('response', (response) => response.status() >= 400 && problems.push(`${response.status()} ${new URL(response.url()).pathname}`));
          await page.goto(`${server.url}${path}`, { waitUntil: 'networkidle' });
          await page.waitForTimeout(300);
          found.push(...(await axeViolations(page)).map((violation) => `${path}: ${violation}`), ...problems.map((problem) => `${path}: ${problem}`));
          await page.close();
        }
      } finally {
        await context.close();
      }
      assert.deepEqual(found, [], `at ${width} px`);
    });
  }
});
