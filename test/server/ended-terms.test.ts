import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CampaignInput, campaignWithList, createCampaign } from '../../server/campaigns/campaigns.ts';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { loadCongress } from '../../server/congress/lookup.ts';
import { CAPITOL_SWITCHBOARD, resolveTargets, type Where } from '../../server/targets/resolve.ts';
import { type CompiledServer, startCompiledServer } from '../support/compiled-server.ts';
import { storePerFile } from '../support/store.ts';

// The committed data is the 119th Congress as of 2026-06-15. Florida's and Ohio's appointed senators
// (Moody, Husted) served until the special election of 2026-11-03; every House term ends 2027-01-03.
const store = storePerFile();
const on = (day: string) => loadCongress({ clock: () => Date.parse(day) });

let serial = 0;
async function lookup(day: string, targets: Record<string, unknown>, where: Where) {
  const campaign = await createCampaign(store.db, CampaignInput.parse({ id: `ended-${++serial}`, name: 'Test', targets }));
  return resolveTargets(on(day), await campaignWithList(store.db, campaign.id), where);
}

const FLORIDA_SEAT = {
  id: 'FL-S2',
  name: 'the office of the Senator from Florida',
  title: '',
  state: 'FL',
  phone: CAPITOL_SWITCHBOARD,
  office: 'through the Capitol switchboard',
};

describe('a member whose term has ended by the clock', () => {
  test('before the term ends the member is presented as today', async () => {
    const result = await lookup('2026-10-01', { congress: 'both' }, { zip: '32301' });
    assert.deepEqual(result.targets.map((t) => t.id), ['S001217', 'M001244', 'D000628']);
    assert.deepEqual(result.notes, []);
  });

  test('after it, the seat is dialed through the Capitol switchboard, named by office, and a note says why', async () => {
    const result = await lookup('2026-12-03', { congress: 'both' }, { zip: '32301' });
    assert.deepEqual(result.targets.map((t) => t.id), ['S001217', 'FL-S2', 'D000628']);
    assert.deepEqual(result.targets[1], FLORIDA_SEAT);
    assert.notEqual(result.targets[0]!.phone, CAPITOL_SWITCHBOARD, 'Scott keeps his own office');
    assert.deepEqual(result.notes, [
      "Ashley Moody's term ended on 2026-11-03 and our data does not yet say who holds the seat now: you will reach the office of the Senator from Florida through the Capitol switchboard.",
    ]);
  });

  test('on the last day of the term the seat has already changed hands (terms end at noon)', async () => {
    const result = await lookup('2026-11-03T18:00:00Z', { congress: 'senate' }, { zip: '43215' });
    assert.deepEqual(result.targets.map((t) => [t.id, t.name, t.phone]), [
      ['M001242', 'Bernie Moreno', result.targets[0]!.phone],
      ['OH-S2', 'the office of the Senator from Ohio', CAPITOL_SWITCHBOARD],
    ]);
  });

  test('past the end of the Congress every House seat and the class-2 Senate seats go through the switchboard', async () => {
    const vermont = await lookup('2027-01-04', { congress: 'both' }, { zip: '05401' });
    assert.deepEqual(vermont.targets.map((t) => [t.id, t.name, t.phone === CAPITOL_SWITCHBOARD]), [
      ['S000033', 'Bernard Sanders', false],
      ['W000800', 'Peter Welch', false],
      ['VT-AL', 'the office of the Representative for Vermont', true],
    ]);
    assert.equal(vermont.targets[2]!.district, 'VT-AL');
    const alaska = await lookup('2027-01-04', { congress: 'both' }, { zip: '99501' });
    assert.deepEqual(alaska.targets.map((t) => t.id), ['M001153', 'AK-S2', 'AK-AL']);
    assert.equal(alaska.notes.length, 2);
    const sf = await lookup('2027-01-04', { congress: 'house' }, { zip: '94110' });
    assert.deepEqual(sf.targets.map((t) => t.name), ["the office of the Representative for California's 11th district"]);
    const dc = await lookup('2027-01-04', { congress: 'both' }, { zip: '20001' });
    assert.deepEqual(dc.targets.map((t) => t.name), ['the office of the Delegate for the District of Columbia']);
  });

  test('names and notes follow the caller’s language', async () => {
    const result = await lookup('2026-12-03', { congress: 'senate' }, { zip: '32301', lang: 'es' });
    assert.deepEqual(result.targets[1], { ...FLORIDA_SEAT, name: 'la oficina de Florida en el Senado', office: 'a través de la centralita del Capitolio' });
    assert.match(result.notes[0]!, /^El mandato de Ashley Moody terminó el 2026-11-03/);
    const house = await lookup('2027-01-04', { congress: 'house' }, { zip: '94110', lang: 'es' });
    assert.equal(house.targets[0]!.name, 'la oficina del distrito 11 de California en la Cámara de Representantes');
  });

  test('a party filter does not guess the unknown holder’s party', async () => {
    const only = await lookup('2026-12-03', { congress: 'senate', party: { party: 'R', mode: 'only' } }, { zip: '32301' });
    assert.deepEqual(only.targets.map((t) => t.id), ['S001217']);
    const first = await lookup('2026-12-03', { congress: 'both', party: { party: 'D', mode: 'first' } }, { zip: '32301' });
    assert.deepEqual(first.targets.map((t) => t.id), ['S001217', 'FL-S2', 'D000628']);
  });

  test('a campaign for chosen members keeps an ended member’s seat', async () => {
    const result = await lookup('2026-12-03', { congress: 'senate', only: ['M001244'] }, { zip: '32301' });
    assert.deepEqual(result.targets.map((t) => t.id), ['FL-S2']);
  });

  test('a split ZIP offers the seat, not the former member, as a choice', async () => {
    const result = await lookup('2027-01-04', { congress: 'house', split: 'ask' }, { zip: '43215' });
    assert.deepEqual(result.choices, [
      { district: 'OH-3', representative: { id: 'OH-3', name: "the office of the Representative for Ohio's 3rd district", title: '' } },
      { district: 'OH-15', representative: { id: 'OH-15', name: "the office of the Representative for Ohio's 15th district", title: '' } },
    ]);
  });
});

describe('CONGRESS_CLOCK', () => {
  test('takes a date or an ISO date-time', () => {
    const config = loadConfig({ CONGRESS_CLOCK: '2027-01-04' });
    assert.ok(Math.abs(config.congressClock() - Date.parse('2027-01-04')) < 60_000);
    assert.equal(loadConfig({}).congressClock, Date.now);
    assert.throws(() => loadConfig({ CONGRESS_CLOCK: 'next tuesday' }), (error: Error) => error instanceof ConfigError && /CONGRESS_CLOCK must be a date like 2027-01-04/.test(error.message));
  });
});

describe('the server, started as npm start starts it, with its clock set past the appointed senators’ terms', () => {
  let server: CompiledServer;
  before(async () => {
    server = await startCompiledServer({ CONGRESS_CLOCK: '2026-12-03' });
  });
  after(() => server.stop());

  test('warns at start and lists the affected seats on /health', async () => {
    // The banner is written line by line: the helper returns at the admin token's line, the warning comes after it.
    const warning = /WARNING: REBUILD THE CONGRESS DATA: .*2 members' terms have ended/;
    for (let i = 0; i < 100 && !warning.test(server.output()); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.match(server.output(), warning);
    const { congress } = await (await fetch(`${server.url}/health`)).json();
    assert.equal(congress.today, '2026-12-03');
    assert.equal(congress.stale, true);
    assert.deepEqual(congress.endedTerms.map((m: { id: string; state: string; termEnd: string }) => [m.id, m.state, m.termEnd]), [
      ['M001244', 'FL', '2026-11-03'],
      ['H001104', 'OH', '2026-11-03'],
    ]);
  });

  test('the widget’s lookup and a placed call dial the seat through the switchboard', async () => {
    const lookup = await (await fetch(`${server.url}/api/campaigns/demo/targets?zip=32301`)).json();
    assert.deepEqual(lookup.targets[1], FLORIDA_SEAT);
    assert.match(lookup.notes[0], /Ashley Moody's term ended on 2026-11-03/);
    const placed = await fetch(`${server.url}/api/campaigns/demo/calls`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ phone: '+1 415 555 2671', zip: '32301' }),
    });
    assert.equal(placed.status, 201);
    const { call } = await placed.json();
    assert.deepEqual(call.targets[1], FLORIDA_SEAT);
  });
});
