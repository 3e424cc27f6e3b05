import { availableParallelism } from 'node:os';
import { LOCAL_POSTGRES, postgresReachable } from '../test/support/postgres.ts';
import { address, createCampaign, supporterNumbers } from './burst.ts';
import { type Bench, type BenchContext, verdict } from './lib/bench.ts';
import { load, type LoadOptions, percentile, type RequestShape } from './lib/load.ts';
import { type BenchServer, startBenchServer } from './lib/server.ts';
import { type Cell, printTable } from './lib/table.ts';
import { targetPaths } from './targets.ts';

/** Issue 16: one process, then three on one PostgreSQL, loaded the same way. */
const PROCESS_COUNTS = [1, 3] as const;
/** Calls followed from a stream on every process while they are walked by the emulators. */
const FOLLOWED_CALLS = 24;
/** The bound for a change made on one replica to reach a stream on another. */
const CARRIED_WITHIN_MS = 500;
const CPS = 10;
/** A followed call that has not ended by then is read as it stands. */
const FOLLOW_TIMEOUT_MS = 90_000;

interface Figures {
  acceptedPerSecond: number;
  callsP99: number;
  refused: number;
  targetsPerSecond: number;
  targetsP99: number;
  serverCpu: number;
  loaderCpu: number;
  /** Server CPU per request (µs, all processes), for each load. */
  targetsCpuPerRequest: number;
  callsCpuPerRequest: number;
  /** Cross-replica event delays (ms); undefined with one process. */
  carried?: { delays: number[]; partial: number };
}

const REPLICAS_CAMPAIGN = {
  name: 'Replicas',
  targets: {
    custom: [
      { name: 'Office A', title: 'Senator', phone: '+12025550161' },
      { name: 'Office B', title: 'Representative', phone: '+12025550162' },
    ],
  },
  // Distinct phones and addresses throughout: lift only the campaign-wide caps a bench would hit.
  limits: { perCampaignPerMinute: 100_000, perTargetPerHour: 1_000_000 },
};

/**
 * Loads every process at once with the connections shared out, as a load balancer in front of them
 * would: request shapes are numbered per process (`shape(process, n)`), so no two requests repeat one.
 */
async function loadAll(servers: BenchServer[], ctx: BenchContext, options: Omit<LoadOptions, 'connections' | 'duration'>, shape?: (process: number, n: number) => RequestShape) {
  const connections = Math.max(1, Math.round(ctx.connections / servers.length));
  const results = await Promise.all(
    servers.map((server, k) => {
      let sent = 0;
      return load(server, { ...options, connections, duration: ctx.duration, warmup: 1, ...(shape && { request: () => shape(k, sent++) }) });
    }),
  );
  const total = (pick: (result: (typeof results)[number]) => number) => results.reduce((sum, result) => sum + pick(result), 0);
  return {
    rps: total((result) => result.rps),
    status: (code: number) => total((result) => ((result.statuses[code] ?? 0) / result.requests) * result.rps),
    others: total((result) => result.errors + Object.entries(result.statuses).reduce((sum, [code, count]) => sum + (code === '201' || code === '200' ? 0 : count), 0)),
    /** The slowest process's p99: what the unluckiest supporter behind the balancer sees. */
    p99: Math.max(...results.map((result) => result.p99)),
    serverCpu: total((result) => result.serverCpu),
    // The loads run side by side in this one process: each measured all of its CPU.
    loaderCpu: Math.max(...results.map((result) => result.loaderCpu)),
  };
}

/** Every distinct view a call's stream on `server` shows, with when it first arrived, until the call ends. */
async function follow(server: BenchServer, callId: string, from: string, signal: AbortSignal): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  const response = await fetch(`${server.url}/api/calls/${callId}/events`, { headers: { Accept: 'text/event-stream', 'X-Forwarded-For': from }, signal });
  if (response.status !== 200) throw new Error(`the event stream answered ${response.status}`);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      buffer += read.value;
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const data = buffer.slice(0, end).split('\n').filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trim()).join('\n');
        buffer = buffer.slice(end + 2);
        if (data && !seen.has(data)) seen.set(data, performance.now());
      }
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  }
  return seen;
}

/**
 * Calls placed round-robin on the processes and walked by the emulators, each followed by a stream on
 * every process. A change shows first on the process whose webhook made it (woken in-process), then on
 * the others (woken by NOTIFY): the delay is the gap between the first and the last stream to show it.
 * Views not shown by every stream (two changes close together read as one) are counted apart.
 */
async function carriedAcross(servers: BenchServer[], campaign: string, phones: string[]) {
  const signal = AbortSignal.timeout(FOLLOW_TIMEOUT_MS);
  const followed = await Promise.all(
    phones.slice(0, FOLLOWED_CALLS).map(async (phone, i) => {
      // Each supporter from an address of their own, as on the web: streams are limited per address.
      const from = address(1_000_000 + i);
      const response = await fetch(`${servers[i % servers.length]!.url}/api/campaigns/${campaign}/calls`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': from },
        body: JSON.stringify({ phone }),
      });
      if (response.status !== 201) throw new Error(`placing a followed call: HTTP ${response.status} ${await response.text()}`);
      const { call } = (await response.json()) as { call: { id: string } };
      return Promise.all(servers.map((server) => follow(server, call.id, from, signal)));
    }),
  );
  const delays: number[] = [];
  let partial = 0;
  for (const streams of followed) {
    // A stream's first view is the call as it stood when the stream opened, not a change.
    const allOpen = Math.max(...streams.map((seen) => Math.min(...seen.values())));
    for (const view of new Set(streams.flatMap((seen) => [...seen.keys()]))) {
      const times = streams.map((seen) => seen.get(view));
      if (times.some((at) => at === undefined)) partial++;
      else if (Math.min(...(times as number[])) > allOpen) delays.push(Math.max(...(times as number[])) - Math.min(...(times as number[])));
    }
  }
  return { delays: delays.sort((a, b) => a - b), partial };
}

async function measure(processes: number, ctx: BenchContext, base: string): Promise<Figures> {
  const env = { TRUSTED_PROXY_HEADER: 'X-Forwarded-For', TWILIO_CPS: String(CPS), BENCH_CALLERS: 'walk' };
  const first = await startBenchServer({ databaseUrl: base, env });
  const servers = [first];
  try {
    for (let i = 1; i < processes; i++) servers.push(await first.replica());
    const campaign = await createCampaign(first, REPLICAS_CAMPAIGN);
    const phones = supporterNumbers(35_000);
    // Followed first, while the dial queue is empty: the load's calls would queue ahead of them.
    const carried = processes > 1 ? await carriedAcross(servers, campaign, phones) : undefined;

    const { paths } = targetPaths();
    const targets = await loadAll(servers, ctx, { paths });
    const placing = phones.slice(FOLLOWED_CALLS);
    const calls = await loadAll(servers, ctx, { paths: `/api/campaigns/${campaign}/calls`, method: 'POST', headers: { 'Content-Type': 'application/json' } }, (k, n) => {
      const index = n * processes + k;
      return { headers: { 'X-Forwarded-For': address(index) }, body: JSON.stringify({ phone: placing[index % placing.length] }) };
    });
    return {
      acceptedPerSecond: calls.status(201),
      callsP99: calls.p99,
      refused: calls.others,
      targetsPerSecond: targets.rps,
      targetsP99: targets.p99,
      serverCpu: (targets.serverCpu + calls.serverCpu) / 2,
      loaderCpu: (targets.loaderCpu + calls.loaderCpu) / 2,
      targetsCpuPerRequest: (targets.serverCpu * 1e6) / targets.rps,
      callsCpuPerRequest: (calls.serverCpu * 1e6) / calls.rps,
      carried,
    };
  } finally {
    // Replicas first: the first process's stop drops the database.
    for (const server of servers.reverse()) await server.stop();
  }
}

const ms = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? '—' : Math.round(value * 10) / 10);

export const replicasBench: Bench = {
  name: 'replicas',
  about: `1 then 3 server processes on one PostgreSQL: accepted calls/s, targets req/s, and how soon a stream on one replica shows a change made on another (goal < ${CARRIED_WITHIN_MS} ms)`,
  async run(ctx: BenchContext) {
    const base = ctx.databaseUrl ?? LOCAL_POSTGRES;
    if (!(await postgresReachable(base, 3000))) return `skipped: no PostgreSQL at ${new URL(base).host} (set BENCH_DATABASE_URL)`;
    const figures: Figures[] = [];
    for (const processes of PROCESS_COUNTS) figures.push(await measure(processes, ctx, base));
    const [one, three] = figures as [Figures, Figures];
    const delays = three.carried!.delays;
    const row = (what: string, pick: (f: Figures) => number | undefined, ratio = true): Record<string, Cell> => {
      const [a, b] = [pick(one), pick(three)];
      return { what, '1 process': ms(a), '3 processes': ms(b), '3 ÷ 1': ratio && a && b ? Math.round((b / a) * 100) / 100 : '' };
    };
    const carried = (q: number) => (f: Figures) => (f.carried ? percentile(f.carried.delays, q) : undefined);
    printTable(
      `replicas: the same loads spread over 1 and 3 processes (PostgreSQL; ${ctx.connections} connections shared out, ${ctx.duration} s each; ` +
        `emulated calls walked at TWILIO_CPS=${CPS}; ${availableParallelism()} cores for servers, database and load alike)`,
      [
        row('accepted calls/s (POST …/calls → 201)', (f) => f.acceptedPerSecond),
        row('POST …/calls p99 ms (slowest process)', (f) => f.callsP99),
        row('POST …/calls server CPU µs/request', (f) => f.callsCpuPerRequest),
        row('POST …/calls not 201, or errors', (f) => f.refused, false),
        row('targets req/s (GET …/targets?zip=…)', (f) => f.targetsPerSecond),
        row('targets p99 ms (slowest process)', (f) => f.targetsP99),
        row('targets server CPU µs/request', (f) => f.targetsCpuPerRequest),
        row('servers CPU, cores (sum over processes)', (f) => f.serverCpu),
        row('load generator CPU, cores (this process)', (f) => f.loaderCpu),
        row(`changes carried across replicas (${FOLLOWED_CALLS} calls followed on every process)`, (f) => f.carried?.delays.length, false),
        row('carried p50 ms', carried(0.5), false),
        row('carried p99 ms', carried(0.99), false),
        row('carried max ms', (f) => (f.carried ? f.carried.delays.at(-1) : undefined), false),
        row('views some stream skipped (changes read together)', (f) => f.carried?.partial, false),
      ],
    );
    const worst = delays.at(-1) ?? NaN;
    console.log(`a change made on one replica shown on the others within ${ms(worst)} ms: ${delays.length ? verdict(worst, CARRIED_WITHIN_MS) : 'NO SAMPLES'}`);
    const ratio = (a: number, b: number) => `${Math.round(a)} → ${Math.round(b)} (${(b / a).toFixed(2)}×)`;
    return (
      `accepted calls/s ${ratio(one.acceptedPerSecond, three.acceptedPerSecond)}, targets req/s ${ratio(one.targetsPerSecond, three.targetsPerSecond)}; ` +
      `changes carried across replicas p50 ${ms(percentile(delays, 0.5))} ms, p99 ${ms(percentile(delays, 0.99))} ms, max ${ms(worst)} ms (${delays.length} changes) ` +
      `${delays.length ? verdict(worst, CARRIED_WITHIN_MS) : 'NO SAMPLES'}; ${availableParallelism()} cores`
    );
  },
};
