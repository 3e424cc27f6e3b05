import { after, afterEach, before } from 'node:test';
import { sql } from 'drizzle-orm';
import { openStore, type Store } from '../../server/store/db.ts';
import { throwawayDatabase } from './postgres.ts';

export { LOCAL_POSTGRES } from './postgres.ts';

export interface TestStore extends Store {
  /** Empties every table between tests. */
  reset(): Promise<void>;
}

/**
 * The store suite runs against PGlite in memory by default, and against PostgreSQL when
 * `DATABASE_URL` is set (CI: postgres://postgres@127.0.0.1:5432/test). On PostgreSQL each test file
 * gets its own throwaway database next to the given one, so files can run in parallel, and drops it after.
 * `connectVia` rewrites the server's URL (e.g. through a proxy that a test can cut).
 */
export async function openTestStore({ url = process.env.DATABASE_URL, connectVia }: { url?: string; connectVia?: (url: URL) => URL } = {}): Promise<TestStore> {
  if (!url) return withReset(await openStore({ dataDir: 'memory://' }));

  const database = await throwawayDatabase(url, 'callpower_test');
  const store = await openStore({ databaseUrl: (connectVia?.(database.url) ?? database.url).toString(), dataDir: '' });
  return withReset({
    ...store,
    async close() {
      await store.close();
      await database.drop();
    },
  });
}

function withReset(store: Store): TestStore {
  return {
    ...store,
    async reset() {
      const { rows } = (await store.db.execute(sql`select tablename from pg_tables where schemaname = 'public'`)) as unknown as {
        rows: { tablename: string }[];
      };
      const tables = sql.join(rows.map(({ tablename }) => sql.identifier(tablename)), sql`, `);
      // A worker a test left running (a janitor sweep, a trigger's NOTIFY) can deadlock with the TRUNCATE: PostgreSQL
      // aborts one side, so try again rather than fail the next test.
      for (let attempt = 1; ; attempt++) {
        try {
          await store.db.execute(sql`TRUNCATE ${tables} RESTART IDENTITY CASCADE`);
          break;
        } catch (error) {
          const code = (error as { cause?: { code?: string } }).cause?.code ?? (error as { code?: string }).code;
          if (code !== '40P01' || attempt >= 5) throw error;
        }
      }
      // As the migration left it: everything without an organisation of its own is the default one's.
      await store.db.execute(sql`INSERT INTO orgs (id, name) VALUES ('default', 'Default')`);
    },
  };
}

/**
 * The store for a whole test file: opened before its first test, emptied after each test (after
 * `beforeReset`, e.g. closing that test's server) and closed after the last. It stands for the store
 * opened in `before`, so tests use it like the store itself.
 */
export function storePerFile(beforeReset?: () => unknown): TestStore {
  let opened: TestStore | undefined;
  before(async () => {
    opened = await openTestStore();
  });
  afterEach(async () => {
    await beforeReset?.();
    await opened?.reset();
  });
  after(() => opened?.close());
  return new Proxy({} as TestStore, {
    get(_, key) {
      if (!opened) throw new Error('the test store is opened in before(): use it inside hooks and tests');
      return Reflect.get(opened, key);
    },
  });
}
