// `pushpull backup` of a database of tens of megabytes finishes under continuous writes, and the copy is one moment.
import { spawn } from 'node:child_process';
import { closeSync, fstatSync, openSync, readdirSync, readSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { applyMigrations, openDatabase } from '../../src/db/client.js';
import { tables } from '../../src/db/store.js';
import { CLI_SCRIPT, type CliResult, TSX_LOADER } from '../support/cli.js';
import { BOT_TOKEN, eventually, SIGNING_SECRET, tempDir } from '../support/harness.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Rows enough for about 45 MB: several thousand pages, each copied again by a backup that restarts. */
const SEEDED = 100_000;
const WRITE_EVERY_MS = 1;
/** Far longer than the backup needs; the online backup API this replaced never finished within it. */
const BACKUP_GIVE_UP_MS = 60_000;

/** A large database built the way Pushpull builds one: its migrations, then rows in one transaction. */
async function seedLargeDatabase(file: string): Promise<void> {
  const store = openDatabase(file);
  applyMigrations(store);
  const insert = store.sqlite.prepare(
    `INSERT INTO pulls (team_id, requester_id, manager_id, need, context, kind, status, created_at)
     VALUES ('T0001', ?, ?, ?, ?, 'decision', 'resolved', ?)`,
  );
  const filler = 'the plan, the numbers and who needs to sign off before Friday. '.repeat(3);
  const start = Date.UTC(2025, 0, 1);
  store.sqlite.transaction(() => {
    for (let i = 0; i < SEEDED; i++) {
      insert.run(
        `USEED${String(i % 5000).padStart(5, '0')}`,
        `UMGRS${String(i % 500).padStart(4, '0')}`,
        `Seeded pull ${i}: ${filler}`,
        filler,
        start + i * 60_000,
      );
    }
  })();
  await store.close();
}

/** The real CLI, killed if it has not finished in `timeoutMs`: a backup that never ends fails, not hangs. */
function runCliWithin(args: string[], env: Record<string, string>, timeoutMs: number) {
  return new Promise<CliResult & { timedOut: boolean }>((resolve) => {
    const child = spawn(process.execPath, ['--import', TSX_LOADER, CLI_SCRIPT, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

/**
 * A second process writing a pull every WRITE_EVERY_MS on its own connection, as the bot does (each write its own
 * transaction). It prints `writing` once it has written, and on SIGTERM how many it wrote; a failed write
 * (the database locked by the backup, say) ends it with an error.
 */
const WRITER = `
const Database = require('better-sqlite3');
const db = new Database(process.argv[1]);
db.pragma('busy_timeout = 5000');
const insert = db.prepare(
  "INSERT INTO pulls (team_id, requester_id, manager_id, need, kind, status, created_at) VALUES ('T0001', 'UWRITER', 'UMGR0001', ?, 'decision', 'open', ?)",
);
let n = 0;
const timer = setInterval(() => {
  insert.run('written during the backup ' + n, Date.now());
  n += 1;
  if (n === 20) process.stdout.write('writing\\n');
}, Number(process.argv[2]));
process.on('SIGTERM', () => {
  clearInterval(timer);
  db.close();
  process.stdout.write('wrote ' + n + '\\n');
  process.exit(0);
});
`;

function startWriter(file: string) {
  const child = spawn(process.execPath, ['-e', WRITER, file, String(WRITE_EVERY_MS)], {
    cwd: join(dirname(fileURLToPath(import.meta.url)), '../..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    writing: () => eventually(() => expect(stdout, stderr).toContain('writing'), 10_000),
    /** Stops it and says how many pulls it wrote. */
    async stop() {
      child.kill('SIGTERM');
      const code = await exited;
      expect(code, stderr).toBe(0);
      return Number(/wrote (\d+)/.exec(stdout)?.[1]);
    },
    kill: () => child.kill('SIGKILL'),
  };
}

/**
 * What is wrong with the file at `file` if it is there but not a whole database: shorter than its header
 * says (page size × page count), or too short to have a header. Undefined when absent or whole.
 */
function incompleteDatabase(file: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const size = fstatSync(fd).size;
    const header = Buffer.alloc(100);
    if (readSync(fd, header, 0, 100, 0) < 100) return `${size} bytes, no header yet`;
    const pageSize = header.readUInt16BE(16) === 1 ? 65_536 : header.readUInt16BE(16);
    const pages = header.readUInt32BE(28);
    return size === pageSize * pages ? undefined : `${size} bytes of ${pageSize * pages}`;
  } finally {
    closeSync(fd);
  }
}

describe('backup under live writes', () => {
  it('`pushpull backup` of a database of tens of megabytes finishes while another process writes a pull every millisecond', async () => {
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const dbPath = join(dir, 'pushpull.db');
    await seedLargeDatabase(dbPath);
    expect(statSync(dbPath).size).toBeGreaterThan(30 * 1024 * 1024);
    const env = {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      DATABASE_URL: `file:${dbPath}`,
      LOG_LEVEL: 'info',
    };

    const writer = startWriter(dbPath);
    cleanups.push(() => writer.kill());
    await writer.writing();
    const file = join(dir, 'backups', 'copy.db');
    // Someone (a cron job's next step, an operator) may read the backup's name at any moment: it must
    // never show a half-written database there.
    const halfWritten: string[] = [];
    const watcher = setInterval(() => {
      const problem = incompleteDatabase(file);
      if (problem) halfWritten.push(problem);
    }, 5);
    cleanups.push(() => clearInterval(watcher));
    const out = await runCliWithin(['backup', file], env, BACKUP_GIVE_UP_MS);
    clearInterval(watcher);
    const written = await writer.stop();
    expect(out.timedOut, `the backup was still copying after ${BACKUP_GIVE_UP_MS / 1000} s`).toBe(false);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain(`Backed up ${dbPath} to ${file}`);
    expect(halfWritten.slice(0, 3)).toEqual([]);
    // Only the finished copy is left in the backups folder: the temporary file was renamed into place.
    expect(readdirSync(join(dir, 'backups'))).toEqual(['copy.db']);

    const copy = openDatabase(file);
    cleanups.push(() => copy.close());
    expect(copy.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    const live = openDatabase(dbPath);
    cleanups.push(() => live.close());
    const { pulls } = tables(copy.db);
    const columns = {
      id: pulls.id,
      requesterId: pulls.requesterId,
      need: pulls.need,
      createdAt: pulls.createdAt,
    };
    const copied = await copy.db.select(columns).from(pulls).orderBy(pulls.id);
    const liveRows = await live.db.select(columns).from(pulls).orderBy(pulls.id);
    // Every write went through: the backup never locked the writer out.
    expect(liveRows.length).toBe(SEEDED + written);
    // One moment in time: the seeded rows and the writer's first writes, the live file's first n rows, no gaps.
    expect(copied.length).toBeGreaterThanOrEqual(SEEDED + 20);
    expect(copied.length).toBeLessThanOrEqual(liveRows.length);
    expect(copied.map((p) => p.id)).toEqual(copied.map((_, i) => i + 1));
    expect(copied).toEqual(liveRows.slice(0, copied.length));
    // Restoring: the copy opens and migrates like any database.
    applyMigrations(copy);
  }, 120_000);
});
