// The database a test runs on: a SQLite file (the default), PGlite (PostgreSQL in this process, for `npm test` on a
// machine with no server), or a real PostgreSQL server at TEST_DATABASE_URL (`npm run test:postgres`).
// PUSHPULL_TEST_STORE picks it, set per vitest project (vitest.config.ts).
//
// A PostgreSQL database costs seconds to make (PGlite loads a migrated template; a server runs migrations), so each
// test worker keeps the ones it made and hands them out again, emptied. A harness restarted on the same `dir`
// gets its database back as it left it (a restart test), not emptied.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getTableName, is, Table } from 'drizzle-orm';
import { inject } from 'vitest';
import { applyMigrations, openDatabase, type SqliteStore } from '../../src/db/client.js';
import {
  applyPostgresMigrations,
  openPostgres,
  type PostgresStore,
  registerPostgres,
} from '../../src/db/postgres.js';
import * as pgSchema from '../../src/db/schema-pg.js';
import type { Store } from '../../src/db/store.js';
import { psql, SHARED_SERVER_URL } from './pg-cluster.js';

export type TestStoreKind = 'sqlite' | 'pglite' | 'postgres';

export const TEST_STORE: TestStoreKind = ((): TestStoreKind => {
  const kind = process.env.PUSHPULL_TEST_STORE ?? 'sqlite';
  if (kind !== 'sqlite' && kind !== 'pglite' && kind !== 'postgres')
    throw new Error(`PUSHPULL_TEST_STORE must be sqlite, pglite or postgres, not ${kind}`);
  return kind;
})();

declare module 'vitest' {
  export interface ProvidedContext {
    /** A dumped PGlite data directory with every migration applied (test/support/global-setup.ts). */
    pgliteTemplate: string;
    /** The prefix of the databases this run creates on the server, dropped when the run ends. */
    postgresPrefix: string;
  }
}

/** Every table of the PostgreSQL schema, to empty a database between tests. */
const TABLES = Object.values(pgSchema as Record<string, unknown>)
  .filter((value): value is Table => is(value, Table))
  .map((table) => `"${getTableName(table)}"`)
  .join(', ');

interface Pooled {
  store: Store;
  /** The harness folder it last served, to hand it back unemptied to a restart on the same folder. */
  lastDir: string | undefined;
  /** The server URL, for a test that starts the app as its own process. */
  url: string | undefined;
  empty(): Promise<void>;
  closeForGood(): Promise<void>;
}

const free: Pooled[] = [];
let made = 0;

export interface TestDatabase {
  store: Store;
  /** The DATABASE_URL a child process (`pushpull start`, `digest send`…) opens it by; none for PGlite. */
  url: string | undefined;
  /** Gives the database back for the next test (PostgreSQL), or closes it (SQLite). */
  release(): Promise<void>;
}

/** A database for a harness whose files live in `dir` (SQLite: `file`; PostgreSQL: pooled, empty unless a restart). */
export async function testDatabase(dir: string, file: string): Promise<TestDatabase> {
  if (TEST_STORE === 'sqlite') {
    const store: SqliteStore = openDatabase(file);
    applyMigrations(store);
    return { store, url: `file:${file}`, release: () => store.close() };
  }
  let pooled = takeFree(dir);
  if (pooled) {
    if (pooled.lastDir !== dir) await pooled.empty();
  } else {
    pooled = TEST_STORE === 'pglite' ? await newPglite() : await newServerDatabase();
  }
  pooled.lastDir = dir;
  const taken = pooled;
  return {
    store: taken.store,
    url: taken.url,
    release: async () => {
      free.push(taken);
    },
  };
}

export interface ProcessDatabase extends TestDatabase {
  url: string;
}

/**
 * A database for tests that start `pushpull` as its own process (test/process): the file `pushpull.db` in `dir`, or a
 * database on the server. Taken again with the same `dir`, it is handed back as the process left it.
 */
export async function processDatabase(dir: string): Promise<ProcessDatabase> {
  const database = await testDatabase(dir, join(dir, 'pushpull.db'));
  const { url } = database;
  if (url === undefined) {
    await database.release();
    throw new Error(
      'PGlite lives in this process and no other can reach it: test/process runs on SQLite and servers',
    );
  }
  return { ...database, url };
}

function takeFree(dir: string): Pooled | undefined {
  const index = free.findIndex((p) => p.lastDir === dir);
  const at = index >= 0 ? index : free.length - 1;
  return at >= 0 ? free.splice(at, 1)[0] : undefined;
}

async function newPglite(): Promise<Pooled> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const client = await PGlite.create({ loadDataDir: new Blob([readFileSync(inject('pgliteTemplate'))]) });
  const db = registerPostgres(drizzle(client, { schema: pgSchema }));
  const store: Store = {
    dialect: 'postgres',
    db,
    where: 'PGlite (in this process)',
    async health() {
      try {
        await client.query('SELECT 1');
        return 'ok';
      } catch {
        return 'unavailable';
      }
    },
    // The pool owns it: a harness "closing" it gives it back (testDatabase's release).
    close: async () => undefined,
  };
  return {
    store,
    lastDir: undefined,
    url: undefined,
    empty: async () => {
      await client.exec(`TRUNCATE ${TABLES} RESTART IDENTITY CASCADE`);
    },
    closeForGood: () => client.close(),
  };
}

async function newServerDatabase(): Promise<Pooled> {
  made += 1;
  const name = `${inject('postgresPrefix')}_${process.pid}_${made}`;
  const created = await psql(SHARED_SERVER_URL, `create database ${name}`);
  if (created.code !== 0) throw new Error(`cannot create ${name} at TEST_DATABASE_URL: ${created.stderr}`);
  const url = new URL(SHARED_SERVER_URL);
  url.pathname = `/${name}`;
  await applyPostgresMigrations(url.href);
  const store: PostgresStore = openPostgres(url.href, { poolSize: 5 });
  const pooledStore: Store = { ...store, close: async () => undefined };
  return {
    store: pooledStore,
    lastDir: undefined,
    url: url.href,
    empty: async () => {
      await store.pool.query(`TRUNCATE ${TABLES} RESTART IDENTITY CASCADE`);
    },
    closeForGood: () => store.close(),
  };
}
