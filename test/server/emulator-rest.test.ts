import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import twilio from 'twilio';
import { createTwilioClient } from '../../server/telephony/twilio-client.ts';
import { ACCOUNT_SID, AUTH_TOKEN, SUPPORTER, CALLER_ID, OFFICE, harness, withHarness, twiml, ofKind } from '../support/emulator-harness.ts';

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

describe('emulator REST API: more than one account', () => {
  const ORG_SID = `AC${'c3'.repeat(16)}`;
  const ORG_TOKEN = 'org-account-auth-token-0001';
  const ORG_KEY = { sid: `SK${'d4'.repeat(16)}`, secret: 'org-api-key-secret-00000001' };

  it('fetches an account with its own credentials, and refuses wrong ones (401) and another account’s (404)', () =>
    withHarness({}, {}, async ({ api, emulator }) => {
      emulator.addAccount({ accountSid: ORG_SID, authToken: ORG_TOKEN, friendlyName: 'Org A' });
      const own = createTwilioClient({ accountSid: ORG_SID, authToken: ORG_TOKEN, apiUrl: api.url });
      const account = await own.api.v2010.accounts(ORG_SID).fetch();
      assert.equal(account.friendlyName, 'Org A');
      assert.equal(account.status, 'active');
      const wrong = createTwilioClient({ accountSid: ORG_SID, authToken: 'not-the-org-token', apiUrl: api.url });
      await assert.rejects(wrong.api.v2010.accounts(ORG_SID).fetch(), { status: 401, code: 20003 });
      const unknown = `AC${'e5'.repeat(16)}`;
      await assert.rejects(createTwilioClient({ accountSid: unknown, authToken: ORG_TOKEN, apiUrl: api.url }).api.v2010.accounts(unknown).fetch(), {
        status: 401,
      });
      const server = createTwilioClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiUrl: api.url });
      await assert.rejects(server.api.v2010.accounts(ORG_SID).fetch(), { status: 404 });
    }));

  it('places a call with an API key of another account, signs its webhooks with that account’s token, and lists it only to that account', () =>
    withHarness({ '/answer': () => twiml('<Say>Hello</Say>') }, {}, async ({ api, app, emulator, client }) => {
      emulator.addAccount({ accountSid: ORG_SID, authToken: ORG_TOKEN, apiKeys: { [ORG_KEY.sid]: ORG_KEY.secret } });
      const org = createTwilioClient({ accountSid: ORG_SID, authToken: 'unused', apiKeySid: ORG_KEY.sid, apiKeySecret: ORG_KEY.secret, apiUrl: api.url });
      const created = await org.calls.create({ to: SUPPORTER, from: CALLER_ID, url: `${app.url}/answer` });
      assert.equal(created.accountSid, ORG_SID);
      const ended = await emulator.waitForEnd(created.sid);
      assert.equal(ended.accountSid, ORG_SID);
      const [request] = ended.requests;
      assert.equal(request!.params.AccountSid, ORG_SID);
      const received = app.received[0]!;
      assert.ok(twilio.validateRequest(ORG_TOKEN, received.signature, received.url, received.params), 'signed with the org’s token');
      assert.equal(received.signed, false, 'not with the first account’s');
      assert.deepEqual((await org.calls.list({})).map((call) => call.sid), [created.sid]);
      assert.deepEqual(await client.calls.list({}), []);
      await assert.rejects(client.calls(created.sid).fetch(), { status: 404 });
    }));
});
