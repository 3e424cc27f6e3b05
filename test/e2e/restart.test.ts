import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import { startCompiledServer } from '../support/compiled-server.ts';
import { freePort } from '../support/processes.ts';
import { requestFrom } from '../support/raw-http.ts';

test('SIGTERM ends live call streams with a reconnect hint, logs one line and exits 0', async () => {
  const server = await startCompiledServer();
  const placed = await requestFrom('127.0.0.1', `${server.url}/api/campaigns/demo/calls`, { method: 'POST', body: { phone: '+18025550177', zip: '05401' } });
  assert.equal(placed.status, 201, placed.text);
  const { call } = JSON.parse(placed.text) as { call: { id: string } };

  const socket = connect({ port: server.port, host: '127.0.0.1' });
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(`GET /api/calls/${call.id}/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`);
  for (let i = 0; i < 200 && !received.includes('event: call'); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  assert.match(received, /^HTTP\/1\.1 200/);

  const exitCode = await server.stop();
  await ended;
  assert.match(received, /event: restarting\ndata: \nretry: 2000\n/, 'the stream asks its client to reconnect');
  assert.equal(exitCode, 0);
  assert.equal(server.output().match(/call-power: stopped on SIGTERM/g)?.length, 1, server.output());
});

test('a request that reaches a restarting server before it is ready waits for it: no 503 that Twilio would not retry', async () => {
  // Twilio retries a webhook whose connection is refused, not one answered 5xx: a server that listens
  // before its store is open must not answer "starting" in that window (a redeploy would lose webhooks).
  const port = await freePort();
  const statuses: number[] = [];
  let up = false;
  const knocking = (async () => {
    while (!up) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(20_000) });
        statuses.push(response.status);
        await response.arrayBuffer();
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    }
  })();
  const server = await startCompiledServer({ PORT: String(port) });
  up = true;
  await knocking;
  assert.equal(await server.stop(), 0);
  assert.ok(statuses.length > 0, 'the server was reached');
  assert.deepEqual([...new Set(statuses)], [200], 'every request was served');
});
