import { loadCongress } from '../server/congress/lookup.ts';
import { type Bench, type BenchContext } from './lib/bench.ts';
import { load, loadRow } from './lib/load.ts';
import { startBenchServer } from './lib/server.ts';
import { printTable } from './lib/table.ts';

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

export const targetsBench: Bench = {
  name: 'targets',
  about: 'req/s and latency of the Congress lookup route vs /health on the same server',
  async run(ctx: BenchContext) {
    const { paths, split } = targetPaths();
    const server = await startBenchServer({ databaseUrl: ctx.databaseUrl });
    try {
      const shape = { connections: ctx.connections, duration: ctx.duration, warmup: 1 };
      const targets = await load(server, { ...shape, paths });
      const health = await load(server, { ...shape, paths: '/health' });
      const ratio = Number((targets.rps / health.rps).toPrecision(2));
      printTable(`targets: ${ctx.connections} connections × ${ctx.duration} s each, ${server.store}, ${paths.length} ZIPs cycled (${split} split)`, [
        loadRow('GET /api/campaigns/demo/targets?zip=…', targets),
        loadRow('GET /health', health),
      ]);
      console.log(`targets/health throughput ratio: ${ratio}`);
      return `targets ${Math.round(targets.rps)} req/s, p99 ${targets.p99.toFixed(1)} ms = ${ratio}× /health (${Math.round(health.rps)} req/s, p99 ${health.p99.toFixed(1)} ms)`;
    } finally {
      await server.stop();
    }
  },
};
