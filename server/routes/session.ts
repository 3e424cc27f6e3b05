import type { Context } from 'hono';
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { closeSession, closeSessionsOf, findSession, openSession, SESSION_COOKIE, SESSION_DAYS } from '../auth/sessions.ts';
import type { AppDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import type { ClientEnv } from '../limits/client-ip.ts';
import { peek, reserve, type Window } from '../limits/rate-limit.ts';
import { CSRF_HEADER } from '../middleware/admin-auth.ts';
import { acceptInvite, AcceptInvite, changePassword, checkPassword, findInvite, memberView, PasswordChange, SignIn } from '../orgs/members.ts';
import { orgsOfMember } from '../orgs/orgs.ts';
import type { Db } from '../store/db.ts';
import { members } from '../store/schema.ts';
import { recordAudit } from '../audit/audit.ts';
import { eq } from 'drizzle-orm';
import { validate } from '../validate.ts';

/** Wrong passwords one address may send per minute, and one account may receive per hour, before waiting. */
const SIGN_IN_FAILURES = { perAddressPerMinute: 10, perEmailPerHour: 20 };

const unauthorized = () => new ApiError(401, 'unauthorized', 'Sign in first.');

/** What the dashboard needs after signing in: who, which organisations (with the role in each), and the CSRF token. */
async function sessionBody(db: Db, memberId: string, csrfToken: string) {
  const [member] = await db.select().from(members).where(eq(members.id, memberId));
  const orgs = (await orgsOfMember(db, memberId)).map(({ id, name, role }) => ({ id, name, role }));
  return { member: memberView(member!), orgs, csrfToken };
}

/**
 * Signing in and out, password changes and invitations (admin API, but before any credentials: the
 * admin middleware lets these through, and each checks what it needs itself). The session cookie is
 * HttpOnly (scripts never see it), SameSite=Strict (no other site's page sends it) and Secure when the
 * server is served over https; changes made with it also need its CSRF token.
 */
export function sessionRoutes({ store: { db }, config, log }: AppDeps) {
  const secure = config.publicUrl.startsWith('https:');

  async function signIn(c: Context, memberId: string) {
    const { token, csrfToken } = await openSession(db, memberId);
    setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: 'Strict', secure, path: '/api/admin', maxAge: SESSION_DAYS * 86400 });
    c.header('Cache-Control', 'no-store');
    return c.json(await sessionBody(db, memberId, csrfToken));
  }

  /** The session of this request, with its CSRF token checked when it changes something. */
  async function requireSession(c: Context, change: boolean) {
    const token = getCookie(c, SESSION_COOKIE);
    const session = token ? await findSession(db, token) : undefined;
    if (!token || !session) throw unauthorized();
    if (change && c.req.header(CSRF_HEADER) !== session.csrfToken) {
      throw new ApiError(403, 'csrf_failed', `This change needs the ${CSRF_HEADER} header of your session (sign in again if the page is old).`);
    }
    return { token, session };
  }

  return new Hono<ClientEnv>()
    .post('/session', validate('json', SignIn), async (c) => {
      const { email, password } = c.req.valid('json');
      const windows: Window[] = [
        { key: `sign-in:address:${c.get('client').key}`, limit: SIGN_IN_FAILURES.perAddressPerMinute, seconds: 60 },
        { key: `sign-in:email:${email}`, limit: SIGN_IN_FAILURES.perEmailPerHour, seconds: 3600 },
      ];
      for (const window of windows) {
        const { count, limit, resetIn } = await peek(db, window);
        if (count >= limit) throw new ApiError(429, 'rate_limited', `Too many failed sign-ins. Please try again in ${resetIn} seconds.`, undefined, { 'Retry-After': String(resetIn) });
      }
      const member = await checkPassword(db, email, password);
      if (!member) {
        await reserve(db, windows);
        log(`admin: failed sign-in from ${c.get('client').ip}`);
        throw new ApiError(401, 'unauthorized', 'That email and password do not match an account.');
      }
      return signIn(c, member.id);
    })

    // Signed out is an answer here, not an error: the dashboard asks on every visit, and a first visit is signed out.
    .get('/session', async (c) => {
      const token = getCookie(c, SESSION_COOKIE);
      const session = token ? await findSession(db, token) : undefined;
      c.header('Cache-Control', 'no-store');
      if (!session) return c.json({ member: null, orgs: [], csrfToken: null });
      return c.json(await sessionBody(db, session.memberId, session.csrfToken));
    })

    .delete('/session', async (c) => {
      const { token } = await requireSession(c, true);
      await closeSession(db, token);
      deleteCookie(c, SESSION_COOKIE, { path: '/api/admin', secure, httpOnly: true, sameSite: 'Strict' });
      return c.body(null, 204);
    })

    .post('/session/everywhere', async (c) => {
      const { session } = await requireSession(c, true);
      await closeSessionsOf(db, session.memberId);
      deleteCookie(c, SESSION_COOKIE, { path: '/api/admin', secure, httpOnly: true, sameSite: 'Strict' });
      return c.body(null, 204);
    })

    .put('/me/password', validate('json', PasswordChange), async (c) => {
      const { token, session } = await requireSession(c, true);
      const { currentPassword, newPassword } = c.req.valid('json');
      await changePassword(db, session.memberId, currentPassword, newPassword);
      // Whoever else held a session (a lost laptop, a guessed password) is signed out; this browser stays in.
      await closeSessionsOf(db, session.memberId, token);
      return c.body(null, 204);
    })

    .get('/invites/:token', async (c) => {
      const { org, email, role, expiresAt } = await findInvite(db, c.req.param('token'));
      return c.json({ invite: { org, email, role, expiresAt } });
    })

    .post('/invites/:token/accept', validate('json', AcceptInvite), async (c) => {
      const { member, orgId, role } = await acceptInvite(db, c.req.param('token'), c.req.valid('json'));
      await recordAudit(db, { kind: 'member', id: member.id, label: member.email, orgId, role }, { action: 'invite.accept', objectType: 'member', objectId: member.id, changes: { role } });
      return signIn(c, member.id);
    });
}
