import type { MiddlewareHandler } from 'hono';
import type { RequestIdVariables } from 'hono/request-id';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';

export interface ObserveOptions {
  metrics: Metrics;
  /** Where to write the access lines; none in text logs, where a line per request would bury the ones people read. */
  accessLog?: Logger;
}

/**
 * Counts and times each request under its route pattern, and writes one access line for it with the
 * request id. The pattern is the handler that answered (`c.req.routePath` once the chain has run):
 * the path itself would put call ids and tokens into labels and logs. The query string and body are never logged.
 */
export function observe({ metrics, accessLog }: ObserveOptions): MiddlewareHandler<{ Variables: RequestIdVariables }> {
  return async function observe(c, next) {
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    const { method } = c.req;
    const route = c.req.routePath;
    const { status } = c.res;
    metrics.httpRequests.inc({ method, route, status });
    metrics.httpDuration.observe({ method, route }, seconds);
    if (!accessLog) return;
    const ms = Math.round(seconds * 10_000) / 10;
    const callId = route.includes('/calls/:id') ? c.req.param('id') : undefined;
    accessLog(`${method} ${route} ${status} ${ms} ms`, { reqId: c.get('requestId'), method, route, status, ms, callId });
  };
}

