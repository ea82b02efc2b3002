// `pushpull copy`: every table of a SQLite database into an empty PostgreSQL database, in one transaction.
//
// The source is read from one snapshot (a read transaction: a bot still writing to the file changes nothing the
// copy sees), a chunk at a time in rowid order, so a table of any size costs the memory of one chunk. The target
// is written in one transaction that refuses a database already holding Pushpull data, keeps every id, moves each
// identity sequence past the ids it received, and compares row counts before it commits: a copy either lands
// whole and verified, or leaves the target as it was.
import { getTableColumns, getTableName, is, sql, Table } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig, type SQLiteColumn, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { SqliteStore } from './client.js';
import * as schema from './schema.js';
import * as pgSchema from './schema-pg.js';
import { errorCode, rows, type Store, transaction } from './store.js';

/** Rows per INSERT: few enough that even the widest table stays far below PostgreSQL's 65,535 parameters. */
export const COPY_BATCH_ROWS = 1000;
const MAX_PARAMETERS = 60_000;

/** Why a copy was refused or undone, in one line an operator can act on. */
export class CopyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CopyError';
  }
}

export interface CopiedTable {
  table: string;
  rows: number;
}

export interface CopyOptions {
  /** Rows per INSERT (COPY_BATCH_ROWS by default; tests use a few to cross chunk boundaries). */
  batchRows?: number;
}

interface TablePair {
  name: string;
  source: SQLiteTable;
  target: PgTable;
  /** Each target column's property name and SQL name, with the SQLite column that feeds it. */
  columns: { key: string; name: string; from: SQLiteColumn }[];
  /** The identity column PostgreSQL numbers new rows with, when the table has one. */
  identity: string | undefined;
}

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * The tables to copy, parents before children (a foreign key's table first). Read from the two schemas, so a
 * table added to both is copied without a change here; one missing from either is a bug the parity test catches,
 * and refused here rather than silently left behind.
 */
/** Tables of running state rather than data, left behind by a copy. */
const NOT_DATA = new Set(['instances']);

export function tablePairs(): TablePair[] {
  const sqliteTables = (Object.values(schema) as unknown[]).filter((v): v is SQLiteTable => is(v, Table));
  const pgTables = new Map(
    (Object.values(pgSchema) as unknown[])
      .filter((v): v is PgTable => is(v, Table))
      .map((t) => [getTableName(t), t]),
  );
  const pairs = new Map<string, TablePair>();
  for (const source of sqliteTables) {
    const name = getTableName(source);
    // Which processes are running now, not data: copied, it would make the first instance on PostgreSQL share
    // Slack's rate with instances that are not there.
    if (NOT_DATA.has(name)) continue;
    const target = pgTables.get(name);
    if (!target)
      throw new CopyError(`the PostgreSQL schema has no table ${name}: this Pushpull cannot copy it`);
    const sourceColumns = new Map(Object.values(getTableColumns(source)).map((c) => [c.name, c]));
    const columns = Object.entries(getTableColumns(target)).map(([key, column]) => {
      const from = sourceColumns.get(column.name);
      if (!from)
        throw new CopyError(`the SQLite schema has no column ${name}.${column.name}: cannot copy it`);
      return { key, name: column.name, from };
    });
    const identity = Object.values(getTableColumns(target)).find((c) => c.generatedIdentity)?.name;
    pairs.set(name, { name, source, target, columns, identity });
  }
  const ordered: TablePair[] = [];
  const visit = (pair: TablePair, path: Set<string>) => {
    if (ordered.includes(pair) || path.has(pair.name)) return;
    path.add(pair.name);
    for (const key of getTableConfig(pair.source).foreignKeys) {
      const parent = pairs.get(getTableName(key.reference().foreignTable));
      if (parent && parent !== pair) visit(parent, path);
    }
    ordered.push(pair);
  };
  for (const pair of pairs.values()) visit(pair, new Set());
  return ordered;
}

/** A SQLite integer read exactly (as a BigInt), as the number the domain uses; refused if a number cannot hold it. */
function exactNumber(value: bigint, table: string, column: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER))
    throw new CopyError(`${table}.${column} holds ${value}, too large to copy exactly: nothing was copied`);
  return Number(value);
}

/** The driver's own words from an error Drizzle wrapped (its message repeats the whole query and its values). */
function driverMessage(error: unknown): string {
  let innermost: unknown = error;
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth += 1) innermost = e;
  return innermost instanceof Error ? (innermost.message.split('\n')[0] ?? '') : String(innermost);
}

/** Reads `pair`'s rows in rowid order, `size` at a time, as the target table's insert values. */
function* chunksOf(source: SqliteStore, pair: TablePair, size: number): Generator<Record<string, unknown>[]> {
  const select = pair.columns.map((c) => quoted(c.name)).join(', ');
  const statement = source.sqlite.prepare(
    `SELECT rowid AS "__rowid", ${select} FROM ${quoted(pair.name)} WHERE rowid > ? ORDER BY rowid LIMIT ?`,
  );
  let after = 0n;
  for (;;) {
    // Exact integers: epoch milliseconds and ids must arrive as they were stored, or the copy says why not.
    const chunk = statement.safeIntegers(true).all(after, size) as Record<string, unknown>[];
    statement.safeIntegers(false);
    if (chunk.length === 0) return;
    after = chunk[chunk.length - 1]?.__rowid as bigint;
    yield chunk.map((row) => {
      const values: Record<string, unknown> = {};
      for (const { key, name, from } of pair.columns) {
        let value = row[name];
        if (typeof value === 'bigint') value = exactNumber(value, pair.name, name);
        values[key] = value === null || value === undefined ? null : from.mapFromDriverValue(value);
      }
      return values;
    });
    if (chunk.length < size) return;
  }
}

/** Runs `read` inside one read transaction on the SQLite connection: every table is read from the same moment. */
function fromOneSnapshot<T>(source: SqliteStore, read: () => Promise<T>): Promise<T> {
  const { sqlite } = source;
  if (sqlite.inTransaction) return read();
  sqlite.exec('BEGIN');
  return read().finally(() => {
    if (sqlite.inTransaction) sqlite.exec('COMMIT');
  });
}

/**
 * Copies every table of `source` into `target` (PostgreSQL, its migrations already applied) and returns how many
 * rows each table received. Throws a CopyError, having changed nothing, when the target already holds Pushpull
 * data, a value cannot be carried over exactly, or the counts after the copy differ from the source's.
 */
export async function copySqliteToPostgres(
  source: SqliteStore,
  target: Store,
  options: CopyOptions = {},
): Promise<CopiedTable[]> {
  if (target.dialect !== 'postgres') throw new CopyError('the target of a copy must be PostgreSQL');
  const pairs = tablePairs();
  return fromOneSnapshot(source, () =>
    transaction(target.db, async (db) => {
      const tx = db as unknown as PgDatabase<PgQueryResultHKT>;
      const names = pairs.map((p) => quoted(p.name)).join(', ');
      // Nothing else writes these tables until the copy commits (an app started early waits); reads go on.
      await tx.execute(sql.raw(`LOCK TABLE ${names} IN SHARE ROW EXCLUSIVE MODE`));
      const occupied: string[] = [];
      for (const pair of pairs) {
        const found = await rows(db, sql.raw(`SELECT 1 FROM ${quoted(pair.name)} LIMIT 1`));
        if (found.length > 0) occupied.push(pair.name);
      }
      if (occupied.length > 0)
        throw new CopyError(
          `${target.where} already holds Pushpull data (in ${occupied.join(', ')}): copy only into an empty database; nothing was copied`,
        );
      const copied: CopiedTable[] = [];
      for (const pair of pairs) {
        const expected = Number(
          source.sqlite
            .prepare(`SELECT count(*) FROM ${quoted(pair.name)}`)
            .pluck()
            .get(),
        );
        const size = Math.max(
          1,
          Math.min(options.batchRows ?? COPY_BATCH_ROWS, Math.floor(MAX_PARAMETERS / pair.columns.length)),
        );
        let inserted = 0;
        for (const chunk of chunksOf(source, pair, size)) {
          try {
            await tx.insert(pair.target).values(chunk as never);
          } catch (error) {
            const code = errorCode(error);
            throw new CopyError(
              `PostgreSQL refused a row of ${pair.name}${code ? ` (${code})` : ''}: ${driverMessage(error)}; nothing was copied`,
            );
          }
          inserted += chunk.length;
        }
        if (pair.identity) {
          // Ids came over unchanged: the next row PostgreSQL numbers itself must come after the largest of them.
          const column = quoted(pair.identity);
          await tx.execute(
            sql.raw(
              `SELECT setval(pg_get_serial_sequence('${quoted(pair.name)}', '${pair.identity}'), coalesce(max(${column}), 0) + 1, false) FROM ${quoted(pair.name)}`,
            ),
          );
        }
        const [counted] = await rows<{ n: number | string | bigint }>(
          db,
          sql.raw(`SELECT count(*) AS n FROM ${quoted(pair.name)}`),
        );
        const landed = Number(counted?.n);
        if (landed !== expected || inserted !== expected)
          throw new CopyError(
            `${pair.name}: ${expected} rows in SQLite, ${landed} in PostgreSQL after the copy; nothing was copied`,
          );
        copied.push({ table: pair.name, rows: landed });
      }
      return copied;
    }),
  );
}
