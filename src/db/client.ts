// Opening the SQLite database: pragmas, migrations, and online backup.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema>;

export interface Store {
  db: Db;
  sqlite: Database.Database;
  path: string;
  close(): void;
}

export const MIGRATIONS_FOLDER = resolve(dirname(fileURLToPath(import.meta.url)), '../../migrations');

export function openDatabase(path: string): Store {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  // Several instances may share the file: wait for a writer rather than fail at once.
  sqlite.pragma('busy_timeout = 5000');
  const db = drizzle(sqlite, { schema });
  return {
    db,
    sqlite,
    path,
    close: () => {
      if (sqlite.open) sqlite.close();
    },
  };
}

export function applyMigrations(database: Store): void {
  migrate(database.db, { migrationsFolder: MIGRATIONS_FOLDER });
}

/** A consistent copy of the live database, taken with SQLite's online backup while writers continue. */
export async function backupDatabase(database: Store, destination: string): Promise<void> {
  mkdirSync(dirname(resolve(destination)), { recursive: true });
  await database.sqlite.backup(destination);
}

export function databaseAnswers(database: Store): boolean {
  try {
    return database.sqlite.prepare('select 1 as ok').get() !== undefined;
  } catch {
    return false;
  }
}
