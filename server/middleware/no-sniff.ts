import type { MiddlewareHandler } from 'hono';
import { setResponseHeaders } from '../http/response-headers.ts';

/**
 * `X-Content-Type-Options: nosniff` on every answer, errors included: a browser then takes each body
 * as the type we declare, so a JSON error or a CSV echoing a caller's text is never run as a script or
 * page (https://developer.mozilla.org/docs/Web/HTTP/Headers/X-Content-Type-Options).
 */
export function noSniff(): MiddlewareHandler {
  return async function noSniff(c, next) {
    await next();
    setResponseHeaders(c, { 'X-Content-Type-Options': 'nosniff' });
  };
}
