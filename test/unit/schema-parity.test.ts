// The SQLite and PostgreSQL schemas describe one data model: a table, column, default, key or index added to one
// and not the other fails here, before either dialect's migrations are generated.
import { is, type SQL } from 'drizzle-orm';
import { PgDialect, PgTable, getTableConfig as pgConfig } from 'drizzle-orm/pg-core';
import { SQLiteSyncDialect, SQLiteTable, getTableConfig as sqliteConfig } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import * as sqliteSchema from '../../src/db/schema.js';
import * as pgSchema from '../../src/db/schema-pg.js';

/** What a column means, in words both dialects share. */
interface ColumnShape {
  type: string;
  notNull: boolean;
  primaryKey: boolean;
  default: unknown;
  enumValues: readonly string[] | undefined;
  /** The database assigns it when a row is inserted without it. */
  assigned: boolean;
}

interface TableShape {
  columns: Record<string, ColumnShape>;
  foreignKeys: string[];
  indexes: Record<string, { columns: string[]; unique: boolean; where: string | undefined }>;
  primaryKeys: string[][];
  uniqueConstraints: string[];
  checks: string[];
}

// Each dialect's column classes, by family. A class missing here fails the test, so a new kind of column is
// mapped on purpose.
const SQLITE_TYPES: Record<string, string> = {
  SQLiteText: 'text',
  SQLiteInteger: 'integer',
  SQLiteBoolean: 'boolean',
};
const PG_TYPES: Record<string, string> = {
  PgText: 'text',
  PgInteger: 'integer',
  PgBigInt53: 'integer',
  PgBoolean: 'boolean',
};

/** What both dialects' `getTableConfig` give back, as far as this test reads it. */
interface AnyTableConfig {
  name: string;
  columns: {
    name: string;
    columnType: string;
    notNull: boolean;
    primary: boolean;
    default: unknown;
    enumValues: readonly string[] | undefined;
  }[];
  foreignKeys: {
    onDelete?: string | undefined;
    reference(): { columns: { name: string }[]; foreignColumns: { name: string }[]; foreignTable: unknown };
  }[];
  indexes: {
    config: { name?: string | undefined; columns: unknown[]; unique: boolean; where?: SQL | undefined };
  }[];
  primaryKeys: { columns: { name: string }[] }[];
  uniqueConstraints: { getName(): string | undefined }[];
  checks: { name: string }[];
}

interface Dialect {
  tables: unknown[];
  config(table: never): AnyTableConfig;
  types: Record<string, string>;
  render: { sqlToQuery(sql: SQL): { sql: string } };
  /** The database assigns this column's value when a row is inserted without it. */
  assigned(column: AnyTableConfig['columns'][number]): boolean;
}

function shapes(d: Dialect): Record<string, TableShape> {
  const config = d.config as (table: unknown) => AnyTableConfig;
  return Object.fromEntries(
    d.tables.map((table) => {
      const c = config(table);
      const shape: TableShape = {
        columns: Object.fromEntries(
          c.columns.map((col) => [
            col.name,
            {
              type: d.types[col.columnType] ?? `unmapped ${col.columnType}`,
              notNull: col.notNull,
              primaryKey: col.primary,
              default: col.default,
              enumValues: col.enumValues,
              assigned: d.assigned(col),
            },
          ]),
        ),
        foreignKeys: c.foreignKeys.map((fk) => {
          const r = fk.reference();
          const names = (cols: { name: string }[]) => cols.map((x) => x.name).join(',');
          return `${names(r.columns)} -> ${config(r.foreignTable).name}(${names(r.foreignColumns)}) on delete ${fk.onDelete ?? 'no action'}`;
        }),
        indexes: Object.fromEntries(
          c.indexes.map(({ config: i }) => [
            i.name ?? '?',
            {
              columns: i.columns.map((x) =>
                typeof x === 'object' && x !== null && 'name' in x && x.name
                  ? String(x.name)
                  : 'an expression',
              ),
              unique: i.unique,
              where: i.where === undefined ? undefined : d.render.sqlToQuery(i.where).sql,
            },
          ]),
        ),
        primaryKeys: c.primaryKeys.map((pk) => pk.columns.map((x) => x.name)),
        uniqueConstraints: c.uniqueConstraints.map((u) => u.getName() ?? '?'),
        checks: c.checks.map((x) => x.name),
      };
      return [c.name, shape];
    }),
  );
}

const SQLITE: Dialect = {
  tables: Object.values(sqliteSchema as Record<string, unknown>).filter((v) => is(v, SQLiteTable)),
  config: sqliteConfig,
  types: SQLITE_TYPES,
  render: new SQLiteSyncDialect(),
  // An integer primary key is SQLite's rowid: assigned on insert.
  assigned: (col) => col.primary && col.columnType === 'SQLiteInteger',
};

const POSTGRES: Dialect = {
  tables: Object.values(pgSchema as Record<string, unknown>).filter((v) => is(v, PgTable)),
  config: pgConfig,
  types: PG_TYPES,
  render: new PgDialect(),
  assigned: (col) => (col as { generatedIdentity?: unknown }).generatedIdentity !== undefined,
};

describe('the PostgreSQL schema matches the SQLite schema', () => {
  const sqlite = shapes(SQLITE);
  const pg = shapes(POSTGRES);

  it('has the same tables', () => {
    expect(Object.keys(sqlite).length).toBeGreaterThan(0);
    expect(Object.keys(pg).sort()).toEqual(Object.keys(sqlite).sort());
  });

  it('has the same columns: names, type family, nullability, keys, defaults and allowed values', () => {
    for (const [name, table] of Object.entries(sqlite)) {
      expect(pg[name]?.columns, name).toEqual(table.columns);
    }
  });

  it('has the same foreign keys, primary keys, unique constraints and checks', () => {
    for (const [name, table] of Object.entries(sqlite)) {
      const other = pg[name];
      expect(other?.foreignKeys.sort(), name).toEqual(table.foreignKeys.sort());
      expect(other?.primaryKeys, name).toEqual(table.primaryKeys);
      expect(other?.uniqueConstraints.sort(), name).toEqual(table.uniqueConstraints.sort());
      expect(other?.checks.sort(), name).toEqual(table.checks.sort());
    }
  });

  it('has the same indexes: names, columns in order, uniqueness, and the same partial-index condition', () => {
    for (const [name, table] of Object.entries(sqlite)) {
      expect(pg[name]?.indexes, name).toEqual(table.indexes);
    }
    // The partial indexes are what keep open-pull lists fast: their conditions must survive in both.
    const partial = Object.entries(sqlite.pulls?.indexes ?? {}).filter(([, i]) => i.where !== undefined);
    expect(partial.map(([n]) => n).sort()).toEqual([
      'pulls_away_from',
      'pulls_open_by_manager',
      'pulls_open_by_requester',
      'pulls_overdue',
      'pulls_push',
    ]);
  });

  it('keeps epoch milliseconds in 8-byte integers, read back as numbers', () => {
    const DAYS = new Set(['away_until']);
    const times: string[] = [];
    for (const table of POSTGRES.tables as PgTable[]) {
      for (const col of pgConfig(table).columns) {
        if (!/_(at|until)$/.test(col.name)) continue;
        // A calendar day, not an instant: `away_until` is the last day away in the person's own timezone.
        if (DAYS.has(col.name)) continue;
        times.push(col.name);
        // PgBigInt53 is `bigint` in mode 'number': a 4-byte integer overflows in 1970, a bigint string breaks
        // arithmetic on times.
        expect(`${pgConfig(table).name}.${col.name} ${col.columnType}`).toBe(
          `${pgConfig(table).name}.${col.name} PgBigInt53`,
        );
      }
    }
    expect(times.length).toBeGreaterThan(10);
  });
});
