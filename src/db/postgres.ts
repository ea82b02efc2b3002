// Opening PostgreSQL: a connection pool, migrations from migrations-pg/ applied once across instances, health.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as schema from './schema-pg.js';
import { type Db, registerSession, type Store } from './store.js';

export const PG_MIGRATIONS_FOLDER = resolve(dirname(fileURLToPath(import.meta.url)), '../../migrations-pg');

/** Any number we choose: the advisory lock that lets one instance at a time apply migrations. */
const MIGRATION_LOCK = 7_411_843;

/** `bigint` (int8) columns hold epoch milliseconds: read them as numbers, not strings. */
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** A PostgreSQL problem an operator can fix, in one line that names the server (never its password). */
export class PostgresError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PostgresError';
  }
}

/** The URL to name in messages: without its password. */
export function redacted(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the PostgreSQL URL';
  }
}

/** Says what is wrong with the server, and how to fix it, from a driver error. */
export function postgresProblem(error: unknown, url: string): PostgresError {
  const where = redacted(url);
  const code = (error as { code?: string }).code ?? '';
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ETIMEDOUT')
    return new PostgresError(
      `PostgreSQL at ${where} cannot be reached (${code}): start the server, or fix the host and port in DATABASE_URL`,
    );
  if (code === '3D000')
    return new PostgresError(
      `the database in ${where} does not exist: create it (createdb), or fix its name in DATABASE_URL`,
    );
  if (code === '28P01' || code === '28000')
    return new PostgresError(
      `PostgreSQL at ${where} refused the login (${code}): fix the user and password in DATABASE_URL`,
    );
  if (code === '57P03')
    return new PostgresError(
      `PostgreSQL at ${where} is starting up or shutting down: start again in a moment`,
    );
  return new PostgresError(`PostgreSQL at ${where} failed${code ? ` (${code})` : ''}: ${message}`);
}

/**
 * Errors that mean the server is out of reach for now, not that a query was wrong: the connection is gone or
 * cannot be made, the server is shutting down or starting, or it is out of resources (too many connections).
 * A request that meets one is asked to try again in a moment.
 */
export function isConnectionTrouble(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string') {
      // node-postgres says these without a code: a dropped connection, no pooled connection in time, a
      // client whose connection already failed, a server that stopped answering (query_timeout).
      if (
        /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect|connection error and is not queryable|Query read timeout/i.test(
          e.message,
        )
      )
        return true;
      continue;
    }
    if (/^E(CONNREFUSED|CONNRESET|PIPE|HOSTUNREACH|TIMEDOUT|NOTFOUND)$/.test(code)) return true;
    // SQLSTATE classes 08 (connection exception), 53 (insufficient resources: 53300 too many connections)
    // and 57P (operator intervention: shutting down, starting up).
    if (code.startsWith('08') || code.startsWith('53') || code.startsWith('57P')) return true;
  }
  return false;
}

/**
 * How long `/healthz` waits for the server before calling it unavailable: a load balancer's check must not
 * hang on a server that accepts connections but does not answer, nor wait out the pool's connect timeout.
 */
export const HEALTH_DEADLINE_MS = 1000;

export interface PostgresStore extends Store {
  readonly dialect: 'postgres';
  readonly pool: pg.Pool;
}

export interface PostgresOptions {
  poolSize?: number;
  /** Told once per error a pooled connection meets while idle (the server restarting, say). */
  onIdleError?: (error: Error) => void;
  /** How long to wait for a connection before a query fails (so a request can answer "try again"). */
  connectTimeoutMs?: number;
}

/** The domain's session on a node-postgres database (or on any Drizzle PostgreSQL database, such as PGlite). */
export function registerPostgres(db: NodePgDatabase<typeof schema> | object): Db {
  const session = {
    dialect: 'postgres' as const,
    begin: <T>(work: (tx: Db) => Promise<T>) =>
      (db as NodePgDatabase<typeof schema>).transaction(async (tx) => {
        // A transaction begun on this one's handle joins it (store.ts, `transaction`).
        registerSession(tx, { dialect: 'postgres', begin: (inner) => inner(tx as unknown as Db) });
        return work(tx as unknown as Db);
      }),
  };
  registerSession(db, session);
  return db as unknown as Db;
}

export function openPostgres(url: string, options: PostgresOptions = {}): PostgresStore {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    // Within Slack's 3 seconds: a request that cannot get a connection (a server gone quiet, a pool that is
    // full) fails in time to ask the person to try again. A server that is down refuses at once.
    connectionTimeoutMillis: options.connectTimeoutMs ?? 2000,
    // Long enough for any query the app makes; a wedged one is cancelled rather than holding its connection.
    statement_timeout: 30_000,
    // A server gone without closing its connections (a host lost, a network cut) answers nothing, not even
    // the cancel statement_timeout asks for: the client gives up a little after the server would have.
    query_timeout: 35_000,
    // TCP keepalives find those connections dead while they sit idle in the pool (Linux waits 2 hours).
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  // An idle connection that the server drops emits here; without a listener it would crash the process.
  pool.on('error', (error) => options.onIdleError?.(error));
  const db = registerPostgres(drizzle(pool, { schema }));
  return {
    dialect: 'postgres',
    db,
    pool,
    where: redacted(url),
    async health() {
      // No pooled connection, a refused connect or a server that does not answer in time all read as
      // unavailable: the pool itself reconnects once the server is back, so the next check reads ok.
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'unavailable'>((resolve) => {
        timer = setTimeout(() => resolve('unavailable'), HEALTH_DEADLINE_MS);
      });
      const answer = pool.query('SELECT 1').then(
        () => 'ok' as const,
        () => 'unavailable' as const,
      );
      try {
        return await Promise.race([answer, late]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      await pool.end();
    },
  };
}

/**
 * Applies migrations-pg/ on a connection of its own, holding an advisory lock: instances started together
 * take turns, and the later ones find nothing left to apply.
 */
export async function applyPostgresMigrations(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await migrate(drizzle(client), { migrationsFolder: PG_MIGRATIONS_FOLDER });
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    }
  } catch (error) {
    throw postgresProblem(error, url);
  } finally {
    await client.end().catch(() => undefined);
  }
}
