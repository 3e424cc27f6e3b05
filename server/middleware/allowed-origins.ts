import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.ts';

export interface AllowedOriginsOptions {
  /** `'*'`, or the exact origins whose pages may place calls. */
  origins: '*' | readonly string[];
}

/**
 * Refuses writes from pages on other origins. CORS alone only hides the response from such a page;
 * the call would still be placed. Requests without an Origin (not from a browser) pass: they could
 * forge one anyway, and the per-caller and per-IP limits apply to them.
 */
export function allowedOrigins({ origins }: AllowedOriginsOptions): MiddlewareHandler {
  return async function allowedOrigins(c, next) {
    const origin = c.req.header('origin');
    if (c.req.method === 'POST' && origin && origins !== '*' && !origins.includes(origin)) {
      throw new ApiError(403, 'origin_not_allowed', `Calls cannot be placed from pages on ${origin}.`);
    }
    await next();
  };
}
