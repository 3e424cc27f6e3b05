import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { describe, it } from 'node:test';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import twilio from 'twilio';
import { createEmulator, type EmulatorOptions, type TranscriptEntry } from '../../server/emulator/index.ts';
import { createTwilioClient } from '../../server/telephony/twilio-client.ts';

const ACCOUNT_SID = `AC${'a1'.repeat(16)}`;
const AUTH_TOKEN = 'emulator-test-token';
const SUPPORTER = '+12025554567';
const CALLER_ID = '+12025550000';
const OFFICE = { senate: '+12025550100', house: '+12025550101', other: '+12025550102' };

interface Received {
  path: string;
  method: string;
  params: Record<string, string>;
  query: Record<string, string>;
  signed: boolean;
  idempotencyToken: string | undefined;
}

type Reply = string | { status: number; body: string; type?: string };
type Route = (request: Received, count: number) => Reply;

/** A TwiML app like ours: checks every request's signature with the SDK and answers from `routes`. */
async function twimlApp(routes: Record<string, Route>) {
  const received: Received[] = [];
  const app = new Hono();
  app.all('*', async (c) => {
    const params = c.req.method === 'POST' ? ((await c.req.parseBody()) as Record<string, string>) : {};
    const signature = c.req.header('X-Twilio-Signature') ?? '';
    const request: Received = {
      path: c.req.path,
      method: c.req.method,
      params,
      query: c.req.query(),
      signed: twilio.validateRequest(AUTH_TOKEN, signature, c.req.url, params),
      idempotencyToken: c.req.header('I-Twilio-Idempotency-Token'),
    };
    received.push(request);
    const route = routes[c.req.path];
    if (!route) return c.text('', 200);
    const reply = route(request, received.filter((r) => r.path === c.req.path).length);
    if (typeof reply === 'string') return c.body(reply, 200, { 'Content-Type': 'text/xml' });
    return c.body(reply.body, reply.status as 200, { 'Content-Type': reply.type ?? 'text/xml' });
  });
  const server = await listen(app);
  return { ...server, received, at: (path: string) => received.filter((r) => r.path === path) };
}

async function listen(app: Hono) {
  return new Promise<{ url: string; close(): Promise<void> }>((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            (server as Server).closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** An emulator served on its own port, a TwiML app, and the real SDK pointed at the emulator. */
async function harness(routes: Record<string, Route>, options: Partial<EmulatorOptions> = {}) {
  const logs: string[] = [];
  const emulator = createEmulator({
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    timeScale: 0,
    log: (line) => logs.push(line),
    ...options,
  });
  const root = new Hono();
  root.route('/', emulator.app);
  const api = await listen(root);
  const app = await twimlApp(routes);
  const client = createTwilioClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiUrl: api.url });
  const call = (extra: Record<string, unknown> = {}) =>
    client.calls.create({ to: SUPPORTER, from: CALLER_ID, url: `${app.url}/answer`, ...extra });
  const close = async () => {
    await emulator.close();
    await Promise.all([api.close(), app.close()]);
  };
  return { emulator, client, app, api, call, logs, close };
}

async function withHarness(
  routes: Record<string, Route>,
  options: Partial<EmulatorOptions>,
  body: (h: Awaited<ReturnType<typeof harness>>) => Promise<void>,
) {
  const h = await harness(routes, options);
  try {
    await body(h);
  } finally {
    await h.close();
  }
}

const twiml = (inner: string) => `<?xml version="1.0" encoding="UTF-8"?><Response>${inner}</Response>`;
const kinds = (transcript: TranscriptEntry[]) => transcript.map((e) => e.kind);
const ofKind = <K extends TranscriptEntry['kind']>(transcript: TranscriptEntry[], kind: K) =>
  transcript.filter((e): e is Extract<TranscriptEntry, { kind: K }> => e.kind === kind);
const ALL_EVENTS = ['initiated', 'ringing', 'answered', 'completed'];

describe('emulator REST API (through the twilio SDK)', () => {
  it('creates a call resource the SDK understands, and fetches it', () =>
    withHarness({ '/answer': () => twiml('<Say>Hello</Say>') }, {}, async ({ call, client, emulator }) => {
      const created = await call();
      assert.match(created.sid, /^CA[0-9a-f]{32}$/);
      assert.equal(created.accountSid, ACCOUNT_SID);
      assert.equal(created.status, 'queued');
      assert.equal(created.direction, 'outbound-api');
      assert.equal(created.apiVersion, '2010-04-01');
      assert.equal(created.toFormatted, '(202) 555-4567');
      assert.ok(created.dateCreated instanceof Date && !Number.isNaN(created.dateCreated.getTime()), 'date_created parses as RFC 2822');
      assert.equal(created.uri, `/2010-04-01/Accounts/${ACCOUNT_SID}/Calls/${created.sid}.json`);

      await emulator.waitForEnd(created.sid);
      const fetched = await client.calls(created.sid).fetch();
      assert.equal(fetched.status, 'completed');
      assert.equal(fetched.duration, '1');
      assert.ok(fetched.endTime instanceof Date, 'end_time is set');
    }));

  it('answers queued failNextCreate errors once each, as RestExceptions', () =>
    withHarness({}, {}, async ({ call, emulator }) => {
      emulator.failNextCreate({ status: 429, code: 20429, message: 'Too Many Requests' });
      emulator.failNextCreate({ status: 503, code: 20503, message: 'Service Unavailable' });
      await assert.rejects(call(), (error: unknown) => {
        assert.ok(error instanceof twilio.RestException, 'a RestException');
        assert.equal(error.code, 20429);
        assert.equal(error.status, 429);
        assert.equal(error.moreInfo, 'https://www.twilio.com/docs/errors/20429');
        return true;
      });
      await assert.rejects(call(), { status: 503, code: 20503 });
      assert.match((await call()).sid, /^CA/);
      assert.equal(emulator.calls.size, 1);
    }));

  it('rejects an invalid To (21211) and a missing Url (21205) with 400', () =>
    withHarness({}, {}, async ({ client, emulator }) => {
      await assert.rejects(client.calls.create({ to: '555-1234', from: CALLER_ID, url: 'http://x.test/' }), {
        status: 400,
        code: 21211,
        message: "Invalid 'To' Phone Number: 555-XXXX",
      });
      await assert.rejects(client.calls.create({ to: SUPPORTER, from: CALLER_ID }), { status: 400, code: 21205 });
      assert.equal(emulator.calls.size, 0);
    }));

  it('answers 401 (20003) to a wrong auth token and 404 (20404) to another account', () =>
    withHarness({}, {}, async ({ api }) => {
      const wrong = createTwilioClient({ accountSid: ACCOUNT_SID, authToken: 'not-the-token', apiUrl: api.url });
      await assert.rejects(wrong.calls.create({ to: SUPPORTER, from: CALLER_ID, url: 'http://x.test/' }), {
        status: 401,
        code: 20003,
      });
      const other = `AC${'b2'.repeat(16)}`;
      const response = await fetch(`${api.url}/2010-04-01/Accounts/${other}/Calls.json`, {
        method: 'POST',
        headers: { Authorization: `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}` },
      });
      assert.equal(response.status, 404);
      assert.equal(((await response.json()) as { code: number }).code, 20404);
    }));

  it('hangs up a call in progress when updated to completed', () =>
    withHarness(
      {
        '/answer': () => twiml(`<Dial action="/after"><Number>${OFFICE.senate}</Number></Dial>`),
        '/after': () => twiml('<Say>never heard</Say>'),
      },
      { timeScale: 0.001, legSeconds: 600_000 },
      async ({ call, client, emulator, app }) => {
        const bridged = new Promise<void>((resolve) => {
          const stop = emulator.subscribe((e) => e.kind === 'bridged' && (stop(), resolve()));
        });
        const created = await call();
        await bridged;
        const updated = await client.calls(created.sid).update({ status: 'completed' });
        assert.equal(updated.status, 'completed');
        const ended = await emulator.waitForEnd(created.sid);
        assert.equal(ended.status, 'completed');
        const [action] = app.at('/after');
        assert.equal(action?.params.CallStatus, 'completed');
        assert.equal(action?.params.DialCallStatus, 'completed');
        assert.ok(!ofKind(ended.transcript, 'say').some((e) => e.text === 'never heard'), 'the action response is ignored after a hang-up');
      },
    ));
});

describe('emulator REST API: listing calls and slow creates', () => {
  const OTHER = '+12025554568';
  const hangUp = { '/answer': () => twiml('<Hangup/>') };
  const basic = `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`;
  /** Places calls one after the other (so their order is known) and waits for each to end. */
  async function placeInOrder(h: Awaited<ReturnType<typeof harness>>, numbers: string[]) {
    const sids: string[] = [];
    for (const to of numbers) {
      const created = await h.call({ to });
      await h.emulator.waitForEnd(created.sid);
      sids.push(created.sid);
    }
    return sids;
  }

  it('lists calls newest first, filtered by To, From and Status, through the SDK’s paging', () =>
    withHarness(hangUp, {}, async (h) => {
      const sids = await placeInOrder(h, [SUPPORTER, OTHER, SUPPORTER, SUPPORTER, OTHER, SUPPORTER]);
      const toSupporter = sids.filter((_, i) => [0, 2, 3, 5].includes(i)).reverse();

      const all = await h.client.calls.list();
      assert.deepEqual(all.map((call) => call.sid), [...sids].reverse());
      const paged = await h.client.calls.list({ to: SUPPORTER, pageSize: 3 });
      assert.deepEqual(paged.map((call) => call.sid), toSupporter, 'the second page follows next_page_uri');
      assert.deepEqual((await h.client.calls.list({ to: SUPPORTER, limit: 2 })).map((call) => call.sid), toSupporter.slice(0, 2));
      assert.equal((await h.client.calls.list({ from: CALLER_ID })).length, 6);
      assert.equal((await h.client.calls.list({ from: OFFICE.other })).length, 0);
      assert.equal((await h.client.calls.list({ status: 'completed', to: OTHER })).length, 2);
      assert.equal((await h.client.calls.list({ status: 'busy' })).length, 0);
      assert.ok(all.every((call) => call.startTime instanceof Date && call.direction === 'outbound-api'));
    }));

  it('filters on the start time the way the SDK sends it (StartTime>=…T…Z), a day, and an end time', () =>
    withHarness(hangUp, {}, async (h) => {
      const [sid] = await placeInOrder(h, [SUPPORTER]);
      const now = Date.now();
      const minutes = (n: number) => new Date(now + n * 60_000);
      assert.deepEqual((await h.client.calls.list({ to: SUPPORTER, startTimeAfter: minutes(-1) })).map((call) => call.sid), [sid]);
      assert.equal((await h.client.calls.list({ startTimeAfter: minutes(1) })).length, 0);
      assert.equal((await h.client.calls.list({ startTimeBefore: minutes(1) })).length, 1);
      assert.equal((await h.client.calls.list({ startTimeBefore: minutes(-1) })).length, 0);
      assert.equal((await h.client.calls.list({ startTime: new Date(now) })).length, 1, 'StartTime alone is that UTC day');
      assert.equal((await h.client.calls.list({ startTime: new Date(now - 86_400_000) })).length, 0);
      assert.equal((await h.client.calls.list({ endTimeAfter: minutes(-1), endTimeBefore: minutes(1) })).length, 1);

      const raw = async (query: string) => {
        const response = await fetch(`${h.api.url}/2010-04-01/Accounts/${ACCOUNT_SID}/Calls.json?${query}`, { headers: { Authorization: basic } });
        return { status: response.status, body: (await response.json()) as { calls?: unknown[]; code?: number } };
      };
      const today = new Date(now).toISOString().slice(0, 10);
      assert.equal((await raw(`StartTime%3E=${today}`)).body.calls?.length, 1, 'a bare date is midnight UTC');
      assert.equal((await raw(`StartTime=${today}`)).body.calls?.length, 1);
      const bad = await raw('StartTime%3E=yesterday');
      assert.deepEqual([bad.status, bad.body.code], [400, 20001]);
      assert.equal((await raw('PageSize=0')).status, 400);
      assert.equal((await raw('PageSize=1001')).status, 400);
    }));

  it('pages with a token, so calls created while paging neither repeat nor shift a page', () =>
    withHarness(hangUp, {}, async (h) => {
      const sids = await placeInOrder(h, [SUPPORTER, SUPPORTER, SUPPORTER]);
      const first = await h.client.calls.page({ pageSize: 2 });
      assert.deepEqual(first.instances.map((call) => call.sid), [sids[2], sids[1]]);
      assert.match(first.nextPageUrl ?? '', /PageSize=2&Page=1&PageToken=PA\d+/);
      const [newest] = await placeInOrder(h, [SUPPORTER]);
      const second = await first.nextPage();
      assert.deepEqual(second?.instances.map((call) => call.sid), [sids[0]]);
      assert.equal(second?.nextPageUrl, undefined);
      const back = await second?.previousPage();
      assert.deepEqual(back?.instances.map((call) => call.sid), [sids[2], sids[1]]);
      assert.equal((await h.client.calls.list()).at(0)?.sid, newest);
    }));

  it('holds a create: the call is listed as queued, not yet dialed, and neither answered nor started until released', () =>
    withHarness(hangUp, {}, async (h) => {
      const held = h.emulator.holdNextCreate();
      let answered = false;
      const creating = h.call().then((created) => ((answered = true), created));
      const call = await held.call;
      assert.equal(call.status, 'queued');
      assert.equal(call.url, `${h.app.url}/answer`);
      const listed = await h.client.calls.list({ to: SUPPORTER });
      assert.deepEqual(listed.map((c) => [c.sid, c.status, c.startTime]), [[call.sid, 'queued', null]]);
      assert.equal((await h.client.calls.list({ to: SUPPORTER, startTimeAfter: new Date(Date.now() - 60_000) })).length, 0, 'no start time before dialing');
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(answered, false, 'the POST is still waiting');
      assert.equal(h.app.received.length, 0, 'the call has not started');

      held.release();
      const created = await creating;
      assert.equal(created.sid, call.sid);
      assert.equal((await h.emulator.waitForEnd(call.sid)).status, 'completed');
      assert.equal((await h.client.calls.list({ to: SUPPORTER, startTimeAfter: new Date(Date.now() - 60_000) })).length, 1);
      assert.equal((await h.call()).status, 'queued', 'only the next create was held');
    }));

  it('holds the create after the next `after`, and lets the others through', () =>
    withHarness(hangUp, {}, async (h) => {
      const held = h.emulator.holdNextCreate(2);
      const first = await h.call();
      const second = await h.call();
      const third = h.call();
      const call = await held.call;
      assert.deepEqual([...h.emulator.calls.keys()], [first.sid, second.sid, call.sid]);
      assert.equal((await h.call()).status, 'queued', 'the fourth goes through while the third waits');
      held.release();
      assert.equal((await third).sid, call.sid);
    }));

  it('a held call canceled through the API never rings, and its POST still answers', () =>
    withHarness(hangUp, {}, async (h) => {
      const held = h.emulator.holdNextCreate();
      const creating = h.call();
      const call = await held.call;
      assert.equal((await h.client.calls(call.sid).update({ status: 'canceled' })).status, 'canceled');
      assert.equal((await creating).sid, call.sid);
      assert.equal((await h.emulator.waitForEnd(call.sid)).status, 'canceled');
      assert.equal(h.app.received.length, 0);
    }));
});

describe('emulator call flow', () => {
  it('signs every webhook and posts the status callbacks Twilio sends, in order', () =>
    withHarness({ '/answer': () => twiml('<Say>Thanks for calling</Say><Hangup/>') }, {}, async (h) => {
      const created = await h.call({ statusCallback: `${h.app.url}/status`, statusCallbackEvent: ALL_EVENTS });
      const ended = await h.emulator.waitForEnd(created.sid);
      assert.equal(ended.status, 'completed');
      assert.ok(h.app.received.length > 0 && h.app.received.every((r) => r.signed), 'every request is signed');

      const [answer] = h.app.at('/answer');
      assert.equal(answer?.method, 'POST');
      assert.deepEqual(
        { ...answer?.params },
        {
          AccountSid: ACCOUNT_SID, ApiVersion: '2010-04-01', CallSid: created.sid, CallStatus: 'in-progress',
          Called: SUPPORTER, Caller: CALLER_ID, Direction: 'outbound-api', From: CALLER_ID, To: SUPPORTER,
        },
      );
      const status = h.app.at('/status').map((r) => r.params);
      assert.deepEqual(status.map((p) => p.CallStatus), ['initiated', 'ringing', 'in-progress', 'completed']);
      assert.deepEqual(status.map((p) => p.SequenceNumber), ['0', '1', '2', '3']);
      assert.ok(status.every((p) => p.CallbackSource === 'call-progress-events' && /\+0000$/.test(p.Timestamp ?? '')), 'CallbackSource and RFC 2822 Timestamp');
      assert.equal(status[3]?.CallDuration, '2');
      assert.equal(status[3]?.Duration, '1');
      assert.equal(status[0]?.CallDuration, undefined);
      assert.deepEqual(kinds(ended.transcript), ['call-status', 'call-status', 'call-status', 'say', 'hangup', 'call-status']);

      const everything = JSON.stringify(ended.transcript) + h.logs.join('\n');
      assert.ok(!everything.includes(SUPPORTER), 'the supporter number never appears in full');
      assert.ok(h.logs.some((line) => line.includes('+1••••••4567')), 'the log names the masked number');
    }));

  it('sends GET webhooks with the parameters in the query string, and resolves relative Redirects', () =>
    withHarness(
      {
        '/flow/answer': () => twiml('<Redirect method="GET">../next?step=2</Redirect>'),
        '/next': () => twiml('<Pause length="2"/><Redirect>/done</Redirect>'),
        '/done': () => twiml('<Say>Done</Say>'),
      },
      {},
      async (h) => {
        const created = await h.call({ url: `${h.app.url}/flow/answer`, method: 'GET' });
        const ended = await h.emulator.waitForEnd(created.sid);
        assert.deepEqual(h.app.received.map((r) => `${r.method} ${r.path}`), ['GET /flow/answer', 'GET /next', 'POST /done']);
        assert.ok(h.app.received.every((r) => r.signed), 'every request is signed');
        const [next] = h.app.at('/next');
        assert.equal(next?.query.step, '2');
        assert.equal(next?.query.CallSid, created.sid);
        assert.deepEqual(ended.requests.map((r) => r.kind), ['answer', 'redirect', 'redirect']);
        assert.deepEqual(ofKind(ended.transcript, 'redirect').map((e) => e.url), [`${h.app.url}/next?step=2`, `${h.app.url}/done`]);
      },
    ));

  it('plays Gather prompts, falls through on no input, and posts Digits to the action', () =>
    withHarness(
      {
        '/answer': () =>
          twiml('<Gather numDigits="1" action="pressed"><Say>Press 1 to be connected</Say></Gather><Redirect>again</Redirect>'),
        '/again': (r) => (r.params.Digits ? twiml('<Say>Connecting</Say>') : twiml('<Gather numDigits="1"><Say>Press 1</Say></Gather>')),
      },
      { caller: () => ({ digits: ['', '2#'] }) },
      async (h) => {
        const ended = await h.emulator.waitForEnd((await h.call()).sid);
        assert.deepEqual(h.app.received.map((r) => r.path), ['/answer', '/again', '/again']);
        const gathered = h.app.at('/again')[1]?.params;
        assert.equal(gathered?.Digits, '2');
        assert.equal(gathered?.CallStatus, 'in-progress');
        assert.equal(h.app.at('/pressed').length, 0);
        assert.deepEqual(ofKind(ended.transcript, 'digits').map((e) => e.digits), ['', '2']);
        assert.deepEqual(ofKind(ended.transcript, 'say').map((e) => e.text), ['Press 1 to be connected', 'Press 1', 'Connecting']);
        assert.deepEqual(ended.requests.map((r) => r.kind), ['answer', 'redirect', 'gather']);
      },
    ));

  it('dials offices, posts Number status callbacks and Dial actions for completed, busy and no-answer legs', () => {
    const number = (n: string) =>
      `<Number statusCallback="/legs/status" statusCallbackEvent="initiated ringing answered completed">${n}</Number>`;
    return withHarness(
      {
        '/answer': () => twiml(`<Dial action="/legs/0" hangupOnStar="true">${number(OFFICE.senate)}</Dial>`),
        '/legs/0': () => twiml(`<Dial action="1">${number(OFFICE.house)}</Dial>`),
        '/legs/1': () => twiml(`<Dial action="2" timeout="20">${number(OFFICE.other)}</Dial>`),
        '/legs/2': () => twiml('<Say>Thank you</Say>'),
      },
      {
        office: (n) =>
          n === OFFICE.senate ? { seconds: 7 } : n === OFFICE.house ? { status: 'busy' } : { status: 'no-answer' },
      },
      async (h) => {
        const created = await h.call();
        const ended = await h.emulator.waitForEnd(created.sid);
        assert.ok(h.app.received.every((r) => r.signed), 'every request is signed');
        const actions = ['/legs/0', '/legs/1', '/legs/2'].map((p) => h.app.at(p)[0]?.params ?? {});
        assert.deepEqual(
          actions.map((p) => [p.DialCallStatus, p.DialCallDuration, p.DialBridged]),
          [['completed', '7', 'true'], ['busy', undefined, 'false'], ['no-answer', undefined, 'false']],
        );
        assert.ok(actions.every((p) => /^CA[0-9a-f]{32}$/.test(p.DialCallSid ?? '') && p.CallSid === created.sid), 'DialCallSid and the parent CallSid');

        const legs = h.app.at('/legs/status').map((r) => r.params);
        const bySid = (sid: string | undefined) => legs.filter((p) => p.CallSid === sid).map((p) => p.CallStatus);
        assert.deepEqual(bySid(actions[0]?.DialCallSid), ['initiated', 'ringing', 'in-progress', 'completed']);
        assert.deepEqual(bySid(actions[1]?.DialCallSid), ['initiated', 'ringing', 'busy']);
        assert.deepEqual(bySid(actions[2]?.DialCallSid), ['initiated', 'ringing', 'no-answer']);
        const senateDone = legs.find((p) => p.CallSid === actions[0]?.DialCallSid && p.CallStatus === 'completed');
        assert.equal(senateDone?.CallDuration, '7');
        assert.ok(legs.every((p) => p.ParentCallSid === created.sid && p.Direction === 'outbound-dial' && p.From === CALLER_ID), 'child legs name their parent');

        assert.deepEqual(ofKind(ended.transcript, 'dial').map((e) => [e.number, e.leg]), [
          [OFFICE.senate, 0], [OFFICE.house, 1], [OFFICE.other, 2],
        ]);
        assert.deepEqual(ofKind(ended.transcript, 'leg-status').map((e) => [e.status, e.duration]), [
          ['completed', 7], ['busy', 0], ['no-answer', 0],
        ]);
        assert.ok(ended.duration > 7 + 20, 'the call lasts through all legs');
      },
    );
  });

  it('ends a leg when the caller presses * under hangupOnStar, and only then', () =>
    withHarness(
      {
        '/answer': () => twiml(`<Dial action="/skip" hangupOnStar="true">${OFFICE.senate}</Dial>`),
        '/skip': () => twiml(`<Dial action="/kept">${OFFICE.house}</Dial>`),
        '/kept': () => twiml(''),
      },
      { legSeconds: 30, caller: () => ({ starOnLegs: [0, 1] }) },
      async (h) => {
        const ended = await h.emulator.waitForEnd((await h.call()).sid);
        assert.equal(h.app.at('/skip')[0]?.params.DialCallDuration, '2');
        assert.equal(h.app.at('/kept')[0]?.params.DialCallDuration, '30');
        assert.deepEqual(ofKind(ended.transcript, 'digits').map((e) => e.digits), ['*', '*']);
      },
    ));

  it('posts each Dial action twice with duplicateDialActions and follows the first answer', () =>
    withHarness(
      {
        '/answer': () => twiml(`<Dial action="/leg">${OFFICE.senate}</Dial>`),
        '/leg': (_r, count) => twiml(`<Say>${count === 1 ? 'first answer' : 'second answer'}</Say>`),
      },
      { duplicateDialActions: true },
      async (h) => {
        const ended = await h.emulator.waitForEnd((await h.call()).sid);
        const [first, second] = h.app.at('/leg');
        assert.equal(h.app.at('/leg').length, 2);
        assert.deepEqual(first?.params, second?.params);
        assert.ok(first?.idempotencyToken && first.idempotencyToken === second?.idempotencyToken, 'a retry repeats the idempotency token');
        const said = ofKind(ended.transcript, 'say').map((e) => e.text);
        assert.deepEqual(said, ['first answer']);
      },
    ));

  for (const answer of ['busy', 'no-answer', 'failed'] as const) {
    it(`never fetches TwiML for a caller who is ${answer}`, () =>
      withHarness({ '/answer': () => twiml('<Say>Hi</Say>') }, { caller: () => ({ answer }) }, async (h) => {
        const created = await h.call({ statusCallback: `${h.app.url}/status`, statusCallbackEvent: ALL_EVENTS });
        const ended = await h.emulator.waitForEnd(created.sid);
        assert.equal(ended.status, answer);
        assert.equal(h.app.at('/answer').length, 0);
        const statuses = h.app.at('/status').map((r) => r.params.CallStatus);
        assert.deepEqual(statuses, answer === 'failed' ? ['initiated', 'failed'] : ['initiated', 'ringing', answer]);
        assert.equal(h.app.at('/status').at(-1)?.params.CallDuration, '0');
      }));
  }

  for (const [name, reply, code] of [
    ['answers 500', { status: 500, body: 'boom', type: 'text/plain' }, 11200],
    ['answers HTML', { status: 200, body: '<html><body>oops</body></html>', type: 'text/html' }, 12100],
  ] as const) {
    it(`records an application error and hangs up when a webhook ${name}`, () =>
      withHarness({ '/answer': () => reply }, {}, async (h) => {
        const created = await h.call({ statusCallback: `${h.app.url}/status` });
        const ended = await h.emulator.waitForEnd(created.sid);
        assert.equal(ended.status, 'completed');
        assert.deepEqual(ofKind(ended.transcript, 'error').map((e) => e.code), [code]);
        assert.deepEqual(h.app.at('/status').map((r) => r.params.CallStatus), ['completed']);
      }));
  }

  it('places an inbound call that rings, gathers, and reports completion', () =>
    withHarness(
      {
        '/voice': () => twiml('<Gather numDigits="1" action="/voice/menu"><Say>Press 1</Say></Gather>'),
        '/voice/menu': () => twiml('<Say>Goodbye</Say>'),
      },
      {},
      async (h) => {
        const started = await h.emulator.placeInboundCall({
          from: SUPPORTER,
          to: CALLER_ID,
          url: `${h.app.url}/voice`,
          statusCallback: `${h.app.url}/status`,
        });
        assert.equal(started.direction, 'inbound');
        const ended = await h.emulator.waitForEnd(started.sid);
        const [voice] = h.app.at('/voice');
        assert.equal(voice?.params.Direction, 'inbound');
        assert.equal(voice?.params.CallStatus, 'ringing');
        assert.equal(voice?.params.From, SUPPORTER);
        assert.equal(h.app.at('/voice/menu')[0]?.params.CallStatus, 'in-progress');
        assert.equal(h.app.at('/voice/menu')[0]?.params.Digits, '1');
        assert.deepEqual(h.app.at('/status').map((r) => r.params.CallStatus), ['completed']);
        assert.equal(ended.status, 'completed');
        assert.ok(h.logs.every((line) => !line.includes(SUPPORTER)), 'the supporter number never appears in full');
      },
    ));

  it('ends an inbound call answered with <Reject reason="busy"> as busy', () =>
    withHarness({ '/voice': () => twiml('<Reject reason="busy"/>') }, {}, async (h) => {
      const started = await h.emulator.placeInboundCall({ from: SUPPORTER, to: CALLER_ID, url: `${h.app.url}/voice` });
      const ended = await h.emulator.waitForEnd(started.sid);
      assert.equal(ended.status, 'busy');
      assert.equal(ended.duration, 0);
    }));

  it('runs many calls at once', () =>
    withHarness({ '/answer': () => twiml(`<Say>Hi</Say><Dial>${OFFICE.senate}</Dial>`) }, {}, async (h) => {
      const created = await Promise.all(Array.from({ length: 8 }, () => h.call()));
      const ended = await Promise.all(created.map((c) => h.emulator.waitForEnd(c.sid)));
      assert.ok(ended.every((c) => c.status === 'completed'), 'every call completes');
      assert.equal(new Set(ended.map((c) => c.sid)).size, 8);
    }));

  it('close() stops calls in flight and rejects their waiters', async () => {
    const h = await harness({ '/answer': () => twiml('<Pause length="3600000"/>') }, { timeScale: 0.001 });
    try {
      const pausing = new Promise<void>((resolve) => {
        const stop = h.emulator.subscribe((e) => e.kind === 'pause' && (stop(), resolve()));
      });
      const created = await h.call();
      const waiting = h.emulator.waitForEnd(created.sid, 60_000);
      await pausing;
      await h.emulator.close();
      await assert.rejects(waiting, /closed/);
      const requests = h.app.received.length;
      assert.equal(h.emulator.calls.get(created.sid)?.status, 'in-progress', 'an abandoned call is not reported as ended');
      assert.equal(h.app.received.length, requests);
    } finally {
      await h.close();
    }
  });
});
