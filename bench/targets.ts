import { loadCongress } from '../server/congress/lookup.ts';
import { type Bench, type BenchContext, atLeast, verdict } from './lib/bench.ts';
import { compareWithFloors, round2 } from './lib/compare.ts';
import { startBenchServer } from './lib/server.ts';

const SAMPLE = 4000;

/**
 * Real ZIPs (those with a ZCTA, split ones included), evenly sampled from the whole range, as target
 * lookup paths for the demo campaign.
 */
export function targetPaths(sample = SAMPLE): { paths: string[]; split: number } {
  const congress = loadCongress();
  const zips: { zip: string; split: boolean }[] = [];
  for (let n = 501; n <= 99950; n++) {
    const location = congress.locate(String(n).padStart(5, '0'));
    if (location?.source === 'zcta') zips.push({ zip: location.zip, split: location.split });
  }
  const step = Math.max(1, zips.length / sample);
  const chosen = Array.from({ length: Math.min(sample, zips.length) }, (_, i) => zips[Math.floor(i * step)]!);
  return {
    paths: chosen.map(({ zip }) => `/api/campaigns/demo/targets?zip=${zip}`),
    split: chosen.filter(({ split }) => split).length,
  };
}

/** Issue 13's goals for the public reads, against bare node:http in the same run. */
const GOAL_OF_BARE = 0.6;
const GOAL_P99_MS = 10;

export const targetsBench: Bench = {
  name: 'targets',
  about: `the public reads (lookup, campaign, counter) against bare node:http and trivial Hono (goal ≥ ${GOAL_OF_BARE}× bare, p99 < ${GOAL_P99_MS} ms)`,
  async run(ctx: BenchContext) {
    const { paths, split } = targetPaths();
    const server = await startBenchServer({ databaseUrl: ctx.databaseUrl });
    try {
      const compared = await compareWithFloors(`public reads (${server.store}; lookups cycle ${paths.length} ZIPs, ${split} split)`, ctx, [
        { label: 'GET /api/campaigns/demo/targets?zip=…', server, options: { paths } },
        { label: 'GET /api/campaigns/demo', server, options: { paths: '/api/campaigns/demo' } },
        { label: 'GET /api/campaigns/demo/count', server, options: { paths: '/api/campaigns/demo/count' } },
        { label: 'GET /health', server, options: { paths: '/health' } },
      ]);
      const routes = compared.slice(2, 5);
      for (const { label, ofBare, result } of routes) {
        console.log(`${label}: ${round2(ofBare)}× bare ${atLeast(ofBare, GOAL_OF_BARE)}, p99 ${result.p99.toFixed(1)} ms ${verdict(result.p99, GOAL_P99_MS)}`);
      }
      return routes.map(({ label, ofBare, result }) => `${label.replace('GET /api/campaigns/demo', '') || 'campaign'} ${round2(ofBare)}× bare p99 ${result.p99.toFixed(1)} ms`).join(', ') + ` (bare ${Math.round(compared[0]!.result.rps)} req/s, ${server.store})`;
    } finally {
      await server.stop();
    }
  },
};
