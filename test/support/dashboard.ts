import type { Browser, Page } from 'playwright-core';
import type { TestServer } from './server.ts';

export interface DashboardPage {
  page: Page;
  /** Script errors, CSP violations and 4xx/5xx responses, as they happen: a test takes the ones it expects. */
  problems: string[];
}

/**
 * A page of `server` at `width` (phone-sized by default) that records script errors, CSP violations
 * and failed responses; `signedIn` puts the admin token where the dashboard keeps it.
 */
export async function openDashboard(
  browser: Browser,
  server: TestServer,
  { width = 360, signedIn = false, timezoneId }: { width?: number; signedIn?: boolean; timezoneId?: string } = {},
): Promise<DashboardPage> {
  const context = await browser.newContext({ viewport: { width, height: 740 }, acceptDownloads: true, locale: 'en-US', ...(timezoneId ? { timezoneId } : {}) });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(`console: ${message.text()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${new URL(response.url()).pathname}`);
  });
  await page.addInitScript(() => document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP: ${e.violatedDirective} ${e.blockedURI}`)));
  if (signedIn) await page.addInitScript((token) => sessionStorage.setItem('call-power-admin-token', token), server.config.adminToken);
  return { page, problems };
}

/** The page fits its width: nothing scrolls sideways. */
export const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= innerWidth);

/** An admin API read, as the test's own check of what the dashboard stored. */
export async function adminRead<T>(server: TestServer, path: string): Promise<T> {
  const response = await fetch(`${server.url}/api/admin${path}`, { headers: { Authorization: `Bearer ${server.config.adminToken}` } });
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return response.json() as Promise<T>;
}
