// Data safety on a SQLite file: a process killed mid-load leaves the file whole with every acknowledged pull,
// backups are consistent, upgrades keep data. (Load on every store: test/e2e/durability.test.ts.)
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, describe, expect, it } from 'vitest';
import { applyMigrations, MIGRATIONS_FOLDER, openDatabase } from '../../src/db/client.js';
import type { Pull } from '../../src/db/schema.js';
import { tables } from '../../src/db/store.js';
import { forgetPerson } from '../../src/domain/forget.js';
import { runCli } from '../support/cli.js';
import { FakeSlack } from '../support/fake-slack.js';
import { BOT_TOKEN, eventually, SIGNING_SECRET, tempDir } from '../support/harness.js';
import { spawnPushpull } from '../support/process.js';
import { SlackDriver } from '../support/slack-driver.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function wholePull(p: Pull) {
  expect(p.need.length).toBeGreaterThan(0);
  expect(p.requesterId).toMatch(/^U/);
  expect(p.managerId).toMatch(/^U/);
  expect(p.createdAt).toBeGreaterThan(0);
  expect(['open', 'acknowledged', 'resolved', 'withdrawn']).toContain(p.status);
}

async function processWithSlack() {
  const fake = await new FakeSlack().start();
  const dir = tempDir();
  const env = {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    DATABASE_URL: `file:${join(dir, 'p.db')}`,
  };
  const app = await spawnPushpull(env);
  cleanups.push(
    () => fake.stop(),
    () => rmSync(dir, { recursive: true, force: true }),
    () => {
      if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL');
    },
  );
  return {
    fake,
    dir,
    env,
    app,
    slack: new SlackDriver(`http://127.0.0.1:${app.port}`, SIGNING_SECRET, fake),
  };
}

describe('SIGKILL in the middle of a load run', () => {
  it('keeps every acknowledged pull, whole, after restart', async () => {
    const { slack, app, env } = await processWithSlack();
    const acked: string[] = [];
    let next = 0;
    let killed = false;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < 1000 && !killed) {
          const i = next++;
          const need = `kill test ${i}`;
          // Many requesters, so the per-person limit on pulls a minute never refuses one.
          const requester = `UREQ${String(i % 250).padStart(4, '0')}`;
          try {
            const res = await slack.command('/pull', `<@UMGR0001> ${need}`, requester);
            if (res.status === 200 && JSON.stringify(res.body).includes('Pulled in')) acked.push(need);
          } catch {
            // The process is gone: this request was never acknowledged.
          }
          if (acked.length >= 150 && !killed) {
            killed = true;
            app.child.kill('SIGKILL');
          }
        }
      }),
    );
    expect(killed).toBe(true);
    if (app.child.exitCode === null && app.child.signalCode === null)
      await new Promise((r) => app.child.once('exit', r));
    expect(app.child.signalCode).toBe('SIGKILL');

    const store = openDatabase(env.DATABASE_URL.slice('file:'.length));
    cleanups.push(() => store.close());
    applyMigrations(store);
    expect(store.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    const { pulls } = tables(store.db);
    const rows = await store.db.select().from(pulls).orderBy(pulls.id);
    const stored = new Set(rows.map((p) => p.need));
    for (const need of acked) expect(stored.has(need), need).toBe(true);
    for (const row of rows) wholePull(row);
  }, 60_000);
});

describe('backup', () => {
  it('`pushpull backup` makes a consistent copy while the app serves writes', async () => {
    const { slack, env, dir } = await processWithSlack();
    let writing = true;
    let written = 0;
    const writers = Array.from({ length: 8 }, async () => {
      while (writing) {
        // Many requesters, so the per-person limit on pulls a minute never refuses one.
        const requester = `UREQ${String(written % 250).padStart(4, '0')}`;
        const res = await slack.command('/pull', `<@UMGR0001> during backup ${written}`, requester);
        if (res.status === 200) written += 1;
      }
    });
    await eventually(() => expect(written).toBeGreaterThan(50), 10_000);
    // A second reader on the live file, as an operator's sqlite3 shell would be.
    const live = openDatabase(env.DATABASE_URL.slice('file:'.length));
    cleanups.push(() => live.close());
    // The manager's profile is saved after the first DM; once it is in the live file, the copy must hold it.
    const { members, pulls } = tables(live.db);
    await eventually(async () =>
      expect((await live.db.select().from(members)).map((m) => m.userId)).toContain('UMGR0001'),
    );
    const file = join(dir, 'backups', 'copy.db');
    const out = await runCli(['backup', file], env);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain('Backed up');
    writing = false;
    await Promise.all(writers);

    const copy = openDatabase(file);
    cleanups.push(() => copy.close());
    expect(copy.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    const copied = tables(copy.db);
    const rows = await copy.db.select().from(copied.pulls).orderBy(copied.pulls.id);
    expect(rows.length).toBeGreaterThan(50);
    for (const row of rows) wholePull(row);
    // One moment in time: the pulls are the live file's first n, with no gaps, each as it was written.
    const immutable = (p: Pull) => [p.id, p.requesterId, p.managerId, p.need, p.createdAt];
    expect(rows.map((p) => p.id)).toEqual(rows.map((_, i) => i + 1));
    const liveRows = await live.db.select().from(pulls).orderBy(pulls.id);
    expect(liveRows.length).toBeGreaterThanOrEqual(rows.length);
    expect(rows.map(immutable)).toEqual(liveRows.slice(0, rows.length).map(immutable));
    // The members table came along, consistent with the pulls: each requester was saved before their pull.
    const copyMembers = await copy.db.select().from(copied.members);
    expect(copyMembers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ userId: 'UREQ0001', teamId: 'T0001' }),
        expect.objectContaining({ userId: 'UMGR0001', timezone: 'UTC', isBot: false }),
      ]),
    );
    const memberIds = new Set(copyMembers.map((m) => m.userId));
    for (const row of rows) expect(memberIds.has(row.requesterId), row.requesterId).toBe(true);
    // Restoring: the copy opens and migrates like any database.
    applyMigrations(copy);
  }, 60_000);
});

describe('migrations', () => {
  it('upgrade a database created by the first migration, with data in it, to the latest', async () => {
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const firstOnly = join(dir, 'migrations');
    cpSync(MIGRATIONS_FOLDER, firstOnly, { recursive: true });
    const journalPath = join(firstOnly, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: unknown[] };
    const latestCount = journal.entries.length;
    expect(latestCount).toBeGreaterThan(1);
    writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, 1) }));

    const store = openDatabase(join(dir, 'old.db'));
    cleanups.push(() => store.close());
    migrate(store.db, { migrationsFolder: firstOnly });
    // Rows written by the first version, with its columns only.
    store.sqlite.exec(`
      INSERT INTO members (user_id, manager_id, timezone, is_bot, updated_at) VALUES ('UREQ0001', 'UMGR0001', 'Europe/Paris', 0, 1);
      INSERT INTO pushes (manager_id, quarter, title, owner_id, status, created_at, updated_at) VALUES ('UMGR0001', '2026-Q4', 'Old push', 'UMGR0001', 'at-risk', 1, 1);
      INSERT INTO pulls (requester_id, manager_id, need, kind, push_id, status, created_at) VALUES ('UREQ0001', 'UMGR0001', 'Old pull', 'unblock', 1, 'acknowledged', 1);
    `);

    applyMigrations(store);
    const applied = store.sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as {
      n: number;
    };
    expect(applied.n).toBe(latestCount);
    const { agreements, members, pulls, pushes } = tables(store.db);
    expect(await store.db.select().from(members)).toMatchObject([
      {
        userId: 'UREQ0001',
        managerId: 'UMGR0001',
        timezone: 'Europe/Paris',
        homeOpenedAt: null,
        // 0008_away_autonomy: here, no deputy, no autonomy until a manager grants it.
        awayUntil: null,
        awayDeputyId: null,
        awaySince: null,
        autonomyGrantedAt: null,
      },
    ]);
    expect(await store.db.select().from(pushes)).toMatchObject([{ title: 'Old push', status: 'at-risk' }]);
    expect(await store.db.select().from(pulls)).toMatchObject([
      // A pull from before edits existed reads as never edited.
      {
        need: 'Old pull',
        kind: 'unblock',
        pushId: 1,
        status: 'acknowledged',
        editedAt: null,
        awayFromId: null,
      },
    ]);
    // The new indexes exist and are the ones the away tick and the summary read.
    const indexes = store.sqlite
      .prepare(
        "select name from sqlite_master where type = 'index' and name in ('members_away', 'pulls_away_from')",
      )
      .all();
    expect(indexes).toHaveLength(2);
    // 0005 (agreements): an old pull and push can carry an agreement, and forgetting a person reaches it.
    await store.db.insert(agreements).values({
      pullId: 1,
      requesterId: 'UREQ0001',
      managerId: 'UMGR0001',
      pushId: 1,
      success: 'Kept',
      createdAt: 2,
    });
    expect(await store.db.select().from(agreements)).toMatchObject([
      { pullId: 1, pushId: 1, stage: 'repeat', rounds: 0, agreedAt: null, success: 'Kept' },
    ]);
    expect((await forgetPerson(store.db, 'UMGR0001')).agreements).toBe(1);
  });
});
