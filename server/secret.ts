import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from './store/db.ts';
import { settings } from './store/schema.ts';

/**
 * The key for phone-number hashes: `SECRET_KEY` when set, else one generated on first start and
 * kept in the store, so hashes (limits, blocklists) stay comparable across restarts and processes.
 */
export async function loadSecretKey(db: Db, configured?: string): Promise<string> {
  if (configured) return configured;
  await db.insert(settings).values({ key: 'secret_key', value: randomBytes(32).toString('base64url') }).onConflictDoNothing();
  const [row] = await db.select().from(settings).where(eq(settings.key, 'secret_key'));
  return row!.value;
}
