// The pushpull process in Socket Mode: it finishes the command in flight on SIGTERM, and an app token Slack refuses,
// at start or while running, ends it with one line naming SLACK_APP_TOKEN.
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeSlack } from '../support/fake-slack.js';
import { FakeSocketMode } from '../support/fake-socket-mode.js';
import { BOT_TOKEN, eventually, tempDir } from '../support/harness.js';
import { processDatabase } from '../support/test-stores.js';

const REQ = 'UREQ0001';
const MGR = 'UMGR0001';
const APP_TOKEN = 'xapp-1-A0PUSHPULL-1234-abcdef';

let fake: FakeSlack;
let socket: FakeSocketMode;

/** A free local port for the health endpoint (Socket Mode logs the configured port, so 0 would hide it). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  healthz: string;
}

describe('the pushpull process in Socket Mode', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function spawnSocketMode(refuseWith?: string): Promise<Running> {
    fake = await new FakeSlack().start();
    socket = await new FakeSocketMode(fake).start();
    socket.refuseWith = refuseWith;
    const dir = tempDir();
    const database = await processDatabase(dir);
    const port = await freePort();
    cleanups.push(
      () => fake.stop(),
      () => socket.stop(),
      () => rmSync(dir, { recursive: true, force: true }),
      () => database.release(),
    );
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start'], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        LOG_LEVEL: 'info',
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_APP_TOKEN: APP_TOKEN,
        SLACK_API_URL: fake.apiUrl,
        DATABASE_URL: database.url,
        PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanups.push(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, output: () => output, exited, healthz: `http://127.0.0.1:${port}/healthz` };
  }

  async function connected(running: Running): Promise<void> {
    await eventually(() => {
      if (running.child.exitCode !== null) throw new Error(`pushpull exited:\n${running.output()}`);
      expect(running.output()).toContain('connected to Slack in Socket Mode');
    }, 20_000);
  }

  it('on SIGTERM finishes the command in flight and exits 0', async () => {
    const running = await spawnSocketMode();
    await connected(running);
    expect((await fetch(running.healthz)).status).toBe(200);
    // The manager DM takes a second: it is still in flight when SIGTERM arrives.
    fake.failNext('chat.postMessage', { kind: 'slow', ms: 1000 });
    const ack = await socket.command('/pull', `<@${MGR}|maya> before shutdown`, REQ);
    expect(ack.payload).toMatchObject({ response_type: 'ephemeral' });
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    expect(fake.callsTo('chat.postMessage', (a) => a.channel === MGR)).toHaveLength(1);
    expect(running.output()).toContain('stopped cleanly');
    await expect(fetch(running.healthz)).rejects.toThrow();
  });

  it.each(['invalid_auth', 'not_allowed_token_type'])(
    'an app token Slack refuses at start (%s) ends the process with one line naming SLACK_APP_TOKEN',
    async (error) => {
      const running = await spawnSocketMode(error);
      expect(await running.exited).toBe(1);
      const lines = running.output().split('\n');
      const named = lines.filter((line) => line.includes('SLACK_APP_TOKEN'));
      expect(named).toHaveLength(1);
      expect(named[0]).toContain(error);
      expect(named[0]).toContain('connections:write');
      expect(named[0]).toContain('App-Level Tokens');
      expect(running.output()).not.toContain('    at ');
      expect(fake.callsTo(`apps.connections.open#${error}`)).toHaveLength(1);
      expect(socket.links).toHaveLength(0);
    },
  );

  it('an app token revoked while running: the link drops, Slack refuses a new one, exit 1 naming SLACK_APP_TOKEN', async () => {
    const running = await spawnSocketMode();
    await connected(running);
    socket.refuseWith = 'token_revoked';
    socket.current?.drop();
    expect(await running.exited).toBe(1);
    const named = running
      .output()
      .split('\n')
      .filter((line) => line.includes('SLACK_APP_TOKEN'));
    expect(named).toHaveLength(1);
    expect(named[0]).toContain('token_revoked');
    expect(named[0]).toContain('App-Level Tokens');
    expect(running.output()).not.toContain('    at ');
    expect(fake.callsTo('apps.connections.open#token_revoked')).toHaveLength(1);
  });
});
