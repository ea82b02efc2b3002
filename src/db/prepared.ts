// Statements on the request path, prepared once per SQLite database: Drizzle otherwise rebuilds and re-prepares
// each call. On PostgreSQL (where `db` may be a transaction's connection) the query is built for the call.
import { type Db, dialectOf } from './store.js';

const cache = new WeakMap<Db, Map<string, unknown>>();

/**
 * `build` returns a query made with `sql.placeholder`s and `.prepare()`d; run it with `await q.execute(values)`
 * (a select resolves to its rows).
 */
export function prepared<T>(db: Db, key: string, build: (db: Db) => T): T {
  if (dialectOf(db) !== 'sqlite') return build(db);
  let statements = cache.get(db);
  if (!statements) {
    statements = new Map();
    cache.set(db, statements);
  }
  let statement = statements.get(key) as T | undefined;
  if (statement === undefined) {
    statement = build(db);
    statements.set(key, statement);
  }
  return statement;
}
