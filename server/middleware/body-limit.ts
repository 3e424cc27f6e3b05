import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError } from '../errors.ts';

/** Methods whose body no route reads (and which answer as if it were not there): nothing to limit. */
const BODILESS = new Set(['GET', 'HEAD']);

/**
 * Refuses a request body larger than `maxSize` bytes with 413 `body_too_large`, by its Content-Length or
 * while it streams in. `hono/body-limit` reads `c.req.raw.body` first, even on a GET: on
 * @hono/node-server that builds a full undici `Request` with an `AbortSignal`, which takes the request
 * off node-server's fast path. So reads, which carry no body we would look at, skip it, and a
 * body with a Content-Length (and no Transfer-Encoding, which would override it) is judged by that header,
 * as `hono/body-limit` itself does; only a chunked body is counted as it streams.
 */
export function limitBody(maxSize: number): MiddlewareHandler {
  const tooLarge = () => new ApiError(413, 'body_too_large', `The request body is larger than ${maxSize / 1024} KB.`);
  const limit = bodyLimit({
    maxSize,
    onError: () => {
      throw tooLarge();
    },
  });
  return async function limitBody(c, next) {
    if (BODILESS.has(c.req.method)) return next();
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return limit(c, next);
    if (parseInt(length, 10) > maxSize) throw tooLarge();
    return next();
  };
}
