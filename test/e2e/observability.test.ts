import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import parsePrometheusTextFormat, { type Family } from 'parse-prometheus-text-format';
import { ensureDemoCampaign } from '../../server/campaigns/demo.ts';
import { jsonLogger } from '../../server/log.ts';
import { testDeps } from '../support/app.ts';
import { storePerFile } from '../support/store.ts';
import { json, startTestServer, type TestServer } from '../support/server.ts';

const CALLER = '+14155550123';
const TOKEN = 'metrics-token-for-tests-0123';

let server: TestServer | undefined;
const store = storePerFile(async () => {
  await server?.close();
  server = undefined;
});

/** Places a demo call over the socket and follows it until it and its legs have ended. */
async function demoCall(running: TestServer): Promise<string> {
  const response = await fetch(`${running.url}/api/campaigns/demo/calls`, json({ phone: CALLER, zip: '05401' }));
  assert.equal(response.status, 201, await response.clone().text());
  const { call } = (await response.json()) as { call: { id: string } };
  for (let i = 0; i < 400; i++) {
    const view = (await (await fetch(`${running.url}/api/calls/${call.id}`)).json()) as { status: string; legs: { status: string }[] };
    if (view.status === 'completed' && view.legs.length === 3 && view.legs.every((leg) => leg.status === 'completed')) return call.id;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`call ${call.id} did not complete`);
}

async function scrape(running: TestServer): Promise<{ families: Family[]; text: string }> {
  const response = await fetch(`${running.url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type')!, /^text\/plain/);
  const text = await response.text();
  return { families: parsePrometheusTextFormat(text), text };
}

/** The value of `name`'s sample whose labels include `labels` (0 when there is none). */
function value(families: Family[], name: string, labels: Record<string, string> = {}): number {
  const family = families.find((f) => f.name === name);
  assert.ok(family, `no metric ${name}`);
  const sample = family.metrics.find((m) => Object.entries(labels).every(([key, v]) => m.labels?.[key] === v));
  return Number(sample?.value ?? 0);
}

/** A histogram's observation count, from the text: the parser keeps only the buckets of a labelled histogram. */
function observations(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}_count{${labels}}`));
  return Number(line?.split(' ').at(-1) ?? 0);
}

describe('/metrics', () => {
  test('is off without METRICS_TOKEN, and refuses a wrong token', async () => {
    server = await startTestServer(store);
    assert.equal((await fetch(`${server.url}/metrics`)).status, 404);
    await server.close();
    server = await startTestServer(store, {}, { METRICS_TOKEN: TOKEN });
    assert.equal((await fetch(`${server.url}/metrics`)).status, 401);
    assert.equal((await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}x` } })).status, 401);
    assert.equal((await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } })).status, 200);
  });

  test('counts a demo call exactly, by route pattern and never by id', async () => {
    server = await startTestServer(store, {}, { METRICS_TOKEN: TOKEN });
    const id = await demoCall(server);
    const { families, text } = await scrape(server);
    assert.equal(families.find((f) => f.name === 'callpower_http_request_duration_seconds')?.type, 'HISTOGRAM');

    assert.equal(value(families, 'callpower_calls_created_total', { direction: 'outbound' }), 1);
    assert.equal(value(families, 'callpower_calls_completed_total', { direction: 'outbound' }), 1);
    assert.equal(families.find((f) => f.name === 'callpower_calls_failed_total')?.metrics.length ?? 0, 0);
    assert.equal(value(families, 'callpower_legs_total', { status: 'completed' }), 3);
    assert.equal(value(families, 'callpower_http_requests_total', { method: 'POST', route: '/api/campaigns/:id/calls', status: '201' }), 1);
    assert.ok(value(families, 'callpower_http_requests_total', { method: 'GET', route: '/api/calls/:id', status: '200' }) >= 1);
    assert.equal(value(families, 'callpower_http_requests_total', { method: 'POST', route: '/twiml/calls/:id/answer', status: '200' }), 1);
    assert.equal(observations(text, 'callpower_http_request_duration_seconds', 'method="POST",route="/api/campaigns/:id/calls"'), 1);
    assert.equal(observations(text, 'callpower_twilio_rest_duration_seconds', 'operation="create"'), 1);
    assert.equal(value(families, 'callpower_dial_queue_depth'), 0);
    assert.equal(value(families, 'callpower_event_streams_open'), 0);
    assert.ok(value(families, 'process_cpu_seconds_total') > 0, 'the process metrics are there');

    const labels = families.flatMap((f) => f.metrics.flatMap((m) => Object.values(m.labels ?? {})));
    assert.ok(labels.length > 0);
    for (const label of labels) {
      assert.ok(!label.includes(id), `a call id in a label: ${label}`);
      assert.ok(!label.replace(/\D/g, '').includes(CALLER.slice(2)), `a phone number in a label: ${label}`);
    }
  });

  test('gauges the event streams open', async () => {
    server = await startTestServer(store, {}, { METRICS_TOKEN: TOKEN });
    const response = await fetch(`${server.url}/api/campaigns/demo/calls`, json({ phone: CALLER, zip: '05401' }));
    const { call } = (await response.json()) as { call: { id: string } };
    const watching = new AbortController();
    const stream = await fetch(`${server.url}/api/calls/${call.id}/events`, { signal: watching.signal });
    assert.equal(stream.status, 200);
    await stream.body!.getReader().read();
    assert.equal(value((await scrape(server)).families, 'callpower_event_streams_open'), 1);
    watching.abort();
    for (let i = 0; i < 100 && value((await scrape(server)).families, 'callpower_event_streams_open') !== 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(value((await scrape(server)).families, 'callpower_event_streams_open'), 0);
  });

  test('counts refusals by limit', async () => {
    const { app } = testDeps(store, { METRICS_TOKEN: TOKEN });
    await ensureDemoCampaign(store.db);
    const statuses = [];
    // The demo campaign takes 20 calls a day from one number.
    for (let i = 0; i < 21; i++) statuses.push((await app.request('/api/campaigns/demo/calls', json({ phone: CALLER, zip: '05401' }))).status);
    assert.deepEqual(statuses.slice(-2), [201, 429]);
    const text = await (await app.request('/metrics', { headers: { Authorization: `Bearer ${TOKEN}` } })).text();
    assert.equal(value(parsePrometheusTextFormat(text), 'callpower_rate_limit_refusals_total', { reason: 'phone' }), 1);
  });
});

describe('JSON logs', () => {
  test('one JSON object a line, a request id on each request, no phone number across a call', async () => {
    const out: string[] = [];
    server = await startTestServer(store, { log: jsonLogger({ write: (chunk: string) => void out.push(chunk) }) }, { LOG_FORMAT: 'json' });
    const echoed = await fetch(`${server.url}/health`, { headers: { 'X-Request-Id': 'from-the-balancer-1' } });
    assert.equal(echoed.headers.get('x-request-id'), 'from-the-balancer-1');
    const id = await demoCall(server);

    const lines = out.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    const requests = lines.filter((line) => line.method !== undefined);
    assert.ok(requests.length >= 5, JSON.stringify(lines.slice(0, 5)));
    for (const line of requests) {
      assert.equal(line.level, 'info');
      assert.equal(typeof line.time, 'number');
      assert.match(String(line.reqId), /^[\w=-]+$/);
      assert.equal(typeof line.status, 'number');
      assert.equal(typeof line.ms, 'number');
      assert.ok(!String(line.route).includes(id), 'the route pattern, not the path');
      assert.ok(!JSON.stringify(line).includes('?'), 'no query string');
    }
    assert.ok(requests.some((line) => line.reqId === 'from-the-balancer-1' && line.route === '/health'));
    assert.ok(requests.some((line) => line.route === '/twiml/calls/:id/legs/:n' && line.callId === id), 'twiml lines carry the call id');
    const digits = CALLER.slice(2);
    assert.ok(out.every((line) => !line.replace(/\D/g, '').includes(digits)), out.join(''));
  });
});
