// Opening the SQLite database: pragmas, migrations, and backups taken while the bot writes.
import { randomUUID } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { isBusy, sqliteCode, whenNotBusy } from './busy.js';
import { type Checkpointer, checkpointInBackground } from './checkpointer.js';
import * as schema from './schema.js';
import { type Db, type Health, Lock, registerSession, type Store } from './store.js';

interface DrizzlePreparedQuery {
  stmt: Database.Statement;
  run(values?: unknown): unknown;
  all(values?: unknown): unknown;
  get(values?: unknown): unknown;
  values(values?: unknown): unknown;
}

/**
 * Makes `db`'s writes wait while a transaction holds `lock`; the transaction's own go through its `tx` handle,
 * which is not hooked. Drizzle runs an awaited query through its prepared query's `run`/`all`/`get`/`values`;
 * for a statement that writes, those queue on the lock when it is held (their promise is awaited by Drizzle's
 * `execute`), and run at once otherwise.
 * Only the outermost call queues: `all` reads its rows through `values` on the same query, and that inner call
 * must run in place (queued again, it would hand `all` a promise instead of rows).
 */
function writesWaitForTransactions(db: Db, lock: Lock): void {
  const session = (db as unknown as { session: { prepareQuery(...args: unknown[]): DrizzlePreparedQuery } })
    .session;
  const prepareQuery = session.prepareQuery.bind(session);
  session.prepareQuery = (...args: unknown[]) => {
    const query = prepareQuery(...args);
    if (query.stmt.readonly) return query;
    let running = false;
    for (const method of ['run', 'all', 'get', 'values'] as const) {
      const direct = query[method].bind(query);
      const now = (values?: unknown) => {
        running = true;
        try {
          return direct(values);
        } finally {
          running = false;
        }
      };
      query[method] = (values?: unknown) =>
        !running && lock.busy ? lock.run(() => now(values)) : now(values);
    }
    return query;
  };
}

export interface SqliteStore extends Store {
  readonly dialect: 'sqlite';
  readonly sqlite: Database.Database;
  readonly path: string;
  /** The file's identity when it was opened: a file deleted or replaced underneath a running app is noticed. */
  readonly identity?: { dev: number; ino: number };
}

/**
 * The domain's session on one SQLite connection. better-sqlite3 is synchronous and the connection is shared by
 * every request in the process, so a transaction (`BEGIN IMMEDIATE` … `COMMIT` around awaited work) holds a lock
 * that queues the next one until it ends; its queries go through a handle of its own, so a transaction begun
 * inside it is recognised and joined (store.ts). A write outside any transaction waits for the open one to end
 * (`writesWaitForTransactions`): on the shared connection it would otherwise become part of it, and be undone
 * with it. Reads outside a transaction do not wait, and may see an open transaction's writes.
 */
function sqliteSession(sqlite: Database.Database, lockWaitMs?: number): Db {
  const db = drizzle(sqlite, { schema });
  const tx = drizzle(sqlite, { schema });
  const lock = new Lock(lockWaitMs);
  writesWaitForTransactions(db, lock);
  registerSession(db, {
    dialect: 'sqlite',
    begin: (work) =>
      lock.run(async () => {
        sqlite.exec('BEGIN IMMEDIATE');
        try {
          const result = await work(tx);
          sqlite.exec('COMMIT');
          return result;
        } catch (error) {
          if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
          throw error;
        }
      }),
  });
  registerSession(tx, { dialect: 'sqlite', begin: (work) => work(tx) });
  return db;
}

/**
 * Written beside the database the first time Pushpull creates it. When the database is missing but this file
 * is not, the database was lost (deleted, a volume not mounted): Pushpull refuses to start rather than quietly
 * create an empty one and carry on as if nothing happened.
 */
export const createdMarker = (file: string): string => `${file}.created`;

export const MIGRATIONS_FOLDER = resolve(dirname(fileURLToPath(import.meta.url)), '../../migrations');

/** A database problem an operator can fix, in one line that names the file. */
export class DatabaseError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
    this.name = 'DatabaseError';
  }
}

/** Long enough for one-off commands (migrations, forget, backup) to wait out a running bot's writes. */
const PATIENT_BUSY_TIMEOUT_MS = 5000;

/** Says what is wrong with the database file and how to fix it. */
export function databaseProblem(error: unknown, file: string): DatabaseError {
  if (error instanceof DatabaseError) return error;
  const code = sqliteCode(error) ?? '';
  const say = (message: string) => new DatabaseError(message, file);
  if (code.startsWith('SQLITE_READONLY')) {
    return say(
      `the database ${file} cannot be written (${code}): give the user running Pushpull write access to the file and its folder (SQLite writes -wal and -shm files beside it)`,
    );
  }
  if (code.startsWith('SQLITE_CANTOPEN')) {
    return say(
      `the database ${file} cannot be opened (${code}): check that its folder exists and is writable, or set DATABASE_URL to another file`,
    );
  }
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return say(
      `${file} is not a Pushpull database, or it is damaged (${code}): point DATABASE_URL at the right file, or restore a backup`,
    );
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return say(
      `the database ${file} is locked by another process (${code}): stop it, or wait and start again`,
    );
  }
  if (code === 'SQLITE_FULL') return say(`the disk holding the database ${file} is full: free some space`);
  const message = error instanceof Error ? error.message : String(error);
  return say(`the database ${file} failed${code ? ` (${code})` : ''}: ${message}`);
}

/** Refuses early, with the reason, when the file's folder cannot hold a database. */
function prepareFolder(file: string): void {
  if (existsSync(file) && statSync(file).isDirectory()) {
    throw new DatabaseError(
      `the database path ${file} is a folder: add a file name to DATABASE_URL, such as ${resolve(file, 'pushpull.db')}`,
      file,
    );
  }
  const folder = dirname(file);
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'error';
    throw new DatabaseError(
      `the folder ${folder} for the database cannot be created (${code}): create it, or set DATABASE_URL to another file`,
      file,
    );
  }
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new DatabaseError(
      `the folder ${folder} is not writable: SQLite writes the database ${file} and its -wal and -shm files there; give the user running Pushpull write access, or set DATABASE_URL to another file`,
      file,
    );
  }
}

export interface OpenOptions {
  /**
   * How long one statement may wait for another process's write lock. The bot keeps it short (busy.ts) and
   * retries asynchronously; one-off commands can afford to wait.
   */
  busyTimeoutMs?: number;
  /** How long a write waits for this process's open transaction before it is refused (store.ts, Lock). */
  lockWaitMs?: number;
  /**
   * For the long-running bot: checkpoint the write-ahead log on a thread of its own (checkpointer.ts), so no
   * request's commit pays for it. `onError` hears if that thread fails.
   */
  backgroundCheckpoints?: { onError: (error: Error) => void };
}

/** Distinct statements kept prepared per connection; past it the cache starts over (a bound, not an LRU). */
export const STATEMENTS_KEPT = 500;

/**
 * Drizzle prepares every query anew (better-sqlite3 keeps no cache), and preparing is a tenth of a
 * /pull's database time. The SQL text of a query shape never changes, only its parameters, so each
 * text is prepared once per connection. A statement comes back in its default mode: Drizzle turns
 * `raw()` on for some reads, and a cached statement must not carry that into the next caller's read.
 */
export function cachingStatements(sqlite: Database.Database): Database.Database {
  const prepare = sqlite.prepare.bind(sqlite);
  const kept = new Map<string, Database.Statement>();
  sqlite.prepare = ((source: string) => {
    let statement = kept.get(source);
    if (!statement) {
      if (kept.size >= STATEMENTS_KEPT) kept.clear();
      statement = prepare(source);
      kept.set(source, statement);
    } else if (statement.reader) {
      statement.pluck(false).expand(false).raw(false);
    }
    return statement;
  }) as typeof sqlite.prepare;
  return sqlite;
}

export function openDatabase(path: string, options: OpenOptions = {}): SqliteStore {
  const file = path === ':memory:' ? path : resolve(path);
  const creating = path !== ':memory:' && !existsSync(file);
  if (creating && existsSync(createdMarker(file))) {
    throw new DatabaseError(
      `the database ${file} is missing, but Pushpull has used it here before (${createdMarker(file)} says since when): restore it from a backup (see "Restore" in the README), or delete that marker file to start with an empty database`,
      file,
    );
  }
  if (path !== ':memory:') prepareFolder(file);
  let sqlite: Database.Database | undefined;
  try {
    sqlite = cachingStatements(new Database(path));
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    // Several processes may share the file: wait a little for a writer rather than fail at once.
    sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? PATIENT_BUSY_TIMEOUT_MS}`);
  } catch (error) {
    sqlite?.close();
    throw databaseProblem(error, file);
  }
  refreshStatistics(sqlite);
  const db = sqliteSession(sqlite, options.lockWaitMs);
  const checkpointer: Checkpointer | undefined =
    options.backgroundCheckpoints && path !== ':memory:'
      ? checkpointInBackground(sqlite, file, options.backgroundCheckpoints.onError)
      : undefined;
  // Written on the first start, and on the first start of this version for a database made before it.
  if (path !== ':memory:' && !existsSync(createdMarker(file))) {
    writeFileSync(
      createdMarker(file),
      `Pushpull ${creating ? 'created' : 'found'} the database ${file} on ${new Date().toISOString()}.\nWhile this file exists and the database does not, Pushpull refuses to start: the database was lost, not new.\n`,
    );
  }
  const stat = path === ':memory:' ? undefined : statSync(file);
  const store: SqliteStore = {
    dialect: 'sqlite',
    db,
    sqlite,
    path,
    where: file,
    ...(stat ? { identity: { dev: stat.dev, ino: stat.ino } } : {}),
    health: () => databaseHealth(store),
    close: async () => {
      await checkpointer?.stop();
      if (sqlite.open) sqlite.close();
    },
  };
  return store;
}

/**
 * Keeps the query planner's statistics fresh. Without them SQLite can pick a worse index (it did for the
 * pulls awaiting a manager), so this runs when the database is opened and after migrations add indexes.
 * `analysis_limit` bounds ANALYZE to a sample of each index, milliseconds even on a large database.
 * Statistics are an optimisation: a database that cannot take them now (read-only, busy) works without.
 */
export function refreshStatistics(sqlite: Database.Database, options: { all?: boolean } = {}): void {
  try {
    sqlite.pragma('analysis_limit = 1000');
    // SQLite ≥ 3.46: 0x10002 checks every table, not only those used on this connection.
    if (options.all) sqlite.exec('ANALYZE');
    else sqlite.pragma('optimize = 0x10002');
  } catch {
    // Plans stay correct without statistics; the next start tries again.
  }
}

const appliedMigrations = (sqlite: Database.Database): number => {
  try {
    return Number(sqlite.prepare('SELECT count(*) AS n FROM __drizzle_migrations').pluck().get());
  } catch {
    return 0;
  }
};

export function applyMigrations(database: SqliteStore): void {
  const before = appliedMigrations(database.sqlite);
  try {
    migrate(database.db, { migrationsFolder: MIGRATIONS_FOLDER });
  } catch (error) {
    throw databaseProblem(error, resolve(database.path));
  }
  // New indexes have no statistics yet: measure them all once.
  if (appliedMigrations(database.sqlite) !== before) refreshStatistics(database.sqlite, { all: true });
}

/**
 * Proves the database can be written, not just read: SQLite opens a read-only file without complaint and only
 * refuses the first write. The write (the header's user_version, set to itself) is rolled back.
 */
function probeWrite(sqlite: Database.Database): void {
  sqlite.exec('BEGIN IMMEDIATE');
  try {
    const version = Number(sqlite.pragma('user_version', { simple: true }));
    sqlite.pragma(`user_version = ${version}`);
  } finally {
    sqlite.exec('ROLLBACK');
  }
}

/** Throws a DatabaseError naming the file when it cannot be written. */
export function assertWritable(database: SqliteStore): void {
  try {
    probeWrite(database.sqlite);
  } catch (error) {
    throw databaseProblem(error, resolve(database.path));
  }
}

/** True while the file at the database's path is still the one this process opened (not deleted or replaced). */
export function sameFile(database: SqliteStore): boolean {
  if (!database.identity) return true;
  try {
    const now = statSync(resolve(database.path));
    return now.dev === database.identity.dev && now.ino === database.identity.ino;
  } catch {
    return false;
  }
}

/**
 * For `/healthz`: true when the database takes a write now and is still the file at DATABASE_URL. Another
 * writer's lock is waited out for up to a second, asynchronously, so health never freezes the process. Writes
 * to a file deleted underneath the app would seem to succeed and be lost at the next start, so a missing or
 * replaced file is unhealthy.
 */
export async function databaseWritable(database: SqliteStore): Promise<boolean> {
  return (await databaseHealth(database)) === 'ok';
}

/** `ok`, `busy` (another process has held the write lock for over a second) or `unavailable` (gone, read-only…). */
export async function databaseHealth(database: SqliteStore): Promise<Health> {
  const { sqlite } = database;
  if (!sqlite.open || !sameFile(database)) return 'unavailable';
  // This connection is inside a transaction right now: it holds the write lock, so it can write.
  if (sqlite.inTransaction) return 'ok';
  try {
    await whenNotBusy(() => probeWrite(sqlite), 1000);
    return 'ok';
  } catch (error) {
    return isBusy(error) ? 'busy' : 'unavailable';
  }
}

/**
 * A consistent copy of the live database while writers continue: `VACUUM INTO` reads the whole file in one
 * read transaction (in WAL mode writers are never blocked by it), so it always finishes, however busy the bot.
 * SQLite's online backup API, used before, restarted its page copy on every write from another connection,
 * so under steady writes a large database took many passes or never finished. The copy is taken
 * synchronously (this process waits, the bot does not): it is meant for the `backup` command. The copy is written to a temporary file beside
 * the destination, flushed to disk and renamed into place: a failed backup never leaves a half-written file
 * under the given name, and an older backup there is replaced only by a complete one.
 */
export async function backupDatabase(database: SqliteStore, destination: string): Promise<void> {
  const target = resolve(destination);
  const cannot = (why: string) => new DatabaseError(`cannot write the backup to ${target}: ${why}`, target);
  if (target === resolve(database.path))
    throw cannot('that is the live database itself; choose another file');
  if (existsSync(target) && statSync(target).isDirectory()) {
    throw cannot(`it is a folder; give a file name, such as ${resolve(target, 'pushpull-backup.db')}`);
  }
  const folder = dirname(target);
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw cannot(`its folder ${folder} cannot be created (${(error as { code?: string }).code ?? 'error'})`);
  }
  try {
    accessSync(folder, constants.W_OK);
    if (existsSync(target)) accessSync(target, constants.W_OK);
  } catch {
    throw cannot(
      'the user running Pushpull may not write there; choose another place or fix the permissions',
    );
  }
  const partial = join(folder, `.${basename(target)}.partial-${process.pid}-${randomUUID().slice(0, 8)}`);
  try {
    database.sqlite.prepare('VACUUM INTO ?').run(partial);
    // VACUUM INTO does not sync what it wrote: flush it before it takes the backup's name.
    syncPath(partial, 'r+');
    renameSync(partial, target);
  } catch (error) {
    rmSync(partial, { force: true });
    const code = sqliteCode(error) ?? (error as { code?: string }).code;
    throw cannot(
      code?.startsWith('SQLITE_CANTOPEN') || code?.startsWith('SQLITE_READONLY') || code === 'EACCES'
        ? `the file or its folder is not writable (${code}); choose another place or fix the permissions`
        : code === 'SQLITE_FULL' || code === 'ENOSPC'
          ? `the disk is full (${code}); free some space or choose another place`
          : `${error instanceof Error ? error.message : String(error)}`,
    );
  }
  try {
    syncPath(folder, 'r');
  } catch {
    // Some file systems cannot sync a folder; the copy itself is already on disk.
  }
}

/** fsync a file or folder, so a rename that follows is not seen before the data it names. */
function syncPath(path: string, flags: 'r' | 'r+'): void {
  const fd = openSync(path, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
