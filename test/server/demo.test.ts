import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { storePerFile } from '../support/store.ts';
import { json, startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer | undefined;
const store = storePerFile(async () => {
  await server?.close();
  server = undefined;
});

/** Reads `event: phone` entries from `/demo/phone?call=` until the phone hangs up. */
async function heard(running: TestServer, callId: string) {
  const response = await fetch(`${running.url}/demo/phone?call=${callId}`);
  assert.equal(response.status, 200);
  const entries: { kind: string; callSid: string }[] = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  while (!entries.some((entry) => entry.kind === 'hangup' || (entry.kind === 'call-status' && (entry as { status?: string }).status === 'completed'))) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    for (const data of buffer.match(/^data: .*$/gm) ?? []) entries.push(JSON.parse(data.slice(6)));
    buffer = buffer.slice(buffer.lastIndexOf('\n\n') + 2);
  }
  await reader.cancel();
  return entries;
}

describe('the demo page’s phone feed', () => {
  test('shows one visitor only their own call, from its start', async () => {
    server = await startTestServer(store);
    const place = async (phone: string) =>
      (await (await fetch(`${server!.url}/api/campaigns/demo/calls`, json({ phone, zip: '05401' }))).json()).call.id as string;
    const [mine, theirs] = [await place('+18025550181'), await place('+18025550182')];
    const entries = await heard(server, mine);
    assert.ok(entries.some((entry) => entry.kind === 'say'), 'the prompts the phone heard');
    assert.equal(new Set(entries.map((entry) => entry.callSid)).size, 1, 'all from one call');
    const other = await heard(server, theirs);
    assert.notEqual(other[0]!.callSid, entries[0]!.callSid);
    assert.equal((await fetch(`${server.url}/demo/phone`)).status, 422, 'the call is required');
  });
});
