import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { type CompiledServer, startCompiledServer } from '../support/compiled-server.ts';
import { rawExchange, requestFrom } from '../support/raw-http.ts';

/**
 * "Safe to leave open", tried as an attacker would (issue 11): against the compiled server started as
 * `npm start` starts it, with the defaults a user gets, over real sockets. Each client is its own
 * loopback address (127.0.0.0/8 all reaches a server listening on 0.0.0.0), so per-address limits see
 * what they would see on the internet.
 */

const phone = (n: number) => `+1802555${String(2000 + n).padStart(4, '0')}`;
/** Calls go to a campaign with the default limits (the demo campaign's are looser, for tryouts). */
const callFrom = (server: CompiledServer, from: string, n: number, headers: Record<string, string> = {}) =>
  requestFrom(from, `${server.url}/api/campaigns/standard/calls`, { method: 'POST', body: { phone: phone(n), zip: '05401' }, headers });

/** The compiled server with `env`, and a campaign with every default, created as an organiser would. */
async function startWithStandardCampaign(env: Record<string, string> = {}): Promise<CompiledServer> {
  const server = await startCompiledServer(env);
  const created = await requestFrom('127.0.9.9', `${server.url}/api/admin/campaigns`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${server.adminToken}` },
    body: { id: 'standard', name: 'Standard', targets: { congress: 'both' } },
  });
  assert.equal(created.status, 201, created.text);
  return server;
}
const statuses = async (attempts: (() => Promise<{ status: number }>)[]) => {
  const seen: number[] = [];
  for (const attempt of attempts) seen.push((await attempt()).status);
  return seen;
};
const times = (n: number, status: number) => Array<number>(n).fill(status);

/** Sends a GET for an event stream and holds the connection; resolves with its status, or 0 when the server closed it unanswered. */
function openStream(server: CompiledServer, from: string, path: string): Promise<{ status: number; socket: Socket }> {
  return new Promise((resolve) => {
    const socket = connect({ port: server.port, host: '127.0.0.1', localAddress: from });
    let settled = false;
    const settle = (status: number) => {
      if (!settled) resolve({ status, socket });
      settled = true;
    };
    socket.once('connect', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`));
    socket.once('data', (chunk: Buffer) => settle(Number(/^HTTP\/1\.1 (\d{3})/.exec(chunk.toString())?.[1] ?? 0)));
    socket.on('error', () => settle(0));
    socket.once('close', () => settle(0));
  });
}

describe('the compiled server with the default configuration', () => {
  let server: CompiledServer;
  before(async () => {
    server = await startWithStandardCampaign();
  });
  after(() => server?.stop());

  const admin = (from: string, path: string, init: { method?: string; body?: unknown } = {}) =>
    requestFrom(from, `${server.url}/api/admin${path}`, { ...init, headers: { Authorization: `Bearer ${server.adminToken}` } });

  test('listens on every address by default', async () => {
    assert.equal((await requestFrom('127.0.0.1', `http://127.0.0.2:${server.port}/health`)).status, 200);
  });

  test('one socket address starts at most perIpPerHour (10) calls, whatever X-Forwarded-For it sends', async () => {
    const seen = await statuses([...Array(15).keys()].map((n) => () => callFrom(server, '127.0.0.2', n, { 'X-Forwarded-For': `198.51.100.${n}` })));
    assert.deepEqual(seen, [...times(10, 201), ...times(5, 429)]);
  });

  test('150 refused attempts from one address, then 10 supporters from 10 other addresses: all 10 are accepted', async () => {
    // The attacker replays one number until it is refused, again and again.
    const attacker = await statuses([...Array(153).keys()].map(() => () => callFrom(server, '127.0.0.3', 100)));
    assert.deepEqual(attacker, [...times(3, 201), ...times(150, 429)]);
    const supporters = await statuses([...Array(10).keys()].map((i) => () => callFrom(server, `127.0.1.${i + 1}`, 200 + i)));
    assert.deepEqual(supporters, times(10, 201));
  });

  test('blocked address ranges get 403, including the widest ones', async () => {
    for (const ip of ['127.0.0.0/8', '0.0.0.0/0']) {
      const added = await admin('127.0.0.4', '/blocks', { method: 'POST', body: { ip } });
      assert.equal(added.status, 201, added.text);
      const { block } = JSON.parse(added.text) as { block: { id: number } };
      const refused = await callFrom(server, '127.0.0.5', 300);
      assert.equal(refused.status, 403, `blocked by ${ip}: ${refused.text}`);
      assert.equal((await admin('127.0.0.4', `/blocks/${block.id}`, { method: 'DELETE' })).status, 204);
    }
  });

  test('event streams: at most 10 open from one address (and 50 connections), and /health answers within a second meanwhile', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const placed = await callFrom(server, `127.0.2.${i + 1}`, 400 + i);
      assert.equal(placed.status, 201, placed.text);
      ids.push((JSON.parse(placed.text) as { call: { id: string } }).call.id);
    }
    const streams = await Promise.all([...Array(300).keys()].map((i) => openStream(server, '127.0.0.6', `/api/calls/${ids[i % 3]}/events`)));
    try {
      const open = streams.filter(({ status }) => status === 200).length;
      assert.ok(open > 0 && open <= 10, `${open} streams open`);
      assert.ok(streams.every(({ status }) => [200, 429, 0].includes(status)));
      const answered = streams.filter(({ status }) => status !== 0).length;
      assert.ok(answered <= 50, `${answered} connections from one address were answered (MAX_CONNECTIONS_PER_IP is 50)`);
      let slowest = 0;
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        assert.equal((await requestFrom('127.0.0.7', `${server.url}/health`)).status, 200);
        slowest = Math.max(slowest, performance.now() - started);
      }
      assert.ok(slowest < 1000, `/health took ${Math.round(slowest)} ms`);
    } finally {
      for (const { socket } of streams) socket.destroy();
    }
  });

  test('failed admin sign-ins: 10 a minute from one address, then 429 with Retry-After, each one logged without the token', async () => {
    const attempt = (token: string) => requestFrom('127.0.0.8', `${server.url}/api/admin/campaigns`, { headers: { Authorization: `Bearer ${token}` } });
    assert.deepEqual(await statuses([...Array(10).keys()].map((i) => () => attempt(`not-the-token-${i}`))), times(10, 401));
    const limited = await attempt(server.adminToken);
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    assert.equal((await admin('127.0.0.9', '/campaigns')).status, 200, 'another address signs in');
    assert.equal(server.output().match(/admin: refused .*127\.0\.0\.8/g)?.length, 10);
    assert.ok(!server.output().includes('not-the-token'));
  });

  test('a webhook cannot be aimed at this machine or its network, however the address is spelled', async () => {
    for (const url of ['https://127.1/x', 'https://0x7f000001/x', 'https://[::ffff:127.0.0.1]/x', 'https://169.254.169.254/latest', 'http://localhost:3000/x']) {
      const refused = await admin('127.0.0.11', '/campaigns/demo', { method: 'PATCH', body: { webhook: { url } } });
      assert.equal(refused.status, 422, `${url}: ${refused.text}`);
      assert.equal((JSON.parse(refused.text) as { error: { field: string } }).error.field, 'webhook.url');
    }
  });

  test('a request that trickles in is cut off after 15 s, not held for minutes', async () => {
    const trickle = [...Array(40).keys()].map(() => [{ pauseMs: 1000 }, ' '] as const).flat();
    const started = performance.now();
    const exchange = await rawExchange(
      server.port,
      ['POST /api/campaigns/demo/calls HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{', ...trickle],
      { timeoutMs: 45_000, from: '127.0.0.10' },
    );
    const seconds = (performance.now() - started) / 1000;
    assert.equal(exchange.timedOut, false, 'the server closed the connection');
    assert.ok(seconds < 30, `closed after ${seconds.toFixed(1)} s`);
    assert.ok(exchange.responses.every((response) => response.status < 500 || response.status === 503 || response.status === 408));
  });
});

describe('the compiled server behind a trusted proxy (TRUSTED_PROXY_HEADER=X-Forwarded-For)', () => {
  let server: CompiledServer;
  before(async () => {
    server = await startWithStandardCampaign({ TRUSTED_PROXY_HEADER: 'X-Forwarded-For', HOST: '127.0.0.1' });
  });
  after(() => server?.stop());

  test('HOST=127.0.0.1 makes the app reachable only through a local proxy', async () => {
    assert.equal((await requestFrom('127.0.0.1', `${server.url}/health`)).status, 200);
    await assert.rejects(requestFrom('127.0.0.1', `http://127.0.0.2:${server.port}/health`), { code: 'ECONNREFUSED' });
  });

  test('14 numbers from one IPv6 /64 start at most 10 calls; the next /64 is another client', async () => {
    const seen = await statuses([...Array(14).keys()].map((n) => () => callFrom(server, '127.0.0.2', n, { 'X-Forwarded-For': `2001:db8:1:2:${n.toString(16)}::${n + 1}` })));
    assert.deepEqual(seen, [...times(10, 201), ...times(4, 429)]);
    assert.equal((await callFrom(server, '127.0.0.2', 50, { 'X-Forwarded-For': '2001:db8:1:3::1' })).status, 201);
  });

  test('a request without the proxy header is limited by its socket address, not waved through', async () => {
    const seen = await statuses([...Array(12).keys()].map((n) => () => callFrom(server, '127.0.0.3', 100 + n)));
    assert.deepEqual(seen, [...times(10, 201), 429, 429]);
  });
});
