import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { Logger } from '../log.ts';
import { fromRoot } from '../paths.ts';
import { type Listener, PostgresNotifications, type Unlisten } from './notifications.ts';
import * as schema from './schema.ts';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Store {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** PostgreSQL's connection pool, read by `/metrics`. */
  pool?: { totalCount: number; idleCount: number; waitingCount: number };
  /**
   * Calls `fn` on each NOTIFY on `channel` by any process on this database (see notifications.ts);
   * resolves once listening.
   */
  listen(channel: string, fn: Listener): Promise<Unlisten>;
  close(): Promise<void>;
}

const migrationsFolder = fromRoot('server/store/migrations');
const MIGRATION_LOCK = 'call-power:migrations';

/** Runs initdb (and our settings) for a new PGlite folder in a child process; see pglite-init.ts. */
function initPglite(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true });
  // The sibling script, as .ts under tsx or .js once compiled; execArgv carries the loader.
  const script = fileURLToPath(import.meta.url).replace(/db\.(ts|js)$/, 'pglite-init.$1');
  const result = spawnSync(process.execPath, [...process.execArgv, script, dataDir], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`could not create the embedded store in ${dataDir}: ${result.stderr || result.error?.message}`);
}

/**
 * Opens the store and applies pending migrations: PostgreSQL when `databaseUrl` is set,
 * else embedded PGlite in `dataDir` (`memory://` keeps it in memory, for tests).
 * Each driver is imported only when used: PGlite alone weighs ~40 MB of memory.
 */
export async function openStore({ databaseUrl, dataDir, log = () => {} }: { databaseUrl?: string; dataDir: string; log?: Logger }): Promise<Store> {
  if (databaseUrl) {
    const [{ default: pg }, { drizzle }, { migrate }] = await Promise.all([
      import('pg'),
      import('drizzle-orm/node-postgres'),
      import('drizzle-orm/node-postgres/migrator'),
    ]);
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
    // An idle client losing its server (restart, failover) must not take the process down.
    pool.on('error', () => {});
    const db = drizzle(pool, { schema });
    // Processes starting together on a new database would each try to create the same tables.
    const lock = await pool.connect();
    try {
      await lock.query('select pg_advisory_lock(hashtext($1))', [MIGRATION_LOCK]);
      await migrate(db, { migrationsFolder });
    } finally {
      await lock.query('select pg_advisory_unlock(hashtext($1))', [MIGRATION_LOCK]).catch(() => {});
      lock.release();
    }
    const notifications = new PostgresNotifications(databaseUrl, log);
    return {
      db,
      kind: 'postgres',
      pool,
      listen: (channel, fn) => notifications.listen(channel, fn),
      async close() {
        await notifications.close();
        await pool.end();
      },
    };
  }
  const [{ PGlite }, { drizzle }, { migrate }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('drizzle-orm/pglite'),
    import('drizzle-orm/pglite/migrator'),
  ]);
  if (!dataDir.startsWith('memory://') && !existsSync(join(dataDir, 'PG_VERSION'))) initPglite(dataDir);
  const client = await PGlite.create(dataDir);
  const db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder });
  return {
    db,
    kind: 'pglite',
    // One process owns PGlite: its own notifications are all there are.
    listen: async (channel, fn) => {
      const unlisten = await client.listen(channel, fn);
      return () => unlisten();
    },
    close: () => client.close(),
  };
}
