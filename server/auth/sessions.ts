import { and, eq, gt, lt, sql } from 'drizzle-orm';
import type { Db } from '../store/db.ts';
import { members, sessions } from '../store/schema.ts';
import { newToken, tokenHash } from './tokens.ts';

export const SESSION_COOKIE = 'callpower_session';
/** A session unused this long ends; each use (at most hourly) moves the end on. */
export const SESSION_DAYS = 14;

export interface SessionRow {
  memberId: string;
  email: string;
  csrfToken: string;
}

/** A new session: the cookie's token (kept only hashed) and the CSRF token the dashboard echoes. */
export async function openSession(db: Db, memberId: string): Promise<{ token: string; csrfToken: string }> {
  const token = newToken();
  const csrfToken = newToken();
  await db.insert(sessions).values({
    tokenHash: tokenHash(token),
    memberId,
    csrfToken,
    expiresAt: sql`now() + make_interval(days => ${SESSION_DAYS})`,
  });
  return { token, csrfToken };
}

/** The live session for a cookie's token, or undefined. */
export async function findSession(db: Db, token: string): Promise<SessionRow | undefined> {
  const hash = tokenHash(token);
  const [row] = await db
    .select({ memberId: sessions.memberId, email: members.email, csrfToken: sessions.csrfToken, lastSeenAt: sessions.lastSeenAt })
    .from(sessions)
    .innerJoin(members, eq(members.id, sessions.memberId))
    .where(and(eq(sessions.tokenHash, hash), gt(sessions.expiresAt, sql`now()`)));
  if (!row) return undefined;
  if (Date.now() - row.lastSeenAt.getTime() > 3600_000) {
    await db
      .update(sessions)
      .set({ lastSeenAt: sql`now()`, expiresAt: sql`now() + make_interval(days => ${SESSION_DAYS})` })
      .where(eq(sessions.tokenHash, hash));
  }
  return { memberId: row.memberId, email: row.email, csrfToken: row.csrfToken };
}

export async function closeSession(db: Db, token: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash(token)));
}

/** Signs a member out everywhere, but for the session `keep` (a password change keeps the browser that made it). */
export async function closeSessionsOf(db: Db, memberId: string, keep?: string): Promise<void> {
  const others = keep ? sql`${sessions.tokenHash} <> ${tokenHash(keep)}` : sql`true`;
  await db.delete(sessions).where(and(eq(sessions.memberId, memberId), others));
}

/** Expired sessions, for the janitor. */
export async function sweepSessions(db: Db): Promise<number> {
  const gone = await db.delete(sessions).where(lt(sessions.expiresAt, sql`now()`)).returning({ hash: sessions.tokenHash });
  return gone.length;
}
