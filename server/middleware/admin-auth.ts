import { createHash, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { type Actor, type ActorEnv, DEFAULT_ORG } from '../auth/actor.ts';
import { atLeast, ruleFor, type RouteRule } from '../auth/roles.ts';
import { findSession, SESSION_COOKIE } from '../auth/sessions.ts';
import { recordAudit } from '../audit/audit.ts';
import { ApiError, errorBody, notFound } from '../errors.ts';
import type { ClientEnv } from '../limits/client-ip.ts';
import { peek, reserve, type Window } from '../limits/rate-limit.ts';
import type { Logger } from '../log.ts';
import { KEY_PREFIX, keyBySecret } from '../orgs/keys.ts';
import { roleIn } from '../orgs/members.ts';
import { findOrg, orgsOfMember } from '../orgs/orgs.ts';
import type { Db } from '../store/db.ts';
import { campaigns } from '../store/schema.ts';

export interface AdminAuthOptions {
  token: string;
  /** Where failed attempts are counted (shared by every server process). */
  db: Db;
  log: Logger;
  /** Failed attempts one address may make per minute before it must wait. */
  failuresPerMinute?: number;
}

/** What a route tells the audit log beyond its rule: the object it made, the fields it changed, the organisation it made. */
export type AuditEnv = { Variables: { auditObject?: string; auditChanges?: Record<string, unknown>; auditOrg?: string } };
export type AdminEnv = ClientEnv & ActorEnv & AuditEnv;

/** The header that picks the organisation for the operator and for members of several. */
export const ORG_HEADER = 'CallPower-Org';
export const CSRF_HEADER = 'X-CSRF-Token';

const digest = (value: string) => createHash('sha256').update(value).digest();
/** Compares digests, so neither the secret's content nor its length shows in the time taken. */
export const sameSecret = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

const ARTICLE = { viewer: 'a viewer', editor: 'an editor', admin: 'an admin', owner: 'an owner' } as const;

/** Who sent this, before their organisation is known; null: no credentials, or wrong ones. */
type Caller =
  | { kind: 'operator' }
  | { kind: 'key'; id: string; name: string; orgId: string; role: Actor['role'] }
  | { kind: 'member'; id: string; email: string; csrfToken: string };

/**
 * Every admin request but signing in: who is asking (the operator's ADMIN_TOKEN, an organisation's API key,
 * or a member's session cookie), in which organisation, and whether their role there may use the route
 * (auth/roles.ts). Missing or wrong credentials are a 401 with the same body whatever was wrong, counted
 * per client address (past the limit every request from it is a 429 until the minute ends, right
 * credentials or not). Another organisation — named in the path, the `CallPower-Org` header, or owning
 * the campaign in the path — is a 404, the same as one that does not exist, so ids do not leak. A
 * session's changes need its CSRF token. Every change that succeeds is written to the audit log.
 */
export function adminAuth({ token, db, log, failuresPerMinute = 10 }: AdminAuthOptions): MiddlewareHandler<AdminEnv> {
  const refuse = async (c: Context<AdminEnv>, failures: Window, why: string) => {
    // A wrong token may be a guess at a weak ADMIN_TOKEN; a stale cookie is a browser signed out (its 256 bits are not guessed).
    if (c.req.header('authorization') !== undefined) await reserve(db, [failures]);
    log(`admin: refused ${c.req.method} ${c.req.path} from ${c.get('client').ip}: ${why}`);
    c.header('WWW-Authenticate', 'Bearer realm="call-power admin"');
    return c.json(errorBody('unauthorized', 'Sign in, or send a valid admin token or API key (Authorization: Bearer …).'), 401);
  };

  async function identify(c: Context<AdminEnv>): Promise<Caller | string> {
    const header = c.req.header('authorization');
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!match) return 'malformed authorization header';
      const secret = match[1]!;
      if (sameSecret(secret, token)) return { kind: 'operator' };
      const key = secret.startsWith(KEY_PREFIX) ? await keyBySecret(db, secret) : undefined;
      return key ? { kind: 'key', ...key } : 'wrong token';
    }
    const cookie = getCookie(c, SESSION_COOKIE);
    const session = cookie ? await findSession(db, cookie) : undefined;
    if (session) return { kind: 'member', id: session.memberId, email: session.email, csrfToken: session.csrfToken };
    return cookie ? 'unknown or expired session' : 'no credentials';
  }

  /** The organisation the request acts in, and the caller's role there. */
  async function actorFor(caller: Caller, wanted: string | undefined): Promise<Actor> {
    if (caller.kind === 'operator') {
      const orgId = wanted ?? DEFAULT_ORG;
      if (!(await findOrg(db, orgId))) throw notFound('Organisation');
      return { kind: 'operator', id: 'operator', label: 'operator', orgId, role: 'owner' };
    }
    if (caller.kind === 'key') {
      if (wanted !== undefined && wanted !== caller.orgId) throw notFound('Organisation');
      return { kind: 'key', id: caller.id, label: caller.name, orgId: caller.orgId, role: caller.role };
    }
    const orgId = wanted ?? (await orgsOfMember(db, caller.id))[0]?.id;
    if (orgId === undefined) throw new ApiError(403, 'no_organisation', 'You are not a member of any organisation any more.');
    const role = await roleIn(db, caller.id, orgId);
    if (!role) throw notFound('Organisation');
    return { kind: 'member', id: caller.id, label: caller.email, orgId, role };
  }

  function assertAllowed(rule: RouteRule, actor: Actor): void {
    if (rule.access === 'operator') {
      if (actor.kind !== 'operator') throw new ApiError(403, 'forbidden', 'Only the server operator (ADMIN_TOKEN) may do this.');
    } else if (rule.access !== 'signedOut' && !atLeast(actor.role, rule.access)) {
      throw new ApiError(403, 'forbidden', `This needs the ${rule.access} role; you are ${ARTICLE[actor.role]}.`, undefined);
    }
  }

  /** A campaign in the path is the actor's organisation's, or as good as absent. */
  async function assertCampaignOwned(campaignId: string, orgId: string): Promise<void> {
    const [row] = await db.select({ orgId: campaigns.orgId }).from(campaigns).where(eq(campaigns.id, campaignId));
    if (row?.orgId !== orgId) throw notFound('Campaign');
  }

  return async function adminAuth(c, next) {
    const { rule, params } = ruleFor(c.req.method, c.req.path.slice('/api/admin'.length) || '/');
    if (rule.access === 'signedOut') return next();

    const client = c.get('client');
    const failures: Window = { key: `admin-auth:${client.key}`, limit: failuresPerMinute, seconds: 60 };
    const counted = await peek(db, failures);
    if (counted.count >= counted.limit) {
      c.header('Retry-After', String(counted.resetIn));
      return c.json(errorBody('rate_limited', `Too many failed sign-ins from your network. Please try again in ${counted.resetIn} seconds.`), 429);
    }
    const caller = await identify(c);
    if (typeof caller === 'string') return refuse(c, failures, caller);

    const actor = await actorFor(caller, params.orgId ?? c.req.header(ORG_HEADER));
    assertAllowed(rule, actor);
    if (caller.kind === 'member' && !['GET', 'HEAD'].includes(c.req.method) && !sameSecret(c.req.header(CSRF_HEADER) ?? '', caller.csrfToken)) {
      throw new ApiError(403, 'csrf_failed', `This change needs the ${CSRF_HEADER} header of your session (sign in again if the page is old).`);
    }
    if (params.id !== undefined && c.req.path.startsWith('/api/admin/campaigns/')) await assertCampaignOwned(params.id, actor.orgId);
    c.set('actor', actor);
    await next();

    if (rule.audit && c.res.status < 300) {
      const [objectType = 'org'] = rule.audit.split('.');
      const objectId = c.get('auditObject') ?? params.keyId ?? params.memberId ?? params.inviteId ?? params.id ?? params.orgId;
      const changes = c.get('auditChanges') ?? (await requestFields(c));
      await recordAudit(db, { ...actor, orgId: c.get('auditOrg') ?? actor.orgId }, { action: rule.audit, objectType, objectId, changes }).catch((error) =>
        log(`error: audit log: cannot record ${rule.audit} by ${actor.kind} ${actor.id}: ${(error as Error).message}`),
      );
    }
  };
}

/** The JSON the request sent (already read by its validator, so this is the parsed copy), or nothing. */
async function requestFields(c: Context): Promise<Record<string, unknown> | undefined> {
  if (!/json/i.test(c.req.header('content-type') ?? '')) return undefined;
  const body: unknown = await c.req.json().catch(() => undefined);
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
}
