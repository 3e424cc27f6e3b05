import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { burstBench } from './burst.ts';
import { idleBench } from './idle.ts';
import type { Bench, BenchContext } from './lib/bench.ts';
import { memoryBench } from './memory.ts';
import { replicasBench } from './replicas.ts';
import { statsBench } from './stats.ts';
import { targetsBench } from './targets.ts';
import { twimlBench } from './twiml.ts';

const BENCHES: Bench[] = [targetsBench, memoryBench, twimlBench, idleBench, statsBench, burstBench, replicasBench];

const usage = `npm run bench [-- [name…] [--duration seconds] [--connections n]]   (defaults: all, 6 s, 32)
${BENCHES.map((bench) => `  ${bench.name.padEnd(8)} ${bench.about}`).join('\n')}
BENCH_DATABASE_URL=postgres://…  servers use throwaway databases next to it, else PGlite in a temporary folder
                                 (stats and replicas always need PostgreSQL: postgres://postgres@127.0.0.1:5432/test by default)
BENCH_CPU_PROF=<dir>             each server writes a V8 CPU profile there when it stops`;

function readArgs() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        duration: { type: 'string', default: '6' },
        connections: { type: 'string', default: '32' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
}

const { values, positionals } = readArgs();
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const unknown = positionals.filter((name) => !BENCHES.some((bench) => bench.name === name));
const ctx: BenchContext = {
  duration: Number(values.duration),
  connections: Number(values.connections),
  databaseUrl: process.env.BENCH_DATABASE_URL || undefined,
};
// Bounded load only: a typo must not turn into an hour of hammering.
if (unknown.length || !(ctx.duration > 0 && ctx.duration <= 60) || !(Number.isInteger(ctx.connections) && ctx.connections >= 1 && ctx.connections <= 200)) {
  console.error(`${unknown.length ? `unknown bench: ${unknown.join(', ')}\n` : 'duration must be 1–60 s and connections 1–200\n'}${usage}`);
  process.exit(2);
}

const selected = positionals.length ? BENCHES.filter((bench) => positionals.includes(bench.name)) : BENCHES;
const summaries: string[] = [];
let broken = false;
const started = performance.now();
// Other work on the machine skews every figure: say how busy it was.
const machine = `node ${process.version}, ${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(1)} at start`;
for (const bench of selected) {
  console.log(`\n== ${bench.name}: ${bench.about}`);
  try {
    summaries.push(`${bench.name}: ${await bench.run(ctx)}`);
  } catch (error) {
    broken = true;
    console.error(error);
    summaries.push(`${bench.name}: HARNESS FAILED: ${(error as Error).message.split('\n')[0]}`);
  }
}
console.log(`\n== summary (${Math.round((performance.now() - started) / 1000)} s; ${machine})`);
for (const line of summaries) console.log(line);
process.exit(broken ? 1 : 0);
