import { setTimeout as sleep } from 'node:timers/promises';
import { parsePhone } from '../server/phone.ts';
import { type Bench, type BenchContext } from './lib/bench.ts';
import { load, loadRow, percentile } from './lib/load.ts';
import { sampleRss } from './lib/proc.ts';
import { type BenchServer, startBenchServer } from './lib/server.ts';
import { megabytes, printTable } from './lib/table.ts';

/** Issue 7: 10,000 call requests within a minute from many addresses. */
const REQUESTS = 10_000;
const WITHIN_S = 60;
/** 12–13 requests per address against a limit of 10 an hour: about a fifth are refused. */
const ADDRESSES = 800;
const PER_IP_PER_HOUR = 10;
const CPS = 5;
/** The dial pace is read over this window, once the burst is over. */
const PACE_WINDOW_S = 30;
const PACE_TOLERANCE = 0.05;
/** Accepted calls read back one by one through GET /api/calls/:id. */
const SAMPLE = 1000;

/** `count` distinct fictional supporters (555-0100…0199) across US area codes, as the server would accept them. */
export function supporterNumbers(count: number): string[] {
  const numbers: string[] = [];
  for (let area = 201; area <= 989 && numbers.length < count; area++) {
    try {
      parsePhone(`+1${area}5550100`, ['US']);
    } catch {
      continue; // not a US geographic area code (toll-free, Canada, unassigned…)
    }
    for (let line = 100; line < 200 && numbers.length < count; line++) numbers.push(`+1${area}555${String(line).padStart(4, '0')}`);
  }
  if (numbers.length < count) throw new Error(`only ${numbers.length} fictional numbers available`);
  return numbers;
}

/** 10.x.y.z for address `n`: the trusted proxy header says where each request came from. */
export const address = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;

/** A campaign made through the admin API, as an organiser would: its id. */
export async function createCampaign(server: BenchServer, settings: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${server.url}/api/admin/campaigns`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${server.adminToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(settings),
  });
  if (response.status !== 201) throw new Error(`creating the campaign: HTTP ${response.status} ${await response.text()}`);
  return ((await response.json()) as { campaign: { id: string } }).campaign.id;
}

/** Calls created per second from creation times: intervals over the span, so a window's edges do not round it. */
const rateOf = (times: number[]) => (times.length > 1 ? ((times.length - 1) * 1000) / (times.at(-1)! - times[0]!) : NaN);

/** The gaps between consecutive creations: a steady pace has them all near 1000 / CPS ms. */
function gaps(times: number[]) {
  const sorted = times.slice(1).map((at, i) => at - times[i]!).sort((a, b) => a - b);
  return { 'median gap ms': percentile(sorted, 0.5), 'p99 gap ms': percentile(sorted, 0.99) };
}

export const burstBench: Bench = {
  name: 'burst',
  about: `${REQUESTS.toLocaleString('en-US')} call requests from ${ADDRESSES} addresses as fast as the connections go: accepted or cleanly refused, none lost, then the dial pace vs TWILIO_CPS=${CPS}`,
  async run(ctx: BenchContext) {
    const phones = supporterNumbers(REQUESTS);
    const server = await startBenchServer({ databaseUrl: ctx.databaseUrl, env: { TRUSTED_PROXY_HEADER: 'X-Forwarded-For', TWILIO_CPS: String(CPS) } });
    const rss = sampleRss(server.pid);
    try {
      const campaign = await createCampaign(server, {
        name: 'Burst',
        targets: { custom: [{ name: 'Office', title: 'Senator', phone: '+12025550161' }] },
        limits: { perIpPerHour: PER_IP_PER_HOUR, perPhonePerDay: 3, perCampaignPerMinute: 100_000, perTargetPerHour: 1_000_000 },
      });
      const accepted: string[] = [];
      let refusedWithoutRetryAfter = 0;
      let refusedBadBody = 0;
      const started = Date.now();
      const burst = await load(server, {
        paths: `/api/campaigns/${campaign}/calls`,
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        connections: ctx.connections,
        amount: REQUESTS,
        request: (i) => ({ headers: { 'X-Forwarded-For': address(i % ADDRESSES) }, body: JSON.stringify({ phone: phones[i % phones.length] }) }),
        onResponse: (status, body, headers) => {
          if (status === 201) accepted.push((JSON.parse(body) as { call: { id: string } }).call.id);
          if (status !== 429) return;
          if (!/^[1-9]\d*$/.test(headers['retry-after'] ?? '')) refusedWithoutRetryAfter++;
          if ((JSON.parse(body) as { error?: { code?: string } }).error?.code !== 'rate_limited') refusedBadBody++;
        },
      });
      const burstSeconds = (Date.now() - started) / 1000;
      const ended = Date.now();
      const refused = burst.statuses[429] ?? 0;
      const other = burst.requests - accepted.length - refused + burst.errors;

      // The pace: creations over a fixed window once the burst is over (the queue holds thousands).
      await sleep(PACE_WINDOW_S * 1000);
      const created = await server.dialTimes();
      const windowStart = ended;
      const inWindow = created.filter((at) => at >= windowStart && at <= windowStart + PACE_WINDOW_S * 1000);
      const duringBurst = created.filter((at) => at >= started && at <= ended);
      const pace = rateOf(inWindow);
      const paceOff = Math.abs(pace - CPS) / CPS;

      // None lost: the campaign holds exactly the calls accepted (their ids all different), and a
      // sample of them reads back by id.
      const stats = await fetch(`${server.url}/api/admin/campaigns/${campaign}/stats`, { headers: { Authorization: `Bearer ${server.adminToken}` } });
      const stored = ((await stats.json()) as { totals: { calls: number } }).totals.calls;
      const sample = accepted.filter((_, i) => i % Math.ceil(accepted.length / SAMPLE) === 0);
      const reads = await load(server, { paths: sample.map((id) => `/api/calls/${id}`), connections: ctx.connections, amount: sample.length });
      const unreadable = sample.length - (reads.statuses[200] ?? 0);
      const lost = Math.max(0, new Set(accepted).size - stored) + unreadable;
      const peakRss = megabytes(Math.max(rss.stop(), burst.peakRss));

      printTable(`burst: ${burst.requests.toLocaleString('en-US')} POST /api/campaigns/:id/calls over ${ctx.connections} connections, ${ADDRESSES} addresses (X-Forwarded-For), perIpPerHour ${PER_IP_PER_HOUR}, ${server.store}`, [
        loadRow('POST …/calls (201 and 429)', burst),
      ]);
      printTable('outcome', [
        { what: 'requests sent', count: burst.requests },
        { what: '201 accepted', count: accepted.length },
        { what: '429 rate-limited', count: refused },
        { what: '429 without a Retry-After', count: refusedWithoutRetryAfter },
        { what: '429 without the rate_limited error', count: refusedBadBody },
        { what: 'other statuses and connection errors', count: other },
        { what: `accepted calls not stored (campaign total ${stored}; ${sample.length} read back by id)`, count: lost },
      ]);
      printTable(`dialing: TWILIO_CPS=${CPS}, the emulator's REST create times`, [
        { when: `during the burst (${burstSeconds.toFixed(1)} s)`, created: duringBurst.length, 'per s': rateOf(duringBurst), ...gaps(duringBurst) },
        { when: `${PACE_WINDOW_S} s window after the burst`, created: inWindow.length, 'per s': pace, ...gaps(inWindow), verdict: paceOff <= PACE_TOLERANCE ? 'PASS' : 'OFF' },
      ]);
      const queued = accepted.length - created.length;
      console.log(`the queue is left undrained: ${queued.toLocaleString('en-US')} accepted calls not yet dialed when the server stops (${Math.round(queued / CPS / 60)} min of dialing at ${CPS}/s)`);

      const clean = other === 0 && refusedWithoutRetryAfter === 0 && refusedBadBody === 0 && lost === 0;
      const acceptedPerSecond = accepted.length / burstSeconds;
      return [
        `${burst.requests.toLocaleString('en-US')} requests in ${burstSeconds.toFixed(1)} s (${burstSeconds <= WITHIN_S ? 'within' : 'OVER'} a minute): ${accepted.length} accepted, ${refused} rate-limited, ${other} other, ${lost} lost → ${clean ? 'PASS' : 'FAIL'};`,
        `${Math.round(acceptedPerSecond)} accepted/s, p50 ${burst.p50.toFixed(1)} ms, p99 ${burst.p99.toFixed(1)} ms, server RSS peak ${peakRss} MB;`,
        `dial pace ${pace.toFixed(2)}/s vs TWILIO_CPS ${CPS} (${(paceOff * 100).toFixed(1)}% off) → ${paceOff <= PACE_TOLERANCE ? 'PASS' : 'OFF'}`,
      ].join(' ');
    } finally {
      rss.stop();
      await server.stop();
    }
  },
};
