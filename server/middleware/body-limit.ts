import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError } from '../errors.ts';

/** Methods whose body no route reads: nothing to limit, and nothing to wait for. */
const BODILESS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses a request body larger than `maxSize` bytes with 413 `body_too_large`, by its Content-Length or
 * while it streams in. `hono/body-limit` reads `c.req.raw.body` first, even on a GET: on
 * @hono/node-server that builds a full undici `Request` with an `AbortSignal`, which takes every read
 * off node-server's fast path. Reads carry no body we would look at, so they skip it.
 */
export function limitBody(maxSize: number): MiddlewareHandler {
  const limit = bodyLimit({
    maxSize,
    onError: () => {
      throw new ApiError(413, 'body_too_large', `The request body is larger than ${maxSize / 1024} KB.`);
    },
  });
  return async function limitBody(c, next) {
    return BODILESS.has(c.req.method) ? next() : limit(c, next);
  };
}
