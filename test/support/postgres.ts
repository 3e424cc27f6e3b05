import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL every test machine (and CI) has; throwaway databases are made beside it. */
export const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/test';

export interface ThrowawayDatabase {
  /** The new database, on the same server as the one it was made beside. */
  url: URL;
  /** Drops it, closing whatever connections are still open on it. */
  drop(): Promise<void>;
}

/** A fresh database next to `base` (named `<prefix>_<random>`), for one test file, process group or bench. */
export async function throwawayDatabase(base: string, prefix: string): Promise<ThrowawayDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await adminQuery(base, `CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return { url, drop: () => adminQuery(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function adminQuery(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Whether PostgreSQL answers at `url` (tests and benches that need it skip otherwise). */
export async function postgresReachable(url: string, timeoutMs = 2000): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}
