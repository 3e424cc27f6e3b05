import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { errorBody } from '../errors.ts';

export interface AdminAuthOptions {
  token: string;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * `Authorization: Bearer <ADMIN_TOKEN>`; anything else — missing, malformed or wrong — is a 401
 * with the same body, so a prober learns nothing. (Hono's bearerAuth answers 400 to a malformed header.)
 */
export function adminAuth({ token }: AdminAuthOptions): MiddlewareHandler {
  const expected = digest(token);
  return async function adminAuth(c, next) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
    if (!match || !timingSafeEqual(digest(match[1]!), expected)) {
      c.header('WWW-Authenticate', 'Bearer realm="call-power admin"');
      return c.json(errorBody('unauthorized', 'A valid admin token is required (Authorization: Bearer …).'), 401);
    }
    await next();
  };
}
