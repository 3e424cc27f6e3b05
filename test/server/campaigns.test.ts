import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import type { Hono } from 'hono';
import { CampaignInput, createCampaign } from '../../server/campaigns/campaigns.ts';
import { ensureDemoCampaign } from '../../server/campaigns/demo.ts';
import { storePerFile } from '../support/store.ts';
import { hearDialQueue, testDeps } from '../support/app.ts';
import { congress, json } from '../support/server.ts';

const store = storePerFile();
let app: Hono;
let dialQueue: Awaited<ReturnType<typeof hearDialQueue>>;
let adminToken: string;

beforeEach(async () => {
  let deps;
  ({ app, deps } = testDeps(store));
  adminToken = deps.config.adminToken;
  await ensureDemoCampaign(store.db);
  dialQueue = await hearDialQueue(store);
});
afterEach(() => dialQueue.stop());

const storedCalls = async () => {
  const { rows } = (await store.db.execute(sql`select * from calls`)) as unknown as { rows: Record<string, unknown>[] };
  return rows;
};

async function expectError(response: Response, status: number, code: string, field?: string) {
  assert.equal(response.status, status, await response.clone().text());
  assert.match(response.headers.get('content-type') ?? '', /application\/json/);
  const { error } = (await response.json()) as { error: { code: string; message: string; field?: string } };
  assert.equal(error.code, code);
  assert.equal(error.field, field);
  assert.ok(error.message.length > 5);
}

describe('GET /api/campaigns/:id', () => {
  test('?lang= reads the campaign in the widget’s language: its translation, or the defaults for that language', async () => {
    await createCampaign(
      store.db,
      CampaignInput.parse({
        id: 'bilingual',
        name: 'Bilingual',
        targets: { congress: 'both' },
        script: 'Please support the bill.',
        callAgain: {},
        nextStep: { kind: 'share', text: 'Share this page' },
        translations: { es: { script: 'Por favor, apoye el proyecto de ley.', nextStep: { text: 'Comparta esta página' } } },
      }),
    );
    const english = await (await app.request('/api/campaigns/bilingual')).json();
    assert.deepEqual([english.lang, english.script, english.nextStep.text], ['en', 'Please support the bill.', 'Share this page']);
    const spanish = await (await app.request('/api/campaigns/bilingual?lang=es')).json();
    assert.deepEqual([spanish.lang, spanish.locale, spanish.script, spanish.nextStep.text], ['es', 'en', 'Por favor, apoye el proyecto de ley.', 'Comparta esta página']);
    assert.match(spanish.callAgain.description, /entre semana|lunes/i, spanish.callAgain.description);
    const untranslated = await (await app.request('/api/campaigns/demo?lang=es')).json();
    assert.equal(untranslated.script, (await (await app.request('/api/campaigns/demo')).json()).script, 'no translation: the campaign’s own script');
    await expectError(await app.request('/api/campaigns/bilingual?lang=fr'), 422, 'invalid_body', 'lang');
  });

  test('shows the public view only', async () => {
    const response = await app.request('/api/campaigns/demo');
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.deepEqual(Object.keys(body).sort(), ['callAgain', 'countries', 'id', 'lang', 'locale', 'name', 'nextStep', 'script', 'status', 'targetMode']);
    assert.equal(body.targetMode, 'congress');
    assert.equal(body.nextStep.kind, 'share');
    assert.match(body.callAgain.description, /on weekdays between 10 am and 4 pm/);
  });

  test('an unknown campaign is a 404 envelope', async () => {
    await expectError(await app.request('/api/campaigns/nope'), 404, 'not_found');
  });
});

describe('GET /api/campaigns/:id/targets', () => {
  test('a one-district ZIP gives two senators and the representative', async () => {
    const response = await app.request('/api/campaigns/demo/targets?zip=05401');
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.equal(body.split, false);
    assert.deepEqual(body.location, { zip: '05401', state: 'VT', districts: ['VT-AL'] });
    assert.deepEqual(
      body.targets.map((target: { title: string }) => target.title),
      ['Sen.', 'Sen.', 'Rep.'],
    );
    for (const target of body.targets) assert.match(target.phone, /^\+1\d{10}$/);
  });

  test('a split ZIP lists every candidate district and can be narrowed to one', async () => {
    const split = await (await app.request('/api/campaigns/demo/targets?zip=90210')).json();
    assert.equal(split.split, true);
    assert.deepEqual(split.location.districts, congress.locate('90210')!.districts);
    const chosen = await (await app.request(`/api/campaigns/demo/targets?zip=90210&district=${split.location.districts[1]}`)).json();
    assert.equal(chosen.split, false);
    assert.equal(chosen.targets.filter((target: { title: string }) => target.title === 'Rep.').length, 1);
    await expectError(await app.request('/api/campaigns/demo/targets?zip=90210&district=NY-3'), 422, 'invalid_district', 'district');
  });

  test('missing or malformed ZIPs are a 422 naming zip', async () => {
    await expectError(await app.request('/api/campaigns/demo/targets'), 422, 'invalid_zip', 'zip');
    await expectError(await app.request('/api/campaigns/demo/targets?zip=abc'), 422, 'invalid_zip', 'zip');
    await expectError(await app.request('/api/campaigns/demo/targets?zip=00000'), 422, 'invalid_zip', 'zip');
    await expectError(await app.request(`/api/campaigns/demo/targets?zip=${'9'.repeat(50)}`), 422, 'invalid_zip', 'zip');
  });
});

describe('POST /api/campaigns/:id/calls', () => {
  test('accepts a call, stores it with a hashed number and wakes the dial queue', async () => {
    const response = await app.request('/api/campaigns/demo/calls', json({ phone: '(802) 555-0142', zip: '05401' }));
    assert.equal(response.status, 201);
    const { call } = await response.json();
    assert.match(call.id, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(call.status, 'queued');
    assert.equal(call.targets.length, 3);
    const [row] = await storedCalls();
    assert.equal(row!.phone, '+18025550142');
    assert.notEqual(row!.phone_hash, '+18025550142');
    assert.equal(row!.district, 'VT-AL');
    assert.deepEqual(await dialQueue.settled(1), [''], "every process's dial queue is woken, told the call goes through the server's account");
  });

  test('whom to dial comes from the server, whatever the client sends', async () => {
    const response = await app.request(
      '/api/campaigns/demo/calls',
      json({ phone: '+18025550142', zip: '05401', targets: [{ id: 'x', name: 'Premium', phone: '+19005551234' }] }),
    );
    assert.equal(response.status, 201);
    const [row] = await storedCalls();
    const dialed = (row!.targets as { phone: string }[]).map((target) => target.phone);
    assert.ok(!dialed.includes('+19005551234'));
    assert.deepEqual(dialed, [...congress.senators('VT').map((m) => m.phone), (congress.representative('VT-AL') as { phone: string }).phone]);
  });

  test('bad input gets a 4xx naming the field, and nothing is stored or dialed', async () => {
    const post = (body: unknown, id = 'demo') => app.request(`/api/campaigns/${id}/calls`, json(body));
    await expectError(await post({ zip: '05401' }), 422, 'invalid_phone', 'phone');
    await expectError(await post({ phone: 42, zip: '05401' }), 422, 'invalid_phone', 'phone');
    await expectError(await post({ phone: 'call me maybe', zip: '05401' }), 422, 'invalid_phone', 'phone');
    await expectError(await post({ phone: '+1 900 555 1234', zip: '05401' }), 422, 'invalid_phone', 'phone');
    await expectError(await post({ phone: '+44 20 7946 0000', zip: '05401' }), 422, 'invalid_phone', 'phone');
    await expectError(await post({ phone: '+18025550142' }), 422, 'invalid_zip', 'zip');
    await expectError(await post({ phone: '+18025550142', zip: 'x' }), 422, 'invalid_zip', 'zip');
    await expectError(await post({ phone: '+18025550142', zip: '90210' }), 422, 'district_required', 'district');
    await expectError(await post({ phone: '+18025550142', zip: '05401' }, 'nope'), 404, 'not_found');
    await expectError(await post(null), 422, 'invalid_body');
    await expectError(await post([1, 2]), 422, 'invalid_body');
    const malformed = await app.request('/api/campaigns/demo/calls', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"phone":' });
    await expectError(malformed, 400, 'invalid_json');
    const huge = await app.request('/api/campaigns/demo/calls', json({ phone: '+18025550142', zip: '05401', pad: 'x'.repeat(40_000) }));
    await expectError(huge, 413, 'body_too_large');
    assert.deepEqual(await storedCalls(), []);
    assert.deepEqual(await dialQueue.settled(), []);
  });

  test('a Senate campaign does not ask a caller in a split ZIP for a district it never dials', async () => {
    await createCampaign(store.db, CampaignInput.parse({ id: 'senate-only', name: 'Senate', targets: { congress: 'senate', split: 'ask' } }));
    const lookup = await (await app.request('/api/campaigns/senate-only/targets?zip=43215')).json();
    assert.equal(lookup.choices, undefined);
    const response = await app.request('/api/campaigns/senate-only/calls', json({ phone: '+18025550142', zip: '43215' }));
    assert.equal(response.status, 201);
    const { call } = await response.json();
    assert.deepEqual(call.targets.map((t: { state: string }) => t.state), ['OH', 'OH']);
  });

  test('a paused campaign places no calls; an archived one says it has ended', async () => {
    const input = (id: string, status: string) => CampaignInput.parse({ id, name: id, status, targets: { custom: [{ name: 'Office', phone: '+12025550143' }] } });
    await createCampaign(store.db, input('paused-one', 'paused'));
    await createCampaign(store.db, input('archived-one', 'archived'));
    await expectError(await app.request('/api/campaigns/paused-one/calls', json({ phone: '+18025550142' })), 409, 'campaign_paused');
    await expectError(await app.request('/api/campaigns/archived-one/calls', json({ phone: '+18025550142' })), 410, 'campaign_archived');
    assert.deepEqual(await storedCalls(), []);
  });

  test('a custom campaign needs no ZIP and dials its own list in order', async () => {
    await createCampaign(
      store.db,
      CampaignInput.parse({
        id: 'mayor',
        name: 'Call the mayor',
        targets: { custom: [{ name: 'Mayor', title: 'Mayor', phone: '(212) 555-0100' }, { name: 'Council', phone: '212 555 0111', extension: '42' }] },
      }),
    );
    const lookup = await (await app.request('/api/campaigns/mayor/targets')).json();
    assert.deepEqual(lookup.targets.map((t: { name: string }) => t.name), ['Mayor', 'Council']);
    assert.equal(lookup.location, null);
    const response = await app.request('/api/campaigns/mayor/calls', json({ phone: '+18025550142' }));
    assert.equal(response.status, 201);
    const [row] = await storedCalls();
    assert.deepEqual(row!.targets, [
      { id: 't1', name: 'Mayor', title: 'Mayor', phone: '+12125550100' },
      { id: 't2', name: 'Council', title: '', phone: '+12125550111', extension: '42' },
    ]);
  });
});

describe('a custom list routed by the caller’s location', () => {
  const admin = () => ({ Authorization: `Bearer ${adminToken}` });
  const LIST = [
    { id: 'gov-vt', name: 'Governor of Vermont', title: 'Gov.', phone: '+18025550100', state: 'VT' },
    { id: 'gov-ma', name: 'Governor of Massachusetts', title: 'Gov.', phone: '+16175550100', state: 'MA' },
    { id: 'ward-1', name: 'Ward 1 Councillor', phone: '+18025550101', zips: ['05401', '05408'] },
    { id: 'ma-7', name: 'MA-7 organiser', phone: '+16175550107', district: 'MA-7' },
    { id: 'ag', name: 'Attorney General', phone: '+12025550109' },
  ];
  const create = (custom: unknown[], id = 'statehouse') =>
    app.request('/api/admin/campaigns', json({ id, name: 'Statehouse', targets: { custom } }, admin()));

  test('the admin API refuses bad routing naming the entry and the field, and keeps good routing through edits', async () => {
    const cases: [unknown, string][] = [
      [{ state: 'XX' }, 'targets.custom.1.state'],
      [{ district: 'California twelve' }, 'targets.custom.1.district'],
      [{ zips: ['05401', '540'] }, 'targets.custom.1.zips.1'],
      [{ zips: '05401' }, 'targets.custom.1.zips'],
      [{ zips: Array.from({ length: 3001 }, (_, i) => String(10000 + i)) }, 'targets.custom.1.zips'],
      [{ state: 'VT', district: 'VT-AL' }, 'targets.custom.1.district'],
    ];
    for (const [routing, field] of cases) {
      await expectError(await create([LIST[4], { name: 'Bad', phone: '+18025550102', ...(routing as object) }]), 422, 'invalid_body', field);
    }
    assert.equal((await create(LIST)).status, 201);
    const renamed = await app.request('/api/admin/campaigns/statehouse', { method: 'PATCH', headers: { ...admin(), 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'State house' }) });
    assert.equal(renamed.status, 200, await renamed.clone().text());
    const { campaign } = await (await app.request('/api/admin/campaigns/statehouse', { headers: admin() })).json();
    assert.deepEqual(campaign.customTargets, LIST.map((target) => ({ title: '', ...target })));
  });

  test('the widget is told to ask for a ZIP, and the lookup offers each caller only their own', async () => {
    assert.equal((await create(LIST)).status, 201);
    assert.equal((await create([LIST[4]], 'everyone')).status, 201);
    assert.equal((await (await app.request('/api/campaigns/statehouse')).json()).targetMode, 'routed');
    assert.equal((await (await app.request('/api/campaigns/everyone')).json()).targetMode, 'custom');
    await expectError(await app.request('/api/campaigns/statehouse/targets'), 422, 'invalid_zip', 'zip');
    const burlington = await (await app.request('/api/campaigns/statehouse/targets?zip=05401')).json();
    assert.deepEqual(burlington.targets.map((t: { id: string }) => t.id), ['gov-vt', 'ward-1', 'ag']);
    assert.deepEqual(burlington.targets[0], { id: 'gov-vt', name: 'Governor of Vermont', title: 'Gov.', phone: '+18025550100', state: 'VT' });
    assert.ok(burlington.targets.every((t: object) => !('zips' in t)), 'routing lists stay on the server');
    const cambridge = await (await app.request('/api/campaigns/statehouse/targets?zip=02139')).json();
    assert.deepEqual([cambridge.split, cambridge.choices], [true, undefined]);
    assert.deepEqual(cambridge.targets.map((t: { id: string }) => t.id), ['gov-ma', 'ma-7', 'ag'], 'before a choice, any of the ZIP’s districts');
    const chosen = await (await app.request('/api/campaigns/statehouse/targets?zip=02139&district=MA-5')).json();
    assert.deepEqual(chosen.targets.map((t: { id: string }) => t.id), ['gov-ma', 'ag']);
  });

  test('a call is routed by the caller’s ZIP on the server, needs no district, and is refused where nobody serves', async () => {
    assert.equal((await create(LIST)).status, 201);
    assert.equal((await create(LIST.slice(0, 2), 'governors')).status, 201);
    const post = (body: object, id = 'statehouse') => app.request(`/api/campaigns/${id}/calls`, json({ phone: '+18025550142', ...body }));
    await expectError(await post({}), 422, 'invalid_zip', 'zip');
    const response = await post({ zip: '02139', state: 'VT', zips: ['05401'], targets: [LIST[0]] });
    assert.equal(response.status, 201, await response.clone().text());
    const [row] = await storedCalls();
    assert.deepEqual((row!.targets as { id: string }[]).map((t) => t.id), ['gov-ma', 'ma-7', 'ag'], 'only the ZIP decides');
    assert.equal(row!.zip, '02139');
    await expectError(await post({ zip: '03301' }, 'governors'), 422, 'no_targets', 'zip');
    assert.equal((await storedCalls()).length, 1);
  });
});

describe('GET /api/campaigns/:id/count', () => {
  test('counts calls started, cacheable and open to any origin', async () => {
    await app.request('/api/campaigns/demo/calls', json({ phone: '+18025550142', zip: '05401' }));
    const response = await app.request('/api/campaigns/demo/count', { headers: { Origin: 'https://news.example' } });
    assert.deepEqual(await response.json(), { calls: 1, completed: 0 });
    assert.match(response.headers.get('cache-control') ?? '', /max-age=\d/);
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
  });
});

describe('allowed origins', () => {
  test('pages on other origins cannot place calls; listed ones and non-browser clients can', async () => {
    const { app: strict } = testDeps(store, { ALLOWED_ORIGINS: 'https://act.example.org, https://www.example.org' });
    const body = { phone: '+18025550142', zip: '05401' };
    const blocked = await strict.request('/api/campaigns/demo/calls', json(body, { Origin: 'https://evil.example' }));
    assert.equal(blocked.status, 403);
    assert.equal((await blocked.json()).error.code, 'origin_not_allowed');
    assert.equal(blocked.headers.get('access-control-allow-origin'), null);
    assert.deepEqual(await storedCalls(), []);
    const allowed = await strict.request('/api/campaigns/demo/calls', json(body, { Origin: 'https://www.example.org' }));
    assert.equal(allowed.status, 201);
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://www.example.org');
    assert.equal((await strict.request('/api/campaigns/demo/calls', json(body))).status, 201);
    const preflight = await strict.request('/api/campaigns/demo/calls', {
      method: 'OPTIONS',
      headers: { Origin: 'https://act.example.org', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://act.example.org');
  });
});
