// Starting on a SQLite file: a file or folder that cannot be written, a path that is a folder, the default file, the
// write lock /healthz must notice, and a backup's destination. Each is one line naming the file and the fix.

import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { applyMigrations, openDatabase } from '../../src/db/client.js';
import { runCli, unprivilegedUser } from '../support/cli.js';
import type { FakeSlack } from '../support/fake-slack.js';
import { BOT_TOKEN, type Harness, SIGNING_SECRET, startHarness } from '../support/harness.js';
import { cleanups, expectOneLine, fakeSlack, scratch, undoAll } from '../support/start-checks.js';

afterEach(undoAll);

describe('the default database', () => {
  it('an empty DATABASE_URL= line means the default file, not a temporary database', async () => {
    const fake = await fakeSlack();
    const cwd = scratch();
    writeFileSync(join(cwd, '.env'), `SLACK_BOT_TOKEN=${BOT_TOKEN}\nSLACK_SIGNING_SECRET=x\nDATABASE_URL=\n`);
    const out = await runCli(['migrate'], { SLACK_API_URL: fake.apiUrl }, { cwd });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toBe(`Database is up to date: ${join(cwd, 'data', 'pushpull.db')}\n`);
    expect(existsSync(join(cwd, 'data', 'pushpull.db'))).toBe(true);
  });
});

describe('a database that cannot be written', () => {
  const { user, own } = unprivilegedUser();
  const env = (fake: FakeSlack, file: string) => ({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    DATABASE_URL: `file:${file}`,
    PORT: '0',
  });

  it('a read-only database file: refuses to start, naming the file', async () => {
    const fake = await fakeSlack();
    const dir = scratch();
    const file = join(dir, 'p.db');
    const store = openDatabase(file);
    applyMigrations(store);
    await store.close();
    own(dir);
    own(file);
    chmodSync(dir, 0o755);
    chmodSync(file, 0o444);
    const out = await runCli(['start'], env(fake, file), { user });
    expect(expectOneLine(out)).toBe(
      `Pushpull cannot start: the database ${file} cannot be written (SQLITE_READONLY): give the user running Pushpull write access to the file and its folder (SQLite writes -wal and -shm files beside it)`,
    );
    expect(fake.calls).toHaveLength(0);
  });

  it('a folder that is not writable: refuses to start, naming the folder and the file', async () => {
    const fake = await fakeSlack();
    const dir = scratch();
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(dir, 0o755);
    chmodSync(locked, 0o555);
    const file = join(locked, 'p.db');
    const out = await runCli(['start'], env(fake, file), { user });
    expect(expectOneLine(out)).toBe(
      `Pushpull cannot start: the folder ${locked} is not writable: SQLite writes the database ${file} and its -wal and -shm files there; give the user running Pushpull write access, or set DATABASE_URL to another file`,
    );
  });

  it('DATABASE_URL naming a folder is refused, naming it', async () => {
    const dir = scratch();
    const out = await runCli(['migrate'], {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      DATABASE_URL: `file:${dir}`,
    });
    expect(expectOneLine(out)).toBe(
      `pushpull migrate: the database path ${dir} is a folder: add a file name to DATABASE_URL, such as ${join(dir, 'pushpull.db')}`,
    );
  });
});

describe('/healthz proves the database takes writes', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('answers 503 while the database cannot be written, though it still reads, and 200 again after', async () => {
    h = await startHarness();
    const other = new Database(h.sqlite().path);
    cleanups.push(() => {
      other.close();
    });
    // Another process holds the write lock: reads still work, writes cannot get in.
    other.exec('BEGIN EXCLUSIVE');
    const blocked = await fetch(`${h.slack.appUrl}/healthz`);
    expect(blocked.status).toBe(503);
    expect(await blocked.json()).toMatchObject({ ok: false, database: 'busy' });
    other.exec('ROLLBACK');
    expect((await fetch(`${h.slack.appUrl}/healthz`)).status).toBe(200);
  });
});

describe('backup blames the destination', () => {
  const env = (dir: string) => ({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    DATABASE_URL: `file:${join(dir, 'live.db')}`,
  });

  it('an existing folder, a path under a file, and a folder it may not write', async () => {
    const dir = scratch();
    const folder = join(dir, 'backups');
    mkdirSync(folder);
    const intoFolder = await runCli(['backup', folder], env(dir));
    expect(expectOneLine(intoFolder)).toBe(
      `pushpull backup: cannot write the backup to ${folder}: it is a folder; give a file name, such as ${join(folder, 'pushpull-backup.db')}`,
    );

    writeFileSync(join(dir, 'plain-file'), 'x');
    const underFile = await runCli(['backup', join(dir, 'plain-file', 'copy.db')], env(dir));
    expect(expectOneLine(underFile)).toMatch(
      new RegExp(
        `^pushpull backup: cannot write the backup to ${dir}/plain-file/copy\\.db: its folder ${dir}/plain-file cannot be created \\((EEXIST|ENOTDIR)\\)$`,
      ),
    );

    const { user, own } = unprivilegedUser();
    own(dir);
    own(join(dir, 'live.db'));
    chmodSync(dir, 0o755);
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o555);
    const unwritable = await runCli(['backup', join(locked, 'copy.db')], env(dir), { user });
    const line = expectOneLine(unwritable);
    expect(line).toMatch(new RegExp(`^pushpull backup: cannot write the backup to ${locked}/copy\\.db: `));
    expect(line).not.toContain('unable to open database file');
  });
});

describe('the command line is strict about the database', () => {
  it('`migrate --dry-run` is refused and touches no database', async () => {
    const dir = scratch();
    const out = await runCli(['migrate', '--dry-run'], {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      DATABASE_URL: `file:${join(dir, 'p.db')}`,
    });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("pushpull migrate: unknown option '--dry-run'");
    expect(readdirSync(dir)).toEqual([]);
  });

  it('`start --help` prints start’s usage and exits 0 without starting', async () => {
    const fake = await fakeSlack();
    const dir = scratch();
    const out = await runCli(['start', '--help'], {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      DATABASE_URL: `file:${join(dir, 'p.db')}`,
    });
    expect(out.code).toBe(0);
    expect(out.stdout).toBe('Usage: pushpull start\n  run the bot (applies pending migrations first)\n');
    expect(fake.calls).toHaveLength(0);
    expect(readdirSync(dir)).toEqual([]);
  });
});
