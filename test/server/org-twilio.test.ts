import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { storePerFile } from '../support/store.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { AdminClient } from '../support/accounts.ts';

let server: TestServer | undefined;
const store = storePerFile();
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const SID = `AC${'a7'.repeat(16)}`;
const TOKEN = 'org-a-auth-token-0123456789abcdef';
const SETTINGS = { accountSid: SID, authToken: TOKEN, callerId: '+12025550177', cps: 2 };

async function start(env: Record<string, string> = {}) {
  server = await startTestServer(store, {}, env);
  await store.db.execute(sql`insert into orgs (id, name) values ('org-a', 'Org A')`);
  return server;
}

/** The operator, over the socket. */
const send = (method: string, path: string, body?: unknown) => new AdminClient(server!.url, server!.config.adminToken).send(method, path, body);

async function expectError(response: Response, status: number, code: string, field?: string) {
  const body = await response.json();
  assert.equal(response.status, status, JSON.stringify(body));
  assert.equal(body.error.code, code, JSON.stringify(body));
  if (field) assert.equal(body.error.field, field, JSON.stringify(body));
}

describe('organisation Twilio accounts: /api/admin/orgs/:id/twilio', () => {
  test('an unknown organisation is a 404 on every route', async () => {
    await start();
    for (const [method, path, body] of [
      ['GET', '/orgs/nope/twilio'],
      ['PUT', '/orgs/nope/twilio', SETTINGS],
      ['DELETE', '/orgs/nope/twilio'],
      ['POST', '/orgs/nope/twilio/test'],
    ] as const) {
      await expectError(await send(method, path, body), 404, 'not_found');
    }
  });

  test('PUT refuses bad settings with a 422 naming the field', async () => {
    await start();
    const cases: [Record<string, unknown>, string][] = [
      [{ ...SETTINGS, accountSid: 'AC123' }, 'accountSid'],
      [{ ...SETTINGS, authToken: 'short' }, 'authToken'],
      [{ ...SETTINGS, callerId: '555-0100' }, 'callerId'],
      [{ ...SETTINGS, cps: 0 }, 'cps'],
      [{ ...SETTINGS, cps: 101 }, 'cps'],
      [{ ...SETTINGS, apiKeySid: 'SK1' , apiKeySecret: 'api-key-secret-0123456789' }, 'apiKeySid'],
      [{ ...SETTINGS, apiKeySid: `SK${'b8'.repeat(16)}` }, 'apiKeySecret'],
    ];
    for (const [body, field] of cases) await expectError(await send('PUT', '/orgs/org-a/twilio', body), 422, 'invalid_body', field);
    assert.equal((await (await send('GET', '/orgs/org-a/twilio')).json()).twilio.configured, false);
  });

  test('PUT stores the account sealed; GET shows it without a secret; DELETE returns to the server’s account', async () => {
    await start();
    const apiKey = { apiKeySid: `SK${'b8'.repeat(16)}`, apiKeySecret: 'api-key-secret-0123456789' };
    const put = await send('PUT', '/orgs/org-a/twilio', { ...SETTINGS, ...apiKey });
    assert.equal(put.status, 200);
    const expected = { configured: true, accountSid: SID, authTokenHint: 'cdef', apiKeySid: apiKey.apiKeySid, callerId: '+12025550177', cps: 2 };
    assert.deepEqual((await put.json()).twilio, expected);
    const got = await send('GET', '/orgs/org-a/twilio');
    const text = await got.text();
    assert.deepEqual(JSON.parse(text).twilio, expected);
    for (const secret of [TOKEN, apiKey.apiKeySecret]) assert.ok(!text.includes(secret), 'no secret in the response');
    const { rows } = (await store.db.execute(sql`select * from orgs where id = 'org-a'`)) as unknown as { rows: Record<string, unknown>[] };
    const row = JSON.stringify(rows[0]);
    for (const secret of [TOKEN, apiKey.apiKeySecret]) assert.ok(!row.includes(secret), 'no secret in plain text in the store');
    assert.equal(rows[0]!.twilio_account_sid, SID);

    assert.equal((await send('DELETE', '/orgs/org-a/twilio')).status, 204);
    assert.deepEqual((await (await send('GET', '/orgs/org-a/twilio')).json()).twilio, {
      configured: false,
      accountSid: null,
      authTokenHint: null,
      callerId: null,
      cps: null,
    });
  });

  test('test asks Twilio’s account endpoint: good credentials, saved or sent; refused ones are a 422', async () => {
    const running = await start();
    running.emulator!.addAccount({ accountSid: SID, authToken: TOKEN, friendlyName: 'Org A on Twilio' });
    await expectError(await send('POST', '/orgs/org-a/twilio/test'), 409, 'twilio_not_configured');
    const before = await send('POST', '/orgs/org-a/twilio/test', SETTINGS);
    assert.equal(before.status, 200);
    assert.deepEqual(await before.json(), { ok: true, friendlyName: 'Org A on Twilio', status: 'active' });
    await expectError(await send('POST', '/orgs/org-a/twilio/test', { ...SETTINGS, authToken: 'not-the-org-a-auth-token' }), 422, 'twilio_credentials_refused');
    await expectError(await send('POST', '/orgs/org-a/twilio/test', { ...SETTINGS, callerId: 'x' }), 422, 'invalid_body', 'callerId');
    assert.equal((await send('PUT', '/orgs/org-a/twilio', SETTINGS)).status, 200);
    assert.equal((await (await send('POST', '/orgs/org-a/twilio/test')).json()).friendlyName, 'Org A on Twilio');
  });

  test('test is a 502 when Twilio cannot be reached', async () => {
    await start({ TWILIO_API_URL: 'http://127.0.0.1:9' });
    await expectError(await send('POST', '/orgs/org-a/twilio/test', SETTINGS), 502, 'twilio_unreachable');
  });
});
