import type { MiddlewareHandler } from 'hono';
import { setResponseHeaders } from '../http/response-headers.ts';

export interface PublicCorsOptions {
  /** `'*'`, or the exact origins whose pages may read our answers. */
  origins: '*' | readonly string[];
}

const ALLOW_METHODS = 'GET,POST';
const ALLOW_HEADERS = 'Content-Type';
/** The widget reads Retry-After from a 429 to say when to try again. */
const EXPOSE_HEADERS = 'Retry-After';
/** Seconds a browser may keep a preflight's answer. */
const MAX_AGE = '600';

/**
 * CORS for the routes the widget calls from campaigns' pages: answers, errors and preflights.
 *
 * The same headers `hono/cors` would send, set on the finished answer. `hono/cors` sets them on `c.res`
 * before `next()`, which makes a placeholder response: Hono's `set res` then rebuilds the route's answer
 * as a full undici `Response` with a stream body, and @hono/node-server sends it on its slow path —
 * about a third of a lookup's CPU, and the garbage behind its full GCs. See response-headers.ts.
 */
export function publicCors({ origins }: PublicCorsOptions): MiddlewareHandler {
  const anyOrigin = origins === '*';
  const allowed = (origin: string | undefined) => (anyOrigin ? '*' : origin && origins.includes(origin) ? origin : undefined);
  return async function publicCors(c, next) {
    const allowOrigin = allowed(c.req.header('origin'));
    if (c.req.method === 'OPTIONS') {
      const headers: Record<string, string> = {
        ...(allowOrigin ? { 'Access-Control-Allow-Origin': allowOrigin } : {}),
        'Access-Control-Expose-Headers': EXPOSE_HEADERS,
        'Access-Control-Max-Age': MAX_AGE,
        'Access-Control-Allow-Methods': ALLOW_METHODS,
        'Access-Control-Allow-Headers': ALLOW_HEADERS,
        // The answer names the origin it grants, and lists the headers allowed whatever was asked.
        Vary: anyOrigin ? 'Access-Control-Request-Headers' : 'Origin, Access-Control-Request-Headers',
      };
      return c.body(null, 204, headers);
    }
    await next();
    setResponseHeaders(c, {
      'Access-Control-Allow-Origin': allowOrigin,
      'Access-Control-Expose-Headers': EXPOSE_HEADERS,
      Vary: anyOrigin ? undefined : 'Origin',
    });
  };
}
