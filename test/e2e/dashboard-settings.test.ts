import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { CampaignInput, createCampaign } from '../../server/campaigns/campaigns.ts';
import { axeViolations } from '../support/axe.ts';
import { launchChromium } from '../support/browser.ts';
import { adminRead, fitsWidth, openDashboard } from '../support/dashboard.ts';
import { congress, startTestServer, type TestServer } from '../support/server.ts';
import { openTestStore, type TestStore } from '../support/store.ts';

let store: TestStore;
let server: TestServer;
let browser: Browser;

interface Campaign {
  name: string;
  settings: Record<string, unknown> & { targets: Record<string, unknown>; webhook?: Record<string, unknown> };
  customTargets: { id: string; name: string; phone: string; state?: string; district?: string; zips?: string[] }[];
}
/** ZIPs (with a ZCTA) the committed data places in a state or district. */
const zctasIn = (place: string) => [...congress.zctas()].filter(([, at]) => (place.length === 2 ? at.states : at.districts).includes(place)).length;
const campaign = async (id: string) => (await adminRead<{ campaign: Campaign }>(server, `/campaigns/${id}`)).campaign;

before(async () => {
  assert.ok(existsSync('dist/admin.js'), 'the dashboard is not built: run npm run build (rollup -c rollup.admin.config.mjs)');
  store = await openTestStore();
  server = await startTestServer(store);
  const offices = [{ id: 'clerk', name: 'Clerk', phone: '+12125550111' }];
  for (const id of ['water', 'parks']) await createCampaign(store.db, CampaignInput.parse({ id, name: `Save the ${id}`, targets: { congress: 'both', custom: offices } }));
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
  await store?.close();
});

/** The texts an element's `aria-describedby` points at, in its shadow root. */
const description = (page: Page, label: string) =>
  page.getByLabel(label, { exact: true }).evaluate((element) => {
    const root = element.getRootNode() as ShadowRoot;
    return (element.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((id) => root.getElementById(id)?.textContent?.trim())
      .join(' ');
  });

describe('the dashboard: campaign settings', () => {
  test('a new campaign calls both chambers by default, flags an empty name on its field, and has room for office names', async () => {
    const { page, problems } = await openDashboard(browser, server, { width: 390, signedIn: true });
    await page.goto(`${server.url}/admin#/new`);
    assert.equal(await page.getByLabel('Members of Congress').inputValue(), 'both');

    await page.getByRole('button', { name: 'Create campaign' }).click();
    const name = page.getByLabel('Name', { exact: true }).first();
    await page.waitForFunction(() => document.querySelector('cpa-app')?.shadowRoot?.querySelector('cpa-campaign-form')?.shadowRoot?.activeElement?.id === 'name');
    assert.equal(await name.getAttribute('aria-invalid'), 'true');
    assert.match(await description(page, 'Name'), /Give the campaign a name/);
    assert.deepEqual(problems.splice(0), [], 'refused before anything is sent');
    assert.deepEqual(await axeViolations(page), []);

    await page.getByRole('button', { name: 'Add an office' }).click();
    const officeName = page.getByLabel('Name', { exact: true }).nth(1);
    await officeName.fill('Senator Catherine Cortez Masto');
    assert.ok(await officeName.evaluate((input: HTMLInputElement) => input.scrollWidth <= input.clientWidth), 'a whole name fits at 390 px');
    await page.setViewportSize({ width: 1280, height: 800 });
    assert.ok(await officeName.evaluate((input: HTMLInputElement) => input.scrollWidth <= input.clientWidth), 'and at 1280 px');
    await page.setViewportSize({ width: 390, height: 740 });

    await name.fill('Library hours');
    await page.getByLabel('Phone').fill('212-555-0199');
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.getByRole('heading', { name: /Library hours/ }).waitFor();
    const created = (await adminRead<{ campaigns: (Campaign & { id: string })[] }>(server, '/campaigns')).campaigns.find((c) => c.name === 'Library hours')!;
    assert.equal(created.settings.targets.congress, 'both');
    assert.ok(await fitsWidth(page));
    assert.deepEqual(problems, []);
  });

  test('every setting is editable: targeting, the phone, call again, limits, every prompt and the other language; an error shows on its field', async () => {
    const { page, problems } = await openDashboard(browser, server, { width: 390, signedIn: true });
    await page.goto(`${server.url}/admin#/c/water/edit`);
    await page.getByRole('heading', { name: 'Edit Save the water' }).waitFor();
    assert.deepEqual(await axeViolations(page), []);

    await page.getByLabel('Party', { exact: true }).selectOption('R');
    await page.getByLabel('Members of that party').selectOption('only');
    await page.getByLabel('Only these members').fill('s000033, C001035');
    await page.getByLabel('At most').fill('2');
    await page.getByLabel('ZIP in several districts').selectOption('all');
    await page.getByLabel('Offices see').selectOption('supporter');
    await page.getByLabel('Ask the supporter to press 1 before connecting').uncheck();
    await page.getByLabel('Ask how it went after each office that answered').uncheck();
    await page.getByLabel('Offer to call supporters again').check();
    await page.getByLabel('Tuesday').check();
    await page.getByLabel('Thursday').check();
    await page.getByLabel('From hour').fill('18');
    await page.getByLabel('Until hour').fill('9');
    await page.getByLabel('Every … days').fill('2');
    await page.getByLabel('Time zone').fill('America/Chicago');
    const limits = { perPhonePerDay: 5, perIpPerHour: 50, perCampaignPerMinute: 30, perTargetPerHour: 100 };
    await page.getByLabel('Calls one caller may start per day').fill('5');
    await page.getByLabel('Calls one address may start per hour').fill('50');
    await page.getByLabel('Calls the campaign may start per minute').fill('30');
    await page.getByLabel('Calls one office may receive per hour').fill('100');
    await page.getByText('Spoken prompts and widget wording').click();
    await page.getByLabel('How did it go? (after an office answered)', { exact: true }).fill('Did you get through? Press 1 for yes.');
    await page.getByLabel('Call-in: caller blocked', { exact: true }).fill('Sorry, this number cannot call.');
    await page.getByText('In Spanish', { exact: true }).click();
    await page.getByLabel('Script (Spanish)').fill('Pida que protejan el agua.');
    await page.getByLabel('Introduction (Spanish)').fill('Gracias por llamar.');

    // The schedule ends before it starts: the server's refusal shows under "Until hour", which gets the focus.
    await page.getByRole('button', { name: 'Save changes' }).click();
    const until = page.getByLabel('Until hour');
    await page.waitForFunction(() => document.querySelector('cpa-app')?.shadowRoot?.querySelector('cpa-campaign-form')?.shadowRoot?.activeElement?.id === 'callAgain.to');
    assert.equal(await until.getAttribute('aria-invalid'), 'true');
    assert.match(await description(page, 'Until hour'), /must end after it starts/);
    assert.deepEqual(problems.splice(0), ['422 /api/admin/campaigns/water']);
    await page.getByLabel('From hour').fill('9');
    await until.fill('17');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: /Save the water/ }).waitFor();

    const { settings } = await campaign('water');
    assert.deepEqual(settings.limits, limits);
    assert.deepEqual(settings.targets.party, { party: 'R', mode: 'only' });
    assert.deepEqual(settings.targets.only, ['S000033', 'C001035']);
    assert.equal(settings.targets.max, 2);
    assert.equal(settings.targets.split, 'all');
    assert.equal(settings.callerIdMode, 'supporter');
    assert.equal(settings.pressOneGate, false);
    assert.equal(settings.askOutcome, false);
    assert.deepEqual(settings.callAgain, { days: [2, 4], from: 9, to: 17, everyDays: 2, timeZone: 'America/Chicago' });
    assert.deepEqual(settings.prompts, { askOutcome: 'Did you get through? Press 1 for yes.', refused: 'Sorry, this number cannot call.' });
    assert.deepEqual(settings.translations, { es: { script: 'Pida que protejan el agua.', prompts: { intro: 'Gracias por llamar.' } } });

    // Back in the form the stored values show; turning things off clears them.
    await page.getByRole('link', { name: 'Edit' }).click();
    assert.equal(await page.getByLabel('Calls one caller may start per day').inputValue(), '5');
    assert.equal(await page.getByLabel('Only these members').inputValue(), 'S000033, C001035');
    assert.equal(await page.getByLabel('Offices see').inputValue(), 'supporter');
    assert.ok(await page.getByLabel('Thursday').isChecked());
    assert.equal(await page.getByLabel('Introduction (Spanish)').inputValue(), 'Gracias por llamar.');
    assert.ok(!(await page.getByLabel('Ask the supporter to press 1 before connecting').isChecked()));
    await page.getByLabel('Offer to call supporters again').uncheck();
    assert.ok(await page.getByLabel('From hour').isDisabled(), 'the schedule is off');
    await page.getByLabel('Party', { exact: true }).selectOption('');
    await page.getByLabel('Only these members').fill('');
    await page.getByLabel('Ask the supporter to press 1 before connecting').check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: /Save the water/ }).waitFor();
    const cleared = (await campaign('water')).settings;
    assert.equal(cleared.callAgain, undefined);
    assert.equal(cleared.targets.party, undefined);
    assert.equal(cleared.targets.only, undefined);
    assert.equal(cleared.pressOneGate, true);
    assert.deepEqual(cleared.limits, limits, 'untouched settings stay');
    assert.ok(await fitsWidth(page));
    assert.deepEqual(problems, []);
  });

  test('the own list is replaced from a CSV file; a bad file changes nothing and lists each bad line', async () => {
    const { page, problems } = await openDashboard(browser, server, { width: 390, signedIn: true });
    await page.goto(`${server.url}/admin#/c/parks/edit`);
    const file = page.getByLabel('Replace the list from a CSV file');
    const upload = async (name: string, text: string) => {
      await file.setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
      await page.getByRole('button', { name: 'Import the file' }).click();
    };

    await upload('bad.csv', 'name,phone\nMayor,212-555-0100\n,212-555-0101\nTreasurer,12345\n');
    const alert = page.locator('#targets-csv-error');
    await alert.getByText('2 problems').waitFor();
    const [noName, badPhone, ...more] = await alert.locator('li').allTextContents();
    assert.equal(noName, 'Line 3, name: a name is required');
    assert.match(badPhone!, /^Line 4, phone: \w/);
    assert.deepEqual(more, []);
    assert.equal(await file.getAttribute('aria-invalid'), 'true');
    assert.deepEqual(problems.splice(0), ['422 /api/admin/campaigns/parks/targets.csv']);
    assert.deepEqual((await campaign('parks')).customTargets.map((t) => t.name), ['Clerk'], 'nothing imported');
    assert.deepEqual(await axeViolations(page), []);

    await upload('offices.csv', 'name,title,phone\nMayor,Mayor,212-555-0100\n"Smith, Jane",Treasurer,212-555-0101\n');
    await page.getByText('Imported 2 offices').waitFor();
    assert.equal(await alert.textContent().then((text) => text?.trim()), '');
    assert.deepEqual(await page.getByLabel('Name', { exact: true }).evaluateAll((inputs: HTMLInputElement[]) => inputs.slice(1).map((input) => input.value)), ['Mayor', 'Smith, Jane']);
    assert.deepEqual((await campaign('parks')).customTargets.map((t) => [t.name, t.phone]), [
      ['Mayor', '+12125550100'],
      ['Smith, Jane', '+12125550101'],
    ]);
    assert.deepEqual(problems, []);
  });

  test('an own list routed by state, district and ZIPs: edited and imported with errors on their fields and lines; the campaign page shows coverage and previews a ZIP', async () => {
    const custom = [
      { id: 'gov', name: 'Phil Scott', title: 'Gov.', phone: '+18025550100', state: 'VT' },
      { id: 'ward-1', name: 'Ward 1 Councillor', phone: '+18025550101', zips: ['05401', '05408'] },
      { id: 'ag', name: 'Attorney General', phone: '+18025550109' },
    ];
    await createCampaign(store.db, CampaignInput.parse({ id: 'statehouse', name: 'Statehouse', targets: { custom } }));
    const { page, problems } = await openDashboard(browser, server, { width: 390, signedIn: true });
    await page.goto(`${server.url}/admin#/c/statehouse/edit`);
    const row = (n: number) => page.getByRole('listitem', { name: `Office ${n}` });
    assert.equal(await row(1).getByLabel('State').inputValue(), 'VT');
    assert.equal(await row(2).getByLabel('ZIPs').inputValue(), '05401 05408');
    assert.deepEqual(await axeViolations(page), []);

    await row(2).getByLabel('ZIPs').fill('05401; 5408');
    await page.getByRole('button', { name: 'Save changes' }).click();
    const zips = row(2).getByLabel('ZIPs');
    await page.waitForFunction(() => document.querySelector('cpa-app')?.shadowRoot?.querySelector('cpa-campaign-form')?.shadowRoot?.activeElement?.id === 'targets.custom.1.zips');
    assert.equal(await zips.getAttribute('aria-invalid'), 'true');
    assert.match(await zips.evaluate((input) => (input.getRootNode() as ShadowRoot).getElementById(input.getAttribute('aria-describedby')!)?.textContent ?? ''), /"5408" is not a 5-digit ZIP code/);
    assert.deepEqual(problems.splice(0), ['422 /api/admin/campaigns/statehouse']);
    await zips.fill('05401 05408, 05402');
    await row(3).getByLabel('District').fill('vt at-large');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: /^Statehouse/ }).waitFor();
    assert.deepEqual(
      (await campaign('statehouse')).customTargets.map(({ id, state, district, zips }: Record<string, unknown>) => [id, state ?? district ?? zips]),
      [['gov', 'VT'], ['ward-1', ['05401', '05402', '05408']], ['ag', 'VT-AL']],
    );

    const reach = page.getByRole('region', { name: 'Whom callers reach' });
    await reach.getByText('Ward 1 Councillor').waitFor();
    assert.deepEqual(await reach.getByRole('list', { name: 'Offices routed by place' }).getByRole('listitem').allTextContents().then((items) => items.map((text) => text.replace(/\s+/g, ' ').trim())), [
      `Gov. Phil Scott: all of VT, ${zctasIn('VT')} ZIPs`,
      'Ward 1 Councillor: 3 ZIPs in VT',
      `Attorney General: district VT-AL, ${zctasIn('VT-AL')} ZIPs`,
    ]);
    await reach.getByLabel('ZIP to preview').fill('05408');
    await reach.getByRole('button', { name: 'Preview' }).click();
    await reach.getByText('A caller at ZIP 05408 reaches').waitFor();
    assert.deepEqual(await reach.getByRole('list', { name: 'A caller at ZIP 05408 reaches' }).getByRole('listitem').allTextContents(), ['Gov. Phil Scott', 'Ward 1 Councillor', 'Attorney General']);
    await reach.getByLabel('ZIP to preview').fill('02139');
    await reach.getByRole('button', { name: 'Preview' }).click();
    await reach.getByText('Nobody would be called from ZIP 02139: a call from there is refused.').waitFor();
    assert.deepEqual(await axeViolations(page), []);
    assert.ok(await fitsWidth(page));
    assert.equal(await page.getByLabel('ZIP code', { exact: true }).count(), 1, 'the test call asks for a ZIP, as the widget does');

    await page.goto(`${server.url}/admin#/c/statehouse/edit`);
    await page.getByLabel('Replace the list from a CSV file').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('name,phone,state,district,zips\nGov,802-555-0100,Vermont,,\nRep,802-555-0101,,VT-AL,05401\n') });
    await page.getByRole('button', { name: 'Import the file' }).click();
    const alert = page.locator('#targets-csv-error');
    await alert.getByText('2 problems').waitFor();
    assert.deepEqual(await alert.locator('li').allTextContents(), [
      'Line 2, state: "Vermont" is not a state\'s two-letter code, like VT',
      'Line 3, zips: route by one of state, district or zips, not by district and zips',
    ]);
    assert.deepEqual(problems.splice(0), ['422 /api/admin/campaigns/statehouse/targets.csv']);
    assert.deepEqual(problems, []);
  });

  test('the blocklist: block a number and a range (by keyboard), see a refusal on its field, remove a block', async () => {
    const { page, problems } = await openDashboard(browser, server, { width: 390, signedIn: true });
    await page.goto(`${server.url}/admin#/`);
    await page.getByRole('link', { name: 'Blocklist' }).click();
    await page.getByText('Nothing is blocked.').waitFor();

    await page.getByLabel('Phone number', { exact: true }).fill('+1 415 555 0199');
    await page.getByLabel('Reason').fill('Harassed an office');
    await page.getByRole('button', { name: 'Block', exact: true }).click();
    await page.getByText('The number is blocked.').waitFor();

    // An address instead: the radios by keyboard.
    await page.getByRole('radio', { name: 'A phone number' }).focus();
    await page.keyboard.press('ArrowRight');
    const value = page.getByLabel('IP address or CIDR range');
    await value.fill('203.0.113.0/33');
    await value.press('Enter');
    await page.waitForFunction(() => document.querySelector('cpa-app')?.shadowRoot?.querySelector('cpa-blocklist')?.shadowRoot?.querySelector('#block-value')?.getAttribute('aria-invalid') === 'true');
    assert.match(await description(page, 'IP address or CIDR range'), /CIDR range like/);
    assert.deepEqual(problems.splice(0), ['422 /api/admin/blocks']);
    await value.fill('203.0.113.0/24');
    await page.getByLabel('Until').fill('2031-01-02T03:04');
    await value.press('Enter');
    await page.getByText('203.0.113.0/24 is blocked.').waitFor();

    const rows = page.getByRole('table', { name: 'Blocked numbers and addresses' }).locator('tbody tr');
    assert.equal(await rows.count(), 2);
    assert.match((await rows.first().textContent())!.replace(/\s+/g, ' '), /203\.0\.113\.0\/24 .*1\/2\/2031, 3:04/);
    assert.doesNotMatch((await page.locator('cpa-blocklist').textContent()) ?? '', /4155550199|415 555 0199/, 'the number is not shown back');
    assert.deepEqual(await axeViolations(page), []);
    await page.getByRole('button', { name: 'Remove the block of 203.0.113.0/24' }).click();
    await page.getByText('Removed the block of 203.0.113.0/24.').waitFor();
    const { blocks } = await adminRead<{ blocks: { kind: string; reason: string }[] }>(server, '/blocks');
    assert.deepEqual(blocks.map(({ kind, reason }) => [kind, reason]), [['phone', 'Harassed an office']]);
    assert.ok(await fitsWidth(page));
    assert.deepEqual(problems, []);
  });

  test('a webhook added with its default events sends every event; narrowed, then widened again', async () => {
    const { page, problems } = await openDashboard(browser, server, { signedIn: true });
    await page.goto(`${server.url}/admin#/c/parks`);
    const saved = async (button: string) => {
      const response = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().endsWith('/api/admin/campaigns/parks'));
      await page.getByRole('button', { name: button }).click();
      assert.equal((await response).status(), 200);
      return (await campaign('parks')).settings.webhook!.events;
    };
    await page.getByLabel('Webhook URL').fill('https://crm.example.org/hooks/call-power');
    assert.equal(await saved('Add webhook'), undefined, 'every event, including kinds added later');
    await page.getByText('Webhook saved.').waitFor();

    await page.getByLabel(/A call starts/).uncheck();
    assert.deepEqual(await saved('Save webhook'), ['leg.completed', 'call.completed', 'supporter.opted_in']);
    await page.getByLabel(/A call starts/).check();
    assert.equal(await saved('Save webhook'), undefined);
    assert.deepEqual(problems, []);
  });
});
