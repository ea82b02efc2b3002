// First run and failure paths of the real process: each problem an operator can fix is one line on stderr naming
// the variable or file and the fix, exit code 1, never a stack trace.

import { spawn } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createPushpullApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { applyMigrations, openDatabase } from '../../src/db/client.js';
import { createLogger } from '../../src/logger.js';
import { StartupError } from '../../src/runtime.js';
import { CLI_SCRIPT, runCli, TSX_LOADER, unprivilegedUser } from '../support/cli.js';
import { FakeSlack } from '../support/fake-slack.js';
import {
  BOT_TOKEN,
  eventually,
  type Harness,
  SIGNING_SECRET,
  startHarness,
  tempDir,
} from '../support/harness.js';
import { spawnPushpull } from '../support/process.js';
import { signature } from '../support/slack-driver.js';

const ROOT = resolve(import.meta.dirname, '../..');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const REFUSED_LINE =
  'Pushpull cannot start: SLACK_BOT_TOKEN was refused by Slack (invalid_auth): copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions.';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function fakeSlack(): Promise<FakeSlack> {
  const fake = await new FakeSlack().start();
  cleanups.push(() => fake.stop());
  return fake;
}

function scratch(): string {
  const dir = tempDir();
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The one line a failed start must print: exactly one line, exit 1, no stack trace. */
function expectOneLine(out: { code: number | null; stderr: string }): string {
  expect(out.code, out.stderr).toBe(1);
  expect(out.stderr).not.toContain('    at ');
  const lines = out.stderr.trimEnd().split('\n');
  expect(lines, out.stderr).toHaveLength(1);
  return lines[0] ?? '';
}

async function portInUse(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((done) => server.listen(0, done));
  cleanups.push(() => new Promise<void>((done) => server.close(() => done())));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

describe('a bot token Slack refuses', () => {
  it('.env.example copied as-is ends in the line naming SLACK_BOT_TOKEN', async () => {
    const fake = await fakeSlack();
    const cwd = scratch();
    copyFileSync(join(ROOT, '.env.example'), join(cwd, '.env'));
    // Real Slack answers the placeholder token with invalid_auth.
    fake.failNext('auth.test', { kind: 'error', error: 'invalid_auth' });
    const out = await runCli(['start'], { SLACK_API_URL: fake.apiUrl }, { cwd });
    expect(expectOneLine(out)).toBe(REFUSED_LINE);
    expect(fake.calls.map((c) => c.method)).toEqual(['auth.test#invalid_auth']);
  });

  it('in HTTP mode: one line with the Slack error and the fix, before listening', async () => {
    const fake = await fakeSlack();
    const dir = scratch();
    const port = String(await portInUse());
    fake.failNext('auth.test', { kind: 'error', error: 'account_inactive' });
    const out = await runCli(['start'], {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      DATABASE_URL: `file:${join(dir, 'p.db')}`,
      NODE_ENV: 'production',
      // Taken: had the receiver started first, this would fail on PORT instead.
      PORT: port,
    });
    expect(expectOneLine(out)).toBe(
      'Pushpull cannot start: SLACK_BOT_TOKEN was refused by Slack (account_inactive): the app was uninstalled or the workspace is inactive; reinstall the app (Install App) and copy the new Bot User OAuth Token (xoxb-…) from OAuth & Permissions.',
    );
  });

  it('in Socket Mode: one line, and no connection is opened', async () => {
    const fake = await fakeSlack();
    const dir = scratch();
    fake.failNext('auth.test', { kind: 'error', error: 'token_revoked' });
    const out = await runCli(['start'], {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_APP_TOKEN: 'xapp-1-test-app-token',
      SLACK_API_URL: fake.apiUrl,
      DATABASE_URL: `file:${join(dir, 'p.db')}`,
      PORT: '0',
    });
    expect(expectOneLine(out)).toMatch(
      /^Pushpull cannot start: SLACK_BOT_TOKEN was refused by Slack \(token_revoked\): reinstall the app/,
    );
    expect(fake.calls.map((c) => c.method)).toEqual(['auth.test#token_revoked']);
  });
});

describe('a Slack that does not answer', () => {
  async function startAgainst(apiUrl: string): Promise<unknown> {
    const dir = scratch();
    const config = loadConfig({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: apiUrl,
      DATABASE_URL: `file:${join(dir, 'p.db')}`,
      PORT: '0',
    });
    const store = openDatabase(join(dir, 'p.db'));
    cleanups.push(() => store.close());
    const app = createPushpullApp({
      config,
      store,
      logger: createLogger({ level: 'error', format: 'json', write: () => {} }),
      slackRetry: { retries: 1, minTimeout: 10, maxTimeout: 20 },
      slackTimeoutMs: 1000,
    });
    return app.start().then(
      () => app.stop().then(() => 'started'),
      (error: unknown) => error,
    );
  }

  it('unreachable: one line naming SLACK_API_URL', async () => {
    const free = createServer();
    const closed = await new Promise<number>((done) =>
      free.listen(0, '127.0.0.1', () => done((free.address() as AddressInfo).port)),
    );
    await new Promise<void>((done) => free.close(() => done()));
    const url = `http://127.0.0.1:${closed}/api/`;
    // Nothing listens there any more: the connection is refused.
    const error = await startAgainst(url);
    expect(error).toBeInstanceOf(StartupError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^Slack could not be reached at ${url.replace(/\./g, '\\.')} \\(.+\\): check the network, or SLACK_API_URL\\.$`,
      ),
    );
  });

  it('answering HTTP 503: one line naming SLACK_API_URL', async () => {
    const fake = await fakeSlack();
    fake.failNext('auth.test', { kind: 'http', status: 503 }, 5);
    const error = await startAgainst(fake.apiUrl);
    expect(error).toBeInstanceOf(StartupError);
    expect((error as Error).message).toBe(
      `Slack answered HTTP 503 when checking SLACK_BOT_TOKEN at ${fake.apiUrl}: try again in a minute, or check SLACK_API_URL.`,
    );
  });
});

describe('PORT and HOST', () => {
  const env = (fake: FakeSlack, dir: string, more: Record<string, string>) => ({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: fake.apiUrl,
    DATABASE_URL: `file:${join(dir, 'p.db')}`,
    NODE_ENV: 'production',
    ...more,
  });

  it('a PORT in use is one line naming PORT, in HTTP mode and in Socket Mode', async () => {
    const fake = await fakeSlack();
    const dir = scratch();
    const port = String(await portInUse());
    const http = await runCli(
      ['start'],
      env(fake, dir, { SLACK_SIGNING_SECRET: SIGNING_SECRET, PORT: port }),
    );
    expect(expectOneLine(http)).toBe(
      `Pushpull cannot start: PORT ${port} is already in use: stop the other process, or set PORT to a free port.`,
    );
    const socket = await runCli(['start'], env(fake, dir, { SLACK_APP_TOKEN: 'xapp-1-test', PORT: port }));
    expect(expectOneLine(socket)).toBe(
      `Pushpull cannot start: PORT ${port} is already in use: stop the other process, or set PORT to a free port.`,
    );
    // The health server failed before Socket Mode dialled Slack.
    expect(fake.callsTo('apps.connections.open')).toHaveLength(0);
  });

  it('HOST binds the HTTP receiver to that address only', async () => {
    const fake = await fakeSlack();
    const dir = scratch();
    const { child, port } = await spawnPushpull(
      env(fake, dir, { SLACK_SIGNING_SECRET: SIGNING_SECRET, HOST: '127.0.0.2' }),
    );
    cleanups.push(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    expect((await fetch(`http://127.0.0.2:${port}/healthz`)).status).toBe(200);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  it('in Socket Mode, /healthz is served on HOST and PORT before Slack is even reached', async () => {
    const fake = await fakeSlack();
    const dir = scratch();
    const free = createServer();
    const port = await new Promise<number>((done) =>
      free.listen(0, '127.0.0.2', () => done((free.address() as AddressInfo).port)),
    );
    await new Promise<void>((done) => free.close(() => done()));
    const child = spawn(process.execPath, ['--import', TSX_LOADER, CLI_SCRIPT, 'start'], {
      env: {
        PATH: process.env.PATH ?? '',
        ...env(fake, dir, { SLACK_APP_TOKEN: 'xapp-1-test', HOST: '127.0.0.2', PORT: String(port) }),
      },
      stdio: 'ignore',
    });
    cleanups.push(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const res = await eventually(async () => {
      const r = await fetch(`http://127.0.0.2:${port}/healthz`);
      expect(r.status).toBe(200);
      return r;
    }, 15_000);
    expect(await res.json()).toMatchObject({ ok: true, database: 'ok' });
    expect((await fetch(`http://127.0.0.2:${port}/slack/events`, { method: 'POST' })).status).toBe(404);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  }, 20_000);

  it('a HOST that is not an address of this machine is one line naming HOST, in Socket Mode too', async () => {
    const fake = await fakeSlack();
    const dir = scratch();
    const out = await runCli(
      ['start'],
      env(fake, dir, { SLACK_APP_TOKEN: 'xapp-1-test', HOST: '192.0.2.1', PORT: '0' }),
    );
    expect(expectOneLine(out)).toMatch(
      /^Pushpull cannot start: HOST 192\.0\.2\.1 is not an address of this machine/,
    );
  });
});

describe('configuration', () => {
  it('reports every problem in one go, one line per variable, and creates nothing', async () => {
    const cwd = scratch();
    const out = await runCli(
      ['start'],
      {
        SLACK_BOT_TOKEN: 'xoxp-a-user-token',
        DATABASE_URL: 'postgres://pushpull:hunter2@db.internal:port/pushpull',
        PORT: 'eighty',
        HOST: 'not a host',
      },
      { cwd },
    );
    expect(out.code).toBe(1);
    expect(out.stderr).not.toContain('    at ');
    expect(out.stderr).not.toContain('hunter2');
    const lines = out.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('Pushpull cannot start: fix these settings (environment or .env):');
    expect(lines.slice(1).map((l) => l.trim().split(' ')[0])).toEqual([
      'SLACK_BOT_TOKEN',
      'PORT',
      'HOST',
      'DATABASE_URL',
      'SLACK_SIGNING_SECRET',
    ]);
    expect(out.stderr).toContain('DATABASE_URL is not a PostgreSQL URL Pushpull can read');
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('a PostgreSQL DATABASE_URL is understood: a server that cannot be reached is one line, without the password', async () => {
    const fake = await fakeSlack();
    const cwd = scratch();
    for (const [command, lead] of [
      ['start', 'Pushpull cannot start'],
      ['migrate', 'pushpull migrate'],
    ] as const) {
      const out = await runCli(
        [command],
        {
          SLACK_BOT_TOKEN: BOT_TOKEN,
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          SLACK_API_URL: fake.apiUrl,
          DATABASE_URL: 'postgresql://pushpull:hunter2@127.0.0.1:1/pushpull',
          DATABASE_POOL_SIZE: '4',
          PORT: '0',
        },
        { cwd },
      );
      expect(expectOneLine(out)).toBe(
        `${lead}: PostgreSQL at postgresql://pushpull:***@127.0.0.1:1/pushpull cannot be reached (ECONNREFUSED): start the server, or fix the host and port in DATABASE_URL`,
      );
      expect(out.stderr).not.toContain('hunter2');
    }
    // Not a folder named after the URL, nor the default file.
    expect(readdirSync(cwd)).toEqual([]);
    expect(fake.calls).toEqual([]);
  });

  it('a .env that cannot be read is one line naming it', async () => {
    const cwd = scratch();
    mkdirSync(join(cwd, '.env'));
    const out = await runCli(['migrate'], {}, { cwd });
    expect(expectOneLine(out)).toBe(
      'pushpull migrate: .env is a folder: make it a readable text file of NAME=value lines, or remove it',
    );
  });

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

describe('a wrong signing secret', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('is refused with 401 and hints once, not per request, to check SLACK_SIGNING_SECRET', async () => {
    h = await startHarness();
    const hints = () => h?.logs.filter((l) => l.includes('check SLACK_SIGNING_SECRET')) ?? [];
    expect(hints()).toHaveLength(0);
    for (const n of [1, 2, 3]) {
      const body = `command=%2Fpull&text=list&user_id=UREQ0001&trigger_id=t${n}`;
      const ts = Math.floor(Date.now() / 1000);
      const res = await h.slack.post(body, 'application/x-www-form-urlencoded', {
        timestamp: ts,
        signature: signature('another-apps-signing-secret', ts, body),
      });
      expect(res.status).toBe(401);
    }
    expect(hints()).toHaveLength(1);
    // Ten minutes on, a still-wrong secret is mentioned again, with how many were refused meanwhile.
    h.clock.now += 10 * 60_000;
    const body = 'command=%2Fpull&text=list&user_id=UREQ0001&trigger_id=t4';
    const res = await h.slack.post(body, 'application/x-www-form-urlencoded', { signature: 'v0=bad' });
    expect(res.status).toBe(401);
    expect(hints()).toHaveLength(2);
    expect(hints()[1]).toContain('"refused":3');
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

describe('the command line is strict', () => {
  it('`digest send --manager U…` is refused and sends nothing', async () => {
    const fake = await fakeSlack();
    const dir = scratch();
    const out = await runCli(['digest', 'send', '--manager', 'UMGR0001'], {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      DATABASE_URL: `file:${join(dir, 'p.db')}`,
    });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("pushpull digest send: unknown option '--manager'");
    expect(out.stderr).toContain('Usage: pushpull digest send');
    expect(fake.calls).toHaveLength(0);
  });

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

  it('`--version` and `-v` print the version from package.json', async () => {
    for (const flag of ['--version', '-v']) {
      const out = await runCli([flag], {});
      expect(out.code).toBe(0);
      expect(out.stdout).toBe(`pushpull ${VERSION}\n`);
    }
  });

  it('the start log line shows the version', async () => {
    const fake = await fakeSlack();
    const dir = scratch();
    const { child, output } = await spawnPushpull({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      DATABASE_URL: `file:${join(dir, 'p.db')}`,
    });
    cleanups.push(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const started = output()
      .split('\n')
      .find((l) => l.includes('Pushpull is listening for Slack over HTTP'));
    expect(started).toContain(`"version":"${VERSION}"`);
  });
});
