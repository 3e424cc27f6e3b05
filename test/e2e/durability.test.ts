import assert from 'node:assert/strict';
import { after, afterEach, describe, test } from 'node:test';
import type { CallRecord } from '../../server/emulator/standalone.ts';
import {
  createDatabase,
  type Database,
  type EmulatorProcess,
  killAll,
  type ServerProcess,
  startEmulatorProcess,
  startServerProcess,
  waitFor,
} from '../support/processes.ts';
import { LOCAL_POSTGRES, postgresReachable } from '../support/postgres.ts';

// Real processes: the emulator alone plays the phone network while servers run live against it,
// are killed with SIGKILL mid-queue (or stopped with SIGTERM mid-call) and restarted on the same PostgreSQL database.
const BASE_URL = process.env.DATABASE_URL || LOCAL_POSTGRES;
const skip = (await postgresReachable(BASE_URL)) ? false : `needs PostgreSQL at ${BASE_URL}`;

const ADMIN_TOKEN = 'durability-admin-token-0123456789';
/** Each test's bound: a process that never answers must fail the test, not hang the suite. */
const TEST_TIMEOUT_MS = 90_000;
const OFFICES = [
  { name: 'Office A', title: 'Senator', phone: '+12025550161' },
  { name: 'Office B', title: 'Representative', phone: '+12025550162' },
];
const FINAL = ['completed', 'busy', 'no-answer', 'failed', 'canceled'];

/** Distinct supporters: 555-01xx numbers of one area code. */
const callers = (count: number, area = '802') => Array.from({ length: count }, (_, i) => `+1${area}55501${String(i).padStart(2, '0')}`);

let database: Database | undefined;

afterEach(async () => {
  await killAll();
  await database?.drop();
  database = undefined;
});
after(killAll);

async function setUp(cps: number, phone: Parameters<typeof startEmulatorProcess>[0] = { timeScale: 0 }) {
  const emulator = await startEmulatorProcess(phone);
  database = await createDatabase(BASE_URL);
  return { emulator, database, settings: { emulator, databaseUrl: database.url, adminToken: ADMIN_TOKEN, cps } };
}

async function createCampaign(server: ServerProcess): Promise<string> {
  const response = await fetch(`${server.url}/api/admin/campaigns`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      name: 'Durability',
      targets: { custom: OFFICES },
      // Every call below comes from one address within a minute: lift the limits that would refuse them.
      limits: { perIpPerHour: 100_000, perCampaignPerMinute: 100_000, perTargetPerHour: 1_000_000 },
    }),
  });
  assert.equal(response.status, 201, await response.clone().text());
  return ((await response.json()) as { campaign: { id: string } }).campaign.id;
}

/** Posts one call per number through the public API, spread over `servers`, a few at a time. */
async function postCalls(servers: ServerProcess[], campaign: string, numbers: string[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < numbers.length; i = next++) {
      const server = servers[i % servers.length]!;
      const response = await fetch(`${server.url}/api/campaigns/${campaign}/calls`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ phone: numbers[i] }),
      });
      assert.equal(response.status, 201, await response.clone().text());
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

interface Row {
  id: string;
  status: string;
  twilio_sid: string | null;
  dial_attempts: number;
}

const rows = async (db: Database) => (await db.client.query<Row>('select id, status, twilio_sid, dial_attempts from calls order by created_at')).rows;
const tally = (values: string[]) => Object.fromEntries([...new Set(values)].sort().map((v) => [v, values.filter((x) => x === v).length]));
const describeRows = async (db: Database) => JSON.stringify(tally((await rows(db)).map((row) => `${row.status}${row.twilio_sid ? '' : ' (no sid)'}`)));

/** The call rows, once every one has ended and the emulator has no call left in progress. */
async function settled(db: Database, phone: EmulatorProcess, count: number, timeoutMs = 45_000) {
  return waitFor(
    async () => {
      const [all, calls] = [await rows(db), await phone.calls()];
      const done = all.length === count && all.every((row) => FINAL.includes(row.status) && row.twilio_sid);
      return done && calls.every((call) => call.ended) ? { rows: all, calls } : undefined;
    },
    () => describeRows(db),
    timeoutMs,
  );
}

/**
 * Every call but `sid` is over at the emulator: not just final in status, but its final status callback
 * answered (or refused), so a kill now cannot lose it.
 */
const othersEnded = (emulator: EmulatorProcess, sid: string) =>
  waitFor(async () => ((await emulator.calls()).every((call) => call.sid === sid || call.ended) ? true : undefined), () => `calls other than ${sid} did not end`);

/** Call `sid` is over at the emulator (see `othersEnded`): its record. */
const ended = (emulator: EmulatorProcess, sid: string) =>
  waitFor(async () => (await emulator.calls()).find((call) => call.sid === sid && call.ended), () => `call ${sid} did not end`);

/**
 * A killed process's lease (120 s, a constant in dialer.ts) runs out: only leases taken before
 * `cutoff` (the kill), so the live process's own are left alone. Returns how many there were.
 */
async function expireLeasesTakenBefore(db: Database, cutoff: Date): Promise<number> {
  const { rowCount } = await db.client.query(
    `update calls set dial_after = now() where status = 'queued' and twilio_sid is null and dial_attempts > 0 and updated_at <= $1 and dial_after > now()`,
    [cutoff],
  );
  return rowCount ?? 0;
}

const dbNow = async (db: Database) => (await db.client.query<{ now: Date }>('select now()')).rows[0]!.now;

/** Each number rung exactly once, every row tied to one of those calls, and the tallies equal to what the phones did. */
async function assertDialedOnceAndCounted(server: ServerProcess, campaign: string, numbers: string[], result: { rows: Row[]; calls: CallRecord[] }) {
  const outbound = result.calls.filter((call) => call.direction === 'outbound-api');
  assert.deepEqual(tally(outbound.map((call) => call.to)), tally(numbers), 'the emulator saw exactly one call per supporter');
  assert.deepEqual(
    result.rows.map((row) => row.twilio_sid).sort(),
    outbound.map((call) => call.sid).sort(),
    'every call row holds the sid of one of those calls',
  );

  const response = await fetch(`${server.url}/api/admin/campaigns/${campaign}/stats`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
  assert.equal(response.status, 200);
  const stats = (await response.json()) as { targets: { name: string; legs: number; completed: number }[] };
  const legs = outbound.flatMap((call) => call.legs);
  for (const office of OFFICES) {
    const counted = stats.targets.find((target) => target.name === office.name) ?? { legs: 0, completed: 0 };
    const dialed = legs.filter((leg) => leg.number === office.phone);
    assert.deepEqual(
      { legs: counted.legs, completed: counted.completed },
      { legs: dialed.length, completed: dialed.filter((leg) => leg.bridged).length },
      `${office.name}: the tallies equal the legs the emulator dialed and bridged`,
    );
  }
}

describe('durability (server processes live against the emulator process, on PostgreSQL)', { skip }, () => {
  test('kill -9 with a create in flight and 70 calls queued, restart: every call dialed once and closed', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { emulator, database, settings } = await setUp(20);
    const numbers = callers(100);
    const server = await startServerProcess(settings);
    const campaign = await createCampaign(server);

    // Twilio takes the 30th call but has not answered when the process dies: the dangerous window.
    const hold = emulator.holdNextCreate(29);
    await postCalls([server], campaign, numbers);
    const inFlight = await hold.held;
    await othersEnded(emulator, inFlight.sid);
    const before = await rows(database);
    assert.equal(before.filter((row) => row.status === 'queued' && !row.twilio_sid).length, 71, 'the held call and 70 more wait at the kill');
    assert.equal(before.filter((row) => row.dial_attempts > 0 && !row.twilio_sid).length, 1, 'only the held call is claimed');

    const cutoff = await dbNow(database);
    await server.kill9();
    // The call goes ahead while nobody listens: its webhooks find no server and it ends.
    await hold.release();
    const lost = await ended(emulator, inFlight.sid);
    assert.ok(lost.webhooks.length > 0 && lost.webhooks.every((webhook) => webhook.status === 0), 'no webhook of the lost call reached a server');

    const restarted = await server.restart();
    assert.equal(await expireLeasesTakenBefore(database, cutoff), 1, 'the dead process held exactly one lease');
    const result = await settled(database, emulator, numbers.length);

    await assertDialedOnceAndCounted(restarted, campaign, numbers, result);
    const adopted = result.rows.find((row) => row.twilio_sid === inFlight.sid);
    assert.equal(adopted?.dial_attempts, 2, 'the held call was claimed again once its lease ran out');
    assert.equal(adopted?.status, lost.status, 'and closed with the status Twilio reports for the call it adopted');
    assert.match(restarted.output(), /was placed by an earlier attempt/);
  });

  test('kill -9 with a create in flight, and the call answered after the restart: the row still learns its sid', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { emulator, database, settings } = await setUp(20);
    const numbers = callers(10, '603');
    const server = await startServerProcess(settings);
    const campaign = await createCampaign(server);

    const hold = emulator.holdNextCreate(2);
    await postCalls([server], campaign, numbers);
    const inFlight = await hold.held;
    await othersEnded(emulator, inFlight.sid);
    const cutoff = await dbNow(database);
    await server.kill9();
    const restarted = await server.restart();
    // The supporter picks up after the restart: every webhook of the call reaches the new process.
    await hold.release();
    await ended(emulator, inFlight.sid);
    await expireLeasesTakenBefore(database, cutoff);
    const result = await waitFor(
      async () => {
        const [all, calls] = [await rows(database), await emulator.calls()];
        return all.every((row) => FINAL.includes(row.status)) && calls.length >= numbers.length && calls.every((call) => call.ended)
          ? { rows: all, calls }
          : undefined;
      },
      () => describeRows(database),
    );
    const answered = result.calls.find((call) => call.sid === inFlight.sid)!;
    assert.ok(answered.webhooks.every((webhook) => webhook.status === 200 || webhook.status === 204), 'the new process answered every webhook');
    assert.equal(answered.legs.filter((leg) => leg.bridged).length, OFFICES.length);
    assert.deepEqual(
      result.rows.filter((row) => !row.twilio_sid).map((row) => row.status),
      [],
      'no row is left without the sid of its call (its status callbacks carry CallSid)',
    );
    await assertDialedOnceAndCounted(restarted, campaign, numbers, result);
  });

  test('SIGTERM with a supporter on an office leg and calls queued, restart on the same port: the call completes, the queue is dialed once by the new process', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    // At 1/100 speed a call reaches its first office within a second and each office talks for 5 s: time
    // for the stop and a new process's start, during which no webhook may come (the emulator, unlike Twilio,
    // does not retry a refused connection). At 1/3 calls a second the calls queued behind it wait 3 s.
    const cps = 1 / 3;
    const { emulator, database, settings } = await setUp(cps, { timeScale: 0.01, legSeconds: 500 });
    const [supporter, ...waiting] = callers(4, '413');
    const numbers = [supporter!, ...waiting];
    const server = await startServerProcess(settings);
    const campaign = await createCampaign(server);
    await postCalls([server], campaign, [supporter!]);
    // The first office answered and its status callback was answered: nothing is in flight until the leg ends.
    const live = await waitFor(
      async () => (await emulator.calls()).find((call) => call.webhooks.some((webhook) => webhook.kind === 'number-status')),
      () => 'the supporter never reached the first office',
    );
    await postCalls([server], campaign, waiting);
    const legsEnded = async () => (await emulator.calls()).find((call) => call.sid === live.sid)!.legs.length;
    assert.equal(await legsEnded(), 0, 'the supporter is on the first office at SIGTERM');

    const sigterm = Date.now();
    assert.equal(await server.stop(), 0, 'the stopped process exits 0');
    const exited = Date.now();
    assert.match(server.output(), /call-power: stopped on SIGTERM in [\d.]+ s: no new dials claimed/);
    assert.deepEqual(
      (await rows(database)).filter((row) => row.twilio_sid !== live.sid).map((row) => ({ sid: row.twilio_sid, attempts: row.dial_attempts })),
      waiting.map(() => ({ sid: null, attempts: 0 })),
      `the stopping process claimed none of the queued calls (SIGTERM came ${sigterm - live.createdAt} ms after the live call was placed, its lane's next claim ${1000 / cps} ms after)`,
    );

    const restarted = await server.restart();
    const ready = Date.now();
    assert.equal(await legsEnded(), 0, 'the first office leg outlasted the stop and the restart');
    const result = await settled(database, emulator, numbers.length);

    await assertDialedOnceAndCounted(restarted, campaign, numbers, result);
    assert.deepEqual(
      result.calls.find((call) => call.sid === live.sid)!.legs.map((leg) => ({ number: leg.number, bridged: leg.bridged })),
      OFFICES.map((office) => ({ number: office.phone, bridged: true })),
      'the live call went on to both offices',
    );
    const { rows: legs } = await database.client.query<{ position: number; status: string }>(
      'select position, status from legs where call_id = (select id from calls where twilio_sid = $1) order by position',
      [live.sid],
    );
    assert.deepEqual(legs, [{ position: 0, status: 'completed' }, { position: 1, status: 'completed' }], 'both legs of the live call are recorded');
    assert.equal(result.rows.find((row) => row.twilio_sid === live.sid)?.status, 'completed');
    assert.deepEqual(result.rows.map((row) => row.dial_attempts), numbers.map(() => 1), 'each call claimed once');
    assert.ok(
      result.calls.filter((call) => call.sid !== live.sid).every((call) => call.createdAt > exited),
      'the queued calls were placed after the stopped process exited: by the new one',
    );
    assert.deepEqual(
      result.calls.flatMap((call) => call.webhooks.filter((webhook) => webhook.status < 200 || webhook.status >= 300).map((webhook) => `${webhook.kind} ${webhook.status}`)),
      [],
      'every webhook was answered 2xx: none refused (0), none 5xx',
    );
    assert.deepEqual(result.calls.flatMap((call) => call.errors), [], 'no call ran into a Twilio error');
    t.diagnostic(`SIGTERM ${sigterm - live.createdAt} ms after the live call was placed; stopped in ${exited - sigterm} ms, restarted in ${ready - exited} ms`);
  });

  test('three processes on one database share the queue: each call dialed once, by one of them, all completed', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const { emulator, database, settings } = await setUp(10);
    const numbers = callers(60, '207');
    // The first one creates the schema (see the next test for why they do not start all at once).
    const first = await startServerProcess(settings);
    const servers = [first, ...(await Promise.all([startServerProcess(settings), startServerProcess(settings)]))];
    const campaign = await createCampaign(servers[0]!);
    await postCalls(servers, campaign, numbers);
    const posted = Date.now();
    const result = await settled(database, emulator, numbers.length);

    await assertDialedOnceAndCounted(servers[0]!, campaign, numbers, result);
    const byServer = tally(result.calls.map((call) => new URL(call.url).port));
    assert.deepEqual(Object.keys(byServer).sort(), servers.map((server) => String(server.port)).sort(), `every process placed calls: ${JSON.stringify(byServer)}`);
    // Reported, not asserted: each process paces itself at TWILIO_CPS, so together they may create calls faster
    // than the account allows. Measured once every call was queued (the emulator shares this machine's clock).
    const backlog = result.calls.map((call) => call.createdAt).filter((at) => at >= posted).sort((a, b) => a - b);
    const pace = backlog.length > 1 ? ((backlog.length - 1) * 1000) / (backlog.at(-1)! - backlog[0]!) : NaN;
    t.diagnostic(`per process ${JSON.stringify(byServer)}; once all were queued, ${backlog.length} calls created at ${pace.toFixed(1)}/s with TWILIO_CPS=10 in each process`);
  });

  test('three processes started at once on a new database all come up (the migrations run once)', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { database, settings } = await setUp(1);
    // Line the three up: drizzle's migrator reads its journal table before migrating, so a lock on that
    // table holds each process there until all three wait, then lets them go at once.
    await database.client.query('create schema drizzle');
    await database.client.query('create table drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)');
    await database.client.query('begin');
    await database.client.query('lock table drizzle.__drizzle_migrations in access exclusive mode');
    const starting = [startServerProcess(settings), startServerProcess(settings), startServerProcess(settings)].map((start) =>
      start.then(
        () => undefined,
        (error: unknown) => error,
      ),
    );
    await waitFor(
      async () => {
        // Inside our transaction the activity view is a snapshot: take a fresh one each time.
        await database.client.query('select pg_stat_clear_snapshot()');
        const { rows } = await database.client.query<{ waiting: number }>(
          `select count(*)::int as waiting from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
        );
        return rows[0]!.waiting === 3 ? true : undefined;
      },
      () => 'the three processes never all waited for the migrations table',
    );
    await database.client.query('commit');
    const started = (await Promise.all(starting)).map((error) => (error ? { status: 'rejected' as const, reason: error } : { status: 'fulfilled' as const }));
    const why = (reason: unknown) => {
      const lines = String(reason).split('\n');
      return (lines.find((line) => /duplicate key|already exists|deadlock/.test(line)) ?? lines[0]!).trim();
    };
    const failures = started.flatMap((result) => (result.status === 'rejected' ? [why(result.reason)] : []));
    assert.deepEqual(failures, [], 'every process starts');
  });
});
