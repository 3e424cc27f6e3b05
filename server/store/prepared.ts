import type { Db } from './db.ts';

const built = new WeakMap<Db, Map<string, unknown>>();

/**
 * The statement named `name` on this store, built by `build` the first time it is asked for. drizzle's
 * `.prepare(name)` binds a statement to the store (or transaction) it was built on; PostgreSQL then parses
 * and plans a named statement once per connection instead of on every request (PGlite ignores the name).
 * A name stands for one SQL text: a statement that comes in a few shapes gets a name for each.
 */
export function prepared<T>(db: Db, name: string, build: (name: string) => T): T {
  let statements = built.get(db);
  if (!statements) built.set(db, (statements = new Map()));
  if (!statements.has(name)) statements.set(name, build(name));
  return statements.get(name) as T;
}
