import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import type { Hono } from 'hono';
import type { AppDeps } from '../../server/deps.ts';
import { storePerFile } from '../support/store.ts';
import { signedTwilioPost, socketAt, withDemoCall } from '../support/app.ts';

const store = storePerFile();
let app: Hono;
let deps: AppDeps;
let callId: string;

beforeEach(async () => {
  ({ app, deps, callId } = await withDemoCall(store));
});

const twilio = (path: string, params: Record<string, string> = {}) => app.request(signedTwilioPost(deps, path.replace(':id', callId), params));

/** Reads `event: call` messages from an SSE body until the server closes it. */
async function* sseCalls(body: ReadableStream<Uint8Array>) {
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = body.getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    buffer += decoder.decode(chunk.value, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const message = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = /^data: (.*)$/m.exec(message)?.[1];
      if (/^event: call$/m.test(message) && data) yield JSON.parse(data);
    }
  }
}

describe('GET /api/calls/:id', () => {
  test('shows status, legs and targets, never the caller’s number', async () => {
    const response = await app.request(`/api/calls/${callId}`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const text = await response.text();
    assert.ok(!text.includes('8025550142'));
    const view = JSON.parse(text);
    assert.equal(view.id, callId);
    assert.equal(view.status, 'queued');
    assert.deepEqual(view.legs, []);
    assert.equal(view.targets.length, 3);
  });

  test('an unknown id is a 404', async () => {
    const response = await app.request('/api/calls/not-a-call');
    assert.equal(response.status, 404);
    assert.equal((await response.json()).error.code, 'not_found');
    assert.equal((await app.request('/api/calls/not-a-call/events')).status, 404);
  });
});

describe('GET /api/calls/:id/events', () => {
  test('streams each change as it happens and closes once the call has settled', async () => {
    const response = await app.request(`/api/calls/${callId}/events`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type')!, /text\/event-stream/);
    const events = sseCalls(response.body!);
    const next = async () => (await events.next()).value;

    assert.equal((await next()).status, 'queued');
    await twilio('/twiml/calls/:id/status', { CallStatus: 'ringing' });
    assert.equal((await next()).status, 'ringing');
    await twilio('/twiml/calls/:id/status', { CallStatus: 'in-progress' });
    assert.equal((await next()).status, 'in-progress');
    await twilio('/twiml/calls/:id/gate', { Digits: '1' });
    assert.deepEqual((await next()).legs.map((leg: { status: string }) => leg.status), ['ringing']);
    await twilio('/twiml/calls/:id/legs/0/status', { CallStatus: 'in-progress' });
    assert.deepEqual((await next()).legs.map((leg: { status: string }) => leg.status), ['in-progress']);
    await twilio('/twiml/calls/:id/legs/0', { DialCallStatus: 'completed', DialCallDuration: '12' });
    const afterFirst = await next();
    assert.deepEqual(afterFirst.legs.map((leg: { status: string }) => leg.status).slice(0, 1), ['completed']);
    await twilio('/twiml/calls/:id/legs/1', { DialCallStatus: 'busy' });
    await twilio('/twiml/calls/:id/legs/1/1', { DialCallStatus: 'no-answer' });
    await twilio('/twiml/calls/:id/legs/2', { DialCallStatus: 'completed', DialCallDuration: '3' });
    await twilio('/twiml/calls/:id/status', { CallStatus: 'completed', CallDuration: '40' });
    let last = afterFirst;
    for await (const view of events) last = view;
    assert.equal(last.status, 'completed');
    assert.deepEqual(last.legs.map((leg: { status: string }) => leg.status), ['completed', 'no-answer', 'completed'], 'the second member’s last office tried');
  });

  test('at most 5 streams follow one call and 10 come from one address; a closed stream frees its place', async () => {
    const open = (path: string, ip: string) => app.request(path, {}, socketAt(ip));
    const streams = [];
    for (let i = 0; i < 5; i++) streams.push(await open(`/api/calls/${callId}/events`, `198.51.100.${i + 1}`));
    assert.deepEqual(streams.map((response) => response.status), [200, 200, 200, 200, 200]);
    const sixth = await open(`/api/calls/${callId}/events`, '198.51.100.9');
    assert.equal(sixth.status, 429);
    assert.equal((await sixth.json()).error.code, 'too_many_streams');
    await streams.pop()!.body!.cancel();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const again = await open(`/api/calls/${callId}/events`, '198.51.100.9');
    assert.equal(again.status, 200, 'a place was freed');
    streams.push(again);

    // Other calls, all from one address: ten streams, then 429.
    const others = [];
    for (let i = 0; i < 3; i++) {
      const placed = await app.request('/api/campaigns/demo/calls', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ phone: `+1802555070${i}`, zip: '05401' }) });
      others.push((await placed.json()).call.id as string);
    }
    const fromOne = [];
    for (let i = 0; i < 11; i++) fromOne.push(await open(`/api/calls/${others[i % 3]}/events`, '203.0.113.50'));
    assert.deepEqual(fromOne.map((response) => response.status), [...Array(10).fill(200), 429]);
    await Promise.all([...streams, ...fromOne].map((response) => response.body?.cancel()));
  });
});
