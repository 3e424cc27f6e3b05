// The floors every route is measured against, started by the bench harness with `fork`:
// `bare` is node:http answering a small JSON with nothing else; `hono` is a one-route Hono app on
// @hono/node-server, the framework our routes run on. Each reports its port over IPC.
import { createServer } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const BODY = JSON.stringify({ ok: true, floor: process.argv[2] });

function bare() {
  return new Promise((resolve) => {
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(BODY) });
      response.end(BODY);
    });
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}

function hono() {
  const app = new Hono().get('/*', (c) => c.json({ ok: true, floor: 'hono' }));
  return new Promise((resolve) => serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port)));
}

const kind = process.argv[2];
if (kind !== 'bare' && kind !== 'hono') throw new Error(`floor-server: bare or hono, not ${kind}`);
const port = await (kind === 'bare' ? bare() : hono());
process.send({ type: 'ready', url: `http://127.0.0.1:${port}` });
process.once('disconnect', () => process.exit(0));
