/** What every benchmark gets: the load shape to use and where its servers keep their data. */
export interface BenchContext {
  /** Seconds each measured load runs (a short warm-up comes before it). */
  duration: number;
  /** Concurrent connections of each load. */
  connections: number;
  /** PostgreSQL to create throwaway databases next to; unset → PGlite in a temporary folder. */
  databaseUrl?: string;
}

/**
 * One benchmark: it starts the servers it needs, prints its own tables and returns a one-line
 * summary for the end of the run. It throws only when the harness itself breaks; a slow figure is
 * printed with its verdict, never thrown.
 */
export interface Bench {
  name: string;
  /** What it measures, in a line. */
  about: string;
  run(ctx: BenchContext): Promise<string>;
}

/** A printed verdict against a budget: the number is the figure and the limit, in the same unit. */
export const verdict = (value: number, limit: number) => (value < limit ? 'PASS' : 'OVER');

/** A printed verdict against a floor: the figure must reach `goal`. */
export const atLeast = (value: number, goal: number) => (value >= goal ? 'PASS' : 'UNDER');
