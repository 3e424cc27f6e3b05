import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { errorBody } from '../errors.ts';
import type { ClientEnv } from '../limits/client-ip.ts';
import { peek, reserve, type Window } from '../limits/rate-limit.ts';
import type { Logger } from '../log.ts';
import type { Db } from '../store/db.ts';

export interface AdminAuthOptions {
  token: string;
  /** Where failed attempts are counted (shared by every server process). */
  db: Db;
  log: Logger;
  /** Failed attempts one address may make per minute before it must wait. */
  failuresPerMinute?: number;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * `Authorization: Bearer <ADMIN_TOKEN>`; anything else — missing, malformed or wrong — is a 401
 * with the same body, so a prober learns nothing. (Hono's bearerAuth answers 400 to a malformed header.)
 * Failures are logged (the address, never what was sent) and counted per client address: past the
 * limit every request from it is a 429 until the minute ends, right token or not, so guessing is as
 * slow as the limit whatever the answers say.
 */
export function adminAuth({ token, db, log, failuresPerMinute = 10 }: AdminAuthOptions): MiddlewareHandler<ClientEnv> {
  const expected = digest(token);
  return async function adminAuth(c, next) {
    const client = c.get('client');
    const failures: Window = { key: `admin-auth:${client.key}`, limit: failuresPerMinute, seconds: 60 };
    const counted = await peek(db, failures);
    if (counted.count >= counted.limit) {
      c.header('Retry-After', String(counted.resetIn));
      return c.json(errorBody('rate_limited', `Too many failed sign-ins from your network. Please try again in ${counted.resetIn} seconds.`), 429);
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
    if (!match || !timingSafeEqual(digest(match[1]!), expected)) {
      await reserve(db, [failures]);
      log(`admin: refused ${c.req.method} ${c.req.path} from ${client.ip}: ${match ? 'wrong token' : 'no bearer token'}`);
      c.header('WWW-Authenticate', 'Bearer realm="call-power admin"');
      return c.json(errorBody('unauthorized', 'A valid admin token is required (Authorization: Bearer …).'), 401);
    }
    await next();
  };
}
