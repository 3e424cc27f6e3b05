import autocannon from 'autocannon';
import { cpuSecondsOf, sampleRss } from './proc.ts';

/** A server process to load: where it listens, and its pid (to read its CPU and memory). */
export interface LoadTarget {
  url: string;
  pid: number;
}

/** What one request changes from the load's defaults. */
export interface RequestShape {
  path?: string;
  /** Added to (or replacing) the load's headers. */
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadOptions {
  /** One path, or several cycled through request by request. */
  paths: string | readonly string[];
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /**
   * Shapes request `index` (0, 1, 2… in the order requests are built; a few more are built than sent,
   * one per connection, when the load ends by count or time).
   */
  request?: (index: number) => RequestShape;
  /** Sees every response: status, body, and headers with lower-case names. */
  onResponse?: (status: number, body: string, headers: Record<string, string>) => void;
  connections: number;
  /** Seconds to run, or `amount` requests: one of the two bounds the load. */
  duration?: number;
  amount?: number;
  /** Seconds of unmeasured load first, so the server's code is warm. */
  warmup?: number;
}

export interface LoadResult {
  requests: number;
  rps: number;
  /** Latency percentiles over every response, in milliseconds. */
  p50: number;
  p99: number;
  max: number;
  /** Connection errors and timeouts. */
  errors: number;
  non2xx: number;
  /** Responses per status code. */
  statuses: Record<number, number>;
  /** The server's CPU use over the load, in cores (1 = one core busy throughout). */
  serverCpu: number;
  /** This process's CPU use over the load, in cores: near 1 means the load generator, not the server, set the pace. */
  loaderCpu: number;
  /** The server's highest RSS seen during the load, in bytes. */
  peakRss: number;
}

/** The value at quantile `q` of ascending `sorted` (nearest rank). */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/**
 * Loads `server` from this process over loopback with autocannon, bounded by time or count.
 * Latencies are collected per response (autocannon's own histogram rounds to whole milliseconds).
 */
export async function load(server: LoadTarget, options: LoadOptions): Promise<LoadResult> {
  if (options.warmup) await run(server, { ...options, duration: options.warmup, amount: undefined });
  const cpuBefore = cpuSecondsOf(server.pid);
  const loaderBefore = process.cpuUsage();
  const rss = sampleRss(server.pid);
  const started = performance.now();
  const { result, latencies, statuses } = await run(server, options);
  const seconds = (performance.now() - started) / 1000;
  const peakRss = rss.stop();
  const loader = process.cpuUsage(loaderBefore);
  latencies.sort();
  return {
    requests: latencies.length,
    rps: latencies.length / result.duration,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    max: latencies[latencies.length - 1] ?? NaN,
    errors: result.errors,
    non2xx: result.non2xx,
    statuses,
    serverCpu: (cpuSecondsOf(server.pid) - cpuBefore) / seconds,
    loaderCpu: (loader.user + loader.system) / 1e6 / seconds,
    peakRss,
  };
}

async function run(server: LoadTarget, options: LoadOptions) {
  if (!options.amount && !options.duration) throw new Error('a load needs a duration or an amount');
  const paths = typeof options.paths === 'string' ? [options.paths] : options.paths;
  let next = 0;
  const collected: number[] = [];
  const statuses: Record<number, number> = {};
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: server.url,
        connections: options.connections,
        ...(options.amount ? { amount: options.amount } : { duration: options.duration }),
        method: options.method ?? 'GET',
        headers: options.headers,
        body: options.body,
        requests: [
          {
            setupRequest: (request) => {
              const index = next++;
              const shape = options.request?.(index) ?? {};
              return {
                ...request,
                path: shape.path ?? paths[index % paths.length]!,
                headers: { ...request.headers, ...shape.headers },
                ...(shape.body === undefined ? {} : { body: shape.body }),
              };
            },
            onResponse: options.onResponse && ((status, body, _context, headers) => options.onResponse!(status, body, lowerCaseNames(headers))),
          },
        ],
      },
      (error, result: autocannon.Result) => (error ? reject(error) : resolve(result)),
    );
    // autocannon's typings omit the client it passes first.
    (instance as unknown as NodeJS.EventEmitter).on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      collected.push(ms);
      statuses[status] = (statuses[status] ?? 0) + 1;
    });
  });
  return { result, latencies: Float64Array.from(collected), statuses };
}

function lowerCaseNames(headers: Record<string, string | string[] | undefined> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), [value ?? ''].flat().join(', ')]));
}

/** A row of figures for `printTable`. */
export function loadRow(label: string, result: LoadResult) {
  return {
    route: label,
    'req/s': Math.round(result.rps),
    'p50 ms': result.p50,
    'p99 ms': result.p99,
    'max ms': result.max,
    requests: result.requests,
    errors: result.errors,
    non2xx: result.non2xx,
    'server CPU %': Math.round(result.serverCpu * 100),
    'loader CPU %': Math.round(result.loaderCpu * 100),
  };
}
