import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import type { CallView } from '../../server/calls/calls.ts';
import type { CallerBehaviour } from '../../server/emulator/index.ts';
import { storePerFile } from '../support/store.ts';
import { json, startTestServer, type TestServer } from '../support/server.ts';

const SUPPORTER = '+18025550142';
let server: TestServer | undefined;
const store = storePerFile(async () => {
  await server?.close();
  server = undefined;
});

/**
 * A server whose call-again clock the test moves, and whose supporter presses the given keys (or
 * behaves as given), call after call. `campaign` adds to the campaign's settings.
 */
async function start(perCall: (string[] | CallerBehaviour)[], campaign: object = {}) {
  const clock = { now: new Date() };
  let calls = 0;
  const running = await startTestServer(store, {
    emulator: {
      caller: (): CallerBehaviour => {
        const next = perCall[calls++] ?? [];
        return Array.isArray(next) ? { digits: next } : next;
      },
    },
    scheduler: { now: () => clock.now, pollMs: 3_600_000 },
  });
  const admin = { Authorization: `Bearer ${running.config.adminToken}` };
  const created = await fetch(
    `${running.url}/api/admin/campaigns`,
    json({ id: 'again', name: 'Save the Parks', targets: { congress: 'both' }, callAgain: { timeZone: 'America/New_York' }, ...campaign }, admin),
  );
  assert.equal(created.status, 201, await created.clone().text());
  return { running, clock, admin };
}

async function place(running: TestServer, body: object = {}) {
  const response = await fetch(`${running.url}/api/campaigns/again/calls`, json({ phone: SUPPORTER, zip: '05401', ...body }));
  assert.equal(response.status, 201, await response.clone().text());
  return (await response.json()).call.id as string;
}

async function settled(running: TestServer, id: string): Promise<CallView> {
  for (let i = 0; i < 400; i++) {
    const view = (await (await fetch(`${running.url}/api/calls/${id}`)).json()) as CallView;
    if (['completed', 'busy', 'no-answer', 'failed', 'canceled'].includes(view.status) && view.legs.every((l) => !['ringing', 'in-progress'].includes(l.status))) return view;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`call ${id} did not settle`);
}

const rows = async <T>(query: ReturnType<typeof sql>) => ((await store.db.execute(query)) as unknown as { rows: T[] }).rows;
const said = (running: TestServer) => [...running.emulator!.calls.values()].flatMap((call) => call.transcript.flatMap((e) => (e.kind === 'say' ? [e.text] : [])));

describe('outcomes', () => {
  test('keys pressed after each office answered are stored, tallied, and shown in the call view and stats', async () => {
    const { running, admin } = await start([['1', '1', '2', '', '']]);
    server = running;
    const view = await settled(running, await place(running));
    assert.deepEqual(view.legs.map((leg) => leg.outcome), ['spoke', 'voicemail', null]);
    assert.ok(said(running).some((text) => /Press 1 if you spoke to someone/.test(text)));

    // The widget reports the third; a later report does not overwrite the first one.
    const report = (n: number, outcome: string) => fetch(`${running.url}/api/calls/${view.id}/legs/${n}/outcome`, json({ outcome }));
    const third = await report(2, 'unavailable');
    assert.equal(third.status, 200);
    assert.equal((await third.json()).leg.outcome, 'unavailable');
    assert.equal((await (await report(0, 'voicemail')).json()).leg.outcome, 'spoke', 'the first report wins');
    assert.equal((await report(7, 'spoke')).status, 404);
    assert.equal((await report(0, 'delighted')).status, 422);

    const stats = await (await fetch(`${running.url}/api/admin/campaigns/again/stats`, { headers: admin })).json();
    const byId = Object.fromEntries(stats.targets.map((t: { id: string; outcomes: object }) => [t.id, t.outcomes]));
    assert.deepEqual(
      view.targets.map((t) => byId[t.id]),
      [
        { spoke: 1, voicemail: 0, unavailable: 0 },
        { spoke: 0, voicemail: 1, unavailable: 0 },
        { spoke: 0, voicemail: 0, unavailable: 1 },
      ],
    );
  });

  test('an office that did not answer has no outcome to report', async () => {
    const { running } = await start([['1']]);
    server = running;
    running.emulator!.calls.clear();
    const id = await place(running);
    const view = await settled(running, id);
    assert.equal(view.legs[0]!.status, 'completed');
    await store.db.execute(sql`update legs set status = 'busy' where position = 1`);
    const response = await fetch(`${running.url}/api/calls/${id}/legs/1/outcome`, json({ outcome: 'spoke' }));
    assert.equal(response.status, 409);
    assert.equal((await response.json()).error.code, 'outcome_not_ready');
  });
});

describe('call again', () => {
  test('a supporter who ticks the box is rung again on schedule, through the same queue, and 9 stops it', async () => {
    const { running, clock } = await start([['1', '', '', ''], ['9']]);
    server = running;
    const campaign = await (await fetch(`${running.url}/api/campaigns/again`)).json();
    assert.match(campaign.callAgain.description, /^on weekdays between 10 am and 4 pm \(Eastern Time\)$/);

    const first = await place(running, { callAgain: true });
    await settled(running, first);
    const [supporter] = await rows<{ phone_sealed: string; next_call_at: Date; opted_out_at: Date | null }>(sql`select * from supporters`);
    assert.ok(supporter, 'the supporter is on the schedule');
    assert.ok(!supporter.phone_sealed.includes('8025550142'), 'their number is kept sealed');
    const next = new Date(supporter.next_call_at);
    assert.ok(next.getTime() > clock.now.getTime() + 12 * 3600_000, 'not before tomorrow');
    const local = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hourCycle: 'h23', hour: 'numeric', weekday: 'short' }).formatToParts(next);
    const hour = Number(local.find((p) => p.type === 'hour')!.value);
    assert.ok(hour >= 10 && hour < 16, `rings between 10 and 4 Eastern, not at ${hour}`);
    assert.ok(!['Sat', 'Sun'].includes(local.find((p) => p.type === 'weekday')!.value));

    assert.equal(await running.scheduler.tick(), 0, 'nothing is due yet');
    clock.now = new Date(next.getTime() + 60_000);
    assert.equal(await running.scheduler.tick(), 1);
    const [again] = await rows<{ id: string }>(sql`select id from calls where scheduled`);
    assert.ok(again);
    await settled(running, again.id);
    const heard = said(running);
    assert.ok(heard.some((text) => /calling again as you asked.*To stop these calls, press 9/.test(text)), heard.join('\n'));
    assert.ok(heard.some((text) => /You will not be called again/.test(text)));

    const [stopped] = await rows<{ phone_sealed: string | null; opted_out_at: Date | null }>(sql`select * from supporters`);
    assert.deepEqual([stopped!.phone_sealed, Boolean(stopped!.opted_out_at)], [null, true]);
    clock.now = new Date(next.getTime() + 30 * 86_400_000);
    assert.equal(await running.scheduler.tick(), 0, 'an opted-out supporter is never rung again');
  });

  test('the box is only a wish until the person who answers presses 1: nobody else can sign a number up', async () => {
    // Anyone can type anyone's number: a stranger who never answers, or answers and does not press 1, is not signed up.
    const { running } = await start([{ answer: 'no-answer' }, ['2'], ['1', '', '', '']], { webhook: { url: 'https://hooks.example.org/call-power' } });
    server = running;
    const types = async () => (await rows<{ type: string }>(sql`select type from webhook_events order by seq`)).map((row) => row.type);
    assert.equal((await settled(running, await place(running, { callAgain: true }))).status, 'no-answer');
    assert.equal((await settled(running, await place(running, { callAgain: true }))).status, 'completed');
    assert.deepEqual(await rows(sql`select * from supporters`), [], 'no opt-in stored');
    assert.ok(!(await types()).includes('supporter.opted_in'), 'no opt-in announced');
    assert.ok(!said(running).some((text) => /We will call you again/.test(text)));

    await settled(running, await place(running, { callAgain: true }));
    assert.equal((await rows(sql`select * from supporters`)).length, 1, 'pressing 1 confirms it');
    assert.equal((await types()).filter((type) => type === 'supporter.opted_in').length, 1);
    assert.ok(said(running).some((text) => /We will call you again on weekdays/.test(text)), 'and the phone says so');
  });

  test('the phone offers it after the last office, and 1 signs the supporter up', async () => {
    const { running } = await start([['1', '', '', '', '1']]);
    server = running;
    await settled(running, await place(running));
    assert.ok(said(running).some((text) => /Would you like us to call you again on weekdays/.test(text)));
    assert.ok(said(running).some((text) => /We will call you again/.test(text)));
    const [supporter] = await rows<{ phone_sealed: string | null }>(sql`select * from supporters`);
    assert.ok(supporter?.phone_sealed);
  });

  test('scheduled calls obey the blocklist: a blocked supporter is not rung, and waits for the next window', async () => {
    const { running, clock, admin } = await start([['1', '', '', '']]);
    server = running;
    await settled(running, await place(running, { callAgain: true }));
    const [{ next_call_at: due }] = (await rows<{ next_call_at: Date }>(sql`select next_call_at from supporters`)) as [{ next_call_at: Date }];
    assert.equal((await fetch(`${running.url}/api/admin/blocks`, json({ phone: SUPPORTER }, admin))).status, 201);
    clock.now = new Date(new Date(due).getTime() + 60_000);
    assert.equal(await running.scheduler.tick(), 0);
    assert.deepEqual(await rows(sql`select id from calls where scheduled`), []);
    const [{ next_call_at: later }] = (await rows<{ next_call_at: Date }>(sql`select next_call_at from supporters`)) as [{ next_call_at: Date }];
    assert.ok(new Date(later) > clock.now);
  });
});

describe('referral codes and page metadata', () => {
  test('are stored on the call and broken out in stats and the public counters', async () => {
    const { running, admin } = await start([]);
    server = running;
    await place(running, { ref: 'alice', meta: { source: 'newsletter', issue: 42 } });
    await fetch(`${running.url}/api/campaigns/again/calls`, json({ phone: '+18025550143', zip: '05401', ref: 'alice' }));
    await fetch(`${running.url}/api/campaigns/again/calls`, json({ phone: '+18025550144', zip: '05401', ref: 'bob' }));
    const [stored] = await rows<{ ref: string; meta: object }>(sql`select ref, meta from calls where meta is not null`);
    assert.deepEqual(stored, { ref: 'alice', meta: { source: 'newsletter', issue: 42 } });

    assert.deepEqual(await (await fetch(`${running.url}/api/campaigns/again/count?ref=alice`)).json(), { calls: 2, completed: 0 });
    assert.deepEqual(await (await fetch(`${running.url}/api/campaigns/again/count?ref=nobody`)).json(), { calls: 0, completed: 0 });
    const board = await (await fetch(`${running.url}/api/campaigns/again/count/refs`)).json();
    assert.deepEqual(board.refs.map((r: { ref: string; calls: number }) => [r.ref, r.calls]), [['alice', 2], ['bob', 1]]);
    const stats = await (await fetch(`${running.url}/api/admin/campaigns/again/stats`, { headers: admin })).json();
    assert.deepEqual(stats.refs.map((r: { ref: string }) => r.ref), ['alice', 'bob']);

    const bad = await fetch(`${running.url}/api/campaigns/again/calls`, json({ phone: '+18025550145', zip: '05401', ref: 'no spaces!' }));
    assert.equal(bad.status, 422);
    assert.equal((await bad.json()).error.field, 'ref');
    const tooMuch = await fetch(`${running.url}/api/campaigns/again/calls`, json({ phone: '+18025550145', zip: '05401', meta: { nested: { a: 1 } } }));
    assert.equal((await tooMuch.json()).error.field, 'meta.nested');
  });
});
