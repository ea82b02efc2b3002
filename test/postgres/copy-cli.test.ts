// `pushpull copy --to postgres://…` as an operator runs it: a child process, from a SQLite file into a fresh database
// on the shared server. It prints what it copied, refuses to copy twice, refuses what is not PostgreSQL, and never
// prints the password it was given.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqliteStore } from '../../src/db/client.js';
import { tablePairs } from '../../src/db/copy.js';
import { type CliResult, runCli } from '../support/cli.js';
import { seededSqlite } from '../support/copy-source.js';
import { tempDir } from '../support/harness.js';
import { createTestDatabase, psql } from '../support/pg-cluster.js';

/** The shared server trusts local logins, so any password is accepted, and none may ever be printed. */
const PASSWORD = 'Sekr1t-pa55word';

let dir: string;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
/** The fresh database's URL, carrying the password. */
let target: string;
let counts: Map<string, number>;
let env: Record<string, string>;

beforeAll(async () => {
  dir = tempDir('pushpull-copy-cli-');
  const source: SqliteStore = await seededSqlite(dir);
  counts = new Map(
    tablePairs().map((p) => [
      p.name,
      Number(source.sqlite.prepare(`SELECT count(*) FROM "${p.name}"`).pluck().get()),
    ]),
  );
  await source.close();
  database = await createTestDatabase();
  const url = new URL(database.url);
  url.password = PASSWORD;
  target = url.href;
  env = {
    SLACK_BOT_TOKEN: 'xoxb-copy-cli-test',
    SLACK_SIGNING_SECRET: 'copy-cli-test-signing-secret',
    DATABASE_URL: `file:${join(dir, 'source.db')}`,
  };
});

afterAll(async () => {
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const copy = (args: string[], extra: Record<string, string> = {}): Promise<CliResult> =>
  runCli(['copy', ...args], { ...env, ...extra }, { cwd: dir });

function expectNoPassword(result: CliResult): void {
  expect(result.stdout + result.stderr).not.toContain(PASSWORD);
}

describe('pushpull copy', () => {
  it('copies every table into an empty database, prints each table with its count, and exits 0', async () => {
    const result = await copy(['--to', target]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expectNoPassword(result);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.length).toBe(counts.size + 1);
    for (const [name, n] of counts)
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^\\s+${name}\\s+${n}$`)));
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    expect(lines.at(-1)).toMatch(
      new RegExp(
        `^Copied ${total} rows in ${counts.size} tables from .*source\\.db to postgres://postgres:\\*\\*\\*@.*; counts verified\\.$`,
      ),
    );
    // The server holds what was printed.
    for (const [name, n] of counts) {
      const counted = await psql(database.url, `select count(*) from "${name}"`);
      expect(`${name} ${counted.stdout.trim()}`).toBe(`${name} ${n}`);
    }
  });

  it('refuses to copy into a database that already holds Pushpull data: one line, exit 1', async () => {
    const result = await copy(['--to', target]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^pushpull copy: postgres:\/\/postgres:\*\*\*@.* already holds Pushpull data \(in .*\): copy only into an empty database; nothing was copied\n$/,
    );
    expectNoPassword(result);
  });

  it('refuses a --to that is not a PostgreSQL URL, with the usage, exit 2, never repeating it', async () => {
    for (const args of [
      ['--to', `mysql://root:${PASSWORD}@127.0.0.1/pushpull`],
      ['--to', `file:./${PASSWORD}.db`],
      [],
    ]) {
      const result = await copy(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^pushpull copy: --to needs a PostgreSQL URL, such as postgres:\/\//);
      expect(result.stderr).toContain('Usage: pushpull copy --to postgres://');
      expectNoPassword(result);
    }
  });

  it('refuses when DATABASE_URL is not SQLite: one line, exit 1', async () => {
    const result = await copy(['--to', target], { DATABASE_URL: target });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^pushpull copy: copy reads the SQLite database named by DATABASE_URL, which is PostgreSQL .*\n$/,
    );
    expectNoPassword(result);
  });

  it('says in one line when the target server cannot be reached, without the password', async () => {
    const result = await copy(['--to', `postgres://postgres:${PASSWORD}@127.0.0.1:1/pushpull`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^pushpull copy: PostgreSQL at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/pushpull cannot be reached/,
    );
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expectNoPassword(result);
  });
});
