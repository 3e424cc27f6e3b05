import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Bench, type BenchContext, verdict } from './lib/bench.ts';
import { load } from './lib/load.ts';
import { rssOf } from './lib/proc.ts';
import { startBenchServer } from './lib/server.ts';
import { type Cell, megabytes, printTable } from './lib/table.ts';
import { targetPaths } from './targets.ts';

/** Issue 4: server memory with the Congress data loaded. */
const BUDGET_MB = 150;
/** Lets start-up garbage and the last responses settle before a reading. */
const SETTLE_MS = 1000;

export const memoryBench: Bench = {
  name: 'memory',
  about: `server RSS with the Congress data loaded: first start, restart, under the targets load (budget ${BUDGET_MB} MB)`,
  async run(ctx: BenchContext) {
    const { paths } = targetPaths();
    const rows: Record<string, Cell>[] = [{ moment: 'node running nothing (floor)', 'RSS MB': megabytes(await floorRss()) }];
    let server = await startBenchServer({ databaseUrl: ctx.databaseUrl });
    try {
      const reading = async (moment: string, rss?: number) => {
        await sleep(SETTLE_MS);
        const mb = megabytes(rss ?? server.rss());
        const live = await server.liveMemory();
        rows.push({ moment, 'RSS MB': mb, 'live heap MB': megabytes(live.heapUsed), 'live external MB': megabytes(live.external), verdict: verdict(mb, BUDGET_MB) });
        return mb;
      };
      const first = await reading('first start (new store), idle');
      server = await server.restart();
      const restarted = await reading('restart on that store, idle');
      const { peakRss, requests } = await load(server, { paths, connections: ctx.connections, duration: ctx.duration });
      const peak = megabytes(peakRss);
      rows.push({ moment: `peak during ${requests.toLocaleString('en-US')} target lookups`, 'RSS MB': peak, verdict: verdict(peak, BUDGET_MB) });
      const after = await reading('after the load');
      printTable(`memory: the server process (${server.store}), VmRSS from /proc; live = its process.memoryUsage() after a forced GC`, rows);
      const worst = Math.max(restarted, peak, after);
      return `RSS ${first} MB on first start, ${restarted} MB restarted, ${peak} MB peak under load, ${after} MB after → ${verdict(worst, BUDGET_MB)} (budget ${BUDGET_MB} MB, ${server.store})`;
    } finally {
      await server.stop();
    }
  },
};

/** What any Node server pays before its own code. */
async function floorRss(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
  try {
    await sleep(SETTLE_MS);
    return rssOf(child.pid!);
  } finally {
    child.kill();
  }
}
