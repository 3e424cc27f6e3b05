import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import type { Hono } from 'hono';
import { CampaignInput, createCampaign } from '../../server/campaigns/campaigns.ts';
import type { AppDeps } from '../../server/deps.ts';
import { storePerFile } from '../support/store.ts';
import { signedTwilioPost, withDemoCall } from '../support/app.ts';
import { json } from '../support/server.ts';

const store = storePerFile();
let app: Hono;
let deps: AppDeps;
let callId: string;

beforeEach(async () => {
  ({ app, deps, callId } = await withDemoCall(store));
});

const twilio = (path: string, params: Record<string, string> = {}) => app.request(signedTwilioPost(deps, path.replace(':id', callId), params));
const view = async () => (await app.request(`/api/calls/${callId}`)).json();
const patch = (settings: object) =>
  app.request('/api/admin/campaigns/demo', {
    method: 'PATCH',
    headers: { Authorization: `Bearer ${deps.config.adminToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(settings),
  });
const stats = async () => {
  const body = await (await app.request('/api/admin/campaigns/demo/stats', { headers: { Authorization: `Bearer ${deps.config.adminToken}` } })).json();
  const { calls, legs, completed } = body.totals;
  return { ...body, totals: { calls, legs, completed } };
};

describe('a call in the widget’s language', () => {
  test('the phone speaks Spanish to a caller whose widget is in Spanish, with the campaign’s Spanish prompts', async () => {
    await app.request('/api/admin/campaigns/demo', {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${deps.config.adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ prompts: { intro: 'Welcome to our campaign.' }, translations: { es: { prompts: { intro: 'Bienvenido a nuestra campaña.' } } } }),
    });
    const placed = await app.request('/api/campaigns/demo/calls', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ phone: '+18025550143', zip: '05401', lang: 'es' }),
    });
    const { call } = await placed.json();
    const spanish = await (await app.request(signedTwilioPost(deps, `/twiml/calls/${call.id}/answer`, {}))).text();
    assert.match(spanish, /voice="Polly\.Lupe" language="es-US">Bienvenido a nuestra campaña\./);
    assert.match(spanish, /Oprima 1/);
    const english = await (await twilio('/twiml/calls/:id/answer')).text();
    assert.match(english, /voice="Polly\.Joanna" language="en-US">Welcome to our campaign\./, 'a call without lang: the campaign’s language');
  });
});

describe('Twilio webhooks', () => {
  test('every route refuses an unsigned request with 403', async () => {
    for (const path of ['answer', 'gate', 'legs/0', 'legs/0/status', 'status']) {
      const response = await app.request(`/twiml/calls/${callId}/${path}`, { method: 'POST', body: new URLSearchParams({ Digits: '1' }) });
      assert.equal(response.status, 403, path);
      assert.equal((await response.json()).error.code, 'forbidden');
    }
  });

  test('answer: intro and a press-1 gate; URLs carry only the call id', async () => {
    const response = await twilio('/twiml/calls/:id/answer', { CallStatus: 'in-progress' });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type')!, /text\/xml/);
    const twiml = await response.text();
    assert.match(twiml, /<Gather numDigits="1" action="http:\/\/localhost:0\/twiml\/calls\/[\w-]+\/gate" method="POST"/);
    assert.match(twiml, /Press 1 to be connected/);
    assert.match(twiml, /<Hangup\/><\/Response>$/);
    for (const url of twiml.match(/https?:\/\/[^"<]+/g)!) assert.equal(new URL(url).search, '', url);
    assert.ok(!twiml.includes('8025550142'));
  });

  test('gate: 1 dials the first target with a skip-on-star Dial; any other key ends the call', async () => {
    const [first] = (await view()).targets;
    const dial = await (await twilio('/twiml/calls/:id/gate', { Digits: '1' })).text();
    assert.match(dial, /<Dial action="[^"]+\/legs\/0" method="POST" hangupOnStar="true" timeout="30">/);
    assert.match(dial, new RegExp(`<Number statusCallback="[^"]+/legs/0/status" statusCallbackEvent="answered" statusCallbackMethod="POST">\\${first.phone}</Number>`));
    assert.match(dial, new RegExp(`Connecting you to Senator ${first.name}`));
    assert.deepEqual((await view()).legs, [{ targetId: first.id, status: 'ringing', duration: null, outcome: null }]);

    const other = await (await twilio('/twiml/calls/:id/gate', { Digits: '9' })).text();
    assert.match(other, /Goodbye.*<Hangup\/>/);
  });

  test('the Dial action records the leg and counts it once, however often it is sent', async () => {
    await twilio('/twiml/calls/:id/gate', { Digits: '1' });
    const first = await (await twilio('/twiml/calls/:id/legs/0', { DialCallStatus: 'completed', DialCallDuration: '42' })).text();
    const retry = await (await twilio('/twiml/calls/:id/legs/0', { DialCallStatus: 'completed', DialCallDuration: '42' })).text();
    assert.equal(retry, first, 'a retry gets the same TwiML');
    assert.match(first, /How did it go\?.*<\/Gather><Redirect method="POST">[^<]+\/legs\/0\/outcome<\/Redirect>/, 'no key pressed: back to us before the next dial');
    const next = await (await twilio('/twiml/calls/:id/legs/0/outcome', {})).text();
    assert.match(next, /stay on the line.*<Dial action="[^"]+\/legs\/1"/);
    const late = await twilio('/twiml/calls/:id/legs/0/status', { CallStatus: 'in-progress' });
    assert.equal(late.status, 204);
    const { legs } = await view();
    assert.deepEqual(legs.slice(0, 1).map((leg: { status: string; duration: number }) => [leg.status, leg.duration]), [['completed', 42]]);
    const { totals } = await stats();
    assert.deepEqual(totals, { calls: 1, legs: 1, completed: 1 });
  });

  test('the call view follows the phone: gate, each office and its outcome question, the offer, goodbye; never backwards', async () => {
    const phase = async () => {
      const { phase, phaseLeg } = await view();
      return phaseLeg === undefined ? phase : `${phase} ${phaseLeg}`;
    };
    assert.equal(await phase(), 'calling');
    await twilio('/twiml/calls/:id/status', { CallStatus: 'in-progress' });
    await twilio('/twiml/calls/:id/answer');
    assert.equal(await phase(), 'gate');
    await twilio('/twiml/calls/:id/gate', { Digits: '1' });
    assert.equal(await phase(), 'office 0');
    await twilio('/twiml/calls/:id/legs/0', { DialCallStatus: 'completed', DialCallDuration: '42' });
    assert.equal(await phase(), 'outcome 0', 'asked how it went: the next office is not being dialed yet');
    assert.deepEqual((await view()).legs.map((leg: { status: string }) => leg.status), ['completed']);
    await twilio('/twiml/calls/:id/legs/0/outcome', { Digits: '1' });
    assert.equal(await phase(), 'office 1');
    await twilio('/twiml/calls/:id/gate', { Digits: '1' });
    await twilio('/twiml/calls/:id/legs/0', { DialCallStatus: 'completed', DialCallDuration: '42' });
    assert.equal(await phase(), 'office 1', 'a retried earlier webhook does not move it back');
    await twilio('/twiml/calls/:id/legs/1', { DialCallStatus: 'busy' });
    assert.equal(await phase(), 'office 1', 'busy: the member’s next office');
    await twilio('/twiml/calls/:id/legs/1/1', { DialCallStatus: 'busy' });
    assert.equal(await phase(), 'office 2', 'no answer, no question: straight on');
    await twilio('/twiml/calls/:id/legs/1', { DialCallStatus: 'busy' });
    assert.equal(await phase(), 'office 2', 'a retried busy does not dial the fallback again');
    await twilio('/twiml/calls/:id/legs/2', { DialCallStatus: 'busy' });
    await twilio('/twiml/calls/:id/legs/2/1', { DialCallStatus: 'busy' });
    assert.equal(await phase(), 'offer', 'the demo campaign offers to call again');
    assert.equal((await view()).optedIn, false);
    await twilio('/twiml/calls/:id/again', { Digits: '1', To: '+18025550142' });
    assert.equal(await phase(), 'goodbye');
    assert.equal((await view()).optedIn, true, 'the end screen can confirm it');
    await twilio('/twiml/calls/:id/status', { CallStatus: 'completed', CallDuration: '90' });
    assert.equal(await phase(), 'ended');
  });

  test('the last leg ends with thanks; a busy one is announced', async () => {
    await patch({ fallbackOffices: 0 });
    await twilio('/twiml/calls/:id/legs/0', { DialCallStatus: 'completed', DialCallDuration: '5' });
    await twilio('/twiml/calls/:id/legs/1', { DialCallStatus: 'no-answer' });
    const last = await (await twilio('/twiml/calls/:id/legs/2', { DialCallStatus: 'busy' })).text();
    assert.match(last, /could not be reached.*last call.*<Hangup\/>/);
    const { targets, totals } = await stats();
    assert.deepEqual(totals, { calls: 1, legs: 3, completed: 1 });
    assert.deepEqual(
      targets.map((t: { completed: number; busy: number; noAnswer: number }) => [t.completed, t.busy, t.noAnswer]).sort(),
      [[0, 0, 1], [0, 1, 0], [1, 0, 0]],
    );
  });

  test('call status callbacks only move forward, and the end forgets the number', async () => {
    for (const status of ['ringing', 'in-progress', 'completed', 'ringing', 'in-progress']) {
      await twilio('/twiml/calls/:id/status', { CallStatus: status, CallDuration: '30' });
    }
    assert.equal((await view()).status, 'completed');
    const { rows } = (await store.db.execute(`select phone, duration, ended_at from calls`)) as unknown as { rows: Record<string, unknown>[] };
    assert.equal(rows[0]!.phone, null);
    assert.equal(rows[0]!.duration, 30);
    assert.ok(rows[0]!.ended_at);
  });

  test('unknown calls and legs get a polite hangup; malformed results a 422', async () => {
    const unknown = await app.request(signedTwilioPost(deps, '/twiml/calls/nope/answer', {}));
    assert.match(await unknown.text(), /cannot continue.*<Hangup\/>/);
    assert.match(await (await twilio('/twiml/calls/:id/legs/7', { DialCallStatus: 'completed' })).text(), /<Hangup\/>/);
    assert.match(await (await twilio('/twiml/calls/:id/legs/-1', { DialCallStatus: 'completed' })).text(), /<Hangup\/>/);
    const bad = await twilio('/twiml/calls/:id/legs/0', { DialCallStatus: 'exploded' });
    assert.equal(bad.status, 422);
    assert.equal((await bad.json()).error.field, 'DialCallStatus');
    assert.deepEqual((await stats()).totals, { calls: 1, legs: 0, completed: 0 });
  });

  test('a leg number no integer column holds, or not written as one, is no leg (not a 500)', async () => {
    for (const n of ['99999999999999999999', '2147483648', '1e+308', '0x0', '0.0', '00']) {
      assert.match(await (await twilio(`/twiml/calls/:id/legs/${n}`, { DialCallStatus: 'completed' })).text(), /<Hangup\/>/, n);
      assert.equal((await twilio(`/twiml/calls/:id/legs/${n}/status`, { CallStatus: 'in-progress' })).status, 204, n);
    }
    assert.deepEqual((await stats()).totals, { calls: 1, legs: 0, completed: 0 });
  });

  test('a duration longer than any call is a 422, not a 500', async () => {
    await twilio('/twiml/calls/:id/gate', { Digits: '1' });
    for (const seconds of ['3000000000', '9007199254740991']) {
      assert.equal((await twilio('/twiml/calls/:id/legs/0', { DialCallStatus: 'completed', DialCallDuration: seconds })).status, 422, seconds);
      assert.equal((await twilio('/twiml/calls/:id/status', { CallStatus: 'completed', CallDuration: seconds })).status, 422, seconds);
    }
  });
});

describe('the caller ID offices see', () => {
  const SUPPORTER = '+18025550142';
  const OURS = '+12025550100';
  const LINE = '+12025550199';
  const callerIdOf = (twiml: string) => /<Dial [^>]*callerId="([^"]*)"/.exec(twiml)?.[1];
  const dialsIn = (twiml: string) => twiml.match(/<Dial /g)?.length ?? 0;
  const setMode = async (callerIdMode: string) => {
    const response = await app.request('/api/admin/campaigns/demo', {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${deps.config.adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ callerIdMode }),
    });
    assert.equal(response.status, 200);
  };
  /** The parameters Twilio signs into every webhook of a call we placed: From is our number, To the supporter's. */
  const placed = { From: OURS, To: SUPPORTER };

  test('campaign (the default): a call we placed leaves the Dial to show the number we rang from, as Twilio does without a callerId', async () => {
    const dial = await (await twilio('/twiml/calls/:id/gate', { Digits: '1', ...placed })).text();
    assert.equal(dialsIn(dial), 1);
    assert.equal(callerIdOf(dial), undefined);
  });

  test('supporter: every Dial of a call we placed shows the number we rang, read from the signed webhook', async () => {
    await setMode('supporter');
    const first = await (await twilio('/twiml/calls/:id/gate', { Digits: '1', ...placed })).text();
    assert.equal(callerIdOf(first), SUPPORTER);
    await twilio('/twiml/calls/:id/legs/0', { DialCallStatus: 'completed', DialCallDuration: '30', ...placed });
    const next = await (await twilio('/twiml/calls/:id/legs/0/outcome', { Digits: '1', ...placed })).text();
    assert.equal(dialsIn(next), 1);
    assert.equal(callerIdOf(next), SUPPORTER);
    for (const url of next.match(/https?:\/\/[^"<]+/g)!) assert.ok(!url.includes('8025550142'), url);
  });

  test('supporter: without the supporter’s number in the webhook, the Dial falls back to the campaign’s', async () => {
    await setMode('supporter');
    for (const params of [{}, { From: OURS, To: 'anonymous' }, { From: OURS, To: '8025550142' }] as Record<string, string>[]) {
      const dial = await (await twilio('/twiml/calls/:id/gate', { Digits: '1', ...params })).text();
      assert.equal(dialsIn(dial), 1);
      assert.equal(callerIdOf(dial), undefined, JSON.stringify(params));
    }
  });

  test('call-in: campaign shows the line they rang (Twilio would show theirs); supporter shows theirs, or the line when theirs is withheld', async () => {
    const line = (callerIdMode: string) =>
      createCampaign(store.db, CampaignInput.parse({ id: `line-${callerIdMode}`, name: 'Line', callInNumber: callerIdMode === 'campaign' ? LINE : OURS, callerIdMode, targets: { custom: [{ name: 'City hall', phone: '+18025550199' }] } }));
    await line('campaign');
    await line('supporter');
    const ringIn = async (From: string, To: string, CallSid: string) => (await app.request(signedTwilioPost(deps, '/twiml/inbound', { CallSid, From, To }))).text();

    assert.equal(callerIdOf(await ringIn(SUPPORTER, LINE, 'CA1')), LINE);
    assert.equal(callerIdOf(await ringIn(SUPPORTER, OURS, 'CA2')), SUPPORTER);
    assert.equal(callerIdOf(await ringIn('anonymous', OURS, 'CA3')), OURS);
  });
});

describe('a busy office: the member’s next office, then the next member', () => {
  /** The first senator's Washington office and first district office, as the call holds them. */
  const offices = async () => {
    const [first] = (await view()).targets as { id: string; name: string; phone: string }[];
    const member = deps.congress.senators('VT').find((m) => m.id === first!.id)!;
    return { target: first!, washington: member.phone!, district: member.offices[0]!, next: (await view()).targets[1] as { phone: string } };
  };
  const tally = (t: { legs: number; completed: number; busy: number; noAnswer: number }) => [t.legs, t.completed, t.busy, t.noAnswer];

  test('busy in Washington: the district office is dialed on a leg of its own, then the next member', async () => {
    const { target, washington, district, next } = await offices();
    assert.match(await (await twilio('/twiml/calls/:id/gate', { Digits: '1' })).text(), new RegExp(`legs/0" [^>]*><Number [^>]*>\\${washington}<`));
    const busy = await (await twilio('/twiml/calls/:id/legs/0', { DialCallStatus: 'busy' })).text();
    assert.match(
      busy,
      new RegExp(
        `could not be reached\\.</Say><Say [^>]+>Trying their district office in ${district.city}\\.</Say>` +
          `<Dial action="[^"]+/legs/0/1" method="POST" hangupOnStar="true" timeout="30"><Number statusCallback="[^"]+/legs/0/1/status" [^>]*>\\${district.phone}</Number></Dial></Response>$`,
      ),
    );
    const trying = await view();
    assert.deepEqual(trying.legs, [{ targetId: target.id, status: 'ringing', duration: null, outcome: null, attempt: 1, office: `district office in ${district.city}` }]);
    assert.deepEqual([trying.phase, trying.phaseLeg], ['office', 0], 'the widget shows the office being tried');

    assert.equal((await twilio('/twiml/calls/:id/legs/0/1/status', { CallStatus: 'in-progress' })).status, 204);
    assert.equal((await view()).legs[0].status, 'in-progress');
    const answered = await (await twilio('/twiml/calls/:id/legs/0/1', { DialCallStatus: 'completed', DialCallDuration: '30' })).text();
    assert.match(answered, /How did it go\?.*<Redirect method="POST">[^<]+\/legs\/0\/outcome<\/Redirect>/, 'asked about the member, not the office');
    assert.match(await (await twilio('/twiml/calls/:id/legs/0/outcome', { Digits: '1' })).text(), new RegExp(`<Dial action="[^"]+/legs/1" [^>]*><Number [^>]*>\\${next.phone}<`));
    assert.deepEqual((await view()).legs[0], { targetId: target.id, status: 'completed', duration: 30, outcome: 'spoke', attempt: 1, office: `district office in ${district.city}` });

    const { totals, targets } = await stats();
    assert.deepEqual(totals, { calls: 1, legs: 2, completed: 1 }, 'each office dialed is a leg; one reached');
    const member = targets.find((t: { id: string }) => t.id === target.id);
    assert.deepEqual(tally(member), [2, 1, 1, 0]);
    assert.deepEqual(
      member.offices.map((o: { phone: string; office: string | null } & Parameters<typeof tally>[0]) => [o.phone, o.office, ...tally(o)]),
      [
        [district.phone, `district office in ${district.city}`, 1, 1, 0, 0],
        [washington, null, 1, 0, 1, 0],
      ],
    );
    const csv = await (await app.request('/api/admin/campaigns/demo/stats/offices.csv', { headers: { Authorization: `Bearer ${deps.config.adminToken}` } })).text();
    // A cell starting with + is kept from running as a spreadsheet formula.
    assert.ok(csv.includes(`${target.id},${target.name},'${washington},,1,0,1,0,0,0`), csv);
    assert.ok(csv.includes(`${target.id},${target.name},'${district.phone},district office in ${district.city},1,1,0,0,0,0`), csv);
  });

  test('no answer at the fallback too: on to the next member after the one extra office the campaign allows', async () => {
    const { next } = await offices();
    await twilio('/twiml/calls/:id/gate', { Digits: '1' });
    await twilio('/twiml/calls/:id/legs/0', { DialCallStatus: 'no-answer' });
    const onwards = await (await twilio('/twiml/calls/:id/legs/0/1', { DialCallStatus: 'failed' })).text();
    assert.match(onwards, new RegExp(`could not be reached.*stay on the line.*<Dial action="[^"]+/legs/1" [^>]*><Number [^>]*>\\${next.phone}<`));
    assert.deepEqual(tally((await stats()).targets[0]), [2, 0, 0, 1]);
    assert.match(await (await twilio('/twiml/calls/:id/legs/0/2', { DialCallStatus: 'busy' })).text(), /cannot continue.*<Hangup\/>/, 'a third office this call never had');
    assert.deepEqual((await stats()).totals, { calls: 1, legs: 2, completed: 0 });
  });

  test('an office the supporter skipped, or that answered, is not followed by another', async () => {
    await twilio('/twiml/calls/:id/gate', { Digits: '1' });
    assert.match(await (await twilio('/twiml/calls/:id/legs/0', { DialCallStatus: 'canceled' })).text(), /<Dial action="[^"]+\/legs\/1"/);
    assert.match(await (await twilio('/twiml/calls/:id/legs/1', { DialCallStatus: 'completed', DialCallDuration: '3' })).text(), /How did it go/);
  });

  test('fallbackOffices 0 turns it off, for calls already placed too', async () => {
    assert.equal((await patch({ fallbackOffices: 0 })).status, 200);
    await twilio('/twiml/calls/:id/gate', { Digits: '1' });
    assert.match(await (await twilio('/twiml/calls/:id/legs/0', { DialCallStatus: 'busy' })).text(), /could not be reached.*<Dial action="[^"]+\/legs\/1"/);
    const placed = await app.request('/api/campaigns/demo/calls', json({ phone: '+18025550150', zip: '05401' }));
    const { rows } = (await store.db.execute(`select targets from calls where id = '${(await placed.json()).call.id}'`)) as unknown as { rows: { targets: { fallbacks?: unknown }[] }[] };
    assert.ok(rows[0]!.targets.every((t) => t.fallbacks === undefined), 'a new call plans no other office');
  });

  test('retried, duplicated and reordered Dial actions: each office counted once, the fallback dialed once', async () => {
    const { district } = await offices();
    await twilio('/twiml/calls/:id/gate', { Digits: '1' });
    // The fallback's result arrives before the busy that led to it, then everything again, twice at once.
    const fallback = () => twilio('/twiml/calls/:id/legs/0/1', { DialCallStatus: 'completed', DialCallDuration: '12' });
    const busy = () => twilio('/twiml/calls/:id/legs/0', { DialCallStatus: 'busy' });
    await fallback();
    const late = await (await busy()).text();
    assert.match(late, new RegExp(`<Dial action="[^"]+/legs/0/1" [^>]*><Number [^>]*>\\${district.phone}<`), 'the same answer as the first delivery');
    const before = { view: await view(), stats: await stats() };
    await Promise.all([busy(), busy(), fallback(), fallback()]);
    assert.deepEqual(await view(), before.view);
    assert.deepEqual(await stats(), before.stats);
    assert.deepEqual(tally(before.stats.targets[0]), [2, 1, 1, 0]);
    assert.deepEqual(before.stats.totals, { calls: 1, legs: 2, completed: 1 });
    const { rows } = (await store.db.execute(`select position, attempt, status from legs order by position, attempt`)) as unknown as { rows: unknown[] };
    assert.deepEqual(rows, [{ position: 0, attempt: 0, status: 'busy' }, { position: 0, attempt: 1, status: 'completed' }]);
  });
});
