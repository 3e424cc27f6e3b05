import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import type { Hono } from 'hono';
import { CampaignInput, createCampaign } from '../../server/campaigns/campaigns.ts';
import { type Call, type DialCallStatus, finishLeg, insertCall, type Outcome, recordOutcome, startLeg } from '../../server/calls/calls.ts';
import type { AppDeps } from '../../server/deps.ts';
import { targetsCsv } from '../../server/stats/csv.ts';
import { generateSampleData, rebuildRollups } from '../../server/stats/sample-data.ts';
import type { CampaignStats, TargetStats } from '../../server/stats/stats.ts';
import type { Target } from '../../server/targets/target.ts';
import { testDeps } from '../support/app.ts';
import { storePerFile } from '../support/store.ts';

const store = storePerFile();
let app: Hono;
let deps: AppDeps;

beforeEach(() => {
  ({ app, deps } = testDeps(store));
});

const admin = (path: string) => app.request(`/api/admin/campaigns/${path}`, { headers: { Authorization: `Bearer ${deps.config.adminToken}` } });
const stats = async (id: string, query = '') => {
  const response = await admin(`${id}/stats${query}`);
  assert.equal(response.status, 200, await response.clone().text());
  return response.json();
};

/** Offices whose names a CSV must quote (comma, quotes) or defuse (a formula). */
const OFFICES = [
  { id: 'smith', name: 'Smith, Jane "JJ"', phone: '+12125550100' },
  { id: 'formula', name: '=HYPERLINK("http://evil.example","click")', phone: '+12125550111' },
  { id: 'tres', name: 'Oficina Três', phone: '+12125550122' },
  { id: 'never', name: 'Never dialed', phone: '+12125550133' },
];
const STATUSES: DialCallStatus[] = ['completed', 'completed', 'completed', 'busy', 'no-answer', 'failed', 'canceled', 'answered'];

interface Planned {
  at: Date;
  answered: boolean;
  legs: { target: number; status: DialCallStatus; duration: number }[];
}

/** A known data set: 160 calls from 1 to 5 March 2025 (UTC−5 in New York throughout), from a fixed LCG. */
function plan(): Planned[] {
  let seed = 42;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return Math.floor(seed / 65536) % n; // an LCG's low bits repeat quickly
  };
  const start = Date.parse('2025-03-01T00:00:00Z');
  return Array.from({ length: 160 }, () => {
    const at = new Date(start + next(5 * 24 * 60) * 60_000 + next(60) * 1000);
    const answered = next(10) !== 0;
    const legs = answered
      ? Array.from({ length: 1 + next(3) }, (_, position) => {
          const status = STATUSES[next(STATUSES.length)]!;
          const reached = status === 'completed' || status === 'answered';
          return { target: (position + next(2)) % 3, status, duration: reached ? 5 + next(300) : status === 'canceled' ? next(4) : 0 };
        })
      : [];
    return { at, answered, legs };
  });
}

const targetsOf = (legs: Planned['legs']): Target[] =>
  legs.map(({ target }) => ({ id: OFFICES[target]!.id, name: OFFICES[target]!.name, title: '', phone: OFFICES[target]!.phone }));

/**
 * Stores the plan through the call path: each leg's Dial result is recorded by `finishLeg`, some twice
 * and some out of order, as Twilio's retries do.
 */
async function storePlan(planned: Planned[]): Promise<Call[]> {
  await createCampaign(store.db, CampaignInput.parse({ id: 'known', name: 'Known', targets: { custom: OFFICES } }));
  const stored: Call[] = [];
  for (const [i, { at, answered, legs }] of planned.entries()) {
    const call = await insertCall(store.db, {
      id: `call-${String(i).padStart(3, '0')}`,
      campaignId: 'known',
      status: answered ? 'completed' : 'no-answer',
      phoneHash: `hash-${i}`,
      phone: i === 0 ? '+18025550142' : null,
      zip: '05401',
      district: 'VT-AL',
      targets: targetsOf(legs),
      createdAt: at,
      answeredAt: answered ? new Date(at.getTime() + 8000) : null,
      endedAt: new Date(at.getTime() + 600_000),
    });
    const order = i % 3 === 0 ? [...legs.keys()].reverse() : [...legs.keys()];
    for (const position of order) {
      const { status, duration } = legs[position]!;
      if (i % 2) await startLeg(store.db, call, position);
      await finishLeg(store.db, call, position, status, duration);
      if (i % 4 === 1) await finishLeg(store.db, call, position, status === 'busy' ? 'completed' : 'busy', duration + 100);
    }
    stored.push(call);
  }
  return stored;
}

/** The figures computed straight from the plan: the oracle the API must match. */
function expected(planned: Planned[], { from, to, offsetHours = 0 }: { from?: string; to?: string; offsetHours?: number } = {}) {
  const localDate = (at: Date) => new Date(at.getTime() + offsetHours * 3_600_000).toISOString().slice(0, 10);
  const chosen = planned.filter(({ at }) => (!from || localDate(at) >= from) && (!to || localDate(at) <= to));
  const allLegs = chosen.flatMap((call) => call.legs);
  const reached = (status: string) => status === 'completed' || status === 'answered';
  const tally = (legs: Planned['legs']) => {
    const completed = legs.filter((leg) => reached(leg.status)).length;
    const busy = legs.filter((leg) => leg.status === 'busy').length;
    const noAnswer = legs.filter((leg) => leg.status === 'no-answer').length;
    const failed = legs.filter((leg) => leg.status === 'failed').length;
    const talkSeconds = legs.reduce((sum, leg) => sum + leg.duration, 0);
    return { legs: legs.length, completed, busy, noAnswer, failed, canceled: legs.length - completed - busy - noAnswer - failed, talkSeconds, averageDuration: completed ? Math.round(talkSeconds / completed) : 0 };
  };
  const callTally = (calls: Planned[]) => ({
    calls: calls.length,
    callersReached: calls.filter((call) => call.answered).length,
    converted: calls.filter((call) => call.legs.some((leg) => reached(leg.status))).length,
  });
  const bucket = (calls: Planned[]) => {
    const legs = calls.flatMap((call) => call.legs);
    return { ...callTally(calls), legs: legs.length, completed: legs.filter((leg) => reached(leg.status)).length };
  };
  const groups = (key: (call: Planned) => string) => {
    const map = new Map<string, Planned[]>();
    for (const call of chosen) map.set(key(call), [...(map.get(key(call)) ?? []), call]);
    return [...map.entries()].sort(([a], [b]) => a.localeCompare(b));
  };
  const calls = callTally(chosen);
  return {
    totals: { ...calls, conversion: Math.round((calls.converted / calls.calls) * 10_000) / 10_000, ...tally(allLegs) },
    // No outcomes are reported in this data set (test/e2e/ladder.test.ts covers them).
    targets: OFFICES.map(({ id, name, phone }, index) => {
      // Per office, all time (a range does not narrow it): each of these targets has the one office.
      const everLegs = planned.flatMap((call) => call.legs.filter((leg) => leg.target === index));
      return {
        id,
        name,
        ...tally(chosen.flatMap((call) => call.legs.filter((leg) => leg.target === index))),
        outcomes: { spoke: 0, voicemail: 0, unavailable: 0 },
        offices: everLegs.length ? [{ phone, office: null, ...tally(everLegs) }] : [],
      };
    }),
    perDay: groups((call) => localDate(call.at)).map(([date, calls]) => ({ date, ...bucket(calls) })),
    perHour: groups((call) => `${call.at.toISOString().slice(0, 13)}:00:00Z`).map(([hour, calls]) => ({ hour, ...bucket(calls) })),
  };
}

const byId = (targets: { id: string }[]) => [...targets].sort((a, b) => a.id.localeCompare(b.id));

describe('stats arithmetic against a known data set', () => {
  test('totals, per target, per day and per hour, with duplicated and reordered Dial results', async () => {
    const planned = plan();
    await storePlan(planned);
    const want = expected(planned);
    const got = await stats('known');
    assert.deepEqual(got.range, { from: null, to: null, tz: 'UTC' });
    assert.deepEqual(got.totals, want.totals);
    assert.deepEqual(byId(got.targets), byId(want.targets));
    assert.deepEqual(got.perDay, want.perDay);
    assert.deepEqual(got.perHour, want.perHour);
    for (let i = 1; i < got.targets.length; i++) assert.ok(got.targets[i - 1].completed >= got.targets[i].completed, 'most completed first');
    assert.ok(got.totals.converted < got.totals.callersReached && got.totals.callersReached < got.totals.calls, 'the data set tells them apart');
    assert.deepEqual(await (await app.request('/api/campaigns/known/count')).json(), { calls: want.totals.calls, completed: want.totals.completed }, 'the counter agrees');
  });

  test('the bumped rollups equal a recount from the legs', async () => {
    await storePlan(plan());
    const bumped = await stats('known');
    await rebuildRollups(store.db, 'known');
    assert.deepEqual(await stats('known'), bumped);
  });

  test('a date range in a time zone: days, hours, targets and totals all cover the same calls', async () => {
    const planned = plan();
    await storePlan(planned);
    const newYork = await stats('known', '?from=2025-03-02&to=2025-03-03&tz=America/New_York');
    const want = expected(planned, { from: '2025-03-02', to: '2025-03-03', offsetHours: -5 });
    assert.deepEqual(newYork.range, { from: '2025-03-02', to: '2025-03-03', tz: 'America/New_York' });
    assert.deepEqual(newYork.totals, want.totals);
    assert.deepEqual(byId(newYork.targets), byId(want.targets));
    assert.deepEqual(newYork.perDay, want.perDay);
    assert.deepEqual(newYork.perHour, want.perHour);
    assert.deepEqual(newYork.perDay.map((day: { date: string }) => day.date), ['2025-03-02', '2025-03-03']);
    assert.ok(newYork.perHour[0].hour >= '2025-03-02T05:00:00Z' && newYork.perHour.at(-1).hour < '2025-03-04T05:00:00Z');

    const oneDayUtc = await stats('known', '?from=2025-03-04&to=2025-03-04');
    assert.deepEqual(oneDayUtc.totals, expected(planned, { from: '2025-03-04', to: '2025-03-04' }).totals);
    const open = await stats('known', '?from=2025-03-03');
    assert.deepEqual(open.totals, expected(planned, { from: '2025-03-03' }).totals);
    const empty = await stats('known', '?from=2024-01-01&to=2024-01-31');
    assert.equal(empty.totals.calls, 0);
    assert.equal(empty.totals.conversion, 0);
    assert.deepEqual(empty.perDay, []);
    assert.ok(empty.targets.every((target: { legs: number }) => target.legs === 0), 'the list still shows, at zero');
  });

  test('bad ranges and zones are 422s naming the parameter', async () => {
    await storePlan(plan().slice(0, 3));
    const cases: [string, string][] = [
      ['?from=2025-3-1', 'from'],
      ['?to=2025-02-30', 'to'],
      ['?from=2025-03-05&to=2025-03-01', 'to'],
      ['?tz=Mars/Olympus_Mons', 'tz'],
      // Year 0 is a date to JavaScript (1 BC) but not to PostgreSQL.
      ['?from=0000-01-01', 'from'],
      ['?to=0000-12-31', 'to'],
    ];
    for (const [query, field] of cases) {
      const response = await admin(`known/stats${query}`);
      assert.equal(response.status, 422, query);
      assert.equal((await response.json()).error.field, field, query);
      assert.equal((await admin(`known/stats/calls.csv${query}`)).status, 422, `calls.csv${query}`);
    }
    assert.equal((await admin('nope/stats')).status, 404);
    assert.equal((await admin('nope/stats/targets.csv')).status, 404);
  });
});

describe('CSV downloads', () => {
  test('the per-target table: an attachment, names with commas and quotes intact, formulas defused', async () => {
    const planned = plan();
    await storePlan(planned);
    const response = await admin('known/stats/targets.csv?from=2025-03-02&to=2025-03-03&tz=America/New_York');
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/csv; charset=utf-8/);
    assert.equal(response.headers.get('content-disposition'), 'attachment; filename="known-targets-2025-03-02-to-2025-03-03.csv"');
    const bytes = new Uint8Array(await response.arrayBuffer());
    assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf], 'a byte order mark, for Excel');
    const text = new TextDecoder().decode(bytes);
    assert.ok(text.includes('"Smith, Jane ""JJ"""'), 'RFC 4180 quoting');
    const rows: Record<string, string>[] = parse(text, { bom: true, columns: true });
    assert.deepEqual(Object.keys(rows[0]!), [
      'target_id',
      'name',
      'legs',
      'completed',
      'busy',
      'no_answer',
      'failed',
      'canceled',
      'talk_seconds',
      'average_seconds',
      'spoke',
      'voicemail',
      'unavailable',
    ]);
    const want = expected(planned, { from: '2025-03-02', to: '2025-03-03', offsetHours: -5 }).targets;
    const smith = rows.find((row) => row.target_id === 'smith')!;
    assert.equal(smith.name, 'Smith, Jane "JJ"');
    assert.equal(Number(smith.completed), want[0]!.completed);
    assert.equal(Number(smith.talk_seconds), want[0]!.talkSeconds);
    assert.equal(rows.find((row) => row.target_id === 'formula')!.name, `'${OFFICES[1]!.name}`, 'a cell starting with = is prefixed');
    assert.equal(rows.find((row) => row.target_id === 'tres')!.name, 'Oficina Três');
    assert.equal(rows.length, 4);
  });

  test('the call log: one row per call in the range, per-leg outcomes, never a phone number', async () => {
    const planned = plan();
    await storePlan(planned);
    const response = await admin('known/stats/calls.csv');
    assert.equal(response.headers.get('content-disposition'), 'attachment; filename="known-calls.csv"');
    const text = await response.text();
    assert.ok(!/\+1\d{10}|8025550142|212555/.test(text), 'no caller or office number');
    const rows: Record<string, string>[] = parse(text, { bom: true, columns: true });
    assert.equal(rows.length, planned.length);
    assert.deepEqual(Object.keys(rows[0]!), [
      'call_id',
      'started_at',
      'answered_at',
      'ended_at',
      'direction',
      'status',
      'zip',
      'district',
      'duration_seconds',
      'legs',
      'completed_legs',
      'outcomes',
      'ref',
      'meta',
    ]);
    const sorted = [...planned.keys()].sort((a, b) => planned[a]!.at.getTime() - planned[b]!.at.getTime());
    assert.deepEqual(rows.map((row) => row.started_at), sorted.map((i) => planned[i]!.at.toISOString()), 'oldest first');
    const index = planned.findIndex((call) => call.legs.length > 1);
    const row = rows.find((r) => r.call_id === `call-${String(index).padStart(3, '0')}`)!;
    const call = planned[index]!;
    assert.equal(row.started_at, call.at.toISOString());
    assert.equal(Number(row.legs), call.legs.length);
    assert.equal(row.zip, '05401');
    const first = call.legs[0];
    const outcome = `${OFFICES[first!.target]!.name} (${OFFICES[first!.target]!.id}): ${first!.status}`;
    assert.ok(row.outcomes!.replace(/^'/, '').startsWith(outcome), row.outcomes);

    const ranged: Record<string, string>[] = parse(await (await admin('known/stats/calls.csv?from=2025-03-02&to=2025-03-02&tz=America/New_York')).text(), { bom: true, columns: true });
    assert.equal(ranged.length, expected(planned, { from: '2025-03-02', to: '2025-03-02', offsetHours: -5 }).totals.calls);
  });

  test('a cell holding a semicolon is quoted: Excel in many locales splits on it', () => {
    const office = (id: string, name: string): TargetStats => ({
      id, name, legs: 0, completed: 0, busy: 0, noAnswer: 0, failed: 0, canceled: 0, talkSeconds: 0, averageDuration: 0, outcomes: { spoke: 0, voicemail: 0, unavailable: 0 }, offices: [],
    });
    const text = targetsCsv({ targets: [office('a;b', 'Smith; Jones'), office('plain', 'Plain')] } as CampaignStats);
    const lines = text.replace(/^\ufeff/, '').trim().split(/\r?\n/);
    assert.deepEqual(lines.slice(1), ['"a;b","Smith; Jones",0,0,0,0,0,0,0,0,0,0,0', 'plain,Plain,0,0,0,0,0,0,0,0,0,0,0']);
  });

  test('a long log is paged: every call exactly once, in order', async () => {
    await generateSampleData(store.db, { campaignId: 'long', calls: 4500, targets: 12, days: 2 });
    const response = await admin('long/stats/calls.csv');
    const rows: Record<string, string>[] = parse(await response.text(), { bom: true, columns: true });
    assert.equal(rows.length, 4500);
    assert.equal(new Set(rows.map((row) => row.call_id)).size, 4500);
    for (let i = 1; i < rows.length; i++) assert.ok(rows[i - 1]!.started_at! <= rows[i]!.started_at!, `row ${i} in order`);
    assert.equal(rows.reduce((sum, row) => sum + Number(row.legs), 0), 4500 / 20 * 80);
  });
});

describe('referral codes, page metadata and outcomes', () => {
  /** Four calls in March 2025 and one in 2024, with codes and metadata; the first office answers each. */
  async function storeTagged() {
    await createCampaign(store.db, CampaignInput.parse({ id: 'tagged', name: 'Tagged', targets: { custom: OFFICES.slice(0, 2) } }));
    const tagged: [string, string | null, Record<string, string | number | boolean> | null, Outcome][] = [
      ['2025-03-01T10:00:00Z', 'alice', { source: 'newsletter', page: 'home' }, 'spoke'],
      ['2025-03-01T11:00:00Z', 'alice', { source: 'newsletter' }, 'voicemail'],
      ['2025-03-02T12:00:00Z', 'bob', { source: '=cmd', vip: true }, 'spoke'],
      ['2025-03-02T13:00:00Z', null, null, 'unavailable'],
      ['2024-06-01T12:00:00Z', 'old', { source: 'print' }, 'spoke'],
    ];
    for (const [i, [at, ref, meta, outcome]] of tagged.entries()) {
      const call = await insertCall(store.db, { id: `tag-${i}`, campaignId: 'tagged', phoneHash: `h${i}`, status: 'completed', ref, meta, targets: targetsOf([{ target: 0, status: 'completed', duration: 30 }]), createdAt: new Date(at) });
      await finishLeg(store.db, call, 0, 'completed', 30);
      await recordOutcome(store.db, call, 0, outcome);
    }
  }

  test('the stats break calls down by referral code and by each metadata value, within the range', async () => {
    await storeTagged();
    const march = await stats('tagged', '?from=2025-03-01&to=2025-03-31');
    assert.deepEqual(march.refs, [
      { ref: 'alice', calls: 2, completed: 2 },
      { ref: 'bob', calls: 1, completed: 1 },
    ]);
    assert.deepEqual(march.meta, [
      { key: 'source', value: 'newsletter', calls: 2, completed: 2 },
      { key: 'page', value: 'home', calls: 1, completed: 1 },
      { key: 'source', value: '=cmd', calls: 1, completed: 1 },
      { key: 'vip', value: 'true', calls: 1, completed: 1 },
    ]);
    const all = await stats('tagged');
    assert.deepEqual(all.meta.find((row: { value: string }) => row.value === 'print'), { key: 'source', value: 'print', calls: 1, completed: 1 });
    assert.deepEqual(all.targets.find((t: TargetStats) => t.id === 'smith').outcomes, { spoke: 3, voicemail: 1, unavailable: 1 });
  });

  test('the per-office CSV has the outcome columns; the call log has ref and meta (JSON, so a value like =cmd is no formula)', async () => {
    await storeTagged();
    const offices: Record<string, string>[] = parse(await (await admin('tagged/stats/targets.csv')).text(), { bom: true, columns: true });
    const smith = offices.find((row) => row.target_id === 'smith')!;
    assert.deepEqual([smith.spoke, smith.voicemail, smith.unavailable], ['3', '1', '1']);
    assert.deepEqual([offices.find((row) => row.target_id === 'formula')!.spoke], ['0'], 'an office nobody reached is at zero');

    const text = await (await admin('tagged/stats/calls.csv?from=2025-03-01')).text();
    const log: Record<string, string>[] = parse(text, { bom: true, columns: true });
    assert.deepEqual(
      log.map((row) => [row.call_id, row.ref, row.meta]),
      [
        ['tag-0', 'alice', '{"page":"home","source":"newsletter"}'],
        ['tag-1', 'alice', '{"source":"newsletter"}'],
        ['tag-2', 'bob', '{"vip":true,"source":"=cmd"}'],
        ['tag-3', '', ''],
      ],
    );
    assert.deepEqual(JSON.parse(log[2]!.meta!), { source: '=cmd', vip: true }, 'the metadata reads back as JSON');
  });
});

describe('the sample data set', () => {
  test('makes 4 legs per call on average, 19 answered calls in 20, and consistent rollups', async () => {
    await generateSampleData(store.db, { campaignId: 'sample', calls: 1000, targets: 30, days: 3 });
    const { totals, targets, perDay, perHour } = await stats('sample');
    assert.equal(totals.calls, 1000);
    assert.equal(totals.legs, 4000);
    assert.equal(totals.callersReached, 950);
    assert.ok(totals.converted < totals.callersReached, 'one call in 20 reaches no office');
    assert.equal(targets.length, 30);
    assert.equal(targets.reduce((sum: number, t: { legs: number }) => sum + t.legs, 0), 4000);
    assert.equal(perDay.length, 3);
    assert.equal(perHour.reduce((sum: number, h: { completed: number }) => sum + h.completed, 0), totals.completed);
    const { rows } = (await store.db.execute(sql`select count(*)::int as legs, count(*) filter (where status = 'completed')::int as completed from legs`)) as unknown as { rows: { legs: number; completed: number }[] };
    assert.deepEqual(rows[0], { legs: totals.legs, completed: totals.completed });
  });
});

describe('GET /api/campaigns/:id/count', () => {
  test('agrees with the stats, is cached in-process for a few seconds, and is open to any origin', async () => {
    await storePlan(plan().slice(0, 20));
    const { totals } = await stats('known');
    const response = await app.request('/api/campaigns/known/count', { headers: { Origin: 'https://news.example' } });
    assert.deepEqual(await response.json(), { calls: totals.calls, completed: totals.completed });
    assert.equal(response.headers.get('cache-control'), 'public, max-age=5');
    assert.equal(response.headers.get('access-control-allow-origin'), '*');

    await insertCall(store.db, { id: 'late', campaignId: 'known', phoneHash: 'h', targets: [] });
    assert.deepEqual(await (await app.request('/api/campaigns/known/count')).json(), { calls: totals.calls, completed: totals.completed }, 'served from the cache');
    assert.equal((await stats('known')).totals.calls, totals.calls + 1, 'the stats are never cached');
    assert.equal((await app.request('/api/campaigns/nope/count')).status, 404);
  });
});
