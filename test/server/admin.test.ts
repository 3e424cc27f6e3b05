import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import type { Hono } from 'hono';
import type { AppDeps } from '../../server/deps.ts';
import { storePerFile } from '../support/store.ts';
import { createApp } from '../../server/app.ts';
import { signedTwilioPost, socketAt, testDeps } from '../support/app.ts';
import { json } from '../support/server.ts';

const store = storePerFile();
let app: Hono;
let deps: AppDeps;

beforeEach(() => {
  ({ app, deps } = testDeps(store));
});

const auth = () => ({ Authorization: `Bearer ${deps.config.adminToken}` });
const send = (method: string, path: string, body?: unknown) =>
  app.request(`/api/admin${path}`, {
    method,
    headers: { ...auth(), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const create = (body: unknown) => send('POST', '/campaigns', body);
const patch = (id: string, body: unknown) => send('PATCH', `/campaigns/${id}`, body);
const read = async (id: string) => (await (await send('GET', `/campaigns/${id}`)).json()).campaign;

const CITY_HALL = { id: 'city-hall', name: 'City hall', targets: { custom: [{ name: 'Mayor', phone: '212-555-0100' }, { name: 'Clerk', phone: '212-555-0111' }] } };

async function expectError(response: Response, status: number, code: string, field?: string) {
  const body = await response.json();
  assert.equal(response.status, status, JSON.stringify(body));
  assert.equal(body.error.code, code, JSON.stringify(body));
  assert.equal(body.error.field, field, JSON.stringify(body));
}

describe('admin API: auth', () => {
  const routes: [string, string][] = [
    ['GET', '/campaigns'],
    ['POST', '/campaigns'],
    ['GET', '/campaigns/city-hall'],
    ['PATCH', '/campaigns/city-hall'],
    ['POST', '/campaigns/city-hall/pause'],
    ['POST', '/campaigns/city-hall/resume'],
    ['POST', '/campaigns/city-hall/archive'],
    ['POST', '/campaigns/city-hall/copy'],
    ['GET', '/campaigns/city-hall/stats'],
    ['GET', '/campaigns/city-hall/stats/targets.csv'],
    ['GET', '/campaigns/city-hall/stats/calls.csv'],
    ['GET', '/campaigns/nope/stats'],
    ['GET', '/anything-else'],
  ];

  test('every route answers 401 and no data to a missing, malformed or wrong token', async () => {
    assert.equal((await create(CITY_HALL)).status, 201);
    const tokens = [undefined, 'Basic abc', 'Bearer', `Bearer ${deps.config.adminToken}x`, deps.config.adminToken, `Bearer  ${deps.config.adminToken.slice(1)}`];
    for (const [i, [method, path]] of routes.entries()) {
      for (const authorization of tokens) {
        // Each route from its own address: failed sign-ins are throttled per address (next test).
        const response = await app.request(
          `/api/admin${path}`,
          {
            method,
            headers: { 'Content-Type': 'application/json', ...(authorization ? { Authorization: authorization } : {}) },
            body: method === 'GET' ? undefined : JSON.stringify({ name: 'x', status: 'archived' }),
          },
          socketAt(`198.51.100.${i + 1}`),
        );
        assert.equal(response.status, 401, `${method} ${path} with ${authorization}`);
        assert.deepEqual(Object.keys(await response.json()), ['error']);
        assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer/);
      }
    }
    const campaign = await read('city-hall');
    assert.equal(campaign.status, 'active', 'nothing changed');
    assert.equal((await (await send('GET', '/campaigns')).json()).campaigns.length, 1, 'nothing copied');
  });

  test('ten failed sign-ins a minute from one address, then 429 for every request from it; each failure is logged without the token', async () => {
    const logs: string[] = [];
    const logged = createApp({ ...deps, log: (line) => logs.push(line) });
    const from = (ip: string, token: string) => logged.request('/api/admin/campaigns', { headers: { Authorization: `Bearer ${token}` } }, socketAt(ip));
    for (let i = 0; i < 10; i++) assert.equal((await from('203.0.113.5', `guess-number-${i}`)).status, 401);
    const limited = await from('203.0.113.5', 'guess-number-10');
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.equal((await from('203.0.113.5', deps.config.adminToken)).status, 429, 'the right token waits too, so guessing learns nothing');
    assert.equal((await from('203.0.113.6', deps.config.adminToken)).status, 200, 'another address is not affected');
    assert.equal(logs.filter((line) => line.includes('203.0.113.5') && /admin/.test(line)).length, 10);
    assert.ok(!logs.join('\n').includes('guess-number'), 'tokens are never logged');
  });
});

describe('admin API: campaigns', () => {
  test('creates a Congress campaign and a custom-list campaign, reads and lists them', async () => {
    const congress = await create({ name: 'Save the Post Office!', targets: { congress: 'senate' }, locale: 'es' });
    assert.equal(congress.status, 201);
    const { campaign } = await congress.json();
    assert.match(campaign.id, /^save-the-post-office-[0-9a-f]{6}$/);
    assert.equal(campaign.settings.locale, 'es');
    assert.deepEqual(campaign.settings.countries, ['US']);

    const custom = await create(CITY_HALL);
    assert.equal(custom.status, 201);
    assert.deepEqual((await custom.json()).campaign.customTargets, [
      { id: 't1', name: 'Mayor', title: '', phone: '+12125550100' },
      { id: 't2', name: 'Clerk', title: '', phone: '+12125550111' },
    ]);
    const listed = await (await send('GET', '/campaigns')).json();
    assert.deepEqual(listed.campaigns.map((c: { id: string }) => c.id).sort(), [campaign.id, 'city-hall'].sort());
    assert.equal((await read('city-hall')).name, 'City hall');
    await expectError(await send('GET', '/campaigns/nope'), 404, 'not_found');
  });

  test('every create error names its field, and nothing is half-created', async () => {
    const cases: [unknown, string][] = [
      [{ targets: { congress: 'both' } }, 'name'],
      [{ name: 'x', targets: {} }, 'targets'],
      [{ name: 'x', targets: { congress: 'everyone' } }, 'targets.congress'],
      [{ name: 'x', targets: { custom: [{ name: 'A', phone: '+12125550100' }, { name: 'B', phone: 'nope' }] } }, 'targets.custom.1.phone'],
      [{ name: 'x', targets: { custom: [{ name: 'A', phone: '+12125550100', extension: 'abc' }] } }, 'targets.custom.0.extension'],
      [{ name: 'x', id: 'Bad Id', targets: { congress: 'both' } }, 'id'],
      [{ name: 'x', locale: 'fr', targets: { congress: 'both' } }, 'locale'],
      [{ name: 'x', callerId: '555-0100', targets: { congress: 'both' } }, 'callerId'],
      [{ name: 'x', callerIdMode: 'office', targets: { congress: 'both' } }, 'callerIdMode'],
      [{ name: 'x', nextStep: { kind: 'redirect' }, targets: { congress: 'both' } }, 'nextStep.url'],
      [{ name: 'x', nextStep: { kind: 'link', url: 'javascript:alert(1)' }, targets: { congress: 'both' } }, 'nextStep.url'],
      [{ name: 'x', strings: { 'fr.submit': 'Appeler' }, targets: { congress: 'both' } }, 'strings.fr.submit'],
      [{ name: 'x', prompts: { intro: 'x'.repeat(1001) }, targets: { congress: 'both' } }, 'prompts.intro'],
    ];
    for (const [body, field] of cases) {
      const response = await create(body);
      assert.equal(response.status, 422, field);
      assert.equal((await response.json()).error.field, field);
    }
    assert.deepEqual((await (await send('GET', '/campaigns')).json()).campaigns, []);
    assert.equal((await create({ id: 'dup', name: 'x', targets: { congress: 'both' } })).status, 201);
    await expectError(await create({ id: 'dup', name: 'y', targets: { congress: 'both' } }), 409, 'conflict', 'id');
  });

  test('PATCH changes only what it names; targets merge key by key; null clears', async () => {
    await create({ ...CITY_HALL, script: 'Please vote yes.', callerId: '+12025550199', prompts: { intro: 'Hi!' } });
    const response = await patch('city-hall', {
      name: 'City hall, again',
      prompts: { thanks: 'Thanks!' },
      nextStep: { kind: 'redirect', url: 'https://example.org/next', text: 'Sign up' },
      strings: { submit: 'Call now', 'es.submit': 'Llamar' },
      targets: { order: 'shuffle' },
      callerId: null,
    });
    assert.equal(response.status, 200, await response.clone().text());
    const { campaign } = await response.json();
    assert.equal(campaign.name, 'City hall, again');
    assert.equal(campaign.settings.script, 'Please vote yes.', 'untouched');
    assert.deepEqual(campaign.settings.prompts, { thanks: 'Thanks!' }, 'a field given replaces the stored one');
    assert.equal(campaign.settings.targets.order, 'shuffle');
    assert.equal(campaign.settings.targets.customPlacement, 'after', 'other targeting keys kept');
    assert.equal(campaign.settings.callerId, undefined, 'null clears');
    assert.equal(campaign.settings.callerIdMode, 'campaign', 'offices see the campaign’s number unless it asks for the supporter’s');
    assert.equal((await (await patch('city-hall', { callerIdMode: 'supporter' })).json()).campaign.settings.callerIdMode, 'supporter');
    assert.deepEqual(campaign.customTargets.map((t: { name: string }) => t.name), ['Mayor', 'Clerk'], 'list kept');
    assert.ok(new Date(campaign.updatedAt) >= new Date(campaign.createdAt));

    const reordered = await patch('city-hall', {
      targets: { custom: [{ id: 't2', name: 'Clerk', phone: '+12125550111' }, { id: 't1', name: 'Mayor', title: 'Mayor', phone: '+12125550100', extension: '12' }] },
    });
    assert.deepEqual(
      (await reordered.json()).campaign.customTargets,
      [
        { id: 't2', name: 'Clerk', title: '', phone: '+12125550111' },
        { id: 't1', name: 'Mayor', title: 'Mayor', phone: '+12125550100', extension: '12' },
      ],
      'a list given replaces the list, in its order',
    );

    const publicView = await (await app.request('/api/campaigns/city-hall')).json();
    assert.deepEqual(publicView.nextStep, { kind: 'redirect', url: 'https://example.org/next', text: 'Sign up' });
    assert.deepEqual(publicView.strings, { submit: 'Call now', 'es.submit': 'Llamar' });
    assert.equal(publicView.callerId, undefined, 'the caller id is not public');
    assert.equal(publicView.callerIdMode, undefined);
  });

  test('text the store cannot hold (a NUL, a lone UTF-16 surrogate) is a 400, in settings as in names, and nothing is stored', async () => {
    assert.equal((await create(CITY_HALL)).status, 201);
    for (const bad of ['a\u0000b', '\ud800', 'x\udfff\ud800y']) {
      await expectError(await create({ name: 'Bad', script: bad, targets: { congress: 'both' } }), 400, 'bad_request');
      await expectError(await create({ name: 'Bad', strings: { submit: bad }, targets: { congress: 'both' } }), 400, 'bad_request');
      await expectError(await patch('city-hall', { prompts: { intro: bad } }), 400, 'bad_request');
    }
    assert.equal((await (await send('GET', '/campaigns')).json()).campaigns.length, 1);
    assert.deepEqual((await read('city-hall')).settings.prompts, {});
  });

  test('every PATCH error names its field and changes nothing', async () => {
    await create(CITY_HALL);
    await create({ id: 'other', name: 'Other', callInNumber: '+12025550177', targets: { congress: 'both' } });
    const cases: [unknown, number, string, string][] = [
      [{ name: '' }, 422, 'invalid_body', 'name'],
      [{ status: 'deleted' }, 422, 'invalid_body', 'status'],
      [{ locale: 'fr' }, 422, 'invalid_body', 'locale'],
      [{ countries: [] }, 422, 'invalid_body', 'countries'],
      [{ id: 'renamed' }, 422, 'invalid_body', 'id'],
      [{ targets: { congress: 'everyone' } }, 422, 'invalid_body', 'targets.congress'],
      [{ targets: { custom: [] } }, 422, 'invalid_body', 'targets'],
      [{ targets: { custom: [{ name: 'A', phone: '+12125550100' }, { name: 'B', phone: '12' }] } }, 422, 'invalid_phone', 'targets.custom.1.phone'],
      [{ targets: { custom: [{ id: 'aa', name: 'A', phone: '+12125550100' }, { id: 'aa', name: 'B', phone: '+12125550111' }] } }, 422, 'invalid_body', 'targets.custom.1.id'],
      [{ targets: null }, 422, 'invalid_body', 'targets'],
      [{ countries: ['GB'] }, 422, 'invalid_phone', 'targets.custom.0.phone'],
      [{ strings: { 'submit now!': 'x' } }, 422, 'invalid_body', 'strings.submit now!'],
      [{ callInNumber: '+12025550177' }, 409, 'conflict', 'callInNumber'],
    ];
    const before = await read('city-hall');
    for (const [body, status, code, field] of cases) await expectError(await patch('city-hall', body), status, code, field);
    assert.deepEqual(await read('city-hall'), before);
    await expectError(await patch('nope', { name: 'x' }), 404, 'not_found');
    await expectError(await send('PATCH', '/campaigns/city-hall', ['not', 'an', 'object']), 422, 'invalid_body');
  });

  test('pause, resume and archive: the public API refuses calls while paused (409) or archived (410)', async () => {
    await create(CITY_HALL);
    const placeCall = () => app.request('/api/campaigns/city-hall/calls', json({ phone: '+18025550142' }));

    const paused = await send('POST', '/campaigns/city-hall/pause');
    assert.equal((await paused.json()).campaign.status, 'paused');
    await expectError(await placeCall(), 409, 'campaign_paused');
    assert.equal((await (await app.request('/api/campaigns/city-hall')).json()).status, 'paused');

    assert.equal((await (await send('POST', '/campaigns/city-hall/resume')).json()).campaign.status, 'active');
    assert.equal((await placeCall()).status, 201);

    assert.equal((await (await send('POST', '/campaigns/city-hall/archive')).json()).campaign.status, 'archived');
    await expectError(await placeCall(), 410, 'campaign_archived');
    assert.deepEqual(await (await app.request('/api/campaigns/city-hall/count')).json(), { calls: 1, completed: 0 }, 'its count stays readable');

    assert.equal((await (await patch('city-hall', { status: 'paused' })).json()).campaign.status, 'paused', 'PATCH can set the status too');
    await expectError(await send('POST', '/campaigns/nope/pause'), 404, 'not_found');
    assert.equal((await send('POST', '/campaigns/city-hall/delete')).status, 404);
  });

  test('copy: a new id, the same settings and list, paused, without the call-in number', async () => {
    await create({ ...CITY_HALL, script: 'Vote yes.', callInNumber: '+12025550177', targets: { ...CITY_HALL.targets, order: 'shuffle' } });
    const copied = await send('POST', '/campaigns/city-hall/copy', {});
    assert.equal(copied.status, 201);
    const { campaign } = await copied.json();
    const original = await read('city-hall');
    assert.notEqual(campaign.id, 'city-hall');
    assert.match(campaign.id, /^city-hall-copy-[0-9a-f]{6}$/);
    assert.equal(campaign.name, 'City hall (copy)');
    assert.equal(campaign.status, 'paused');
    assert.equal(campaign.callInNumber, null);
    assert.deepEqual(campaign.settings, original.settings);
    assert.deepEqual(campaign.customTargets, original.customTargets);

    const named = await send('POST', '/campaigns/city-hall/copy', { id: 'city-hall-2026', name: 'City hall 2026' });
    assert.equal((await named.json()).campaign.name, 'City hall 2026');
    await expectError(await send('POST', '/campaigns/city-hall/copy', { id: 'city-hall-2026' }), 409, 'conflict', 'id');
    await expectError(await send('POST', '/campaigns/city-hall/copy', { id: 'Bad Id' }), 422, 'invalid_body', 'id');
    await expectError(await send('POST', '/campaigns/nope/copy', {}), 404, 'not_found');

    await patch(campaign.id, { script: 'Changed.' });
    assert.equal((await read('city-hall')).settings.script, 'Vote yes.', 'the copy is independent');
  });

  test('stats of a few webhook-driven calls add up per target and in total', async () => {
    await create({ id: 'tally', name: 'Tally', targets: { custom: [{ name: 'A', phone: '+12125550100' }, { name: 'B', phone: '+12125550111' }, { name: 'C', phone: '+12125550122' }] } });
    const outcomes = [
      ['completed', 'busy'],
      ['completed', 'completed'],
      ['no-answer', 'failed'],
    ];
    for (const [a, b] of outcomes) {
      const { call } = await (await app.request('/api/campaigns/tally/calls', json({ phone: '+18025550142' }))).json();
      await app.request(signedTwilioPost(deps, `/twiml/calls/${call.id}/status`, { CallStatus: 'in-progress' }));
      await app.request(signedTwilioPost(deps, `/twiml/calls/${call.id}/legs/0`, { DialCallStatus: a!, DialCallDuration: a === 'completed' ? '10' : '0' }));
      await app.request(signedTwilioPost(deps, `/twiml/calls/${call.id}/legs/1`, { DialCallStatus: b!, DialCallDuration: b === 'completed' ? '20' : '0' }));
    }
    const stats = await (await send('GET', '/campaigns/tally/stats')).json();
    assert.deepEqual(stats.totals, {
      calls: 3,
      callersReached: 3,
      converted: 2,
      conversion: 0.6667,
      legs: 6,
      completed: 3,
      busy: 1,
      noAnswer: 1,
      failed: 1,
      canceled: 0,
      talkSeconds: 40,
      averageDuration: 13,
    });
    // The campaign's own list has one office per target: its figures, again, per office number.
    assert.deepEqual(
      stats.targets.map((t: { id: string; legs: number; offices: { legs: number }[] }) => [t.id, t.offices.map((o) => o.legs)]),
      [['t1', [3]], ['t2', [3]], ['t3', []]],
    );
    assert.deepEqual(stats.targets.map(({ offices: _offices, ...t }: { offices: unknown }) => t), [
      { id: 't1', name: 'A', legs: 3, completed: 2, busy: 0, noAnswer: 1, failed: 0, canceled: 0, talkSeconds: 20, averageDuration: 10, outcomes: { spoke: 0, voicemail: 0, unavailable: 0 } },
      { id: 't2', name: 'B', legs: 3, completed: 1, busy: 1, noAnswer: 0, failed: 1, canceled: 0, talkSeconds: 20, averageDuration: 20, outcomes: { spoke: 0, voicemail: 0, unavailable: 0 } },
      { id: 't3', name: 'C', legs: 0, completed: 0, busy: 0, noAnswer: 0, failed: 0, canceled: 0, talkSeconds: 0, averageDuration: 0, outcomes: { spoke: 0, voicemail: 0, unavailable: 0 } },
    ]);
    assert.deepEqual(await (await app.request('/api/campaigns/tally/count')).json(), { calls: 3, completed: 3 });
  });
});

describe('admin API: ids and numbers that name no row', () => {
  /** Read by `Number()` as a row id, or too big for the column: none is the canonical id of a row. */
  const NOT_IDS = ['9223372036854775808', '2147483648', '1e+308', '-1', '0', '1.5', '1.0', '0x1', '+1', '%201', '1e0', '01', 'Infinity', 'NaN', '%EF%BC%91', '..%2F1'];

  test('a block id that is not a positive whole number the column can hold is a 404, and removes nothing', async () => {
    const { block } = await (await send('POST', '/blocks', { ip: '203.0.113.7' })).json();
    assert.equal(block.id, 1);
    for (const id of NOT_IDS) await expectError(await send('DELETE', `/blocks/${id}`), 404, 'not_found');
    assert.equal((await (await send('GET', '/blocks')).json()).blocks.length, 1, 'block 1 is still there');
    assert.equal((await send('DELETE', '/blocks/1')).status, 204);
  });

  test('a block cannot expire in year 0, which JavaScript has and the store has not: a 422 naming expiresAt', async () => {
    for (const expiresAt of ['0000-01-01T00:00:00Z', '0001-01-01T00:00:00+14:00']) {
      await expectError(await send('POST', '/blocks', { ip: '203.0.113.7', expiresAt }), 422, 'invalid_body', 'expiresAt');
    }
    assert.equal((await send('POST', '/blocks', { ip: '203.0.113.7', expiresAt: '0001-01-01T00:00:00Z' })).status, 201);
    assert.equal((await send('POST', '/blocks', { ip: '203.0.113.7', expiresAt: '9999-12-31T23:59:59Z' })).status, 201);
  });
});

describe('the dashboard files', () => {
  test('the source map is served in demo mode only: a live server does not publish its source', async () => {
    assert.equal((await app.request('/admin/admin.js.map')).status, 200);
    const live = createApp({ ...deps, config: { ...deps.config, demo: false } });
    const response = await live.request('/admin/admin.js.map');
    assert.equal(response.status, 404);
    assert.equal((await response.json()).error.code, 'not_found');
    assert.equal((await live.request('/admin/admin.js')).status, 200);
  });
});
