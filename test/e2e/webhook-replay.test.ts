import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import type { Hono } from 'hono';
import twilio from 'twilio';
import { ensureDemoCampaign } from '../../server/campaigns/demo.ts';
import { type CallView, findCall } from '../../server/calls/calls.ts';
import type { AppDeps } from '../../server/deps.ts';
import type { CallerBehaviour, WebhookRequest } from '../../server/emulator/index.ts';
import { signedTwilioPost, testDeps } from '../support/app.ts';
import { json, startTestServer, type TestServer } from '../support/server.ts';
import { openTestStore, type TestStore } from '../support/store.ts';

/**
 * "Replay every webhook of a call twice and out of order: counts exact" (issue 7). Twilio retries,
 * duplicates and reorders webhooks; the handlers must only ever move a call forward and count each
 * leg (and each outcome) once. Orders are shuffled with fixed seeds.
 */

const SEED = 7_2026;

let store: TestStore;
before(async () => {
  store = await openTestStore();
});
after(() => store.close());

/**
 * Every row of every table, as sorted JSON lines, without `omit`ted columns: by default `updated_at`
 * (a write that changes nothing may still touch it).
 */
async function tableRows({ normalize = (line: string) => line, omit = ['updated_at'] } = {}): Promise<Record<string, string[]>> {
  const { rows } = (await store.db.execute(sql`select tablename from pg_tables where schemaname = 'public' order by tablename`)) as unknown as { rows: { tablename: string }[] };
  const tables: Record<string, string[]> = {};
  for (const { tablename } of rows) {
    const result = (await store.db.execute(sql`select * from ${sql.identifier(tablename)}`)) as unknown as { rows: Record<string, unknown>[] };
    tables[tablename] = result.rows.map((row) => normalize(JSON.stringify(row, Object.keys(row).filter((key) => !omit.includes(key)).sort()))).sort();
  }
  return tables;
}

const CALL_RANK: Record<string, number> = { queued: 0, initiated: 0, ringing: 1, 'in-progress': 2 };
const callRank = (status: string) => CALL_RANK[status] ?? 3;
const legRank = (status: string) => (status === 'ringing' ? 0 : status === 'in-progress' ? 1 : 2);

/** `later` is `earlier` or a state after it: no status goes back, no leg disappears, nothing final changes. */
function assertForward(earlier: CallView, later: CallView, when: string) {
  const what = `${when}: ${JSON.stringify(earlier)} → ${JSON.stringify(later)}`;
  assert.ok(callRank(later.status) >= callRank(earlier.status), `call status went back; ${what}`);
  if (callRank(earlier.status) === 3) assert.equal(later.status, earlier.status, `a final status changed; ${what}`);
  for (const leg of earlier.legs) {
    const now = later.legs.find((each) => each.targetId === leg.targetId);
    assert.ok(now, `a leg disappeared; ${what}`);
    assert.ok(legRank(now.status) >= legRank(leg.status), `a leg went back; ${what}`);
    if (legRank(leg.status) === 2) assert.equal(JSON.stringify({ ...now, outcome: undefined }), JSON.stringify({ ...leg, outcome: undefined }), `a finished leg changed; ${what}`);
    const outcome = (leg as { outcome?: unknown }).outcome;
    if (outcome) assert.equal((now as { outcome?: unknown }).outcome, outcome, `an outcome changed; ${what}`);
  }
}

/** The same items in an order fixed by `seed`. */
const shuffled = <T>(items: readonly T[], seed: number): T[] =>
  fc.sample(fc.shuffledSubarray([...items], { minLength: items.length, maxLength: items.length }), { seed, numRuns: 1 })[0]!;

describe('replaying every webhook of finished calls through the emulator', () => {
  /** Who rings in, and how their phone behaves (the emulator looks callers up by the number it dials). */
  const CALLERS = {
    /**
     * Vermont: the first senator answers; the second rings out in Washington and the representative is
     * busy there, and both are reached at their district offices.
     */
    plain: { phone: '+18025550142', zip: '05401', behaviour: {} },
    /** The same offices; presses * to skip the first one. */
    skipper: { phone: '+18025550143', zip: '05401', behaviour: { starOnLegs: [0] } },
    /** Delaware: every office answers. */
    delaware: { phone: '+13025550144', zip: '19901', behaviour: {} },
    /** Never picks up. */
    away: { phone: '+18025550145', zip: '05401', behaviour: { answer: 'no-answer' as const } },
    /** Picks up and never presses 1. */
    silent: { phone: '+18025550146', zip: '05401', behaviour: { digits: ['', ''] } },
  };
  let server: TestServer;
  let ids: string[];
  const behaviours = new Map<string, CallerBehaviour>(Object.values(CALLERS).map(({ phone, behaviour }) => [phone, behaviour]));

  before(async () => {
    const offices = new Map<string, { status: 'busy' | 'no-answer' }>();
    server = await startTestServer(
      store,
      { emulator: { caller: (to) => behaviours.get(to) ?? {}, office: (number) => offices.get(number) ?? {} } },
      { TWILIO_CPS: '20' },
    );
    const { congress } = server.deps;
    const [, second] = congress.senators('VT');
    offices.set(second!.phone!, { status: 'no-answer' });
    offices.set((congress.representative('VT-AL') as { phone: string }).phone, { status: 'busy' });

    ids = [];
    for (const { phone, zip } of Object.values(CALLERS)) ids.push(await placeCall(phone, zip));
    for (const id of ids) await untilEnded(id);
  });
  after(() => server?.close());

  async function placeCall(phone: string, zip: string): Promise<string> {
    const response = await fetch(`${server.url}/api/campaigns/demo/calls`, json({ phone, zip }));
    assert.equal(response.status, 201, await response.clone().text());
    return ((await response.json()) as { call: { id: string } }).call.id;
  }

  /** Waits for the dial queue to place the call and the emulator to finish it (its last webhook answered). */
  async function untilEnded(id: string) {
    let sid: string | null | undefined;
    for (let i = 0; i < 400 && !sid; i++) {
      sid = (await findCall(store.db, id))?.twilioSid;
      if (!sid) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.ok(sid, `call ${id} was never placed`);
    await server.emulator!.waitForEnd(sid);
  }

  const admin = async (path: string) => {
    const response = await fetch(`${server.url}/api/admin/campaigns/demo/${path}`, { headers: { Authorization: `Bearer ${server.config.adminToken}` } });
    assert.equal(response.status, 200, path);
    return response.headers.get('content-type')?.includes('json') ? response.json() : response.text();
  };
  const view = async (id: string) => (await (await fetch(`${server.url}/api/calls/${id}`)).json()) as CallView;

  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  /** A range around today, fixed once: the ranged stats read the hourly rollups rather than the all-time ones. */
  const range = `from=${day(-1)}&to=${day(1)}&tz=America/New_York`;
  /** Everything the replay must leave as it was: stats (all-time and by date range), CSV, each call, every row. */
  async function observe() {
    return {
      stats: await admin('stats'),
      ranged: await admin(`stats?${range}`),
      targetsCsv: await admin('stats/targets.csv'),
      views: await Promise.all(ids.map(view)),
      // Pressing 1 again to be called again re-affirms consent (a fresh time, the number sealed anew); see the opt-out test.
      rows: await tableRows({ omit: ['updated_at', 'opted_in_at', 'phone_sealed'] }),
    };
  }

  /** Posts a recorded webhook again, signed afresh as Twilio signs it. */
  async function replay({ url, method, params }: Pick<WebhookRequest, 'url' | 'method' | 'params'>) {
    assert.equal(method, 'POST', url);
    const response = await fetch(url, {
      method,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': twilio.getExpectedTwilioSignature(server.config.twilio.authToken, url, params) },
      body: new URLSearchParams(params),
    });
    const body = await response.text();
    assert.ok(response.status >= 200 && response.status < 300, `${url} ${JSON.stringify(params)} → ${response.status} ${body}`);
  }

  test('the calls went as planned', async () => {
    const views = await Promise.all(ids.map(view));
    const legs = views.map((each) => each.legs.map((leg) => leg.status));
    assert.deepEqual(views.map((each) => each.status), ['completed', 'completed', 'completed', 'no-answer', 'completed']);
    assert.deepEqual(legs, [['completed', 'completed', 'completed'], ['completed', 'completed', 'completed'], ['completed', 'completed', 'completed'], [], []]);
    assert.deepEqual(
      views.map((each) => each.legs.map((leg) => (leg as { attempt?: number }).attempt ?? 0)),
      [[0, 1, 1], [0, 1, 1], [0, 0, 0], [], []],
      'the district offices answered for the offices that did not',
    );
    const skipped = [...server.emulator!.calls.values()].find((call) => call.to === CALLERS.skipper.phone)!;
    assert.ok(skipped.transcript.some((entry) => entry.kind === 'digits' && entry.digits === '*'), 'the skipper pressed *');
    const { totals } = (await admin('stats')) as { totals: Record<string, number> };
    assert.deepEqual([totals.calls, totals.legs, totals.completed, totals.busy, totals.noAnswer], [5, 13, 9, 2, 2]);
  });

  test('every webhook twice in a shuffled order, then all at once: each answered 2xx, nothing changes', async () => {
    const before = await observe();
    const emulated = [...server.emulator!.calls.values()];
    const recorded = emulated.flatMap((call) => call.requests);
    const kinds = new Set(recorded.map((request) => request.kind));
    for (const kind of ['answer', 'gather', 'dial-action', 'status', 'number-status']) assert.ok(kinds.has(kind as WebhookRequest['kind']), `recorded a ${kind} webhook`);
    const twice = shuffled([...recorded, ...recorded], SEED);

    for (const [i, request] of twice.entries()) {
      await replay(request);
      // The call the webhook is about looks exactly as it did: no status back, no count twice.
      const id = /\/twiml\/calls\/([^/]+)\//.exec(new URL(request.url).pathname)![1]!;
      assert.deepEqual(await view(id), before.views[ids.indexOf(id)], `after replay ${i + 1} of ${twice.length}: ${request.url}`);
    }
    assert.deepEqual(await observe(), before, 'after the shuffled replay');

    // Then concurrently, a dozen at a time, as Twilio's retries may race each other.
    const racing = shuffled(twice, SEED + 1);
    for (let at = 0; at < racing.length; at += 12) await Promise.all(racing.slice(at, at + 12).map(replay));
    assert.deepEqual(await observe(), before, 'after the concurrent replay');

    assert.equal(server.emulator!.calls.size, emulated.length, 'no call was placed again');
    assert.deepEqual(server.logs.filter((line) => /^(error|store unavailable)/.test(line)), []);
    console.log(`webhook replay: ${recorded.length} webhooks of ${ids.length} calls, replayed ${twice.length * 2} times`);
  });

  test('a late retry of "press 1 to be called again" does not undo a later "press 9 to stop"', async (t) => {
    const { phone, zip } = CALLERS.plain;
    const first = [...server.emulator!.calls.values()].find((call) => call.to === phone)!;
    const again = first.requests.find((request) => new URL(request.url).pathname.endsWith('/again'));
    if (!again) return t.skip('the demo campaign offers no call-again');
    assert.equal(again.params.Digits, '1');
    const optedOut = async () => {
      const { rows } = (await store.db.execute(
        sql`select opted_out_at from supporters where phone_hash = (select phone_hash from calls where id = ${ids[0]!})`,
      )) as unknown as { rows: { opted_out_at: unknown }[] };
      assert.equal(rows.length, 1);
      return rows[0]!.opted_out_at !== null;
    };
    assert.equal(await optedOut(), false, 'opted in at the end of the first call');

    // They call again and press 9 at the start: stop calling me.
    behaviours.set(phone, { digits: ['9'] });
    await untilEnded(await placeCall(phone, zip));
    assert.equal(await optedOut(), true, 'opted out by pressing 9');

    // Twilio's retry of the first call's answer arrives late.
    await replay(again);
    assert.equal(await optedOut(), true, 'a retried opt-in from an earlier call undid the opt-out');
  });
});

describe('a call whose webhooks arrive out of order from the start', () => {
  let app: Hono;
  let deps: AppDeps;
  before(() => {
    ({ app, deps } = testDeps(store));
  });

  interface Hook {
    path: string;
    params: Record<string, string>;
  }
  // Twilio names the account that placed the call; the server checks the signature with that account's token.
  const base = { CallSid: `CA${'1'.repeat(32)}`, ApiVersion: '2010-04-01', Direction: 'outbound-api', From: '+12025550100', To: '+18025550142' };
  const hook = (path: string, params: Record<string, string>): Hook => ({ path, params: { ...base, ...params } });

  /**
   * A whole Vermont call in the order Twilio sends it: the first senator answers (and the supporter
   * keys 1, "spoke"), the second is busy and their district office does not answer, the representative
   * answers (2, "voicemail").
   */
  const IN_ORDER = {
    initiated: hook('status', { CallStatus: 'initiated' }),
    ringing: hook('status', { CallStatus: 'ringing' }),
    inProgress: hook('status', { CallStatus: 'in-progress' }),
    answer: hook('answer', { CallStatus: 'in-progress' }),
    gate: hook('gate', { CallStatus: 'in-progress', Digits: '1' }),
    leg0Answered: hook('legs/0/status', { CallSid: `CA${'2'.repeat(32)}`, ParentCallSid: base.CallSid, CallStatus: 'in-progress' }),
    leg0: hook('legs/0', { CallStatus: 'in-progress', DialCallStatus: 'completed', DialCallDuration: '42', DialCallSid: `CA${'2'.repeat(32)}` }),
    leg0Outcome: hook('legs/0/outcome', { CallStatus: 'in-progress', Digits: '1' }),
    leg1: hook('legs/1', { CallStatus: 'in-progress', DialCallStatus: 'busy', DialCallSid: `CA${'3'.repeat(32)}` }),
    leg1District: hook('legs/1/1', { CallStatus: 'in-progress', DialCallStatus: 'no-answer', DialCallSid: `CA${'5'.repeat(32)}` }),
    leg2Answered: hook('legs/2/status', { CallSid: `CA${'4'.repeat(32)}`, ParentCallSid: base.CallSid, CallStatus: 'in-progress' }),
    leg2: hook('legs/2', { CallStatus: 'in-progress', DialCallStatus: 'completed', DialCallDuration: '7', DialCallSid: `CA${'4'.repeat(32)}` }),
    leg2Outcome: hook('legs/2/outcome', { CallStatus: 'in-progress', Digits: '2' }),
    completed: hook('status', { CallStatus: 'completed', CallDuration: '95' }),
  };
  type Name = keyof typeof IN_ORDER;
  const NAMES = Object.keys(IN_ORDER) as Name[];

  /** A fresh store with one call to the Vermont offices. */
  async function newCall(): Promise<string> {
    await store.reset();
    await ensureDemoCampaign(store.db);
    const response = await app.request('/api/campaigns/demo/calls', json({ phone: base.To, zip: '05401' }));
    assert.equal(response.status, 201, await response.clone().text());
    return ((await response.json()) as { call: { id: string } }).call.id;
  }

  const view = async (id: string) => (await (await app.request(`/api/calls/${id}`)).json()) as CallView;

  /** Delivers the webhooks in `order`, checking after each that the call only moved forward. */
  async function deliver(id: string, order: readonly Name[]) {
    let seen = await view(id);
    for (const [i, name] of order.entries()) {
      const { path, params } = IN_ORDER[name];
      const response = await app.request(signedTwilioPost(deps, `/twiml/calls/${id}/${path}`, { AccountSid: deps.config.twilio.accountSid, ...params }));
      assert.ok(response.status >= 200 && response.status < 300, `${name} → ${response.status} ${await response.text()}`);
      const now = await view(id);
      assertForward(seen, now, `webhook ${i + 1} (${name}) of ${order.join(', ')}`);
      seen = now;
    }
  }

  /** What must not depend on the order: the call, the stats and every row, with ids and times taken out. */
  async function result(id: string) {
    const { id: _id, ...call } = await view(id);
    const response = await app.request('/api/admin/campaigns/demo/stats', { headers: { Authorization: `Bearer ${deps.config.adminToken}` } });
    const normalize = (text: string) =>
      text
        .replaceAll(id, ':id')
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, ':uuid')
        .replace(/\d{4}-\d\d-\d\d([T ][\d:.]+(Z|[+-]\d\d(:?\d\d)?)?)?/g, ':time');
    return { call, stats: JSON.parse(normalize(await response.text())) as unknown, rows: await tableRows({ normalize }) };
  }

  let expected: Awaited<ReturnType<typeof result>>;
  before(async () => {
    const id = await newCall();
    await deliver(id, NAMES);
    expected = await result(id);
    const { call } = expected;
    assert.equal(call.status, 'completed');
    assert.deepEqual(
      call.legs.map((leg) => [leg.status, leg.duration, (leg as { outcome?: unknown }).outcome]),
      [['completed', 42, 'spoke'], ['no-answer', 0, null], ['completed', 7, 'voicemail']],
    );
  });

  test('the last status first, later legs before earlier ones, answered callbacks after their Dial action, each twice', async () => {
    const order: Name[] = ['completed', 'ringing', 'leg2', 'leg2Answered', 'leg2Outcome', 'leg1District', 'leg1', 'leg0', 'leg0Answered', 'leg0Outcome', 'gate', 'answer', 'inProgress', 'initiated'];
    const id = await newCall();
    await deliver(id, order.flatMap((name) => [name, name]));
    assert.deepEqual(await result(id), expected);
  });

  test('a racing order, followed over SSE: every event moves forward and the last is the final call', async () => {
    // The supporter hangs up during the last leg: its answered callback and Dial action race the call's end.
    const order: Name[] = ['initiated', 'ringing', 'answer', 'gate', 'inProgress', 'leg0Answered', 'leg0', 'leg0Outcome', 'leg0', 'leg1', 'leg1District', 'leg1', 'leg2', 'leg2Outcome', 'leg2Answered', 'completed', 'ringing', 'leg2'];
    const id = await newCall();
    const stream = await app.request(`/api/calls/${id}/events`);
    assert.equal(stream.status, 200);
    const events = readEvents(stream);
    await deliver(id, order);
    const views = await events.until(10_000);
    assert.ok(views.length >= 2, `saw ${views.length} events`);
    for (let i = 1; i < views.length; i++) assertForward(views[i - 1]!, views[i]!, `SSE event ${i + 1}`);
    assert.deepEqual(views.at(-1), await view(id));
    assert.deepEqual(await result(id), expected);
  });

  test('any order of every webhook twice (an outcome only after its Dial action): the in-order result', async () => {
    const twice = [...NAMES, ...NAMES];
    // Twilio asks for a leg's outcome only in the TwiML answering that leg's Dial action.
    const causal = (order: Name[]) => (['0', '2'] as const).every((n) => order.indexOf(`leg${n}`) < order.indexOf(`leg${n}Outcome`));
    const orders = fc.shuffledSubarray(twice, { minLength: twice.length, maxLength: twice.length }).filter(causal);
    await fc.assert(
      fc.asyncProperty(orders, async (order) => {
        const id = await newCall();
        await deliver(id, order);
        assert.deepEqual(await result(id), expected);
      }),
      { seed: SEED, numRuns: 20, includeErrorInReport: true },
    );
  });
});

/** Collects the `event: call` views of an SSE response until the server ends the stream (or `until`'s deadline). */
function readEvents(response: Response) {
  const views: CallView[] = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const done = (async () => {
    let buffer = '';
    for (;;) {
      const { value, done: ended } = await reader.read();
      if (ended) return;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const data = buffer
          .slice(0, end)
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trim())
          .join('\n');
        buffer = buffer.slice(end + 2);
        if (data) views.push(JSON.parse(data) as CallView);
      }
    }
  })();
  return {
    async until(ms: number) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([done, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
      clearTimeout(timer);
      await reader.cancel().catch(() => {});
      return views;
    },
  };
}
