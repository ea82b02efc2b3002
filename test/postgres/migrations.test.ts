// migrations-pg/ applied in order on a real PostgreSQL (a database of its own on the shared server) builds exactly
// the tables, column types and indexes src/db/schema-pg.ts describes.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { is } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../../src/db/schema-pg.js';
import { createTestDatabase, psql, psqlFile } from '../support/pg-cluster.js';

const FOLDER = resolve(import.meta.dirname, '../../migrations-pg');
const journal = JSON.parse(readFileSync(join(FOLDER, 'meta', '_journal.json'), 'utf8')) as {
  entries: { idx: number; tag: string }[];
};
const tables = Object.values(schema as Record<string, unknown>)
  .filter((v): v is PgTable => is(v, PgTable))
  .map((t) => getTableConfig(t));

let database: Awaited<ReturnType<typeof createTestDatabase>>;
/** What psql said for each migration, in journal order. */
const applied: { tag: string; code: number; stderr: string }[] = [];
beforeAll(async () => {
  database = await createTestDatabase();
  for (const { tag } of [...journal.entries].sort((a, b) => a.idx - b.idx)) {
    applied.push({ tag, ...(await psqlFile(database.url, join(FOLDER, `${tag}.sql`))) });
  }
});
afterAll(() => database?.drop());

/** One row per line, columns split on `|`. */
async function rows(statement: string): Promise<string[][]> {
  const out = await psql(database.url, statement);
  expect(out.code, out.stderr).toBe(0);
  return out.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('|'));
}

describe('the PostgreSQL migrations', () => {
  it('apply in journal order, each in one transaction', () => {
    expect(applied.length).toBeGreaterThan(0);
    for (const { tag, code, stderr } of applied) expect(code, `${tag}: ${stderr}`).toBe(0);
  });

  it('build every column of the schema with its type and nullability', async () => {
    const found = await rows(
      `select table_name, column_name, data_type, is_nullable from information_schema.columns
       where table_schema = 'public' order by table_name, column_name`,
    );
    const expected = tables
      .flatMap((t) =>
        t.columns.map((c) => [t.name, c.name, c.getSQLType(), c.notNull ? 'NO' : 'YES'].join(' ')),
      )
      .sort();
    expect(found.map((r) => r.join(' ')).sort()).toEqual(expected);
  });

  it('build every index, unique where the schema says, partial where the schema says', async () => {
    const found = await rows(
      `select indexname, indexdef like 'CREATE UNIQUE%', indexdef like '% WHERE %' from pg_indexes
       where schemaname = 'public' and indexname not like '%_pkey' order by indexname`,
    );
    const expected = tables
      .flatMap((t) =>
        t.indexes.map((i) =>
          [i.config.name, i.config.unique ? 't' : 'f', i.config.where ? 't' : 'f'].join(' '),
        ),
      )
      .sort();
    expect(found.map((r) => r.join(' ')).sort()).toEqual(expected);
    expect(expected).toContain('pulls_open_by_manager f t');
  });
});
