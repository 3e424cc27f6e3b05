import { and, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Actor } from '../auth/actor.ts';
import { ROLES, isRole, type Role } from '../auth/roles.ts';
import { newId, newToken, tokenHash } from '../auth/tokens.ts';
import { notFound } from '../errors.ts';
import type { Db } from '../store/db.ts';
import { apiKeys } from '../store/schema.ts';

export const KEY_PREFIX = 'cpk_';

export const KeyInput = z.object({ name: z.string().trim().min(1).max(100), role: z.enum(ROLES) });

type KeyRow = typeof apiKeys.$inferSelect;

const keyView = ({ id, name, role, hint, createdBy, createdAt, lastUsedAt }: KeyRow) => ({ id, name, role, hint, createdBy, createdAt, lastUsedAt });

/** A new key; its secret is in this answer only (the store keeps its hash). */
export async function createKey(db: Db, orgId: string, { name, role }: z.output<typeof KeyInput>, by: Actor) {
  const secret = newToken(KEY_PREFIX);
  const [row] = await db
    .insert(apiKeys)
    .values({ id: newId('key'), orgId, name, role, secretHash: tokenHash(secret), hint: secret.slice(-4), createdBy: by.label })
    .returning();
  return { ...keyView(row!), secret };
}

export async function listKeys(db: Db, orgId: string) {
  const rows = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.orgId, orgId), isNull(apiKeys.revokedAt)))
    .orderBy(desc(apiKeys.createdAt));
  return rows.map(keyView);
}

/** Revoked at once: the next request with it is refused (keys are looked up on every request, never cached). */
export async function revokeKey(db: Db, orgId: string, keyId: string): Promise<void> {
  const revoked = await db
    .update(apiKeys)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.orgId, orgId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  if (!revoked.length) throw notFound('API key');
}

/** The live key with this secret, its last use noted (at most once a minute, so a busy script costs no write per request). */
export async function keyBySecret(db: Db, secret: string): Promise<{ id: string; orgId: string; name: string; role: Role } | undefined> {
  const [row] = await db
    .select({ id: apiKeys.id, orgId: apiKeys.orgId, name: apiKeys.name, role: apiKeys.role })
    .from(apiKeys)
    .where(and(eq(apiKeys.secretHash, tokenHash(secret)), isNull(apiKeys.revokedAt)));
  if (!row || !isRole(row.role)) return undefined;
  await db
    .update(apiKeys)
    .set({ lastUsedAt: sql`now()` })
    .where(and(eq(apiKeys.id, row.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, sql`now() - interval '1 minute'`))));
  return { ...row, role: row.role };
}
