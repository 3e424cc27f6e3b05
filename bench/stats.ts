import { createKey } from '../server/orgs/keys.ts';
import { generateSampleData } from '../server/stats/sample-data.ts';
import { openStore, type Store } from '../server/store/db.ts';
import { orgs } from '../server/store/schema.ts';
import { type Bench, type BenchContext, verdict } from './lib/bench.ts';
import { percentile } from './lib/load.ts';
import { type BenchServer, startBenchServer } from './lib/server.ts';
import { printTable } from './lib/table.ts';
import { LOCAL_POSTGRES, postgresReachable } from '../test/support/postgres.ts';

/** Issue 6: stats for a campaign this large answer within the budget on PostgreSQL. */
const CALLS = 250_000;
const BUDGET_MS = 500;
const SAMPLES = 20;
/** The PostgreSQL CI and developers have; BENCH_DATABASE_URL points elsewhere. */
const CAMPAIGN = 'bench-stats';
/** Issue 15: the budget holds with this many organisations in the database, each with campaigns and calls of its own. */
const ORGS = 10;
const OTHER_ORG_CALLS = 20_000;

/**
 * Ten organisations: the first holds the big campaign, each other one a campaign of its own calls (so the
 * stats query must pick one organisation's campaign out of many). Returns the first one's id and a viewer
 * key of it, as an organisation's own script would read its stats.
 */
async function organisations(store: Store): Promise<{ orgId: string; key: string }> {
  const ids = Array.from({ length: ORGS }, (_, i) => `org_bench_${i}`);
  await store.db.insert(orgs).values(ids.map((id, i) => ({ id, name: `Bench organisation ${i}` })));
  await generateSampleData(store.db, { campaignId: CAMPAIGN, orgId: ids[0], calls: CALLS });
  for (const [i, orgId] of ids.slice(1).entries()) await generateSampleData(store.db, { campaignId: `${CAMPAIGN}-${i + 1}`, orgId, calls: OTHER_ORG_CALLS });
  const key = await createKey(store.db, ids[0]!, { name: 'bench', role: 'viewer' }, { kind: 'operator', id: 'operator', label: 'operator', orgId: ids[0]!, role: 'owner' });
  return { orgId: ids[0]!, key: key.secret };
}

interface Timing {
  first: number;
  p50: number;
  p99: number;
  max: number;
  bytes: number;
  body: unknown;
}

/** Sequential requests, as an organiser's dashboard makes them: the first (cold) apart, then `SAMPLES` more. */
async function time(server: BenchServer, path: string, headers: Record<string, string> = {}): Promise<Timing> {
  const once = async () => {
    const started = performance.now();
    const response = await fetch(server.url + path, { headers });
    const text = await response.text();
    const ms = performance.now() - started;
    if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${text.slice(0, 200)}`);
    return { ms, text };
  };
  const first = await once();
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) samples.push((await once()).ms);
  const sorted = Float64Array.from(samples).sort();
  return { first: first.ms, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted[sorted.length - 1]!, bytes: first.text.length, body: JSON.parse(first.text) };
}

export const statsBench: Bench = {
  name: 'stats',
  about: `admin stats (by the operator and by an organisation's key) and the public counter for a campaign of ${CALLS.toLocaleString('en-US')} calls among ${ORGS} organisations on PostgreSQL (budget ${BUDGET_MS} ms)`,
  async run(ctx: BenchContext) {
    const base = ctx.databaseUrl ?? LOCAL_POSTGRES;
    if (!(await postgresReachable(base, 3000))) return `skipped: no PostgreSQL at ${new URL(base).host} (set BENCH_DATABASE_URL)`;
    const server = await startBenchServer({ databaseUrl: base });
    try {
      const store = await openStore({ databaseUrl: server.databaseUrl!, dataDir: '' });
      const started = performance.now();
      let owner: { orgId: string; key: string };
      try {
        owner = await organisations(store);
      } finally {
        await store.close();
      }
      const generated = (performance.now() - started) / 1000;

      const path = `/api/admin/campaigns/${CAMPAIGN}/stats`;
      const stats = await time(server, path, { Authorization: `Bearer ${server.adminToken}`, 'CallPower-Org': owner.orgId });
      const byKey = await time(server, path, { Authorization: `Bearer ${owner.key}` });
      const count = await time(server, `/api/campaigns/${CAMPAIGN}/count`);
      const totals = (stats.body as { totals: { calls: number; legs: number; completed: number } }).totals;
      const counter = count.body as { calls: number; completed: number };
      const row = (route: string, timing: Timing) => ({
        route,
        'first ms': timing.first,
        'p50 ms': timing.p50,
        'p99 ms': timing.p99,
        'max ms': timing.max,
        samples: SAMPLES,
        'response bytes': timing.bytes,
        verdict: verdict(Math.max(timing.first, timing.p99), BUDGET_MS),
      });
      printTable(
        `stats: ${totals.calls.toLocaleString('en-US')} calls, ${totals.legs.toLocaleString('en-US')} legs, among ${ORGS} organisations ` +
          `(${ORGS - 1} more campaigns of ${OTHER_ORG_CALLS.toLocaleString('en-US')} calls) generated in ${generated.toFixed(1)} s; ` +
          `sequential requests on PostgreSQL; budget ${BUDGET_MS} ms`,
        [row('GET /api/admin/campaigns/:id/stats (operator)', stats), row("GET /api/admin/campaigns/:id/stats (the org's API key)", byKey), row('GET /api/campaigns/:id/count', count)],
      );
      const agree = counter.calls === totals.calls && counter.completed === totals.completed && JSON.stringify(byKey.body) === JSON.stringify(stats.body);
      console.log(`counter, stats and the key's stats agree: ${agree ? 'yes' : `NO (count ${JSON.stringify(counter)}, stats totals ${JSON.stringify(totals)})`}`);
      return (
        `stats p99 ${stats.p99.toFixed(1)} ms (first ${stats.first.toFixed(0)} ms) → ${verdict(Math.max(stats.first, stats.p99), BUDGET_MS)}, ` +
        `by the organisation's key p99 ${byKey.p99.toFixed(1)} ms (first ${byKey.first.toFixed(0)} ms) → ${verdict(Math.max(byKey.first, byKey.p99), BUDGET_MS)} (${ORGS} organisations), ` +
        `count p99 ${count.p99.toFixed(1)} ms, over ${totals.calls.toLocaleString('en-US')} calls / ${totals.legs.toLocaleString('en-US')} legs` +
        (agree ? '' : '; COUNTER DISAGREES WITH STATS')
      );
    } finally {
      await server.stop();
    }
  },
};
