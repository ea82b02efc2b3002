// The dialect seam: one domain, written once against Drizzle's query builder, on SQLite or PostgreSQL.
//
// The domain is async and reaches the database only through what both dialects share: `await` on a select,
// insert, update or delete built from `tables(db)`, `transaction(db, …)` and `rows(db, sql)`. Each dialect has
// its own Drizzle schema (schema.ts for SQLite, schema-pg.ts for PostgreSQL), kept equal column for column by
// test/unit/schema-parity.test.ts, so a query built from either set of tables returns the same JavaScript
// values. The domain is typed against the SQLite database and its tables; a PostgreSQL database carries its own
// tables under the same names, and this file is the one place that says the two are interchangeable.
import { type SQL, sql } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type * as schema from './schema.js';

/** The query API the domain is written against (the same on both dialects when used as this file says). */
export type Db = BetterSQLite3Database<typeof schema>;
export type Tables = typeof schema;
export type Dialect = 'sqlite' | 'postgres';

export type Health = 'ok' | 'busy' | 'unavailable';

/** An open database, whichever dialect. */
export interface Store {
  readonly dialect: Dialect;
  readonly db: Db;
  /** What to name in a message: the file, or the PostgreSQL URL without its password. */
  readonly where: string;
  /** `ok`; `busy` (another process holds SQLite's write lock); `unavailable` (gone, read-only, server down). */
  health(): Promise<Health>;
  close(): Promise<void>;
}

interface Session {
  dialect: Dialect;
  /** Runs `work` in a new transaction. */
  begin<T>(work: (tx: Db) => Promise<T>): Promise<T>;
}

const sessions = new WeakMap<object, Session>();

/** Called by each dialect's opener (and by a transaction for its handle). */
export function registerSession(db: object, session: Session): void {
  sessions.set(db, session);
}

function sessionOf(db: Db): Session {
  const session = sessions.get(db);
  if (!session) throw new Error('this database handle was not opened through src/db (no dialect session)');
  return session;
}

export function dialectOf(db: Db): Dialect {
  return sessionOf(db).dialect;
}

/** The tables of `db`'s dialect. */
export function tables(db: Db): Tables {
  return (db as unknown as { _: { fullSchema: Tables } })._.fullSchema;
}

/**
 * Runs `work` in one transaction and returns what it returns; a throw rolls all of it back. Inside `work`,
 * every query goes through `tx`, and so does everything `work` calls: a transaction started on `tx` joins
 * this one (no savepoint), and the outer one commits all of it. SQLite transactions take its write lock at
 * once (`BEGIN IMMEDIATE`) and run one at a time in the process; PostgreSQL runs each on its own pooled
 * connection.
 *
 * Which transaction a query belongs to is told by the handle it is given, not by the async flow it runs
 * in: tracking the flow (AsyncLocalStorage) puts a hook on every promise the process makes, and cost a
 * /pull an eighth of its CPU. A write on the outer handle from inside `work` is a mistake that SQLite
 * would otherwise wait on forever; it is refused after LOCK_WAIT_MS instead (see Lock).
 */
export async function transaction<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  return sessionOf(db).begin(work);
}

/** Rows of a raw SQL query (for the few queries the builder cannot say). */
export async function rows<T>(db: Db, query: SQL): Promise<T[]> {
  if (sessionOf(db).dialect === 'sqlite') return db.all<T>(query);
  const result = await (db as unknown as { execute(q: SQL): Promise<{ rows: T[] }> }).execute(query);
  return result.rows;
}

/** How many rows a write changed, from its `returning()` rows (the one count both dialects give the same way). */
export const changed = (returned: readonly unknown[]): number => returned.length;

/**
 * How long work waits for the lock before it is refused. Transactions are short (no Slack call is made
 * inside one), so the queue drains in milliseconds even under a burst of requests; a wait this long has
 * one of LOCK_WAIT_CAUSES.
 */
export const LOCK_WAIT_MS = 10_000;

/** What a wait past LOCK_WAIT_MS means, said in the error and in the log line of whoever meets it. */
export const LOCK_WAIT_CAUSES =
  "another process held SQLite's lock while requests queued here, or a transaction wrote on the outer database: a transaction's work must use the handle it is given (tx)";

/** Refused after waiting LOCK_WAIT_MS for the process's own queue for the lock to drain. */
export class LockWaitError extends Error {
  readonly code = 'PUSHPULL_LOCK_WAIT';

  constructor(waitedMs: number) {
    super(`waited ${waitedMs} ms for the database's write lock in this process: ${LOCK_WAIT_CAUSES}`);
    this.name = 'LockWaitError';
  }
}

/** A LockWaitError, or a driver error wrapping one (a write queued on the lock fails inside Drizzle's query). */
export const isLockWait = (error: unknown): boolean => errorCode(error) === 'PUSHPULL_LOCK_WAIT';

/** One-at-a-time: the SQLite connection's transactions queue here rather than interleave. */
export class Lock {
  private tail: Promise<void> = Promise.resolve();
  private waiting = 0;

  constructor(private readonly waitMs = LOCK_WAIT_MS) {}

  /** True while some work holds the lock or waits for it. */
  get busy(): boolean {
    return this.waiting > 0;
  }

  /**
   * Runs `work` once everything queued before it has finished. Work that waits longer than `waitMs` is
   * refused with a LockWaitError and never runs; the queue behind it goes on in order.
   */
  run<T>(work: () => T | Promise<T>): Promise<T> {
    const free = this.waiting === 0;
    this.waiting += 1;
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    return new Promise<T>((resolve, reject) => {
      let refused = false;
      // A free lock is taken at once: no timer to set or clear on the common path.
      const timer = free
        ? undefined
        : setTimeout(() => {
            refused = true;
            this.waiting -= 1;
            reject(new LockWaitError(this.waitMs));
          }, this.waitMs);
      void previous.then(async () => {
        if (refused) {
          release();
          return;
        }
        clearTimeout(timer);
        try {
          resolve(await work());
        } catch (error) {
          reject(error);
        } finally {
          this.waiting -= 1;
          release();
        }
      });
    });
  }
}

/** A driver error's code, from `error` or one of its causes (Drizzle wraps driver errors). */
export function errorCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** A write refused because its key is taken (another request, or another instance, wrote it first). */
export function isUniqueViolation(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}

/**
 * Makes the rest of the transaction `tx` wait for any other transaction serialized on `key` to end: a count
 * and the insert it allows (a limit), or two writers deciding on the same pull, then act one after the other.
 * SQLite needs nothing: its transactions take the database's write lock at once (`BEGIN IMMEDIATE`). PostgreSQL
 * (read committed) would let both read before either writes, so it takes a transaction-scoped advisory lock,
 * released by COMMIT or ROLLBACK. Call it first in the transaction, with a key naming whose limit or what row.
 */
export async function serialize(tx: Db, key: string): Promise<void> {
  if (dialectOf(tx) === 'sqlite') return;
  await rows(tx, sql`select pg_advisory_xact_lock(hashtext(${key}))`);
}
