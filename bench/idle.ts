import { setTimeout as sleep } from 'node:timers/promises';
import { type Bench, type BenchContext, verdict } from './lib/bench.ts';
import { cpuSecondsOf } from './lib/proc.ts';
import { startBenchServer } from './lib/server.ts';

/** Issue 13: a server with nothing to do uses at most this share of one core. */
const BUDGET_PERCENT = 0.2;
/**
 * Start-up's tail is not idleness: besides the first sweeps, V8's memory reducer runs one or two full
 * collections (~100–150 ms) some 15–35 s after the start-up allocations stop.
 */
const SETTLE_MS = 40_000;
/** Two call-again ticks and a fallback poll of each worker, with /proc's 10 ms ticks under 0.02 % of it. */
const MEASURE_MS = 60_000;

export const idleBench: Bench = {
  name: 'idle',
  about: `server CPU while nothing happens, over ${MEASURE_MS / 1000} s after ${SETTLE_MS / 1000} s to settle (budget ${BUDGET_PERCENT} % of a core)`,
  async run(ctx: BenchContext) {
    const server = await startBenchServer({ databaseUrl: ctx.databaseUrl });
    try {
      await sleep(SETTLE_MS);
      const before = cpuSecondsOf(server.pid);
      const started = performance.now();
      await sleep(MEASURE_MS);
      const seconds = cpuSecondsOf(server.pid) - before;
      const percent = (seconds / ((performance.now() - started) / 1000)) * 100;
      const line = `${percent.toFixed(2)} % of a core (${Math.round(seconds * 1000)} ms CPU in ${MEASURE_MS / 1000} s) → ${verdict(percent, BUDGET_PERCENT)} (budget ${BUDGET_PERCENT} %, ${server.store})`;
      console.log(`idle server: ${line}`);
      return line;
    } finally {
      await server.stop();
    }
  },
};
