// First run and failure paths of the real process: each problem an operator can fix is one line on stderr naming
// the variable or file and the fix, exit code 1, never a stack trace. The process runs on the suite's database (a
// SQLite file, or a database on the server); what is about the SQLite file is in test/sqlite/startup.test.ts.

import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI_SCRIPT, runCli, TSX_LOADER } from '../support/cli.js';
import type { FakeSlack } from '../support/fake-slack.js';
import { BOT_TOKEN, eventually, SIGNING_SECRET } from '../support/harness.js';
import { spawnPushpull } from '../support/process.js';
import { cleanups, expectOneLine, fakeSlack, portInUse, scratch, undoAll } from '../support/start-checks.js';
import { processDatabase } from '../support/test-stores.js';

const ROOT = resolve(import.meta.dirname, '../..');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const REFUSED_LINE =
  'Pushpull cannot start: SLACK_BOT_TOKEN was refused by Slack (invalid_auth): copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions.';

afterEach(undoAll);

/** The suite's database for a process started in a fresh folder: its DATABASE_URL. */
async function databaseUrl(): Promise<string> {
  const database = await processDatabase(scratch());
  cleanups.push(() => database.release());
  return database.url;
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
    const port = String(await portInUse());
    fake.failNext('auth.test', { kind: 'error', error: 'account_inactive' });
    const out = await runCli(['start'], {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      DATABASE_URL: await databaseUrl(),
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
    fake.failNext('auth.test', { kind: 'error', error: 'token_revoked' });
    const out = await runCli(['start'], {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_APP_TOKEN: 'xapp-1-test-app-token',
      SLACK_API_URL: fake.apiUrl,
      DATABASE_URL: await databaseUrl(),
      PORT: '0',
    });
    expect(expectOneLine(out)).toMatch(
      /^Pushpull cannot start: SLACK_BOT_TOKEN was refused by Slack \(token_revoked\): reinstall the app/,
    );
    expect(fake.calls.map((c) => c.method)).toEqual(['auth.test#token_revoked']);
  });
});

describe('PORT and HOST', () => {
  const env = (fake: FakeSlack, database: string, more: Record<string, string>) => ({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: fake.apiUrl,
    DATABASE_URL: database,
    NODE_ENV: 'production',
    ...more,
  });

  it('a PORT in use is one line naming PORT, in HTTP mode and in Socket Mode', async () => {
    const fake = await fakeSlack();
    const database = await databaseUrl();
    const port = String(await portInUse());
    const http = await runCli(
      ['start'],
      env(fake, database, { SLACK_SIGNING_SECRET: SIGNING_SECRET, PORT: port }),
    );
    expect(expectOneLine(http)).toBe(
      `Pushpull cannot start: PORT ${port} is already in use: stop the other process, or set PORT to a free port.`,
    );
    const socket = await runCli(
      ['start'],
      env(fake, database, { SLACK_APP_TOKEN: 'xapp-1-test', PORT: port }),
    );
    expect(expectOneLine(socket)).toBe(
      `Pushpull cannot start: PORT ${port} is already in use: stop the other process, or set PORT to a free port.`,
    );
    // The health server failed before Socket Mode dialled Slack.
    expect(fake.callsTo('apps.connections.open')).toHaveLength(0);
  });

  it('HOST binds the HTTP receiver to that address only', async () => {
    const fake = await fakeSlack();
    const database = await databaseUrl();
    const { child, port } = await spawnPushpull(
      env(fake, database, { SLACK_SIGNING_SECRET: SIGNING_SECRET, HOST: '127.0.0.2' }),
    );
    cleanups.push(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    expect((await fetch(`http://127.0.0.2:${port}/healthz`)).status).toBe(200);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  it('in Socket Mode, /healthz is served on HOST and PORT before Slack is even reached', async () => {
    const fake = await fakeSlack();
    const database = await databaseUrl();
    const free = createServer();
    const port = await new Promise<number>((done) =>
      free.listen(0, '127.0.0.2', () => done((free.address() as AddressInfo).port)),
    );
    await new Promise<void>((done) => free.close(() => done()));
    const child = spawn(process.execPath, ['--import', TSX_LOADER, CLI_SCRIPT, 'start'], {
      env: {
        PATH: process.env.PATH ?? '',
        ...env(fake, database, { SLACK_APP_TOKEN: 'xapp-1-test', HOST: '127.0.0.2', PORT: String(port) }),
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
    const database = await databaseUrl();
    const out = await runCli(
      ['start'],
      env(fake, database, { SLACK_APP_TOKEN: 'xapp-1-test', HOST: '192.0.2.1', PORT: '0' }),
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
});

describe('the command line is strict', () => {
  it('`digest send --manager U…` is refused and sends nothing', async () => {
    const fake = await fakeSlack();
    const out = await runCli(['digest', 'send', '--manager', 'UMGR0001'], {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      DATABASE_URL: await databaseUrl(),
    });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("pushpull digest send: unknown option '--manager'");
    expect(out.stderr).toContain('Usage: pushpull digest send');
    expect(fake.calls).toHaveLength(0);
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
    const { child, output } = await spawnPushpull({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      DATABASE_URL: await databaseUrl(),
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
