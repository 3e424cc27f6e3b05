import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACCOUNT_SID, SUPPORTER, CALLER_ID, OFFICE, harness, withHarness, twiml, kinds, ofKind, ALL_EVENTS } from '../support/emulator-harness.ts';

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

  it('shows each office the Dial’s callerId when Twilio allows it, and fails a Dial whose callerId it does not (13214)', () => {
    const STRANGER = '+12025559876';
    return withHarness(
      {
        '/answer': () => twiml(`<Dial action="/legs/0" callerId="${SUPPORTER}">${OFFICE.senate}</Dial>`),
        '/legs/0': () => twiml(`<Dial action="/legs/1" callerId="${STRANGER}">${OFFICE.house}</Dial>`),
        '/legs/1': () => twiml(`<Dial action="/legs/2">${OFFICE.other}</Dial>`),
        '/legs/2': () => twiml(`<Dial action="/legs/3" callerId="${CALLER_ID}">${OFFICE.senate}</Dial>`),
        '/legs/3': () => twiml('<Say>Thank you</Say>'),
      },
      {},
      async (h) => {
        const ended = await h.emulator.waitForEnd((await h.call()).sid);
        assert.deepEqual(
          ended.dialed.map(({ leg, number, callerId }) => [leg, number, callerId]),
          [[0, OFFICE.senate, SUPPORTER], [2, OFFICE.other, CALLER_ID], [3, OFFICE.senate, CALLER_ID]],
          'the called number, the default (the calling number) and an account number are shown; a stranger’s is never dialed',
        );
        const refused = h.app.at('/legs/1')[0]?.params;
        assert.equal(refused?.DialCallStatus, 'failed');
        assert.equal(refused?.DialBridged, 'false');
        assert.deepEqual(ofKind(ended.transcript, 'error').map((e) => [e.code, e.message]), [[13214, 'Dial: Invalid callerId value']]);
        assert.ok(!JSON.stringify(ended.transcript).includes(SUPPORTER) && !JSON.stringify(ended.transcript).includes(STRANGER), 'caller IDs stay out of the transcript');
        assert.equal(ended.status, 'completed');
      },
    );
  });

  it('lets an inbound call show the caller’s number or the number they rang, and nobody else’s', () =>
    withHarness(
      {
        '/voice': () => twiml(`<Dial action="/legs/0" callerId="${SUPPORTER}">${OFFICE.senate}</Dial>`),
        '/legs/0': () => twiml(`<Dial action="/legs/1" callerId="${CALLER_ID}">${OFFICE.house}</Dial>`),
        '/legs/1': () => twiml(`<Dial action="/legs/2" callerId="+447700900123">${OFFICE.other}</Dial>`),
        '/legs/2': () => twiml(`<Dial action="/legs/3">${OFFICE.other}</Dial>`),
      },
      {},
      async (h) => {
        const started = await h.emulator.placeInboundCall({ from: SUPPORTER, to: CALLER_ID, url: `${h.app.url}/voice` });
        const ended = await h.emulator.waitForEnd(started.sid);
        assert.deepEqual(
          ended.dialed.map(({ leg, callerId }) => [leg, callerId]),
          [[0, SUPPORTER], [1, CALLER_ID], [3, SUPPORTER]],
          'without a callerId Twilio shows the inbound caller’s own number',
        );
        assert.equal(h.app.at('/legs/2')[0]?.params.DialCallStatus, 'failed');
      },
    ));

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
