import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { rawExchange } from '../support/raw-http.ts';
import { json, startTestServer, type TestServer } from '../support/server.ts';
import { storePerFile } from '../support/store.ts';

// The public routes' headers over a real socket, as a page on another site reads them: CORS on answers
// and errors alike, preflight, body limits on writes only. These pin what the hot-path middleware must
// keep while it stays on @hono/node-server's fast path.
const store = storePerFile();
const servers: TestServer[] = [];
afterEach(() => Promise.all(servers.splice(0).map((server) => server.close())));

async function serve(env: Record<string, string> = {}) {
  const server = await startTestServer(store, {}, env);
  servers.push(server);
  return server;
}

const headersOf = (response: Response) => Object.fromEntries(response.headers);
/** The header names in Vary, lower-cased. */
const varies = (response: Response) => (response.headers.get('vary') ?? '').toLowerCase().split(/\s*,\s*/).filter(Boolean);
const OTHER_SITE = 'https://act.example.org';

describe('public routes, any origin (the default)', () => {
  test('answers and errors both carry CORS headers a page can read', async () => {
    const { url } = await serve();
    const cases: [string, number, RequestInit?][] = [
      ['/api/campaigns/demo', 200],
      ['/api/campaigns/demo/targets?zip=05401', 200],
      ['/api/campaigns/demo/count', 200],
      ['/api/campaigns/nope/targets?zip=05401', 404],
      ['/api/campaigns/demo/targets?zip=0540', 422],
      ['/api/campaigns/demo/calls', 422, json({ phone: '' })],
      ['/api/calls/nope', 404],
    ];
    for (const [path, status, init] of cases) {
      const response = await fetch(url + path, { ...init, headers: { ...init?.headers, Origin: OTHER_SITE } });
      const label = `${init?.method ?? 'GET'} ${path}`;
      assert.equal(response.status, status, label);
      const headers = headersOf(response);
      assert.equal(headers['access-control-allow-origin'], '*', label);
      assert.equal(headers['access-control-expose-headers'], 'Retry-After', label);
      assert.ok(!varies(response).includes('origin'), `${label}: one answer fits every origin`);
      assert.equal(headers['x-content-type-options'], 'nosniff', label);
      assert.match(headers['content-type']!, /^application\/json/, label);
      const bytes = (await response.arrayBuffer()).byteLength;
      if (!headers['content-encoding']) assert.equal(Number(headers['content-length']), bytes, label);
    }
  });

  test('a 422 names the field that was wrong', async () => {
    const { url } = await serve();
    const body = await (await fetch(`${url}/api/campaigns/demo/targets?zip=0540`)).json();
    assert.equal(body.error.code, 'invalid_zip');
    assert.equal(body.error.field, 'zip');
    const ref = await (await fetch(`${url}/api/campaigns/demo/count?ref=no%20spaces`)).json();
    assert.equal(ref.error.field, 'ref');
  });

  test('preflight: 204 with the methods, the one request header and the cache time', async () => {
    const { url } = await serve();
    const response = await fetch(`${url}/api/campaigns/demo/calls`, {
      method: 'OPTIONS',
      headers: { Origin: OTHER_SITE, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    assert.equal(response.status, 204);
    const headers = headersOf(response);
    assert.equal(headers['access-control-allow-origin'], '*');
    assert.equal(headers['access-control-allow-methods'], 'GET,POST');
    assert.equal(headers['access-control-allow-headers'], 'Content-Type');
    assert.equal(headers['access-control-max-age'], '600');
    assert.equal(headers['content-type'], undefined);
    assert.equal(await response.text(), '');
  });

  test('a call larger than its limit is refused with 413 before it is read, over a chunked body too', async () => {
    const { url, config } = await serve();
    const big = JSON.stringify({ phone: '+18025550142', zip: '05401', meta: { note: 'x'.repeat(17 * 1024) } });
    const response = await fetch(`${url}/api/campaigns/demo/calls`, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: OTHER_SITE }, body: big });
    assert.equal(response.status, 413);
    assert.equal((await response.json()).error.code, 'body_too_large');
    assert.equal(response.headers.get('access-control-allow-origin'), '*');

    const port = new URL(url).port;
    const chunk = 'x'.repeat(8 * 1024);
    const chunked = await rawExchange(Number(port), [
      `POST /api/campaigns/demo/calls HTTP/1.1\r\nHost: ${new URL(config.publicUrl).host}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`,
      ...[1, 2, 3].map(() => `${chunk.length.toString(16)}\r\n${chunk}\r\n`),
      '0\r\n\r\n',
    ]);
    assert.equal(chunked.responses[0]?.status, 413);

    const status = await fetch(`${url}/api/calls/nope/outcome`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: 'x'.repeat(5 * 1024) });
    assert.equal(status.status, 413);
    const twiml = await fetch(`${url}/twiml/calls/nope/answer`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `a=${'x'.repeat(65 * 1024)}` });
    assert.equal(twiml.status, 413);
  });

  test('a GET with a body is answered as a GET: the body is never read', async () => {
    const { url, config } = await serve();
    const port = Number(new URL(url).port);
    const body = 'x'.repeat(64 * 1024);
    const exchange = await rawExchange(port, [
      `GET /api/campaigns/demo/targets?zip=05401 HTTP/1.1\r\nHost: ${new URL(config.publicUrl).host}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    ]);
    assert.equal(exchange.responses[0]?.status, 200);
    assert.equal(JSON.parse(exchange.responses[0]!.body.toString()).targets.length, 3);
  });
});

describe('public routes, listed origins', () => {
  const env = { ALLOWED_ORIGINS: `${OTHER_SITE}, https://www.example.org` };

  test('a listed origin is named back, with Vary: Origin, on answers and errors', async () => {
    const { url } = await serve(env);
    for (const [path, status] of [['/api/campaigns/demo/targets?zip=05401', 200], ['/api/campaigns/demo/targets?zip=x', 422], ['/api/campaigns/nope', 404]] as const) {
      const response = await fetch(url + path, { headers: { Origin: 'https://www.example.org' } });
      assert.equal(response.status, status, path);
      assert.equal(response.headers.get('access-control-allow-origin'), 'https://www.example.org', path);
      assert.ok(varies(response).includes('origin'), path);
      await response.arrayBuffer();
    }
  });

  test('another origin gets no CORS grant, and its writes are refused', async () => {
    const { url } = await serve(env);
    const read = await fetch(`${url}/api/campaigns/demo`, { headers: { Origin: 'https://evil.example' } });
    assert.equal(read.status, 200);
    assert.equal(read.headers.get('access-control-allow-origin'), null);
    assert.ok(varies(read).includes('origin'), 'a cache must not hand this answer to a listed origin');
    await read.arrayBuffer();

    const preflight = await fetch(`${url}/api/campaigns/demo/calls`, { method: 'OPTIONS', headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' } });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
    assert.ok(varies(preflight).includes('origin'));

    const write = await fetch(`${url}/api/campaigns/demo/calls`, json({ phone: '+18025550142', zip: '05401' }, { Origin: 'https://evil.example' }));
    assert.equal(write.status, 403);
    assert.equal((await write.json()).error.code, 'origin_not_allowed');
  });

  test('preflight from a listed origin names it and varies by it', async () => {
    const { url } = await serve(env);
    const preflight = await fetch(`${url}/api/calls/abc/outcome`, { method: 'OPTIONS', headers: { Origin: OTHER_SITE, 'Access-Control-Request-Method': 'POST' } });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), OTHER_SITE);
    assert.ok(varies(preflight).includes('origin'));
    assert.equal(preflight.headers.get('access-control-allow-methods'), 'GET,POST');
  });
});
