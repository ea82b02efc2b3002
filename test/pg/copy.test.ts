// `copy` at the function level: a SQLite database seeded with every kind of row, copied into PostgreSQL (PGlite in
// `npm test`, the server in `npm run test:postgres`), reads back the same through every export and every table.
import { rmSync } from 'node:fs';
import { getTableName, is, Table } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqliteStore } from '../../src/db/client.js';
import { CopyError, copySqliteToPostgres, tablePairs } from '../../src/db/copy.js';
import { type Db, type Store, tables } from '../../src/db/store.js';
import { openPull } from '../../src/domain/pulls.js';
import { DATASET_NAMES } from '../../src/export/datasets.js';
import { exportDataset } from '../../src/export/index.js';
import { EVERY_SCRIPT, LAST_MILLISECOND, seededSqlite } from '../support/copy-source.js';
import { tempDir } from '../support/harness.js';
import { type TestDatabase, testDatabase } from '../support/test-stores.js';

let dir: string;
let source: SqliteStore;
let target: TestDatabase;

beforeEach(async () => {
  dir = tempDir('pushpull-copy-');
  source = await seededSqlite(dir);
  target = await testDatabase(dir, `${dir}/unused.db`);
  expect(target.store.dialect).toBe('postgres');
});

afterEach(async () => {
  await source.close();
  await target.release();
  rmSync(dir, { recursive: true, force: true });
});

/** Every row of every table, each table's rows in one order, as the domain reads them. */
async function everyRow(db: Db): Promise<Record<string, unknown[]>> {
  const all: Record<string, unknown[]> = {};
  const copied = new Set(tablePairs().map((p) => p.name));
  for (const table of Object.values(tables(db))) {
    if (!is(table, Table) || !copied.has(getTableName(table))) continue;
    const read = (await db.select().from(table as never)) as Record<string, unknown>[];
    all[getTableName(table)] = read
      .map((row) => JSON.stringify(row, Object.keys(row).sort()))
      .sort()
      .map((json) => JSON.parse(json));
  }
  return all;
}

async function rowCounts(store: Store): Promise<Record<string, number>> {
  const rows = await everyRow(store.db);
  return Object.fromEntries(Object.entries(rows).map(([name, r]) => [name, r.length]));
}

describe('copy from SQLite to PostgreSQL', () => {
  it('carries every row over exactly: every export and every table read the same from both', async () => {
    // A few rows per INSERT, so every table with more than that crosses chunk boundaries.
    const copied = await copySqliteToPostgres(source, target.store, { batchRows: 3 });

    const sourceRows = await everyRow(source.db);
    expect(copied).toEqual(
      tablePairs().map((p) => ({ table: p.name, rows: sourceRows[p.name]?.length ?? Number.NaN })),
    );
    expect(sourceRows.pulls?.length).toBeGreaterThan(3);
    expect(await everyRow(target.store.db)).toEqual(sourceRows);
    for (const name of DATASET_NAMES) {
      for (const format of ['csv', 'json'] as const) {
        const before = await exportDataset(source.db, name, format);
        const lines = before.split('\n').filter(Boolean).length;
        expect(lines, `${name} as ${format} has rows`).toBeGreaterThan(format === 'csv' ? 1 : 0);
        expect(await exportDataset(target.store.db, name, format), `${name} as ${format}`).toBe(before);
      }
    }
    // The values most likely to change on the way, seen through the domain's types.
    const { pulls, members, recognitions } = tables(target.store.db);
    const texts = (await target.store.db.select().from(pulls)).filter((p) => p.need === EVERY_SCRIPT);
    expect(texts).toMatchObject([{ createdAt: LAST_MILLISECOND, managerDmUnknownAt: LAST_MILLISECOND }]);
    const bots = (await target.store.db.select().from(members)).map((m) => m.isBot);
    expect(bots).toContain(true);
    expect(bots).toContain(false);
    expect((await target.store.db.select().from(recognitions)).map((r) => r.shared).sort()).toEqual([
      false,
      false,
      true,
    ]);
  });

  it('moves each id sequence past the ids it carried over: the next pull takes the next id', async () => {
    await copySqliteToPostgres(source, target.store);
    const { pulls } = tables(source.db);
    const highest = Math.max(...(await source.db.select({ id: pulls.id }).from(pulls)).map((p) => p.id));
    const next = await openPull(
      target.store.db,
      { requesterId: 'UNEW0001', managerId: 'UNEW0002', need: 'After the move' },
      Date.now(),
    );
    expect(next).toMatchObject({ ok: true, value: { id: highest + 1 } });
  });

  it('refuses a target that already holds Pushpull data, and leaves it as it was', async () => {
    await copySqliteToPostgres(source, target.store);
    const before = await rowCounts(target.store);
    const again = copySqliteToPostgres(source, target.store);
    await expect(again).rejects.toThrow(CopyError);
    await expect(again).rejects.toThrow(
      /already holds Pushpull data \(in members, .*pulls.*\): copy only into an empty database/,
    );
    expect(await rowCounts(target.store)).toEqual(before);
  });

  it('refuses a target holding a single row anywhere', async () => {
    const { requestsSeen } = tables(target.store.db);
    await target.store.db
      .insert(requestsSeen)
      .values({ key: 'command:left-over', createdId: null, seenAt: 1 });
    await expect(copySqliteToPostgres(source, target.store)).rejects.toThrow(
      /already holds Pushpull data \(in requests_seen\)/,
    );
    expect((await rowCounts(target.store)).pulls).toBe(0);
  });

  it('rolls all of it back when PostgreSQL refuses a row late in the copy: the target stays empty', async () => {
    // PostgreSQL text cannot hold a NUL character; SQLite's can. Agreements come after members, pushes and pulls.
    source.sqlite.prepare(`UPDATE agreements SET success = 'before' || char(0) || 'after'`).run();
    const failed = copySqliteToPostgres(source, target.store, { batchRows: 2 });
    await expect(failed).rejects.toThrow(/PostgreSQL refused a row of agreements .*nothing was copied/);
    const counts = await rowCounts(target.store);
    expect(Object.keys(counts).length).toBe(tablePairs().length);
    expect(Object.values(counts).every((n) => n === 0)).toBe(true);
    // And a copy of what PostgreSQL can hold goes through afterwards.
    source.sqlite.prepare(`UPDATE agreements SET success = 'Put right'`).run();
    await copySqliteToPostgres(source, target.store);
    expect((await rowCounts(target.store)).agreements).toBeGreaterThan(0);
  });
});
