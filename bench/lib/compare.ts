import type { BenchContext } from './bench.ts';
import { startFloor } from './floor.ts';
import { load, type LoadOptions, type LoadResult, type LoadTarget } from './load.ts';
import { type Cell, printTable } from './table.ts';

/** One row of a comparison: a route of the server under test, loaded as `options` say. */
export interface Route {
  label: string;
  server: LoadTarget;
  options: Omit<LoadOptions, 'connections' | 'duration' | 'warmup'>;
}

export interface Compared {
  label: string;
  result: LoadResult;
  /** Server CPU per response, in microseconds. */
  cpuMicros: number;
  /** Throughput as a share of the bare node:http floor's and the trivial Hono route's, in the same run. */
  ofBare: number;
  ofHono: number;
}

/** Rounds of the whole set: each row keeps its best round, so a burst of other work on the machine costs one round, not the figure. */
const ROUNDS = 2;

const cpuMicros = (result: LoadResult) => (result.rps ? (result.serverCpu / result.rps) * 1e6 : NaN);

/**
 * Measures `routes` against two floors started for the purpose: bare node:http answering a small JSON
 * (the machine) and one trivial Hono route (the framework). Rows are loaded in turn, round after round,
 * so a slow minute on the machine falls on every row alike. Prints one table and returns the figures.
 */
export async function compareWithFloors(title: string, ctx: BenchContext, routes: Route[]): Promise<Compared[]> {
  const floors = await Promise.all([startFloor('bare'), startFloor('hono')]);
  try {
    const rows: Route[] = [
      { label: 'floor: bare node:http, small JSON', server: floors[0], options: { paths: '/' } },
      { label: 'floor: trivial Hono route', server: floors[1], options: { paths: '/' } },
      ...routes,
    ];
    const best: LoadResult[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, row] of rows.entries()) {
        const result = await load(row.server, { ...row.options, connections: ctx.connections, duration: ctx.duration, warmup: 1 });
        if (!best[i] || result.rps > best[i]!.rps) best[i] = result;
      }
    }
    const [bare, hono] = best as [LoadResult, LoadResult];
    const compared = rows.map((row, i) => ({
      label: row.label,
      result: best[i]!,
      cpuMicros: cpuMicros(best[i]!),
      ofBare: best[i]!.rps / bare.rps,
      ofHono: best[i]!.rps / hono.rps,
    }));
    printTable(
      `${title}: ${ctx.connections} connections × ${ctx.duration} s, best of ${ROUNDS} alternated rounds`,
      compared.map(({ label, result, cpuMicros, ofBare, ofHono }): Record<string, Cell> => ({
        route: label,
        'req/s': Math.round(result.rps),
        '× bare': round2(ofBare),
        '× Hono': round2(ofHono),
        'p50 ms': result.p50,
        'p99 ms': result.p99,
        'CPU µs/req': Math.round(cpuMicros),
        'server CPU %': Math.round(result.serverCpu * 100),
        'loader CPU %': Math.round(result.loaderCpu * 100),
        'non-2xx': result.non2xx,
        errors: result.errors,
      })),
    );
    return compared;
  } finally {
    await Promise.all(floors.map((floor) => floor.stop()));
  }
}

export const round2 = (value: number) => Math.round(value * 100) / 100;
