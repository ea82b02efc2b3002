// The background checkpoint (src/db/checkpointer.ts): the log reaches the database file without any commit of
// the bot's paying for it, and the thread goes away with the store.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkpointInBackground, FALLBACK_PAGES } from '../../src/db/checkpointer.js';
import { applyMigrations, openDatabase, type SqliteStore } from '../../src/db/client.js';
import { eventually, tempDir } from '../support/harness.js';

let dir: string;
let file: string;
let store: SqliteStore | undefined;

beforeEach(() => {
  dir = tempDir();
  file = join(dir, 'pushpull.db');
});

afterEach(async () => {
  await store?.close();
  store = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** About `mb` megabytes of new pages, written through the store's own connection, commit by commit. */
function write(sqlite: SqliteStore['sqlite'], mb: number): void {
  sqlite.exec('CREATE TABLE IF NOT EXISTS ballast (id INTEGER PRIMARY KEY, bytes BLOB)');
  const insert = sqlite.prepare('INSERT INTO ballast (bytes) VALUES (randomblob(3500))');
  for (let i = 0; i < mb * 300; i++) insert.run();
}

const size = (path: string) => statSync(path).size;
/** The threads of this process (Linux): a worker is one more while it runs. */
const threads = () => readdirSync('/proc/self/task').length;

describe('the background checkpoint', () => {
  it('copies the log into the database file while the bot’s own connection only appends to it', async () => {
    store = openDatabase(file, { backgroundCheckpoints: { onError: (error) => expect.fail(error.message) } });
    applyMigrations(store);
    // The bot's connection checkpoints only as a fallback, far past SQLite's default of 1,000 pages.
    expect(store.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(FALLBACK_PAGES);
    const before = size(file);
    // 3 MB: under both the fallback and SQLite's default, so no commit of the bot's copies it across.
    write(store.sqlite, 3);
    expect(size(`${file}-wal`)).toBeGreaterThan(3_000_000);
    // In WAL mode the database file grows only when a checkpoint copies pages into it: here, the worker's.
    await eventually(() => expect(size(file)).toBeGreaterThan(before + 3_000_000), 10_000);
    await store.close();
    store = openDatabase(file);
    expect(store.sqlite.prepare('SELECT count(*) FROM ballast').pluck().get()).toBe(900);
  });

  it('stops with the store: its thread ends, and a database opened without it checkpoints as SQLite does', async () => {
    const before = threads();
    store = openDatabase(file, { backgroundCheckpoints: { onError: (error) => expect.fail(error.message) } });
    applyMigrations(store);
    await eventually(() => expect(threads()).toBeGreaterThan(before));
    const running = threads();
    write(store.sqlite, 1);
    await store.close();
    await eventually(() => expect(threads()).toBeLessThan(running));
    // Closed again (a second shutdown path): it returns at once rather than wait for a thread that is gone.
    await store.close();
    store = openDatabase(file);
    expect(store.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(store.sqlite.prepare('SELECT count(*) FROM ballast').pluck().get()).toBe(300);
  });

  it('a worker that fails is told once, and the bot checkpoints on its commits again', async () => {
    store = openDatabase(file);
    applyMigrations(store);
    const errors: Error[] = [];
    const checkpointer = checkpointInBackground(store.sqlite, join(dir, 'missing', 'nowhere.db'), (error) =>
      errors.push(error),
    );
    await eventually(() => expect(errors).toHaveLength(1));
    expect(errors[0]?.message).toMatch(/unable to open|directory does not exist/);
    expect(store.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    await checkpointer.stop();
  });
});
