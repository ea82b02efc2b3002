// The database file going away: noticed by /healthz while running, and refused at the next start instead of
// a silently created empty database.
import { existsSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createdMarker } from '../../src/db/client.js';
import { runCli } from '../support/cli.js';
import { BOT_TOKEN, type Harness, SIGNING_SECRET, startHarness, tempDir } from '../support/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const health = async (harness: Harness) => {
  const res = await fetch(`${harness.slack.appUrl}/healthz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('the database file', () => {
  it('makes /healthz answer 503 when the file is deleted underneath the running app', async () => {
    h = await startHarness();
    expect((await health(h)).status).toBe(200);
    unlinkSync(h.sqlite().path);
    const after = await health(h);
    expect(after.status).toBe(503);
    expect(after.body).toMatchObject({ ok: false, database: 'unavailable' });
  });

  it('makes /healthz answer 503 when the file is replaced by another one', async () => {
    h = await startHarness();
    const file = h.sqlite().path;
    unlinkSync(file);
    // Another database at the same path: what the app holds open is no longer what DATABASE_URL names.
    const other = new Database(file);
    other.exec('create table t (x)');
    other.close();
    expect((await health(h)).status).toBe(503);
  });

  it('is created on the first start only: once created, a missing file stops the start with one line', async () => {
    const dir = tempDir();
    try {
      const file = join(dir, 'data', 'pushpull.db');
      const env = {
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        DATABASE_URL: `file:${file}`,
      };
      const first = await runCli(['migrate'], env);
      expect(first.code).toBe(0);
      expect(existsSync(file)).toBe(true);
      expect(existsSync(createdMarker(file))).toBe(true);

      rmSync(file);
      const lost = await runCli(['migrate'], env);
      expect(lost.code).toBe(1);
      const lines = lost.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(file);
      expect(lines[0]).toContain('missing');
      expect(lines[0]).toContain('restore it from a backup');
      expect(lost.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(file)).toBe(false);

      // The operator's way out, named in the message: remove the marker to start afresh.
      rmSync(createdMarker(file));
      const fresh = await runCli(['migrate'], env);
      expect(fresh.code).toBe(0);
      expect(existsSync(file)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('marks a database made before the marker existed, so losing it later is noticed too', async () => {
    const dir = tempDir();
    try {
      const file = join(dir, 'pushpull.db');
      const env = {
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        DATABASE_URL: `file:${file}`,
      };
      expect((await runCli(['migrate'], env)).code).toBe(0);
      // As an install from before this version: a database, no marker.
      rmSync(createdMarker(file));
      expect((await runCli(['migrate'], env)).code).toBe(0);
      expect(existsSync(createdMarker(file))).toBe(true);
      rmSync(file);
      const lost = await runCli(['migrate'], env);
      expect(lost.code).toBe(1);
      expect(lost.stderr).toContain('missing');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
